"""Before a training stage is keyed: full or incremental training, and from which parent.

The pipeline calls :func:`plan_training` for each training stage with the store the run (or
``arabic-llm status``) works against, so both take the same decision from the same store and
compute the same key. The decision is part of the key: an incremental run's parameters name its
generation and parent (``TrainParams.lineage.incremental``) and its inputs include the parent
adapter and the shards it was trained on (``parent_adapter``, ``parent_shards``).

A parent is an artifact of the same stage with the same **recipe**, the stage key without its data
inputs: same code, hyperparameters, base model and tokenizer (and, for ``train_dialects``, an MSA
adapter of the same recipe), trained on other shards. The newest such artifact is continued unless
the drift guard says otherwise: its own incremental run lost more than ``drift_margin_bpc``
held-out bits per character against its parent, or it is ``max_generations`` incremental runs away
from a full training. Nothing here imports torch: ``status`` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from arabic_llm.cache.keys import canonical_json, stage_key
from arabic_llm.cache.stage import compute_stage_key, input_digests
from arabic_llm.cache.store import PENDING, Store
from arabic_llm.config import (
    IncrementalConfig,
    IncrementalRun,
    TrainLineage,
    TrainParams,
)

DATA_INPUTS = ("shards", "parent_adapter", "parent_shards")  # what a recipe leaves out
LINEAGE_INPUTS = ("msa_adapter",)  # keyed in a recipe by their own recipe, not their digest


@dataclass(frozen=True)
class TrainingPlan:
    """What the stage will be called with, and why."""

    params: TrainParams
    inputs: dict
    mode: str  # "full" | "incremental"
    reason: str
    recipe: str | None


def source_versions(dump, datasets: dict[str, str], files: dict[str, Path], store: Store) -> dict[str, str]:
    """The versions of the sources behind the corpus: a published dump by wiki, date and job, a hub
    dataset by revision, a local file by name and content digest (the model card lists them)."""
    versions = {name: revision for name, revision in datasets.items()}
    if dump is not None:
        versions["wikipedia"] = f"{dump.wiki} dump {dump.date} ({dump.job})"
    for name, path in files.items():
        versions[name] = f"{Path(path).name} {store.stat_cache.digest(Path(path))}"
    return dict(sorted(versions.items()))


def _policy_free(params: TrainParams) -> TrainParams:
    """The parameters with the incremental policy and the lineage left out (what a recipe covers)."""
    return params.model_copy(update={"train": params.train.model_copy(update={"incremental": IncrementalConfig()}),
                                     "lineage": None})


def recipe_of(stage, params: TrainParams, inputs: dict, store: Store, lineage: dict[str, str | None]) -> str | None:
    """The stage key without its data inputs; None while an input it covers is still to be computed."""
    others = {n: v for n, v in inputs.items() if n not in DATA_INPUTS and n not in LINEAGE_INPUTS}
    digests = input_digests(others, store)
    for name in LINEAGE_INPUTS:
        if name in inputs:
            digests[f"{name}_recipe"] = lineage.get(name)
    if any(d is None or str(d).startswith(PENDING) for d in digests.values()):
        return None
    return stage_key(stage.spec.name, stage.spec.code(), canonical_json(_policy_free(params)), digests)


def _candidates(store: Store, stage_name: str, recipe: str, shards_digest: str) -> list[dict]:
    """Verified artifacts of this recipe trained on other shards whose shards are still in the store, newest first."""
    found = []
    for name, key in store.artifacts():
        if name != stage_name:
            continue
        manifest = store.manifest(name, key) or {}
        lineage = (manifest.get("params") or {}).get("lineage") or {}
        shards = (manifest.get("inputs") or {}).get("shards") or {}
        if lineage.get("recipe") != recipe or shards.get("digest") in (None, shards_digest):
            continue
        if not (shards.get("stage") and shards.get("key")) or not store.verify(shards["stage"], shards["key"]).ok:
            continue
        if store.verify(name, key).ok:
            found.append(manifest)
    return sorted(found, key=lambda m: (m.get("timings", {}).get("started", 0), m["key"]), reverse=True)


def plan_training(store: Store | None, stage, params: TrainParams, inputs: dict, policy: IncrementalConfig, *,
                  sources: dict[str, str] | None = None,
                  lineage: dict[str, str | None] | None = None) -> TrainingPlan:
    """Full or incremental training for one stage call, decided from the store.

    Args:
        store: the store the run uses (None: no store, e.g. drawing the DAG: a full plan).
        stage: the training stage (its spec gives name and code).
        params: the stage's parameters as configured (the policy is taken out of the key).
        inputs: its inputs (``shards`` among them).
        policy: ``train_*.incremental``.
        sources: source versions behind the shards (see :func:`source_versions`).
        lineage: recipes of lineage inputs (``{"msa_adapter": <train_msa's recipe>}``).
    """
    base = _policy_free(params)
    if store is None:
        return TrainingPlan(base, dict(inputs), "full", "no store", None)
    recipe = recipe_of(stage, params, inputs, store, lineage or {})
    if recipe is None:
        return TrainingPlan(base, dict(inputs), "full", "full or incremental: decided once the base model and "
                            "tokenizer are computed", None)
    full = base.model_copy(update={"lineage": TrainLineage(recipe=recipe, sources=sources or {})})

    def full_plan(reason: str) -> TrainingPlan:
        return TrainingPlan(full, dict(inputs), "full", f"trains in full: {reason}", recipe)

    if not policy.enabled:
        return full_plan("incremental training is off")
    if params.train.branches:
        return full_plan("incremental training takes one adapter and train_dialects.branches is set")
    shards = inputs["shards"]
    if not shards.digest.startswith(PENDING) and store.verify(stage.spec.name,
                                                             compute_stage_key(stage.spec, full, inputs, store)).ok:
        return full_plan("a full training on these shards is in the store")
    candidates = _candidates(store, stage.spec.name, recipe, shards.digest)
    if not candidates:
        return full_plan("no adapter of this recipe trained on earlier shards in the store")
    parent = candidates[0]
    record = parent.get("summary", {}).get("lineage") or {}
    generation = int(record.get("generation", 0))
    if generation >= policy.max_generations:
        return full_plan(f"its newest adapter {parent['key'][:12]} is {generation} incremental runs from a full "
                         f"training (max_generations {policy.max_generations})")
    drift = record.get("drift")
    if drift and drift["bpc"] - drift["parent_bpc"] > policy.drift_margin_bpc:
        return full_plan(f"drift guard: its newest adapter {parent['key'][:12]} lost "
                         f"{drift['bpc'] - drift['parent_bpc']:.4f} held-out bits/char against its parent "
                         f"(margin {policy.drift_margin_bpc})")
    shards_ref = parent["inputs"]["shards"]
    run = IncrementalRun(
        generation=generation + 1,
        parent={"key": parent["key"], "digest": parent["digest"], "shards_digest": shards_ref["digest"]},
        replay_fraction=policy.replay_fraction, min_steps=policy.min_steps,
        max_steps_fraction=policy.max_steps_fraction, new_text_weight=policy.new_text_weight,
        drift_eval_docs=policy.drift_eval_docs)
    incremental = full.model_copy(update={"lineage": full.lineage.model_copy(update={"incremental": run})})
    more = {"parent_adapter": store.ref(stage.spec.name, parent["key"]),
            "parent_shards": store.ref(shards_ref["stage"], shards_ref["key"])}
    reason = (f"incremental from {parent['key'][:12]} (generation {run.generation} of at most "
              f"{policy.max_generations}): documents new since its shards, {policy.replay_fraction:.0%} replay")
    return TrainingPlan(incremental, {**inputs, **more}, "incremental", reason, recipe)
