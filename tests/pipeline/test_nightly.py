"""The nightly deployment's flow, executed for real (no schedule): it honours the runtime settings.

Runtime settings are never part of a key, so only the manifests' run fields show whether a stage ran
with them: every stage of a nightly run must record the config's ``runtime``, and the run record
must be written as a scheduled run's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arabic_llm.cache.store import Store
from arabic_llm.config import load_config
from flows.nightly import nightly

pytestmark = pytest.mark.slow  # the whole pipeline, with two training processes

# As in test_pipeline.py: training cut to two steps, evaluation to a few examples.
FAST = ["train_msa.max_steps=2", "train_dialects.max_steps=2", "evaluate.max_docs_per_dialect=4",
        "bias_audit.max_pairs=8", "evaluate.max_examples=2", "evaluate.noise_levels=[0.0,0.5]",
        "evaluate.robustness_examples=2", "evaluate.max_new_tokens=4"]
STAGES = ["download", "clean", "normalize", "diacritics", "segment", "dialect_model", "dialect", "data_audit",
          "tokenizer", "base_model", "shards", "train_msa", "train_dialects", "evaluate", "bias_audit", "report"]


def test_nightly_flow_runs_every_stage_with_the_configs_runtime_and_records_the_run(tmp_path: Path):
    # Two shard workers and two data-parallel training ranks (gloo on CPU); grad_accum is 2 by default.
    overrides = [*FAST, "runtime.workers=2", "runtime.train_processes=2"]
    runtime = load_config(None, overrides).runtime.model_dump()
    assert runtime == {"workers": 2, "train_processes": 2}

    result = nightly(config_path=None, overrides=overrides, store=str(tmp_path / "store"))

    store = Store(tmp_path / "store")
    assert list(result["outcomes"]) == STAGES and set(result["outcomes"].values()) == {"ran"}
    record = json.loads((store.runs / f"{result['run_id']}.json").read_text(encoding="utf-8"))
    assert record["trigger"] == "schedule" and record["run_id"] == result["run_id"]
    assert json.loads((store.runs / "latest.json").read_text(encoding="utf-8")) == record
    for stage, info in record["stages"].items():
        manifest = store.manifest(stage, info["key"])
        assert manifest is not None, stage
        assert manifest["run"]["run_id"] == result["run_id"], stage
        assert manifest["run"]["runtime"] == runtime, stage
