"""Expected failures are one clear line: no traceback unless --debug, exit status 2 for the user's mistakes and
1 for the rest, the Prefect run still Failed with the message; gc and config values that can only fail later
are refused up front; a killed run's staging folders go at once; stage logs reach the run's log."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from arabic_llm.cache.store import Store, StoreError
from arabic_llm.config import ConfigError, load_config
from arabic_llm.data.documents import SAMPLE_DATA, CorpusError
from arabic_llm.ops import cli
from flows.failures import OTHER_FAILURE, USER_MISTAKE, expected_failure, is_disk_full

ROOT = Path(__file__).resolve().parents[2]
HELPERS = ROOT / "tests" / "helpers"
TINY = ROOT / "configs" / "tiny.yaml"


def run_cli(args: list[str], prefect_home: Path) -> subprocess.CompletedProcess:
    """`arabic-llm ...` in a process of its own, as on a terminal, with its own Prefect database."""
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "ARABIC_LLM_PREFECT_SERVER": "temporary",
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run([sys.executable, "-m", "arabic_llm.ops.cli", *args], env=env, capture_output=True,
                          text=True, timeout=600)


def prefect_rows(prefect_home: Path, query: str) -> list[tuple]:
    with sqlite3.connect(prefect_home / "prefect.db") as db:
        return db.execute(query).fetchall()


def test_a_truncated_dump_fails_in_one_line_with_exit_2_and_the_run_failed_with_the_message(tmp_path: Path):
    dump = tmp_path / "truncated.xml.bz2"
    dump.write_bytes((SAMPLE_DATA / "arwiki-sample-pages-articles.xml.bz2").read_bytes()[:9000])
    home = tmp_path / "prefect"
    args = ["run", "-c", str(TINY), "--store", str(tmp_path / "store"), "--set", f"download.wikipedia={dump}"]
    done = run_cli(args, home)
    assert done.returncode == USER_MISTAKE, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # was 123 lines: two tracebacks from Prefect's logging above it
    assert lines[0].startswith(f"arabic-llm: download: bad input: {dump}") and "before the first page" in lines[0]
    assert "  download        failed" in done.stdout

    states = prefect_rows(home, "select flow_run.state_type, flow_run_state.message from flow_run "
                                "join flow_run_state on flow_run.state_id = flow_run_state.id")
    assert states and states[0][0] == "FAILED" and str(dump) in states[0][1] and "CorpusError" in states[0][1]
    logged = " ".join(m for (m,) in prefect_rows(home, "select message from log"))
    assert "CorpusError" in logged  # the UI keeps the details

    debug = run_cli([*args, "--debug"], home)  # -v / --debug: the traceback too
    assert debug.returncode == USER_MISTAKE
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.strip().splitlines()[-1] == lines[0]


@pytest.mark.parametrize("runner", ["local", "dask"])
def test_stage_summaries_and_printed_lines_reach_the_flow_runs_log_and_stdout_stays_plain(tmp_path: Path, runner):
    script = ("import env_settings, os, json, prefect\n"
              "from flows.logs import route_run_logs\n"
              "from flows.runner import dask_task_runner\n"
              "route_run_logs()\n"
              "from toy_flow import toy_flow\n"
              + ("toy_flow = toy_flow.with_options(task_runner=dask_task_runner(workers=1))\n" if runner == "dask" else "")
              + f"toy_flow(store={str(tmp_path / 'store')!r}, src={str(tmp_path / 'src.txt')!r})\n"
              "print('PREFECT_HOME=' + os.environ['PREFECT_HOME'])\n")
    (tmp_path / "src.txt").write_text("salam", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HELPERS), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "toy_upper: read 5 characters" in done.stdout.splitlines()  # the stage's print, as a plain line
    assert "stage toy_upper" not in done.stdout + done.stderr  # summaries are for the UI
    home = Path(done.stdout.strip().splitlines()[-1].removeprefix("PREFECT_HOME="))
    logs = prefect_rows(home, "select log.message, log.task_run_id from log join flow_run on log.flow_run_id = "
                              "flow_run.id where flow_run.name = 'toy' or flow_run.flow_id in (select id from flow where name = 'toy') "
                              "order by log.timestamp")
    messages = [m for m, _ in logs]
    assert any(m.startswith("stage toy_upper ran in ") and '"chars": 2' in m for m in messages), messages
    assert any(m.startswith("stage toy_count ran in ") and '"count": 10' in m for m in messages), messages
    assert any(m == "toy_upper: read 5 characters" and task for m, task in logs)  # in the stage's task run log


@pytest.mark.parametrize("override, named", [
    ("download.bactrian_x={dir}", "download.bactrian_x: {dir} is a directory without dataset files"),
    ("dialect.train_data={dir}", "dialect.train_data: {dir} is a directory; expected a file"),
    ("download.wikipedia={dir}", "download.wikipedia: {dir} is a directory; expected a file"),
])
def test_a_directory_where_a_file_belongs_is_one_line_before_any_work(tmp_path: Path, capsys, override, named):
    folder = tmp_path / "not-a-dataset"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a dataset", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", "-c", str(TINY), "--store", str(tmp_path / "store"), "--set", override.format(dir=folder)])
    assert exit_.value.code == USER_MISTAKE
    err = capsys.readouterr().err
    assert named.format(dir=folder) in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "store").exists()


def test_gc_refuses_a_negative_count(tmp_path: Path, capsys):
    from toy_flow import toy_flow

    src = tmp_path / "src.txt"
    src.write_text("salam", encoding="utf-8")
    toy_flow(store=str(tmp_path / "store"), src=str(src))
    before = sorted((tmp_path / "store" / "artifacts").glob("*/*"))
    assert cli.main(["gc", "--store", str(tmp_path / "store"), "--keep-last", "-1"]) == USER_MISTAKE
    err = capsys.readouterr().err
    assert "--keep-last and --tmp-hours must be 0 or more" in err and len(err.strip().splitlines()) == 1
    assert len(before) == 2 and sorted((tmp_path / "store" / "artifacts").glob("*/*")) == before


def test_a_killed_runs_staging_folder_goes_at_once_and_a_live_ones_stays(tmp_path: Path, capsys):
    store = Store(tmp_path / "store")
    holder = ("import sys, time\nfrom arabic_llm.cache.store import Store\n"
              "with Store(sys.argv[1]).staging('toy_upper') as staged:\n"
              "    (staged / 'data' / 'half.txt').write_text('half')\n"
              "    print(staged, flush=True)\n    time.sleep(600)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.Popen([sys.executable, "-c", holder, str(store.root)], stdout=subprocess.PIPE, text=True, env=env)
    live = subprocess.Popen([sys.executable, "-c", holder, str(store.root)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        killed_dir, live_dir = Path(killed.stdout.readline().strip()), Path(live.stdout.readline().strip())
        killed.kill()
        killed.wait()
        assert f"-pid{killed.pid}@" in killed_dir.name and killed_dir.is_dir()  # the owner is in its name
        assert store.dead_staging() == [killed_dir]
        assert cli.main(["gc", "--store", str(store.root), "--dry-run"]) == 0  # 24 hours not needed
        assert f"would remove {killed_dir.relative_to(store.root).as_posix()}" in capsys.readouterr().out
        assert store.clear_dead_staging() == [killed_dir]  # what `run` does first
        assert not killed_dir.exists() and live_dir.is_dir()
    finally:
        live.kill()
        live.wait()


def write_hdf5(h5py, path: Path, array) -> None:
    with h5py.File(path, "w") as f:
        f.create_dataset("x", data=array)


def test_disk_full_is_recognised_whichever_library_raises_it(small_disk: Path):
    import h5py
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    import torch
    from safetensors.torch import save_file

    big = np.random.default_rng(0).random(1_000_000)  # 8 MB of incompressible floats on a 2 MB disk
    writers = {
        "safetensors": lambda path: save_file({"w": torch.from_numpy(big)}, str(path)),
        "pyarrow": lambda path: pq.write_table(pa.table({"x": big}), path, compression="none"),
        "h5py": lambda path: write_hdf5(h5py, path, big),
        "open": lambda path: path.write_bytes(big.tobytes()),
    }
    for name, write in writers.items():
        with pytest.raises(BaseException) as raised:
            write(small_disk / f"{name}.bin")
            os.sync()
        failure = expected_failure(raised.value)
        assert is_disk_full(raised.value) and failure is not None, (name, repr(raised.value))
        assert failure.exit_code == OTHER_FAILURE and "disk full" in failure.message, (name, failure)
        assert "\n" not in failure.message
        for leftover in small_disk.iterdir():
            leftover.unlink()


def test_expected_failures_map_to_one_line_and_their_exit_status(tmp_path: Path):
    with pytest.raises(ConfigError) as config_error:
        load_config(str(TINY), ["train_msa.micro_batch=-2"])
    assert expected_failure(config_error.value).exit_code == USER_MISTAKE
    assert expected_failure(CorpusError(f"{tmp_path}/a.jsonl: line 6: bad JSON")) .exit_code == USER_MISTAKE
    wrapped = StoreError("base_model: disk full while writing its artifact (/store)")
    wrapped.__cause__ = OSError(errno.ENOSPC, "No space left on device")
    assert expected_failure(wrapped).message.startswith("base_model: disk full while writing its artifact")
    try:  # a CorpusError inside another error still counts as bad input
        try:
            raise CorpusError("x.jsonl: line 2: not UTF-8")
        except CorpusError as inner:
            raise RuntimeError("shard worker failed") from inner
    except RuntimeError as outer:
        assert expected_failure(outer).message == "bad input: x.jsonl: line 2: not UTF-8"
    assert expected_failure(RuntimeError("a bug")) is None  # keeps its traceback
    assert expected_failure(KeyError("x")) is None


def test_a_model_missing_offline_is_one_line_naming_the_settings(monkeypatch):
    from transformers import AutoConfig

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(OSError) as raised:
        AutoConfig.from_pretrained("no-such-org/no-such-model")
    failure = expected_failure(raised.value)
    assert failure is not None and failure.exit_code == OTHER_FAILURE
    assert "model.name_or_path" in failure.message and "\n" not in failure.message
