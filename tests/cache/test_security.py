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


@pytest.mark.slow  # the whole tiny pipeline through the command line (minutes on CPU)
def test_tokens_never_reach_the_remote_store_run_records_or_prefect_from_a_real_cli_run(tmp_path: Path, s3_endpoint):
    """`arabic-llm run` as a user starts it: hub token and cloud credentials in the environment, a shared S3
    store (moto), Bactrian-X from a hub-style dataset mirror read through `datasets`; then every byte the run
    left in the remote store, the local cache, the run records and the Prefect database is searched."""
    import subprocess
    import sys

    import fsspec

    from arabic_llm.data.documents import SAMPLE_DATA

    mirror = tmp_path / "bactrian-x-mirror"  # the layout `huggingface-cli download --repo-type dataset` leaves
    (mirror / "data").mkdir(parents=True)
    (mirror / "data" / "train.jsonl").write_bytes((SAMPLE_DATA / "bactrian-x-ar.jsonl").read_bytes())
    home, cache = tmp_path / "prefect", tmp_path / "cache"
    env = {**os.environ, "HF_TOKEN": SECRET, "HUGGING_FACE_HUB_TOKEN": SECRET, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": s3_endpoint,
           "PREFECT_HOME": str(home), "ARABIC_LLM_PREFECT_SERVER": "temporary",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")])}
    env.pop("PREFECT_API_URL", None)
    fs = fsspec.filesystem("s3", skip_instance_cache=True, key="testing", secret=SECRET,
                           client_kwargs={"endpoint_url": s3_endpoint})
    fs.mkdir("secrets-bucket")
    quick = ["train_msa.max_steps=2", "train_msa.warmup_steps=1", "train_dialects.max_steps=2",
             "train_dialects.warmup_steps=1", "evaluate.max_examples=4", "evaluate.max_docs_per_dialect=4",
             "evaluate.noise_levels=[0.0]", "evaluate.robustness_examples=1", "evaluate.human_eval_samples=1",
             "bias_audit.max_pairs=4"]
    done = subprocess.run([sys.executable, "-m", "arabic_llm.ops.cli", "run", "-c", "configs/tiny.yaml",
                           "--store", "s3://secrets-bucket/store", "--store-cache", str(cache),
                           "--set", f"download.bactrian_x={mirror}", *[a for q in quick for a in ("--set", q)]],
                          env=env, capture_output=True, text=True, timeout=1800, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-3000:]
    assert SECRET not in done.stdout + done.stderr
    records = list((cache / "runs").glob("*.json"))
    assert records and json.loads((cache / "runs" / "latest.json").read_text())["stages"]["report"]["outcome"] == "ran"
    remote = [p for p in fs.find("secrets-bucket/store")]
    assert any(p.endswith("manifest.json") for p in remote)
    for path in remote:
        assert SECRET.encode() not in fs.cat_file(path), path
    for path in [p for p in cache.rglob("*") if p.is_file()] + [p for p in home.rglob("*") if p.is_file()]:
        assert SECRET.encode() not in path.read_bytes(), path
    assert any(p.name.startswith("prefect.db") for p in home.iterdir())  # the API database was searched
