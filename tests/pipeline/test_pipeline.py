"""The whole pipeline on the tiny config (configs/tiny.yaml): caching, early cutoff, verification, failures, status.

One cold run is shared (module fixture); each test works on its own copy of that store.
Training is cut to two steps to keep the file within a few minutes on two CPU cores.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from arabic_llm.config import TINY_CONFIG
from arabic_llm.ops import cli

pytestmark = pytest.mark.slow  # the whole pipeline, several runs
from arabic_llm.cache.store import Store

FAST = ["train_msa.max_steps=2", "train_dialects.max_steps=2", "evaluate.max_docs_per_dialect=4",
        "bias_audit.max_pairs=8",
        "evaluate.max_examples=2", "evaluate.noise_levels=[0.0,0.5]", "evaluate.robustness_examples=2",
        "evaluate.max_new_tokens=4"]
STAGES = ["download", "clean", "normalize", "diacritics", "segment", "dialect_model", "dialect", "data_audit", "tokenizer", "base_model",
          "shards", "train_msa", "train_dialects", "evaluate", "bias_audit", "report"]


def run(store: Path, *overrides: str, flags: tuple[str, ...] = ()) -> dict:
    args = ["run", "-c", str(TINY_CONFIG), "--store", str(store), *flags]
    for item in (*FAST, *overrides):
        args += ["--set", item]
    assert cli.main(args) == 0
    return json.loads((store / "runs" / "latest.json").read_text())


def status(store: Path, *overrides: str, capsys) -> dict:
    capsys.readouterr()
    args = ["status", "-c", str(TINY_CONFIG), "--json", "--store", str(store)]
    for item in (*FAST, *overrides):
        args += ["--set", item]
    assert cli.main(args) == 0
    return json.loads(capsys.readouterr().out)["stages"]


def outcomes(record: dict) -> dict:
    return {name: info["outcome"] for name, info in record["stages"].items()}


def assert_status_predicted(predicted: dict, before: dict, record: dict) -> None:
    """Every firm prediction matches what ran; a conditional one (below a stage that reran) may
    come out cached only through early cutoff, i.e. with the key it had before."""
    assert list(predicted) == list(record["stages"])
    for stage, info in record["stages"].items():
        guess = predicted[stage]
        expected = "ran" if guess["state"] == "will-run" else "cached"
        if guess["conditional"]:
            assert info["outcome"] == "ran" or info["key"] == before["stages"][stage]["key"], stage
        else:
            assert info["outcome"] == expected, (stage, guess)


@pytest.fixture(scope="module")
def cold_store(tmp_path_factory) -> tuple[Path, dict]:
    store = tmp_path_factory.mktemp("cold") / "store"
    record = run(store)
    return store, record


@pytest.fixture
def store(cold_store, tmp_path) -> tuple[Path, dict]:
    source, record = cold_store
    copy = tmp_path / "store"
    shutil.copytree(source, copy)
    return copy, record


def test_cold_run_runs_every_stage_and_writes_the_run_record(cold_store):
    store, record = cold_store
    assert outcomes(record) == {s: "ran" for s in STAGES}
    assert set(record) >= {"run_id", "flow_run_id", "config_digest", "stages"}
    for info in record["stages"].values():
        assert (store / info["artifact"] / "manifest.json").is_file()
        assert set(info) >= {"outcome", "key", "artifact", "seconds"}
    assert (store / "runs" / f"{record['run_id']}.json").is_file()


def test_warm_run_is_all_cached_and_status_says_so(store, capsys):
    path, before = store
    predicted = status(path, capsys=capsys)
    assert {s: p["state"] for s, p in predicted.items()} == {s: "up-to-date" for s in STAGES}
    record = run(path)
    assert outcomes(record) == {s: "cached" for s in STAGES}
    assert_status_predicted(predicted, before, record)
    # Nothing to run: no Prefect flow run, and the record points at the same verified artifacts.
    assert record["flow_run_id"] is None and "up to date" in record["prefect"]
    for stage, info in record["stages"].items():
        assert (info["key"], info["artifact"], info["digest"]) == \
            tuple(before["stages"][stage][k] for k in ("key", "artifact", "digest")), stage


def test_force_flow_runs_the_prefect_flow_with_every_stage_cached(store):
    path, before = store
    record = run(path, flags=("--force-flow",))
    assert record["flow_run_id"] and "prefect" not in record
    assert outcomes(record) == {s: "cached" for s in STAGES}
    assert {s: i["digest"] for s, i in record["stages"].items()} == {s: i["digest"] for s, i in before["stages"].items()}


def test_alef_switch_reruns_normalize_and_everything_below(store, capsys):
    path, before = store
    predicted = status(path, "normalize.alef=false", capsys=capsys)
    assert predicted["normalize"]["state"] == "will-run"
    assert "normalize.alef changed (true -> false)" in predicted["normalize"]["reason"]
    record = run(path, "normalize.alef=false")
    result = outcomes(record)
    assert result["download"] == result["clean"] == "cached"
    assert all(result[s] == "ran" for s in STAGES[2:]), result
    assert_status_predicted(predicted, before, record)


def test_identical_output_keeps_everything_below_cached(store, capsys):
    path, before = store
    predicted = status(path, "clean.min_doc_chars=19", capsys=capsys)
    record = run(path, "clean.min_doc_chars=19")
    # Premise: no cleaned document is exactly 19 characters long, so clean's bytes are the same.
    assert record["stages"]["clean"]["digest"] == before["stages"]["clean"]["digest"]
    assert record["stages"]["clean"]["key"] != before["stages"]["clean"]["key"]
    expected = {s: "cached" for s in STAGES} | {"clean": "ran"}
    assert outcomes(record) == expected
    assert_status_predicted(predicted, before, record)


def test_deleted_artifact_reruns_only_that_stage(store, capsys):
    path, before = store
    shutil.rmtree(path / before["stages"]["segment"]["artifact"])
    predicted = status(path, capsys=capsys)
    assert predicted["segment"] == {**predicted["segment"], "state": "will-run", "reason": "artifact missing"}
    record = run(path)
    assert outcomes(record) == {s: "cached" for s in STAGES} | {"segment": "ran"}
    assert_status_predicted(predicted, before, record)


def test_altered_file_is_detected_and_recomputed(store, capsys):
    path, before = store
    docs = path / before["stages"]["dialect"]["artifact"] / "data" / "documents" / "part-00000.parquet"
    original = docs.read_bytes()
    docs.write_bytes(original[:-9] + bytes([original[-9] ^ 1]) + original[-8:])  # one bit, same size
    predicted = status(path, capsys=capsys)
    assert predicted["dialect"]["state"] == "will-run"
    assert "altered" in predicted["dialect"]["reason"]
    record = run(path)
    assert outcomes(record) == {s: "cached" for s in STAGES} | {"dialect": "ran"}
    assert docs.read_bytes() == original
    assert_status_predicted(predicted, before, record)


def test_stage_that_raises_midway_leaves_no_artifact_and_next_run_completes(store, monkeypatch):
    path, before = store
    import arabic_nlp.segment  # the stage imports split_sentences from here when it runs

    calls = {"n": 0}
    real = arabic_nlp.segment.split_sentences

    def flaky(text):
        calls["n"] += 1
        if calls["n"] > 20:
            raise RuntimeError("segmenter crashed midway")
        return real(text)

    monkeypatch.setattr(arabic_nlp.segment, "split_sentences", flaky)
    args = ["run", "--store", str(path), "--set", "segment.min_sentence_chars=3"]
    for item in FAST:
        args += ["--set", item]
    assert cli.main(args) == 1
    segment_dirs = {p.name for p in (path / "artifacts" / "segment").iterdir()}
    assert segment_dirs == {before["stages"]["segment"]["key"]}  # nothing new looks complete
    assert not any((path / "tmp").iterdir())
    monkeypatch.setattr(arabic_nlp.segment, "split_sentences", real)
    record = run(path, "segment.min_sentence_chars=3")
    result = outcomes(record)
    assert result["segment"] == "ran"
    assert all(result[s] == "cached" for s in STAGES[:4])
    assert Store(path).verify("segment", record["stages"]["segment"]["key"]).ok
