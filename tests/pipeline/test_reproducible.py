"""The same inputs give the same bytes: two cold runs of the default config, in two stores, give every
stage the same key and the same digest (so a shared remote store shares everything, and a rerun on
another machine confirms a result)."""

from __future__ import annotations

import json

import pytest
from test_pipeline import FAST, STAGES

from arabic_llm.cache.store import Store
from arabic_llm.ops import cli

pytestmark = pytest.mark.slow  # the whole pipeline, twice

# Stages whose artifacts still hold set-ordered or timed content (adapter_config.json's target_modules,
# timing figures): fixed in the training stages separately; strict, so the fix turns these red until
# the marks go.
NOT_YET_REPRODUCIBLE = {
    "train_msa": "adapter_config.json lists target_modules in set order, and training figures hold timings",
    "train_dialects": "its inputs include train_msa's artifact (and it writes the same adapter_config.json)",
    "evaluate": "its inputs include the training stages' artifacts",
    "bias_audit": "its inputs include the training stages' artifacts",
    "report": "its inputs include the training stages' artifacts",
}


@pytest.fixture(scope="module")
def two_cold_runs(tmp_path_factory) -> list[tuple[Store, dict]]:
    runs = []
    for name in ("first", "second"):
        store = tmp_path_factory.mktemp(name) / "store"
        args = ["run", "--store", str(store)]
        for item in FAST:
            args += ["--set", item]
        assert cli.main(args) == 0
        runs.append((Store(store), json.loads((store / "runs" / "latest.json").read_text())))
    return runs


@pytest.mark.parametrize("stage", [
    pytest.param(s, marks=pytest.mark.xfail(strict=True, reason=NOT_YET_REPRODUCIBLE[s]))
    if s in NOT_YET_REPRODUCIBLE else s for s in STAGES])
def test_two_cold_runs_give_every_stage_the_same_digest(two_cold_runs, stage: str):
    (first, a), (second, b) = two_cold_runs
    assert a["stages"][stage]["outcome"] == b["stages"][stage]["outcome"] == "ran"
    key_a, key_b = a["stages"][stage]["key"], b["stages"][stage]["key"]
    digest_a, digest_b = first.manifest(stage, key_a)["digest"], second.manifest(stage, key_b)["digest"]
    if digest_a != digest_b:
        files_a = {f["path"]: f["sha256"] for f in first.manifest(stage, key_a)["files"]}
        files_b = {f["path"]: f["sha256"] for f in second.manifest(stage, key_b)["files"]}
        differ = sorted(p for p in files_a.keys() | files_b.keys() if files_a.get(p) != files_b.get(p))
        pytest.fail(f"{stage}: two cold runs differ in {differ}")
    assert key_a == key_b, f"{stage}: same content, different keys (an input differs)"
