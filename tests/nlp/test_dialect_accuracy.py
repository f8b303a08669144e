"""Dialect tagger accuracy on real labelled Arabic (ArSarcasm-v2, QCRI dialect tweets, Shami, SIB-200).

Reads ../shared/data (beside the repository); skips when it is absent, as in a fresh clone. Nothing from
that folder is copied into the repository. These are regression floors, set well below the figures that
benchmarks/bench_dialect.py reports (QCRI and Shami also served to check the cue lexicon, so they guard
against regressions rather than estimate accuracy). About 30 s on 2 CPU cores (one training run).
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from env_settings import SHARED_DATA

from arabic_nlp.dialect import DIALECTS, DialectTagger

ARSARCASM = SHARED_DATA / "dialect" / "arsarcasm_v2" / "training_data.csv"
QCRI = SHARED_DATA / "dialect" / "qcri_da_pos"
SHAMI = SHARED_DATA / "dialect" / "shami"
SIB200 = SHARED_DATA / "sib200"
# Dataset labels -> project labels (mapping from shared/data/README.md).
LABELS = {"msa": "MSA", "egypt": "EGY", "gulf": "GLF", "levant": "LEV", "magreb": "MGR"}
SIB_VARIETIES = {
    "arb_Arab": "MSA", "arz_Arab": "EGY", "ars_Arab": "GLF", "acq_Arab": "GLF",
    "apc_Arab": "LEV", "ajp_Arab": "LEV", "ary_Arab": "MGR", "aeb_Arab": "MGR",
}  # fmt: skip

pytestmark = pytest.mark.skipif(
    not ARSARCASM.is_file(),
    reason=f"real dialect data not available: {ARSARCASM} is missing (../shared/data is not part of the repository)",
)


def _arsarcasm() -> tuple[list[str], list[str]]:
    with ARSARCASM.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["tweet"] for row in rows], [LABELS[row["dialect"]] for row in rows]


def _qcri() -> tuple[list[str], list[str]]:
    """One text per tweet (rows grouped by SentID; EOS markers dropped)."""
    texts, labels = [], []
    for dialect in ("egy", "glf", "lev", "mgr"):
        tweets: dict[str, list[tuple[int, str]]] = defaultdict(list)
        with (QCRI / f"seg_plus_pos_{dialect}.txt").open(encoding="utf-8") as handle:
            next(handle)
            for line in handle:
                columns = line.rstrip("\n").split("\t")
                if len(columns) >= 5 and columns[4] != "EOS":
                    tweets[columns[2]].append((int(columns[3]), columns[4]))
        for words in tweets.values():
            texts.append(" ".join(word for _, word in sorted(words)))
            labels.append(dialect.upper())
    return texts, labels


def _shami(per_file: int = 300) -> list[str]:
    lines = []
    for name in ("Lebanees", "Palestinian", "jordinian"):
        with (SHAMI / f"{name}.txt").open(encoding="utf-8") as handle:
            kept = [line.strip() for line in handle if len(line.split()) >= 3]
        lines += kept[:: max(1, len(kept) // per_file)][:per_file]
    return lines


def _sib200() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for code, label in SIB_VARIETIES.items():
        for part in ("train", "dev"):
            with (SIB200 / code / f"{part}.tsv").open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                    texts.append(row["text"])
                    labels.append(label)
    return texts, labels


def _macro_f1(gold: list[str], predicted: list[str], title: str, labels: tuple[str, ...] = DIALECTS) -> float:
    """Print per-class precision/recall/F1 and return macro-F1 over `labels`."""
    f1s = []
    print(f"\n{title}: n={len(gold)} accuracy={sum(g == p for g, p in zip(gold, predicted)) / len(gold):.3f}")
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        n_gold = gold.count(label)
        n_pred = predicted.count(label)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        print(f"  {label}: n={n_gold:5d} recall={recall:.3f} precision={precision:.3f} F1={f1:.3f}")
    macro = sum(f1s) / len(f1s)
    print(f"  macro-F1={macro:.3f}")
    return macro


def _majority_macro_f1(gold: list[str]) -> float:
    majority = max(DIALECTS, key=gold.count)
    return _macro_f1(gold, [majority] * len(gold), f"majority baseline ({majority})")


def _labels(tagger: DialectTagger, texts: list[str]) -> list[str]:
    return [p.label for p in tagger.predict_batch(texts)]


@pytest.fixture(scope="module")
def split() -> dict[str, list[str]]:
    texts, gold = _arsarcasm()
    # Deterministic 80/20 split: every fifth tweet is held out.
    return {
        "train_texts": [t for i, t in enumerate(texts) if i % 5],
        "train_labels": [g for i, g in enumerate(gold) if i % 5],
        "test_texts": [t for i, t in enumerate(texts) if not i % 5],
        "test_labels": [g for i, g in enumerate(gold) if not i % 5],
    }


@pytest.fixture(scope="module")
def trained(split) -> DialectTagger:
    return DialectTagger.train(split["train_texts"], split["train_labels"], seed=0)


@pytest.fixture(scope="module")
def lexicon() -> DialectTagger:
    return DialectTagger.default()


def test_lexicon_tagger_beats_majority_baseline(lexicon):
    texts, gold = _arsarcasm()
    macro = _macro_f1(gold, _labels(lexicon, texts), "lexicon tagger (no training), all of ArSarcasm-v2")
    assert macro > _majority_macro_f1(gold) + 0.2


def test_trained_tagger_on_held_out_fold(split, trained, lexicon, tmp_path):
    gold = split["test_labels"]
    predicted = _labels(trained, split["test_texts"])
    macro = _macro_f1(gold, predicted, "lexicon + n-gram tagger (held-out fifth)")
    lexicon_macro = _macro_f1(gold, _labels(lexicon, split["test_texts"]), "lexicon tagger (held-out fifth)")
    assert macro > _majority_macro_f1(gold) + 0.2
    assert macro > lexicon_macro + 0.01  # the n-gram model adds to the marker words in-source
    trained.save(tmp_path)
    assert _labels(DialectTagger.load(tmp_path), split["test_texts"][:500]) == predicted[:500]


def test_other_sources_qcri_and_shami(trained, lexicon):
    texts, gold = _qcri()
    shami = _shami()
    texts, gold = texts + shami, gold + ["LEV"] * len(shami)
    dialects = ("EGY", "GLF", "LEV", "MGR")
    lexicon_macro = _macro_f1(gold, _labels(lexicon, texts), "lexicon tagger, QCRI tweets + Shami", dialects)
    macro = _macro_f1(gold, _labels(trained, texts), "tagger trained on ArSarcasm-v2, QCRI + Shami", dialects)
    assert lexicon_macro > 0.6
    assert macro > lexicon_macro - 0.05  # training on tweets of one source must not undo the lexicon


def test_cross_source_sib200(trained, lexicon):
    texts, gold = _sib200()
    lexicon_macro = _macro_f1(gold, _labels(lexicon, texts), "lexicon tagger, SIB-200")
    macro = _macro_f1(gold, _labels(trained, texts), "tagger trained on ArSarcasm-v2, SIB-200")
    assert lexicon_macro > 0.35
    assert macro > 0.35  # a char 1-5-gram TF-IDF + MultinomialNB baseline scores about 0.05 here
