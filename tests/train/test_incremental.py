"""Incremental training across simulated nights (the tiny config, a tokenizer fixed across nights):
the parent is found by recipe, a changed hyperparameter trains in full, the chain of parents is in
the manifest, the drift guard trains in full, a repeated run is bit-identical, and `status` predicts
the plan and the key the run uses."""

from __future__ import annotations

import json
import shutil

import pytest
from fake_dumps import sample_pages
from nights import TrainChain, fixed_tokenizer, next_night, write_dump

from arabic_llm.audit.model_card import training_data_section
from arabic_llm.cache.store import Store
from arabic_llm.config import TINY_CONFIG, load_config
from arabic_llm.data.shards import shard_documents
from arabic_llm.layout import LINEAGE_FILE, SHARDS_FILE
from arabic_llm.ops.status import StatusPredictor
from flows.pipeline import pipeline

SMALL = ["train_msa.max_steps=10", "train_dialects.max_steps=10", "train_msa.checkpoint_every=0",
         "train_dialects.checkpoint_every=0", "train_msa.incremental.enabled=true",
         "train_dialects.incremental.enabled=true", "train_msa.incremental.drift_eval_docs=6",
         "train_dialects.incremental.drift_eval_docs=6"]


def night_config(world: dict, night: int, *more: str):
    return load_config(TINY_CONFIG, [f"tokenizer.name_or_path={world['tok']}",
                                     f"download.wikipedia={world['dumps'][night]}", *SMALL, *more])


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict:
    """Night 0 trained in full, night 1 (2% of pages changed) trained incrementally, night 2's shards, in one store."""
    root = tmp_path_factory.mktemp("nights")
    pages0 = sample_pages()
    pages1, changed = next_night(pages0, 0.02, seed=1)
    pages2, _ = next_night(pages1, 0.02, seed=2)
    world = {"root": root, "tok": fixed_tokenizer(root / "tok"), "store": root / "store", "changed": changed,
             "dumps": [write_dump(root / f"night{i}.xml.bz2", p) for i, p in enumerate((pages0, pages1, pages2))]}
    world["night0"] = TrainChain(world["store"]).run(night_config(world, 0))
    world["night1"] = TrainChain(world["store"]).run(night_config(world, 1))
    TrainChain(world["store"], last="shards").run(night_config(world, 2))  # so status sees night 2's shards
    return world


def lineage(chain: TrainChain, stage: str) -> dict:
    return chain.store.manifest(stage, chain.refs[stage].key)["summary"]["lineage"]


def test_parent_is_found_by_recipe_and_the_chain_is_in_the_manifest(world):
    night0, night1 = world["night0"], world["night1"]
    assert lineage(night0, "train_msa")["mode"] == "full"
    msa = lineage(night1, "train_msa")
    assert msa["mode"] == "incremental" and msa["generation"] == 1
    assert msa["recipe"] == lineage(night0, "train_msa")["recipe"]
    parent = msa["parents"][0]
    assert parent["key"] == night0.refs["train_msa"].key and parent["digest"] == night0.refs["train_msa"].digest
    assert parent["shards_digest"] == night0.refs["shards"].digest and parent["mode"] == "full"
    assert "wikipedia" in msa["sources"] and "night1" in msa["sources"]["wikipedia"]
    assert "night0" in parent["sources"]["wikipedia"]
    # The key covers the parent: it is an input of the incremental run, with the shards it saw.
    inputs = night1.store.manifest("train_msa", night1.refs["train_msa"].key)["inputs"]
    assert inputs["parent_adapter"]["digest"] == night0.refs["train_msa"].digest
    assert inputs["parent_shards"]["digest"] == night0.refs["shards"].digest
    # lineage.json in the artifact says the same as the manifest.
    data = night1.refs["train_msa"].data_dir(night1.store.root)
    assert json.loads((data / LINEAGE_FILE).read_text(encoding="utf-8")) == msa
    # Only documents of changed pages are new: digests of documents whose tokens were reused match.
    changed_pages = len(world["changed"]["edited"]) + len(world["changed"]["created"])
    assert 1 <= msa["data"]["new_documents"] <= changed_pages
    assert msa["data"]["new_rows"] < msa["data"]["total_tokens"] // 128 / 4
    assert 2 <= msa["data"]["steps"] <= 2  # min_steps; at most a tenth of 10 steps
    assert msa["drift"]["documents"] >= 1 and msa["drift"]["bpc"] > 0
    # The dialect stage continues its own parent (its recipe includes the MSA stage's recipe, not digest).
    dialects = lineage(night1, "train_dialects")
    assert dialects["mode"] == "incremental"
    assert dialects["parents"][0]["key"] == night0.refs["train_dialects"].key


def test_status_predicts_the_plan_and_key_and_a_rerun_is_cached(world):
    store = Store(world["store"])
    predictor = StatusPredictor(store)
    pipeline(night_config(world, 1), predictor)
    assert predictor.plans["train_msa"].startswith("incremental from " + world["night0"].refs["train_msa"].key[:12])
    assert predictor.stages["train_msa"]["state"] == "up-to-date"
    assert predictor.stages["train_msa"]["key"] == world["night1"].refs["train_msa"].key
    again = TrainChain(world["store"]).run(night_config(world, 1))
    assert again.reused["train_msa"] and again.reused["train_dialects"]


def test_status_on_a_new_dump_already_knows_the_plan(world):
    # A named tokenizer takes no documents: a new dump leaves it (and the recipe) known before anything runs.
    pages, _ = next_night(next_night(sample_pages(), 0.02, seed=1)[0], 0.05, seed=7)
    dump = write_dump(world["root"] / "night-new.xml.bz2", pages)
    predictor = StatusPredictor(Store(world["store"]))
    cfg = load_config(TINY_CONFIG, [f"tokenizer.name_or_path={world['tok']}", f"download.wikipedia={dump}", *SMALL])
    pipeline(cfg, predictor)
    assert predictor.stages["tokenizer"]["state"] == "up-to-date"
    assert predictor.stages["base_model"]["state"] == "up-to-date"
    assert predictor.stages["shards"]["state"] == "will-run"
    assert predictor.plans["train_msa"].startswith("incremental from " + world["night1"].refs["train_msa"].key[:12]
                                                   + " (generation 2")
    assert "incremental from" in predictor.stages["train_msa"]["reason"]


def test_incremental_run_is_bit_identical_when_repeated(world):
    store = Store(world["store"])
    ref = world["night1"].refs["train_msa"]
    before = {p.relative_to(ref.data_dir(store.root)).as_posix(): p.read_bytes()
              for p in sorted(ref.data_dir(store.root).rglob("*")) if p.is_file()}
    store.quarantine("train_msa", ref.key, "test: train it again")
    again = TrainChain(world["store"], last="train_msa").run(night_config(world, 1))
    assert not again.reused["train_msa"] and again.refs["train_msa"].key == ref.key
    assert again.refs["train_msa"].digest == ref.digest
    data = again.refs["train_msa"].data_dir(store.root)
    assert {p.relative_to(data).as_posix(): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()} == before


def test_changed_hyperparameter_trains_in_full(world):
    predictor = StatusPredictor(Store(world["store"]))
    pipeline(night_config(world, 1, "train_msa.lr=1.0e-3"), predictor)
    assert predictor.plans["train_msa"] == "trains in full: no adapter of this recipe trained on earlier shards in the store"
    # train_dialects' recipe covers train_msa's recipe: a changed MSA hyperparameter retrains dialects in full too.
    assert predictor.plans["train_dialects"].startswith("trains in full: no adapter of this recipe")
    # Changing only the incremental policy keeps the recipe: still incremental (from night 0: the night-1
    # adapter was trained on these very shards).
    predictor = StatusPredictor(Store(world["store"]))
    pipeline(night_config(world, 1, "train_msa.incremental.replay_fraction=0.25"), predictor)
    assert predictor.plans["train_msa"].startswith("incremental from " + world["night0"].refs["train_msa"].key[:12])
    # Night 2 continues night 1's adapter, generation 2.
    predictor = StatusPredictor(Store(world["store"]))
    pipeline(night_config(world, 2), predictor)
    assert predictor.plans["train_msa"].startswith("incremental from " + world["night1"].refs["train_msa"].key[:12]
                                                   + " (generation 2")


def test_drift_guard_trains_in_full(world, tmp_path):
    # After max_generations incremental runs in a row, the next run trains in full.
    predictor = StatusPredictor(Store(world["store"]))
    pipeline(night_config(world, 2, "train_msa.incremental.max_generations=1"), predictor)
    assert predictor.plans["train_msa"].startswith("trains in full: its newest adapter")
    assert "max_generations 1" in predictor.plans["train_msa"]
    # An incremental run that lost more held-out bits/char than the margin makes the next one full: the
    # night-1 result, as recorded, against a margin below what it lost (or a recorded loss above it).
    msa = lineage(world["night1"], "train_msa")
    lost = msa["drift"]["bpc"] - msa["drift"]["parent_bpc"]
    copy = tmp_path / "store"
    shutil.copytree(world["store"], copy)
    manifest_path = Store(copy).artifact_path("train_msa", world["night1"].refs["train_msa"].key) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["summary"]["lineage"]["drift"]["bpc"] = msa["drift"]["parent_bpc"] + max(lost, 0) + 0.5
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    predictor = StatusPredictor(Store(copy))
    pipeline(night_config(world, 2, "train_msa.incremental.drift_margin_bpc=0.1"), predictor)
    assert predictor.plans["train_msa"].startswith("trains in full: drift guard")
    night2 = TrainChain(copy, last="train_msa").run(night_config(world, 2, "train_msa.incremental.drift_margin_bpc=0.1"))
    assert lineage(night2, "train_msa")["mode"] == "full"
    assert night2.refs["train_msa"].key == predictor.stages["train_msa"]["key"]  # status and run agree


def test_shards_identify_documents_across_versions(world):
    store = Store(world["store"])
    first = shard_documents(world["night0"].refs["shards"].data_dir(store.root) / SHARDS_FILE, "train")
    second = shard_documents(world["night1"].refs["shards"].data_dir(store.root) / SHARDS_FILE, "train")
    old, new = {bytes(d) for d in first.digests}, {bytes(d) for d in second.digests}
    assert len(first.digests) == len(old) > 50  # one digest per document, distinct
    assert 1 <= len(new - old) <= len(world["changed"]["edited"]) + len(world["changed"]["created"])
    assert 1 <= len(old - new) <= len(world["changed"]["edited"]) + len(world["changed"]["deleted"])
    assert (first.tokens > 1).all() and (first.starts[1:] > first.starts[:-1]).any()


def test_model_card_lists_the_dump_versions_behind_the_adapter(world):
    card = "\n".join(training_data_section({"msa": lineage(world["night1"], "train_msa")}))
    assert "1 incremental run(s) since a full training" in card
    assert "night0.xml.bz2" in card and "night1.xml.bz2" in card
    assert "not unlearned" in card


def test_nightly_flow_turns_incremental_training_on():
    from flows.nightly import NIGHTLY_OVERRIDES

    cfg = load_config(TINY_CONFIG, list(NIGHTLY_OVERRIDES))
    assert cfg.train_msa.incremental.enabled and cfg.train_dialects.incremental.enabled
    assert cfg.download.layout == "segments" and load_config(TINY_CONFIG).download.layout == "parts"
    assert not load_config(TINY_CONFIG).train_msa.incremental.enabled  # off by default
