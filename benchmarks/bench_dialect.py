"""Dialect tagging: macro-F1 and accuracy on data the training never saw, against a plain baseline.

Models (every trained one sees the same training texts):
  ours: DialectTagger.train   lexicon + char/word n-gram logistic regression (arabic_nlp.dialect)
  lexicon: DialectTagger.default   marker words only, no training
  baseline: character 1-5-gram TF-IDF + MultinomialNB (scikit-learn defaults), on the raw text
  baseline-nb-tuned: the same with alpha=0.01 and uniform class priors (a stronger NB, for reference)

Cases:
  (a) in-source: ArSarcasm-v2 training_data.csv, stratified 80/20 split (fixed seed); train on the 80%,
      test on the held-out 20%. Labels msa/egypt/gulf/levant/magreb -> MSA/EGY/GLF/LEV/MGR.
  (b) cross-source: the same models, tested on SIB-200 (train+dev sentences) of arb_Arab=MSA, arz_Arab=EGY,
      ars_Arab+acq_Arab=GLF, apc_Arab+ajp_Arab=LEV, ary_Arab+aeb_Arab=MGR (acm_Arab, Iraqi, is skipped).
  (c) the lexicon-only tagger on both.

Reads ../shared/data (beside the repository; never copied into it) and exits with a message when it is
absent. No timed assertions: it prints tables.
Usage: python benchmarks/bench_dialect.py [--seed N] [--split-seed N]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ARSARCASM = SHARED_DATA / "dialect" / "arsarcasm_v2" / "training_data.csv"
SIB200 = SHARED_DATA / "sib200"
ARSARCASM_LABELS = {"msa": "MSA", "egypt": "EGY", "gulf": "GLF", "levant": "LEV", "magreb": "MGR"}
SIB_VARIETIES = {
    "arb_Arab": "MSA",
    "arz_Arab": "EGY",
    "ars_Arab": "GLF",
    "acq_Arab": "GLF",
    "apc_Arab": "LEV",
    "ajp_Arab": "LEV",
    "ary_Arab": "MGR",
    "aeb_Arab": "MGR",
}
LABELS = ("MSA", "EGY", "GLF", "LEV", "MGR")


def load_arsarcasm() -> tuple[list[str], list[str]]:
    with ARSARCASM.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["tweet"] for row in rows], [ARSARCASM_LABELS[row["dialect"]] for row in rows]


def load_sib200() -> tuple[list[str], list[str], list[str]]:
    """Texts, labels and variety codes of the SIB-200 train+dev sentences."""
    texts, labels, varieties = [], [], []
    for code, label in SIB_VARIETIES.items():
        for part in ("train", "dev"):
            with (SIB200 / code / f"{part}.tsv").open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                    texts.append(row["text"])
                    labels.append(label)
                    varieties.append(code)
    return texts, labels, varieties


def scores(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float, dict[str, float]]:
    """Macro-F1 over the five labels, accuracy, and F1 per label."""
    from sklearn.metrics import accuracy_score, f1_score

    per_label = f1_score(gold, predicted, labels=list(LABELS), average=None, zero_division=0)
    macro = f1_score(gold, predicted, labels=list(LABELS), average="macro", zero_division=0)
    return float(macro), float(accuracy_score(gold, predicted)), dict(zip(LABELS, map(float, per_label)))


def baseline(train_texts: list[str], train_labels: list[str], **nb: object) -> Callable[[list[str]], list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 5)), MultinomialNB(**nb))
    model.fit(train_texts, train_labels)
    return lambda texts: list(model.predict(texts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="training seed of the n-gram tagger")
    parser.add_argument("--split-seed", type=int, default=0, help="seed of the stratified 80/20 split")
    args = parser.parse_args()
    missing = [p for p in (ARSARCASM, SIB200) if not p.exists()]
    if missing:
        print(f"SKIPPED: the shared development data is not available ({', '.join(map(str, missing))} missing); "
              f"it lives beside the repository in {SHARED_DATA} and is not part of a clone.")
        return

    from sklearn.model_selection import train_test_split

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from arabic_nlp.dialect import DialectTagger

    texts, labels = load_arsarcasm()
    train_idx, test_idx = train_test_split(
        range(len(texts)), test_size=0.2, random_state=args.split_seed, stratify=labels
    )
    train_texts, train_labels = [texts[i] for i in train_idx], [labels[i] for i in train_idx]
    test_sets = {
        "(a) ArSarcasm-v2 held-out 20%": ([texts[i] for i in test_idx], [labels[i] for i in test_idx]),
    }
    sib_texts, sib_labels, sib_varieties = load_sib200()
    test_sets["(b) SIB-200 (cross-source)"] = (sib_texts, sib_labels)
    print(f"training: ArSarcasm-v2 80% split, n={len(train_texts)} "
          f"({', '.join(f'{l}={train_labels.count(l)}' for l in LABELS)}); split seed {args.split_seed}")
    for name, (_, gold) in test_sets.items():
        print(f"test {name}: n={len(gold)} ({', '.join(f'{l}={gold.count(l)}' for l in LABELS)})")

    models: dict[str, Callable[[list[str]], list[str]]] = {}
    fit_seconds: dict[str, float] = {}
    started = time.perf_counter()
    ours = DialectTagger.train(train_texts, train_labels, seed=args.seed)
    fit_seconds["ours: lexicon + n-gram LR"] = time.perf_counter() - started
    models["ours: lexicon + n-gram LR"] = lambda xs: [p.label for p in ours.predict_batch(xs)]
    lexicon = DialectTagger.default()
    fit_seconds["(c) lexicon only"] = 0.0
    models["(c) lexicon only"] = lambda xs: [p.label for p in lexicon.predict_batch(xs)]
    for name, nb in (("baseline: char1-5 TF-IDF + MNB", {}), ("baseline, tuned NB (a=0.01, flat prior)",
                                                               {"alpha": 0.01, "fit_prior": False})):
        started = time.perf_counter()
        models[name] = baseline(train_texts, train_labels, **nb)
        fit_seconds[name] = time.perf_counter() - started

    results: dict[tuple[str, str], tuple[float, float, dict[str, float]]] = {}
    predictions: dict[tuple[str, str], list[str]] = {}
    predict_seconds: dict[str, float] = {name: 0.0 for name in models}
    for test_name, (test_texts, gold) in test_sets.items():
        for name, predict in models.items():
            started = time.perf_counter()
            predicted = predict(test_texts)
            predict_seconds[name] += time.perf_counter() - started
            predictions[(name, test_name)] = predicted
            results[(name, test_name)] = scores(gold, predicted)

    width = max(map(len, models)) + 2
    header = "".join(f"{t:>30s}" for t in test_sets)
    print(f"\n{'model':{width}s}{header}{'fit s':>8s}{'predict s':>11s}")
    print(f"{'':{width}s}" + "".join(f"{'macro-F1   accuracy':>30s}" for _ in test_sets))
    for name in models:
        cells = "".join(f"{results[(name, t)][0]:>19.3f}{results[(name, t)][1]:>11.3f}" for t in test_sets)
        print(f"{name:{width}s}{cells}{fit_seconds[name]:>8.1f}{predict_seconds[name]:>11.1f}")

    for test_name in test_sets:
        print(f"\nF1 per dialect, {test_name}")
        print(f"{'model':{width}s}" + "".join(f"{label:>8s}" for label in LABELS))
        for name in models:
            per_label = results[(name, test_name)][2]
            print(f"{name:{width}s}" + "".join(f"{per_label[label]:>8.3f}" for label in LABELS))

    sib_name = "(b) SIB-200 (cross-source)"
    print(f"\naccuracy per SIB-200 variety (gold group in brackets)")
    codes = list(SIB_VARIETIES)
    print(f"{'model':{width}s}" + "".join(f"{c[:3] + '[' + SIB_VARIETIES[c] + ']':>10s}" for c in codes))
    for name in models:
        predicted = predictions[(name, sib_name)]
        row = []
        for code in codes:
            hits = [p == g for p, g, v in zip(predicted, sib_labels, sib_varieties) if v == code]
            row.append(sum(hits) / len(hits))
        print(f"{name:{width}s}" + "".join(f"{a:>10.3f}" for a in row))


if __name__ == "__main__":
    main()
