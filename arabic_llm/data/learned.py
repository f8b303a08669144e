"""Learned resources across refreshes: relearn, or keep the one learned on earlier documents.

The dialect tagger (labels over corpus documents), a BPE trained on the corpus and the Arabic
vocabulary learn from the documents, so a refresh that touches any of them would relearn them and
change every record below (every dialect tag, every shard). With ``learned.refresh: on_drift``
(nightly runs) the pipeline asks :func:`plan_learned` before such a stage is keyed: when the store
holds an artifact of the same stage, code, parameters and other inputs, learned on an earlier version
of the documents, and the documents have drifted from that version by at most ``drift_threshold``
(documents added, removed or changed, as a share of those it learned from), the stage is called with
the documents it learned from. Its key is then that artifact's key: the same bytes, nothing new is
learned, and every stage below keeps its keys. Past the threshold, or with ``refresh: always``, it
learns from the current documents. Either way the key names the documents the result came from.

``status`` and ``run`` take the same decision from the same store; the reason goes in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from arabic_llm.cache.keys import canonical_json, stage_key
from arabic_llm.cache.stage import input_digests
from arabic_llm.cache.store import PENDING, ArtifactRef, Store
from arabic_llm.config import LearnedConfig

DOCS = "docs"  # the input a learned resource learns from


@dataclass(frozen=True)
class LearnedPlan:
    inputs: dict
    reason: str | None  # None: nothing to say (no documents, or refresh: always)


def document_digests(data_dir: Path) -> dict[str, bytes]:
    """Each document's id -> a digest of its whole row (every column), from a documents artifact."""
    import numpy as np

    from arabic_llm.cache.records import record_digests
    from arabic_llm.data.documents import doc_tables

    out: dict[str, bytes] = {}
    for table in doc_tables(data_dir):
        if not table.num_rows:
            continue
        ids = table.column("id").to_pylist()
        digests = record_digests(table, np.arange(len(ids)), np.ones(len(ids), dtype=np.int64), "")
        out.update((doc, digests[i * 32:(i + 1) * 32]) for i, doc in enumerate(ids))
    return out


def drift(before: dict[str, bytes], after: dict[str, bytes]) -> tuple[float, dict[str, int]]:
    """Documents added, removed or changed from ``before`` to ``after``, as a share of ``before``."""
    removed = sum(1 for doc in before if doc not in after)
    added = sum(1 for doc in after if doc not in before)
    changed = sum(1 for doc, digest in after.items() if doc in before and before[doc] != digest)
    counts = {"learned_from": len(before), "added": added, "removed": removed, "changed": changed}
    return (added + removed + changed) / max(len(before), 1), counts


def _same_recipe_candidates(store: Store, stage, params, inputs: dict) -> list[tuple[dict, ArtifactRef]]:
    """Verified artifacts of ``stage`` whose key is this call's with only the documents swapped for the ones
    they learned from (so: same code, parameters and other inputs), newest first, with those documents."""
    digests = input_digests(inputs, store)
    found = []
    for key in store.artifacts_of(stage.spec.name):
        manifest = store.manifest(stage.spec.name, key) or {}
        docs = (manifest.get("inputs") or {}).get(DOCS) or {}
        if not (docs.get("stage") and docs.get("key") and docs.get("digest")):
            continue
        swapped = {**digests, DOCS: docs["digest"]}
        if stage_key(stage.spec.name, stage.spec.code(), canonical_json(params), swapped) != key:
            continue
        if not store.verify(stage.spec.name, key).ok:
            continue
        ref = ArtifactRef(stage=docs["stage"], key=docs["key"], digest=docs["digest"],
                          path=f"artifacts/{docs['stage']}/{docs['key']}")
        found.append((manifest, ref))
    return sorted(found, key=lambda f: (f[0].get("timings", {}).get("started", 0), f[0]["key"]), reverse=True)


def plan_learned(store: Store | None, stage, params, inputs: dict, policy: LearnedConfig) -> LearnedPlan:
    """The inputs to call a learned stage with: the current documents, or the earlier ones it learned from.

    Args:
        store: the run's store (None: drawing the DAG; the current documents).
        stage: the learned stage (its spec gives name and code).
        params: its parameters.
        inputs: its inputs as wired; ``docs`` None or absent means it does not learn from the corpus.
        policy: ``learned``.
    """
    docs = inputs.get(DOCS)
    if not isinstance(docs, ArtifactRef) or store is None or policy.refresh == "always":
        return LearnedPlan(dict(inputs), None)
    name = stage.spec.name
    if docs.digest.startswith(PENDING):
        return LearnedPlan(dict(inputs), f"kept or relearned: decided once {docs.stage} is computed (drift of the "
                                         f"documents against those the stored {name} learned from)")
    candidates = _same_recipe_candidates(store, stage, params, inputs)
    if any(ref.digest == docs.digest for _, ref in candidates):
        return LearnedPlan(dict(inputs), "learned on these documents")
    if not candidates:
        return LearnedPlan(dict(inputs), f"learns: no {name} of this recipe learned on earlier documents in the store")
    manifest, learned_on = candidates[0]
    if not store.verify(learned_on.stage, learned_on.key).ok:
        return LearnedPlan(dict(inputs), f"relearns: the documents {manifest['key'][:12]} learned from "
                                         f"({learned_on.stage} {learned_on.key[:12]}) are no longer in the store, "
                                         "so their drift cannot be measured")
    share, counts = drift(document_digests(learned_on.data_dir(store.root)), document_digests(docs.data_dir(store.root)))
    measured = (f"{share:.1%} of the {counts['learned_from']} documents it learned from drifted ({counts['changed']} "
                f"changed, {counts['removed']} removed, {counts['added']} added; threshold "
                f"{policy.drift_threshold:.1%})")
    if share > policy.drift_threshold:
        return LearnedPlan(dict(inputs), f"relearns: {measured}")
    return LearnedPlan({**inputs, DOCS: learned_on},
                       f"kept: {manifest['key'][:12]}, learned on {learned_on.stage} {learned_on.key[:12]}; {measured}")
