"""Security: servers bind 127.0.0.1, hub tokens stay out of everything written, nothing is unpickled
from the store, and store paths that escape the root (.., symlinks) are refused."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import cloudpickle
import pytest
from pydantic import ValidationError
from toy_flow import toy_flow

from arabic_llm.cache.keys import canonical_json
from arabic_llm.cache.runs import write_run_record
from arabic_llm.cache.store import ArtifactRef, Store, StoreError
from arabic_llm.config import load_config
from arabic_llm.ops import cli

SECRET = "hf_SeCrEtToKeN0123456789abcdef"


def test_servers_bind_localhost_by_default():
    from flows.runner import dask_task_runner

    args = cli.build_parser().parse_args(["ui"])
    assert (args.host, args.port) == ("127.0.0.1", 4200)
    assert dask_task_runner(workers=2).cluster_kwargs["host"] == "127.0.0.1"
    assert dask_task_runner(workers=2).cluster_kwargs["dashboard_address"].startswith("127.0.0.1:")


def test_nothing_is_unpickled_from_the_store(tmp_path: Path, src: Path, monkeypatch):
    store = Store(tmp_path / "store")
    first = toy_flow(store=str(store.root), src=str(src))
    for info in first.values():  # Prefect's cache records are JSON, with a JSON result inside
        record = json.loads((store.prefect_results / info["key"]).read_text())
        assert record["metadata"]["serializer"]["type"] == "json"

    # A record someone replaced with a pickle (it would run code on load): forgotten, never loaded.
    key = first["toy_upper"]["key"]
    record = json.loads((store.prefect_results / key).read_text())
    record["metadata"]["serializer"] = {"type": "pickle", "picklelib": "cloudpickle", "picklelib_version": None}
    (store.prefect_results / key).write_text(json.dumps(record))

    def refuse(*args, **kwargs):
        raise AssertionError("something was unpickled")

    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(cloudpickle, "loads", refuse)
    warm = toy_flow(store=str(store.root), src=str(src))
    assert {s: i["outcome"] for s, i in warm.items()} == {"toy_upper": "cached", "toy_count": "cached"}
    assert {s: i["digest"] for s, i in warm.items()} == {s: i["digest"] for s, i in first.items()}
    assert json.loads((store.prefect_results / key).read_text())["metadata"]["serializer"]["type"] == "json"


def test_hub_tokens_never_reach_records_manifests_logs_or_prefect(tmp_path: Path, src: Path, monkeypatch, capfd):
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, SECRET)
    store = Store(tmp_path / "store")
    stages = toy_flow(store=str(store.root), src=str(src))
    cfg = load_config()
    write_run_record(store, {"run_id": "r1", "config": json.loads(canonical_json(cfg)), "stages": stages})
    written = [p for p in store.root.rglob("*") if p.is_file()]
    assert any(p.name == "manifest.json" for p in written) and (store.runs / "r1.json").exists()
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path
    prefect_home = Path(os.environ["PREFECT_HOME"])  # the API database: flow runs, parameters, logs, artifacts
    for path in (p for p in prefect_home.rglob("*") if p.is_file()):
        assert SECRET.encode() not in path.read_bytes(), path
    captured = capfd.readouterr()
    assert SECRET not in captured.out + captured.err


def test_artifact_references_cannot_leave_the_store():
    key = "a" * 64
    ArtifactRef(stage="clean", key=key, digest="sha256:x", path=f"artifacts/clean/{key}")
    for stage, path in (("clean", "../../etc"), ("clean", f"artifacts/clean/{key}/../../.."),
                        ("../x", f"artifacts/../x/{key}"), ("clean", f"/tmp/artifacts/clean/{key}")):
        with pytest.raises(ValidationError, match="not a store path"):
            ArtifactRef(stage=stage, key=key, digest="sha256:x", path=path)


def test_stage_and_key_must_be_names(tmp_path: Path):
    store = Store(tmp_path / "store")
    with pytest.raises(StoreError):
        store.artifact_path("..", "a" * 64)
    with pytest.raises(StoreError):
        store.artifact_path("clean", "../../" + "a" * 58)


def test_symlinked_artifact_file_is_refused_and_recomputed(tmp_path: Path, src: Path):
    store = Store(tmp_path / "store")
    first = toy_flow(store=str(store.root), src=str(src))
    outside = tmp_path / "outside.txt"
    outside.write_text("SALAMSALAM")  # same bytes: only the link itself is wrong
    out = store.root / first["toy_upper"]["artifact"] / "data" / "out.txt"
    out.unlink()
    out.symlink_to(outside)
    verdict = store.verify("toy_upper", first["toy_upper"]["key"])
    assert not verdict.ok and "symlink" in verdict.reason
    again = toy_flow(store=str(store.root), src=str(src))
    assert again["toy_upper"]["outcome"] == "ran"
    assert not out.is_symlink() and out.read_text() == "SALAMSALAM"
    assert outside.read_text() == "SALAMSALAM"  # the link's target was never touched


def test_artifacts_directory_symlinked_outside_is_refused(tmp_path: Path, src: Path):
    store = Store(tmp_path / "store")
    first = toy_flow(store=str(store.root), src=str(src))
    elsewhere = tmp_path / "elsewhere"
    (store.root / "artifacts" / "toy_upper").rename(elsewhere)
    (store.root / "artifacts" / "toy_upper").symlink_to(elsewhere, target_is_directory=True)
    verdict = store.verify("toy_upper", first["toy_upper"]["key"])
    assert not verdict.ok and "outside the store" in verdict.reason


def test_a_stage_cannot_commit_a_symlink(tmp_path: Path):
    store = Store(tmp_path / "store")
    with store.staging("toy_upper") as staged:
        (staged / "data" / "link").symlink_to("/etc/hostname")
        with pytest.raises(StoreError, match="is a symlink; artifacts hold files only"):
            store.commit("toy_upper", "b" * 64, staged, {})
    assert not store.artifact_path("toy_upper", "b" * 64).exists()
