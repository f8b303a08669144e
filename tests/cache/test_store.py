"""The content-addressed store and the Prefect cache policy, on two toy stages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from toy_flow import toy_flow
from toy_stages import ToyParams, toy_upper

from arabic_llm.cache.keys import canonical_json, stage_key
from arabic_llm.cache.stage import compute_stage_key
from arabic_llm.cache.statcache import StatCache
from arabic_llm.cache.store import Store

HERE = Path(__file__).resolve().parents[1] / "helpers"  # toy flows run as scripts


def outcomes(stages: dict) -> dict:
    return {name: info["outcome"] for name, info in stages.items()}


def called(calls: Path) -> list[str]:
    return calls.read_text().split() if calls.exists() else []


def test_key_pins_its_derivation():
    # The key is sha256 over canonical JSON of schema, stage, code, params and input digests.
    key = stage_key("clean", "sha256:c0de", canonical_json({"b": 1, "a": [1, 2]}), {"docs": "sha256:d1"})
    expected_payload = ('{"code":"sha256:c0de","inputs":{"docs":"sha256:d1"},"params":{"a":[1,2],"b":1},'
                        '"schema":1,"stage":"clean"}')
    import hashlib

    assert key == hashlib.sha256(expected_payload.encode()).hexdigest()


def test_key_depends_on_content_not_path(tmp_path: Path):
    store = Store(tmp_path / "store")
    a, b = tmp_path / "a.txt", tmp_path / "sub" / "b.txt"
    b.parent.mkdir()
    a.write_text("same bytes")
    b.write_text("same bytes")
    key_a = compute_stage_key(toy_upper.spec, ToyParams(), {"src": a}, store)
    key_b = compute_stage_key(toy_upper.spec, ToyParams(), {"src": b}, store)
    assert key_a == key_b
    b.write_text("other bytes")
    assert compute_stage_key(toy_upper.spec, ToyParams(), {"src": b}, store) != key_a


def test_stat_cache_does_not_reread_unchanged_files(tmp_path: Path, monkeypatch):
    cache = StatCache(tmp_path / "state.sqlite")
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(1 << 16))
    first = cache.digest(big)
    reads = []
    import arabic_llm.cache.statcache as statcache

    monkeypatch.setattr(statcache, "sha256_file", lambda p: reads.append(p) or "sha256:x")
    assert cache.digest(big) == first and reads == []
    big.write_bytes(b"changed")
    assert cache.digest(big) == "sha256:x" and len(reads) == 1


def test_stat_cache_keeps_digests_across_a_hard_link_and_a_rename(tmp_path: Path, monkeypatch):
    """Linking moves an inode's ctime (arabic_llm/data/segments.py links parts between artifacts) and a
    commit renames its staging folder: neither changes a byte, so neither is hashed again; an edit is."""
    import arabic_llm.cache.statcache as statcache

    cache = StatCache(tmp_path / "state.sqlite")
    (tmp_path / "a").mkdir()
    part = tmp_path / "a" / "part.bin"
    part.write_bytes(os.urandom(1 << 16))
    digest = cache.digest(part)
    reads = []
    monkeypatch.setattr(statcache, "sha256_file", lambda p: reads.append(p) or "sha256:x")
    (tmp_path / "b").mkdir()
    before = part.stat()
    os.link(part, tmp_path / "b" / "part.bin")
    assert part.stat().st_ctime_ns != before.st_ctime_ns or part.stat().st_nlink == 2
    cache.linked(part, tmp_path / "b" / "part.bin", before)
    assert cache.digest(part) == digest and cache.digest(tmp_path / "b" / "part.bin") == digest and reads == []
    (tmp_path / "b").rename(tmp_path / "c")
    cache.moved(tmp_path / "b", tmp_path / "c")
    assert cache.digest(tmp_path / "c" / "part.bin") == digest and reads == []
    (tmp_path / "c" / "part.bin").write_bytes(b"edited")  # the same inode as a/part.bin: both change
    assert cache.digest(part) == "sha256:x" and len(reads) == 1


def test_cold_then_warm_run_is_cached_and_bodies_are_not_called(tmp_path: Path, src: Path, calls: Path):
    store = str(tmp_path / "store")
    assert outcomes(toy_flow(store=store, src=str(src))) == {"toy_upper": "ran", "toy_count": "ran"}
    assert called(calls) == ["toy_upper", "toy_count"]
    assert outcomes(toy_flow(store=store, src=str(src))) == {"toy_upper": "cached", "toy_count": "cached"}
    assert called(calls) == ["toy_upper", "toy_count"]  # no body ran the second time


def test_manifest_is_the_lineage(tmp_path: Path, src: Path):
    store = Store(tmp_path / "store")
    stages = toy_flow(store=str(store.root), src=str(src))
    manifest = json.loads((store.root / stages["toy_count"]["artifact"] / "manifest.json").read_text())
    assert manifest["key"] == stages["toy_count"]["key"]
    assert manifest["inputs"]["text"]["stage"] == "toy_upper"
    assert manifest["inputs"]["text"]["digest"] == stages["toy_upper"]["digest"]
    assert manifest["params"] == {"repeat": 1, "sleep": 0.0, "fail": False}
    assert manifest["files"] == [{"path": "count.txt", "size": 2, "sha256": manifest["files"][0]["sha256"]}]
    assert manifest["run"]["run_id"] == "toy-run" and manifest["timings"]["seconds"] >= 0


def test_early_cutoff_same_output_keeps_downstream_cached(tmp_path: Path, src: Path, calls: Path):
    store = str(tmp_path / "store")
    toy_flow(store=store, src=str(src))
    # A new sleep value changes toy_upper's key but not its output bytes.
    stages = toy_flow(store=store, src=str(src), sleep=0.01)
    assert outcomes(stages) == {"toy_upper": "ran", "toy_count": "cached"}


def test_altered_and_missing_artifacts_are_recomputed(tmp_path: Path, src: Path):
    store = Store(tmp_path / "store")
    first = toy_flow(store=str(store.root), src=str(src))
    out = store.root / first["toy_upper"]["artifact"] / "data" / "out.txt"
    out.write_text("tampered")
    stages = toy_flow(store=str(store.root), src=str(src))
    assert outcomes(stages) == {"toy_upper": "ran", "toy_count": "cached"}
    assert out.read_text() == "SALAMSALAM"
    assert any((store.root / "quarantine").iterdir())  # the altered copy is kept aside, not lost

    import shutil

    shutil.rmtree(store.root / first["toy_count"]["artifact"])
    assert outcomes(toy_flow(store=str(store.root), src=str(src))) == {"toy_upper": "cached", "toy_count": "ran"}


def test_failed_stage_leaves_nothing_that_looks_complete(tmp_path: Path, src: Path):
    store = Store(tmp_path / "store")
    with pytest.raises(RuntimeError, match="on purpose"):
        toy_flow(store=str(store.root), src=str(src), fail=True)
    assert not list((store.root / "artifacts").glob("toy_upper/*")) if (store.root / "artifacts").exists() else True
    assert not any((store.root / "tmp").iterdir())  # the staging directory was removed
    assert outcomes(toy_flow(store=str(store.root), src=str(src))) == {"toy_upper": "ran", "toy_count": "ran"}


def test_reused_when_prefect_record_is_gone(tmp_path: Path, src: Path, calls: Path):
    store = Store(tmp_path / "store")
    first = toy_flow(store=str(store.root), src=str(src))
    import shutil

    shutil.rmtree(store.prefect_results)
    stages = toy_flow(store=str(store.root), src=str(src))
    assert outcomes(stages) == {"toy_upper": "cached", "toy_count": "cached"}
    assert called(calls) == ["toy_upper", "toy_count"]  # the store answered, no body ran
    assert stages["toy_count"]["digest"] == first["toy_count"]["digest"]


def test_two_concurrent_runs_compute_once(tmp_path: Path, src: Path, calls: Path):
    store = str(tmp_path / "store")
    cmd = [sys.executable, str(HERE / "toy_flow.py"), store, str(src), "3"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parents[1])])}
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [p.communicate(timeout=240) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err[-2000:]
    assert called(calls).count("toy_upper") == 1, results
    assert len(list((Path(store) / "artifacts" / "toy_upper").iterdir())) == 1
    assert sorted(json.loads(out.strip().splitlines()[-1])["toy_upper"] for out, _ in results) == ["cached", "ran"]


def test_killed_run_leaves_nothing_complete_and_its_lock_does_not_block(tmp_path: Path, src: Path, calls: Path):
    import signal
    import time

    store = tmp_path / "store"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parents[1])]), "TOY_SLEEP": "60"}
    # Its own process group: the kill takes Prefect's ephemeral server with it (the CLI's temporary server
    # dies with its run by itself, tests/ops/test_server.py; a toy flow uses Prefect's, which would linger).
    proc = subprocess.Popen([sys.executable, str(HERE / "toy_flow.py"), str(store), str(src), "0"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while not list((store / "tmp").glob("*/data/partial.txt")) and time.time() < deadline:
        time.sleep(0.2)  # wait until the stage is half-way through its body
    assert list((store / "locks").glob("*.lock")), "the running stage holds its key's lock"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (store / "artifacts" / "toy_upper").exists()  # nothing looks complete

    stages = toy_flow(store=str(store), src=str(src))  # same key: the dead holder's lock is broken
    assert outcomes(stages) == {"toy_upper": "ran", "toy_count": "ran"}
    assert (store / stages["toy_upper"]["artifact"] / "data" / "out.txt").read_text() == "SALAMSALAM"
