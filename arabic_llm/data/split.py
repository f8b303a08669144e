"""Which documents are held out for evaluation: a stable hash of the document id, stratified by dialect.

Each document gets ``u = sha256(f"{seed}:{id}")[:8] / 2**64`` in [0, 1). Within a dialect D:

    threshold_D = max(eval_fraction, the min_docs-th smallest u of D)   (min_docs capped at max_share of D)
    held out  <=>  u <= threshold_D

- a large dialect holds out exactly the documents with ``u < eval_fraction`` (its threshold is the
  fraction), as the unstratified split did, so membership is stable as the corpus grows;
- a small dialect holds out at least ``min_docs`` documents, those with the smallest hashes: adding
  a document moves at most one across the line;
- at least ``1 - max_share`` of every dialect stays for training.

Every stage that asks (dialect_model, tokenizer, shards, bias_audit) builds the same ``EvalSplit``
from the same (id, dialect) pairs, so they agree on every document. dialect_model runs before the
tagger, so it stratifies by its training labels (the tagger is then not trained on documents held
out under those labels; documents the tagger later files under another dialect may differ).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

COPY_MARK = "#cf"  # in the id of a counterfactual copy: always training, never counted in the thresholds


def unit_hash(doc_id: str, seed: int) -> float:
    """A document's place in [0, 1): the same for the same id and seed, on every machine."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()[:8], "big") / 2**64


def is_eval_doc(doc_id: str, eval_fraction: float, seed: int) -> bool:
    """Unstratified membership (u < fraction): what a stratified split gives a large dialect."""
    return unit_hash(doc_id, seed) < eval_fraction


@dataclass(frozen=True)
class EvalSplit:
    """Per-dialect hash thresholds; a dialect not seen when building falls back to ``fraction``."""

    fraction: float
    seed: int
    thresholds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str | None]], fraction: float, seed: int, min_docs: int = 0,
              max_share: float = 0.5) -> "EvalSplit":
        """From every (document id, dialect) pair of the corpus (a missing dialect counts as its own group)."""
        if not 0.0 < max_share < 1.0:
            raise ValueError(f"max_share={max_share}: expected 0 < max_share < 1")
        hashes: dict[str, list[float]] = defaultdict(list)
        for doc_id, dialect in pairs:
            if COPY_MARK not in doc_id:  # augmentation must not move the held-out set
                hashes[str(dialect)].append(unit_hash(doc_id, seed))
        thresholds = {}
        for dialect, values in hashes.items():
            k = min(min_docs, math.floor(max_share * len(values)))
            # u <= fraction vs u < fraction differ only for a hash exactly equal to it (probability 2**-64).
            thresholds[dialect] = max(fraction, sorted(values)[k - 1]) if k >= 1 else fraction
        return cls(fraction, seed, dict(sorted(thresholds.items())))

    def is_eval(self, doc_id: str, dialect: str | None) -> bool:
        if COPY_MARK in doc_id:
            return False
        u = unit_hash(doc_id, self.seed)
        threshold = self.thresholds.get(str(dialect))
        return u < self.fraction if threshold is None else u <= threshold

    def describe(self) -> dict:
        """For manifests and the report: the rule and each dialect's threshold."""
        return {"rule": "held out when sha256(seed:id) / 2**64 <= the dialect's threshold", "fraction": self.fraction,
                "seed": self.seed, "thresholds": self.thresholds}


def split_from_documents(docs, fraction: float, seed: int, min_docs: int, max_share: float) -> EvalSplit:
    """The split of a Parquet documents artifact, from its ``id`` and ``dialect`` columns (no text decoded)."""
    from arabic_llm.data.documents import doc_tables

    pairs: list[tuple[str, str | None]] = []
    for table in doc_tables(docs, columns=["id", "dialect"]):
        pairs += zip(table.column("id").to_pylist(), table.column("dialect").to_pylist())
    return EvalSplit.build(pairs, fraction, seed, min_docs, max_share)
