"""Dialect tagger accuracy on real labelled tweets (ArSarcasm-v2 training split).

Reads ../shared/data (beside the repository); skips when it is absent, as in a
fresh clone. Nothing from that folder is copied into the repository.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from arabic_nlp.dialect import DIALECTS, DialectTagger

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ARSARCASM = SHARED_DATA / "dialect" / "arsarcasm_v2" / "training_data.csv"
# Dataset labels -> project labels (mapping from shared/data/README.md).
LABELS = {"msa": "MSA", "egypt": "EGY", "gulf": "GLF", "levant": "LEV", "magreb": "MGR"}

pytestmark = pytest.mark.skipif(
    not ARSARCASM.is_file(),
    reason=f"real dialect data not available: {ARSARCASM} is missing (../shared/data is not part of the repository)",
)


def _load() -> tuple[list[str], list[str]]:
    with ARSARCASM.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["tweet"] for row in rows], [LABELS[row["dialect"]] for row in rows]


def _macro_f1(gold: list[str], predicted: list[str], title: str) -> float:
    """Print per-class precision/recall/F1 and return macro-F1 over the five labels."""
    f1s = []
    print(f"\n{title}: n={len(gold)} accuracy={sum(g == p for g, p in zip(gold, predicted)) / len(gold):.3f}")
    for label in DIALECTS:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        n_gold = gold.count(label)
        n_pred = predicted.count(label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        print(f"  {label}: n={n_gold:5d} acc(recall)={recall:.3f} precision={precision:.3f} F1={f1:.3f}")
    macro = sum(f1s) / len(f1s)
    print(f"  macro-F1={macro:.3f}")
    return macro


def _majority_macro_f1(gold: list[str]) -> float:
    majority = max(DIALECTS, key=gold.count)
    return _macro_f1(gold, [majority] * len(gold), f"majority baseline ({majority})")


def test_default_tagger_beats_majority_baseline():
    texts, gold = _load()
    predicted = [p.label for p in DialectTagger.default().predict_batch(texts)]
    macro = _macro_f1(gold, predicted, "cue tagger (no training)")
    baseline = _majority_macro_f1(gold)
    assert macro > baseline + 0.1


def test_trained_tagger_beats_majority_baseline_on_held_out_fold():
    texts, gold = _load()
    # Deterministic 80/20 split: every fifth tweet is held out.
    train = [i for i in range(len(texts)) if i % 5]
    test = [i for i in range(len(texts)) if not i % 5]
    tagger = DialectTagger.train([texts[i] for i in train], [gold[i] for i in train])
    held_out = [gold[i] for i in test]
    predicted = [p.label for p in tagger.predict_batch(texts[i] for i in test)]
    macro = _macro_f1(held_out, predicted, "Naive Bayes + cues (held-out fifth)")
    assert macro > _majority_macro_f1(held_out) + 0.1
