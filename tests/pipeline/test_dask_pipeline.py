"""The whole tiny pipeline under `arabic-llm run --runner dask` gives the keys and digests of a local run, stage
for stage, in a store of its own (nothing shared but the code and the config)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # two whole pipeline runs (minutes on CPU)

ROOT = Path(__file__).resolve().parents[2]
FAST = ["train_msa.max_steps=2", "train_msa.warmup_steps=1", "train_dialects.max_steps=2",
        "train_dialects.warmup_steps=1", "evaluate.max_docs_per_dialect=4", "evaluate.max_examples=2",
        "evaluate.noise_levels=[0.0,0.5]", "evaluate.robustness_examples=2", "evaluate.max_new_tokens=4",
        "bias_audit.max_pairs=8", "download.shard_docs=60"]  # several shards: the unit of Dask's work


def run(store: Path, *options: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    args = [sys.executable, "-m", "arabic_llm.ops.cli", "run", "-c", str(ROOT / "configs" / "tiny.yaml"),
            "--store", str(store), *options, *[a for item in FAST for a in ("--set", item)]]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3000, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((store / "runs" / "latest.json").read_text())["stages"]


def test_the_whole_pipeline_on_dask_gives_the_digests_of_a_local_run(tmp_path: Path):
    local = run(tmp_path / "local")
    on_dask = run(tmp_path / "dask", "--runner", "dask", "--dask-workers", "2")
    assert list(on_dask) == list(local) and len(local) >= 16
    assert {s: i["outcome"] for s, i in on_dask.items()} == dict.fromkeys(local, "ran")
    assert {s: i["key"] for s, i in on_dask.items()} == {s: i["key"] for s, i in local.items()}
    differing = [s for s in local if on_dask[s]["digest"] != local[s]["digest"]]
    assert differing == [], f"stages whose output differs on Dask: {differing}"
