"""The same inputs give the same bytes: two cold runs of the tiny config, in two stores, give every
stage the same key and the same digest (so a shared remote store shares everything, and a rerun on
another machine confirms a result)."""

from __future__ import annotations

import json

import pytest
from test_pipeline import FAST, STAGES

from arabic_llm.cache.store import Store
from arabic_llm.config import TINY_CONFIG
from arabic_llm.ops import cli

pytestmark = pytest.mark.slow  # the whole pipeline, twice

NOT_YET_REPRODUCIBLE: dict[str, str] = {}  # stage -> why (strict xfail): none left


@pytest.fixture(scope="module")
def two_cold_runs(tmp_path_factory) -> list[tuple[Store, dict]]:
    runs = []
    for name in ("first", "second"):
        store = tmp_path_factory.mktemp(name) / "store"
        args = ["run", "-c", str(TINY_CONFIG), "--store", str(store)]
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


def test_what_a_run_measured_lies_beside_the_reports_content(two_cold_runs):
    (store, record), _ = two_cold_runs
    report = store.root / record["stages"]["report"]["artifact"]
    measured = (report / "run" / "measurements.md").read_text(encoding="utf-8")
    assert "| stage | seconds | peak_rss_mb | peak_gpu_mb |" in measured
    assert (report / "run" / "fig3_ram.png").is_file() and not (report / "data" / "fig3_ram.png").exists()
