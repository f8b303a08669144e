"""Learned resources across a refresh (arabic_llm/data/learned.py): with ``learned.refresh: on_drift``
the dialect tagger and the trained BPE learned on night 0 are kept on night 1 (2% of pages changed), so
the stages below keep their recipes; past the drift threshold, or with ``refresh: always``, they are
relearned on the current documents; `status` says which; gc keeps the documents a kept one learned from."""

from __future__ import annotations

import shutil

import pytest
from fake_dumps import sample_pages
from nights import TrainChain, next_night, write_dump

from arabic_llm.data.learned import document_digests, drift
from arabic_llm.config import TINY_CONFIG, load_config
from arabic_llm.ops.cli import _built_from
from arabic_llm.ops.status import StatusPredictor
from flows.pipeline import pipeline

LEARNED = ("dialect_model", "tokenizer")  # what the tiny config learns from the corpus


def night_config(world: dict, night: int, *more: str):
    return load_config(TINY_CONFIG, [f"download.wikipedia={world['dumps'][night]}", *more])


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("learned")
    pages0 = sample_pages()
    pages1, changed = next_night(pages0, 0.02, seed=1)
    world = {"store": root / "store", "changed": changed,
             "dumps": [write_dump(root / f"night{i}.xml.bz2", p) for i, p in enumerate((pages0, pages1))]}
    world["night0"] = TrainChain(world["store"], last="shards").run(night_config(world, 0, "learned.refresh=on_drift"))
    world["kept"] = TrainChain(world["store"], last="shards").run(night_config(world, 1, "learned.refresh=on_drift"))
    return world


def test_drift_counts_added_removed_and_changed_documents():
    before = {"a": b"1", "b": b"2", "c": b"3", "d": b"4"}
    after = {"a": b"1", "b": b"9", "e": b"5"}
    share, counts = drift(before, after)
    assert counts == {"learned_from": 4, "added": 1, "removed": 2, "changed": 1}
    assert share == pytest.approx(4 / 4)
    assert drift(before, dict(before)) == (0.0, {"learned_from": 4, "added": 0, "removed": 0, "changed": 0})


def test_a_small_refresh_keeps_what_was_learned(world):
    night0, kept = world["night0"], world["kept"]
    assert kept.refs["segment"].digest != night0.refs["segment"].digest  # the documents did change
    for stage in LEARNED:
        assert kept.refs[stage].key == night0.refs[stage].key and kept.refs[stage].reused, stage
        assert kept.plans[stage].startswith("kept: "), kept.plans[stage]
        assert "threshold 10.0%" in kept.plans[stage]
    manifest = kept.store.manifest("dialect_model", kept.refs["dialect_model"].key)
    assert manifest["inputs"]["docs"]["key"] == night0.refs["segment"].key  # the documents it learned from


def test_the_drift_is_what_the_refresh_changed(world):
    night0, kept = world["night0"], world["kept"]
    root = kept.store.root
    before = document_digests(night0.refs["segment"].data_dir(root))
    after = document_digests(kept.refs["segment"].data_dir(root))
    share, counts = drift(before, after)
    changed = world["changed"]
    assert counts["removed"] == len(changed["deleted"]) and counts["added"] == len(changed["created"])
    assert counts["changed"] >= len(changed["edited"]) and 0 < share < 0.1
    assert f"{counts['changed']} changed, {counts['removed']} removed, {counts['added']} added" in kept.plans["dialect_model"]


@pytest.mark.parametrize("setting", [["learned.refresh=always"],
                                     ["learned.refresh=on_drift", "learned.drift_threshold=0.001"]])
def test_past_the_threshold_or_always_it_relearns_on_the_current_documents(world, setting, tmp_path):
    shutil.copytree(world["store"], tmp_path / "store")  # each case from the same two nights
    chain = TrainChain(tmp_path / "store", last="dialect").run(night_config(world, 1, *setting))
    night0 = world["night0"]
    assert chain.refs["dialect_model"].key != night0.refs["dialect_model"].key
    manifest = chain.store.manifest("dialect_model", chain.refs["dialect_model"].key)
    assert manifest["inputs"]["docs"]["key"] == chain.refs["segment"].key
    if setting == ["learned.refresh=always"]:
        assert "dialect_model" not in chain.plans
    else:
        assert chain.plans["dialect_model"].startswith("relearns: ") and "threshold 0.1%" in chain.plans["dialect_model"]


def test_status_says_kept_and_predicts_the_kept_key(world):
    predictor = StatusPredictor(world["kept"].store)
    pipeline(night_config(world, 1, "learned.refresh=on_drift"), predictor)
    for stage in LEARNED:
        entry = predictor.stages[stage]
        assert entry["state"] == "up-to-date" and entry["key"] == world["night0"].refs[stage].key
        assert "kept: " in entry["reason"]


def test_gc_keeps_the_documents_a_kept_resource_learned_from(world):
    kept, night0 = world["kept"], world["night0"]
    in_run = {ref.path for ref in kept.refs.values()}
    assert night0.refs["segment"].path not in in_run
    assert night0.refs["segment"].path in _built_from(kept.store, in_run)
