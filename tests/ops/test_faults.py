"""Faults and bad input, with nothing lost: kills at random points, a full disk, three runs at once,
bad configuration, bad data, and `arabic-llm verify` finding altered bytes."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from prefect import flow
from toy_flow import toy_flow

from arabic_llm.cache.store import Store, StoreError
from arabic_llm.config import TINY_CONFIG, load_config
from arabic_llm.data.documents import CorpusError
from arabic_llm.ops import cli
from flows.runner import StageRunner
from tasks.download import download, plan

HERE = Path(__file__).resolve().parents[1] / "helpers"  # toy flows run as scripts
PYTHONPATH = os.pathsep.join([str(HERE), str(HERE.parents[1])])


def toy_process(store: Path, src: Path, sleep: float = 0.0) -> subprocess.Popen:
    # A session of its own, so that a kill takes its temporary Prefect server down with it, as a crash would.
    return subprocess.Popen([sys.executable, str(HERE / "toy_flow.py"), str(store), str(src), str(sleep)],
                            env={**os.environ, "PYTHONPATH": PYTHONPATH}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


class StoreWatcher(threading.Thread):
    """Looks at the store every few milliseconds: any artifact directory it can see must verify."""

    def __init__(self, root: Path):
        super().__init__(daemon=True)
        self.root, self.stop, self.seen, self.violations = root, threading.Event(), set(), []

    def run(self) -> None:
        while not self.stop.is_set():
            self.check()
            time.sleep(0.01)

    def check(self) -> None:
        store = Store(self.root)
        for stage, key in list(store.artifacts()):
            verdict = store.verify(stage, key)
            if not verdict.ok and store.artifact_path(stage, key).exists():
                self.violations.append(f"{stage}/{key}: {verdict.reason}")
            self.seen.add((stage, key))


def test_sigkill_at_random_points_loses_nothing(tmp_path: Path, calls: Path):
    store = tmp_path / "store"
    rng = random.Random(7)  # deterministic "random" kill points
    watcher = StoreWatcher(store)
    watcher.start()
    kills = []
    try:
        for attempt in range(3):
            src = tmp_path / f"src{attempt}.txt"
            src.write_text(f"salam {attempt} ", encoding="utf-8")  # new content: new keys, the stages run
            proc = toy_process(store, src, sleep=0.3)
            if attempt == 0:
                time.sleep(rng.uniform(0.5, 5.0))  # anywhere, Prefect's start-up included
            else:  # inside the stages: their bodies, commits, records
                deadline = time.time() + 120
                while not list((store / "tmp").glob("*")) and proc.poll() is None and time.time() < deadline:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0.0, 1.0))
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=60)
            kills.append(proc.returncode)
            watcher.check()
            stages = toy_flow(store=str(store), src=str(src), sleep=0.3)  # the next run completes
            out = store / stages["toy_upper"]["artifact"] / "data" / "out.txt"
            assert out.read_text() == f"SALAM {attempt} " * 2
            count = store / stages["toy_count"]["artifact"] / "data" / "count.txt"
            assert count.read_text() == str(len(out.read_text()))
    finally:
        watcher.stop.set()
        watcher.join()
    assert watcher.violations == []  # no artifact was ever visible while incomplete
    assert len(watcher.seen) == 6  # every attempt's two artifacts, each seen and verified
    assert any(code == -9 for code in kills)
    assert cli.main(["verify", "--store", str(store)]) == 0


def test_disk_full_gives_a_clear_error_and_keeps_the_store_consistent(tmp_path: Path, small_disk: Path, capsys):
    store = Store(small_disk / "store")
    small = tmp_path / "small.txt"
    small.write_text("salam", encoding="utf-8")
    first = toy_flow(store=str(store.root), src=str(small))
    before = {s: store.verify(s, i["key"], rehash=True).ok for s, i in first.items()}
    assert before == {"toy_upper": True, "toy_count": True}

    big = tmp_path / "big.txt"
    big.write_text("x" * 1_500_000, encoding="utf-8")  # times two repeats: more than the disk holds
    with pytest.raises(StoreError, match="disk full while writing its artifact"):
        toy_flow(store=str(store.root), src=str(big))
    assert not any((store.root / "tmp").iterdir())  # the half-written staging directory is gone
    assert sorted(p.parent.name for p in (store.root / "artifacts").glob("*/*")) == ["toy_count", "toy_upper"]
    for stage, info in first.items():  # earlier artifacts intact, byte for byte
        assert store.verify(stage, info["key"], rehash=True).ok
    assert cli.main(["verify", "--store", str(store.root)]) == 0
    assert "2 ok, 0 bad" in capsys.readouterr().out

    big.write_text("x" * 300_000, encoding="utf-8")  # space for it now: the next run completes
    stages = toy_flow(store=str(store.root), src=str(big))
    assert {s: i["outcome"] for s, i in stages.items()} == {"toy_upper": "ran", "toy_count": "ran"}


def test_three_runs_at_once_compute_each_key_once(tmp_path: Path, calls: Path):
    store = tmp_path / "store"
    src = tmp_path / "src.txt"
    src.write_text("salam", encoding="utf-8")
    procs = [toy_process(store, src, sleep=2) for _ in range(3)]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err[-3000:]
        assert "Traceback" not in err and "database is locked" not in err, err[-3000:]  # no noise either
    outcomes = [json.loads(out.strip().splitlines()[-1]) for out, _ in results]
    assert sorted(o["toy_upper"] for o in outcomes) == ["cached", "cached", "ran"]
    assert calls.read_text().split().count("toy_upper") == 1
    assert calls.read_text().split().count("toy_count") == 1
    assert len(list((store / "artifacts" / "toy_upper").iterdir())) == 1
    assert cli.main(["verify", "--store", str(store)]) == 0


@pytest.mark.parametrize("override, named", [
    ("normalize.alif=false", "normalize.alif: unknown key"),
    ("shards.seq_len=long", "shards.seq_len"),
    ("download.bactrian_x=/no/such/bactrian.jsonl", "/no/such/bactrian.jsonl"),
    ("dialect.train_data=/no/such/labels.tsv", "/no/such/labels.tsv"),
    ("model.name_or_path=/no/such/model", "model.name_or_path: no such local model /no/such/model"),
    ("model.name_or_path=qwen2-1.5b-q8_0.gguf", "model.name_or_path: no such local model qwen2-1.5b-q8_0.gguf"),
])
def test_bad_configuration_stops_before_any_work_with_one_line(tmp_path: Path, capsys, override, named):
    store = tmp_path / "store"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", "-c", str(TINY_CONFIG), "--store", str(store), "--set", override])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert named in err and len(err.strip().splitlines()) == 1, err
    assert not store.exists()  # nothing started: no store, no artifact, no run


@flow(name="download-only")
def download_flow(store: str, bactrian: str) -> dict:
    cfg = load_config(TINY_CONFIG, [f"download.bactrian_x={bactrian}", "download.wikipedia=null", "download.oasst1=null"])
    run = StageRunner(Store(store), "bad-data")
    params, files = plan(cfg.download)
    run(download, params, **files)
    return run.stages


def test_bad_data_names_file_and_record_and_keeps_earlier_artifacts(tmp_path: Path):
    from arabic_llm.data.documents import SAMPLE_DATA

    store = Store(tmp_path / "store")
    good = tmp_path / "bactrian.jsonl"
    good.write_text("".join((SAMPLE_DATA / "bactrian-x-ar.jsonl").read_text(encoding="utf-8").splitlines(True)[:5]),
                    encoding="utf-8")
    first = download_flow(store=str(store.root), bactrian=str(good))
    bad = tmp_path / "bactrian-bad.jsonl"
    bad.write_text(good.read_text(encoding="utf-8") + '{"instruction": "broken\n', encoding="utf-8")
    with pytest.raises(CorpusError) as error:
        download_flow(store=str(store.root), bactrian=str(bad))
    assert str(bad) in str(error.value) and "6" in str(error.value)  # the file and its line
    assert store.verify("download", first["download"]["key"], rehash=True).ok
    assert [p.name for p in (store.root / "artifacts" / "download").iterdir()] == [first["download"]["key"]]


def test_verify_rehashes_and_reports_altered_artifacts(tmp_path: Path, capsys):
    store = Store(tmp_path / "store")
    src = tmp_path / "src.txt"
    src.write_text("salam", encoding="utf-8")
    stages = toy_flow(store=str(store.root), src=str(src))
    assert cli.main(["verify", "--store", str(store.root)]) == 0
    assert "verified 2 artifacts: 2 ok, 0 bad" in capsys.readouterr().out

    # Same size and modification time: the stat cache's key holds the ctime, which cannot be put back.
    out = store.root / stages["toy_upper"]["artifact"] / "data" / "out.txt"
    st = out.stat()
    with open(out, "r+b") as f:
        f.write(b"X")
    os.utime(out, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert not store.verify("toy_upper", stages["toy_upper"]["key"]).ok  # the fast check sees it too
    assert cli.main(["verify", "--store", str(store.root)]) == 1
    out_text = capsys.readouterr().out
    assert f"BAD  {stages['toy_upper']['artifact']}: artifact altered: file out.txt changed" in out_text
    assert "1 ok, 1 bad" in out_text
