"""A shared remote store (s3:// through fsspec) against moto's S3 server on 127.0.0.1: machines with
their own local caches reuse each other's artifacts, same keys and digests; uploads are atomic."""

from __future__ import annotations

import json
from pathlib import Path

import fsspec
import pytest
from toy_flow import toy_flow

from arabic_llm.cache.remote import RemoteStore, RemoteStoreError
from arabic_llm.cache.store import REMOTE_FILE, Store, StoreError

BUCKET = "team-store"


@pytest.fixture
def remote_url(s3_endpoint, monkeypatch, request) -> str:
    # Credentials and endpoint from the environment, as on a real machine.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    fs = fsspec.filesystem("s3", skip_instance_cache=True)
    if not fs.exists(BUCKET):
        fs.mkdir(BUCKET)
    return f"s3://{BUCKET}/{request.node.name}"


def machine(url: str, cache: Path) -> str:
    """A machine's store: its own local cache in front of the shared remote."""
    return str(Store.open(url, cache).root)


def outcomes(stages: dict) -> dict:
    return {name: info["outcome"] for name, info in stages.items()}


def test_second_machine_reuses_the_first_ones_artifacts(tmp_path, remote_url, src, calls):
    local = toy_flow(store=str(tmp_path / "plain-local"), src=str(src))
    first = toy_flow(store=machine(remote_url, tmp_path / "cache-a"), src=str(src))
    assert outcomes(first) == {"toy_upper": "ran", "toy_count": "ran"}
    # Same keys and digests as a plain local store.
    assert {s: (i["key"], i["digest"]) for s, i in first.items()} == \
        {s: (i["key"], i["digest"]) for s, i in local.items()}

    fs = fsspec.filesystem("s3", skip_instance_cache=True)
    remote_root = remote_url.removeprefix("s3://")
    for info in first.values():  # the remote holds the same layout: data and manifest
        assert fs.exists(f"{remote_root}/{info['artifact']}/manifest.json")

    calls.write_text("")
    second = toy_flow(store=machine(remote_url, tmp_path / "cache-b"), src=str(src))
    assert outcomes(second) == {"toy_upper": "cached", "toy_count": "cached"}
    assert calls.read_text() == ""  # no stage body ran on the second machine
    assert {s: i["digest"] for s, i in second.items()} == {s: i["digest"] for s, i in first.items()}
    fetched = Store(tmp_path / "cache-b")
    for stage, info in second.items():
        assert fetched.verify(stage, info["key"]).ok
    assert (tmp_path / "cache-b" / second["toy_upper"]["artifact"] / "data" / "out.txt").read_text() == "SALAMSALAM"


def test_half_uploaded_artifact_is_never_taken(tmp_path, remote_url, src, calls):
    first = toy_flow(store=machine(remote_url, tmp_path / "cache-a"), src=str(src))
    fs = fsspec.filesystem("s3", skip_instance_cache=True)
    remote_root = remote_url.removeprefix("s3://")
    upper = f"{remote_root}/{first['toy_upper']['artifact']}"
    # An upload killed before its manifest: the data is there, the manifest is not.
    fs.rm_file(f"{upper}/manifest.json")
    # And one whose data object was cut short after the manifest went up.
    count = f"{remote_root}/{first['toy_count']['artifact']}"
    fs.pipe_file(f"{count}/data/count.txt", b"1")

    calls.write_text("")
    second = toy_flow(store=machine(remote_url, tmp_path / "cache-b"), src=str(src))
    assert outcomes(second) == {"toy_upper": "ran", "toy_count": "ran"}
    assert calls.read_text().split() == ["toy_upper", "toy_count"]
    assert {s: i["digest"] for s, i in second.items()} == {s: i["digest"] for s, i in first.items()}

    # The recomputing machine repaired the remote: a third machine takes both, checked.
    calls.write_text("")
    third = toy_flow(store=machine(remote_url, tmp_path / "cache-c"), src=str(src))
    assert outcomes(third) == {"toy_upper": "cached", "toy_count": "cached"} and calls.read_text() == ""
    assert (tmp_path / "cache-c" / third["toy_count"]["artifact"] / "data" / "count.txt").read_text() == "10"


def test_fetch_checks_every_file_against_the_manifest(tmp_path, remote_url, src):
    first = toy_flow(store=machine(remote_url, tmp_path / "cache-a"), src=str(src))
    fs = fsspec.filesystem("s3", skip_instance_cache=True)
    upper = f"{remote_url.removeprefix('s3://')}/{first['toy_upper']['artifact']}"
    fs.pipe_file(f"{upper}/data/out.txt", b"SALAMSALAx")  # same size, other bytes
    store = Store.open(remote_url, tmp_path / "cache-b")
    verdict = store.fetch("toy_upper", first["toy_upper"]["key"])
    assert not verdict.ok and "does not match its manifest" in verdict.reason
    assert not store.artifact_path("toy_upper", first["toy_upper"]["key"]).exists()


def test_remote_manifest_cannot_write_outside_the_artifact(tmp_path, remote_url):
    remote = RemoteStore(remote_url)
    key = "a" * 64
    base = f"{remote.root}/artifacts/toy_upper/{key}"
    remote.fs.pipe_file(f"{base}/manifest.json", json.dumps(
        {"schema": 1, "stage": "toy_upper", "key": key, "digest": "x",
         "files": [{"path": "../../../../escaped.txt", "size": 1, "sha256": "x"}]}).encode())
    store = Store.open(remote_url, tmp_path / "cache")
    verdict = store.fetch("toy_upper", key)
    assert not verdict.ok and "escapes the store root" in verdict.reason
    assert not list(tmp_path.rglob("escaped.txt"))


def test_cache_is_bound_to_one_remote_and_urls_carry_no_credentials(tmp_path, remote_url):
    Store.open(remote_url, tmp_path / "cache")
    assert json.loads((tmp_path / "cache" / REMOTE_FILE).read_text()) == {"url": remote_url}
    with pytest.raises(StoreError, match="is the cache of"):
        Store.open(remote_url + "-other", tmp_path / "cache")
    with pytest.raises(RemoteStoreError, match="credentials do not go in the URL"):
        Store.open("s3://AKIA:secret@bucket/x", tmp_path / "cache2")
    assert not (tmp_path / "cache2").exists()


def toy_status(store: str, src: Path) -> dict:
    """`status` for the toy flow's two stages: what a machine with this store would run."""
    from toy_stages import ToyParams, toy_count, toy_upper

    from arabic_llm.ops.status import StatusPredictor

    predictor = StatusPredictor(Store(store))
    upper = predictor(toy_upper, ToyParams(repeat=2), src=src)
    predictor(toy_count, ToyParams(repeat=1), text=upper)
    return predictor.stages


def test_status_counts_artifacts_only_the_remote_holds(tmp_path, remote_url, src):
    first = toy_flow(store=machine(remote_url, tmp_path / "cache-a"), src=str(src))
    fresh = toy_status(machine(remote_url, tmp_path / "cache-b"), src)
    assert {s: i["state"] for s, i in fresh.items()} == {"toy_upper": "up-to-date", "toy_count": "up-to-date"}
    assert all(i["remote"] and remote_url in i["reason"] for i in fresh.values())
    assert {s: i["key"] for s, i in fresh.items()} == {s: i["key"] for s, i in first.items()}
    assert not (tmp_path / "cache-b" / "artifacts").exists()  # status reads manifests, downloads nothing
    # Without the remote, the same machine would run both.
    alone = toy_status(str(tmp_path / "plain"), src)
    assert {s: i["state"] for s, i in alone.items()} == {"toy_upper": "will-run", "toy_count": "will-run"}

    # An upload cut short before its manifest is not counted, as a run would not take it.
    fs = fsspec.filesystem("s3", skip_instance_cache=True)
    fs.rm_file(f"{remote_url.removeprefix('s3://')}/{first['toy_count']['artifact']}/manifest.json")
    partial = toy_status(machine(remote_url, tmp_path / "cache-b"), src)
    assert partial["toy_upper"]["state"] == "up-to-date"
    assert partial["toy_count"] == {**partial["toy_count"], "state": "will-run", "reason": "never run in this store"}


def test_status_command_consults_the_remote_store(tmp_path, remote_url, capsys):
    from arabic_llm.ops import cli

    args = ["status", "--json", "--store", remote_url, "--store-cache", str(tmp_path / "cache-b")]
    assert cli.main(args) == 0
    before = json.loads(capsys.readouterr().out)["stages"]
    assert before["download"]["state"] == "will-run" and before["clean"]["conditional"]
    # Another machine built `download` and uploaded it.
    key = before["download"]["key"]
    other = Store.open(remote_url, tmp_path / "cache-a")
    with other.staging("download") as staged:
        (staged / "data" / "docs.txt").write_text("documents", encoding="utf-8")
        other.commit("download", key, staged, {})
    other.publish("download", key)

    assert cli.main(args) == 0
    after = json.loads(capsys.readouterr().out)["stages"]
    assert after["download"] == {**after["download"], "state": "up-to-date", "remote": True}
    assert not after["clean"]["conditional"]  # its input digest is known now, from the remote manifest
    assert not (tmp_path / "cache-b" / "artifacts").exists()
