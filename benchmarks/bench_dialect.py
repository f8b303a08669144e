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

Speed (--speed): tag_documents as the `dialect` stage calls it (one batch of documents, each a list of
sentences), documents/s and ms per document, this working tree against the module at --baseline REV
(arabic_nlp/dialect.py at that git revision, imported beside this one; its helpers are this tree's),
same process, same inputs, runs alternated. Taggers: the n-gram tagger trained on the sample corpus'
labelled documents (as benchmarks/bench_corpus.py and the pipeline train it), the same trained on the
ArSarcasm-v2 80% split when the shared data is there, and the lexicon-only tagger. Inputs: the sample
corpus' documents (sentences from split_sentences) repeated to --docs, ArSarcasm-v2 tweets (one
document each) and Shami lines (five to a document) when the shared data is there. "first" is a fresh
tagger's first call (empty per-token caches, as in a worker's first shard), "best" the best of the
following --rounds. Every run checks that both give identical labels and float scores.
Usage: python benchmarks/bench_dialect.py --speed --baseline 8d062c8 [--docs N] [--rounds N]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
SHAMI = SHARED_DATA / "dialect" / "shami"
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


def load_baseline(ref: str):
    """arabic_nlp/dialect.py as it is at git revision ``ref``, imported as a module of its own."""
    done = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:arabic_nlp/dialect.py"], capture_output=True)
    if done.returncode:
        raise SystemExit(f"--baseline {ref}: git show failed: {done.stderr.decode(errors='replace').strip()}")
    path = Path(tempfile.mkdtemp(prefix="bench-dialect-baseline-")) / "dialect_baseline.py"
    path.write_bytes(done.stdout)
    spec = importlib.util.spec_from_file_location("dialect_baseline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["dialect_baseline"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def speed_inputs(n_docs: int) -> dict[str, list[list[str]]]:
    """Documents (lists of sentences) to tag: the sample corpus, and real tweets/lines when available."""
    from arabic_llm.data.documents import SAMPLE_DATA
    from arabic_llm.data.instructions import parse_bactrian, parse_oasst
    from arabic_llm.data.wikipedia import parse_wikipedia
    from arabic_nlp.segment import split_sentences

    docs = [*parse_wikipedia(SAMPLE_DATA / "arwiki-sample-pages-articles.xml.bz2"),
            *parse_bactrian(SAMPLE_DATA / "bactrian-x-ar.jsonl"), *parse_oasst(SAMPLE_DATA / "oasst1-ar.jsonl")]
    sample = [split_sentences(doc["text"]) for doc in docs]
    inputs = {"sample corpus": (sample * (n_docs // len(sample) + 1))[:n_docs]}
    if ARSARCASM.exists():
        inputs["ArSarcasm-v2 tweets"] = [split_sentences(t) for t in load_arsarcasm()[0][:n_docs]]
    if SHAMI.exists():
        lines = [line.strip() for name in ("Lebanees", "Palestinian", "jordinian")
                 for line in (SHAMI / f"{name}.txt").open(encoding="utf-8") if line.strip()]
        inputs["Shami lines, 5 a document"] = [lines[i : i + 5] for i in range(0, min(len(lines), 5 * n_docs), 5)]
    return inputs


def speed_taggers(seed: int) -> dict[str, tuple[Path, str | None]]:
    """Saved taggers (directory) to load fresh in each implementation: name -> (dir or None = lexicon)."""
    from arabic_llm.data.documents import SAMPLE_DATA
    from arabic_llm.data.instructions import parse_bactrian, parse_oasst
    from arabic_llm.data.wikipedia import parse_wikipedia
    from arabic_nlp.dialect import DialectTagger

    work = Path(tempfile.mkdtemp(prefix="bench-dialect-taggers-"))
    labels = json.loads((SAMPLE_DATA / "dialect-labels.json").read_text(encoding="utf-8"))
    docs = [*parse_wikipedia(SAMPLE_DATA / "arwiki-sample-pages-articles.xml.bz2"),
            *parse_bactrian(SAMPLE_DATA / "bactrian-x-ar.jsonl"), *parse_oasst(SAMPLE_DATA / "oasst1-ar.jsonl")]
    docs = [d for d in docs if d["id"] in labels]
    taggers: dict[str, Path | None] = {}
    DialectTagger.train([d["text"] for d in docs], [labels[d["id"]] for d in docs], seed=seed).save(work / "sample")
    taggers["n-gram (sample corpus)"] = work / "sample"
    if ARSARCASM.exists():
        texts, gold = load_arsarcasm()
        DialectTagger.train([t for i, t in enumerate(texts) if i % 5], [g for i, g in enumerate(gold) if i % 5],
                            seed=seed).save(work / "arsarcasm")
        taggers["n-gram (ArSarcasm-v2)"] = work / "arsarcasm"
    taggers["lexicon only"] = None
    return taggers


def speed(args: argparse.Namespace) -> None:
    import arabic_nlp.dialect as ours

    implementations = {"ours": ours}
    if args.baseline:
        implementations[f"baseline {args.baseline}"] = load_baseline(args.baseline)
    inputs = speed_inputs(args.docs)
    taggers = speed_taggers(args.seed)
    print(f"tag_documents, best of {args.rounds} rounds after a fresh tagger's first call; wall clock, and the CPU "
          f"time of the best round (the CPU figure is the steadier one on a shared machine)")
    header = f"{'tagger':24s}{'input':28s}{'docs':>6s}{'sents':>7s}  {'implementation':22s}"
    print(f"\n{header}{'first ms/doc':>14s}{'best ms/doc':>13s}{'docs/s':>9s}{'CPU ms/doc':>12s}{'identical':>11s}")
    for tagger_name, directory in taggers.items():
        for input_name, documents in inputs.items():
            n_sentences = sum(map(len, documents))
            loaded = {name: module.DialectTagger.load(directory) if directory else module.DialectTagger.default()
                      for name, module in implementations.items()}
            first: dict[str, float] = {}
            best: dict[str, tuple[float, float]] = {}
            outputs = {}
            for round_ in range(args.rounds + 1):
                for name, module in implementations.items():
                    wall, cpu = time.perf_counter(), time.process_time()
                    result = module.tag_documents(loaded[name], documents)
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    if round_ == 0:
                        first[name] = wall
                        outputs[name] = [(w.label, list(w.scores.items()), [(p.label, list(p.scores.items()))
                                                                             for p in ps]) for w, ps in result]
                    else:
                        best[name] = min(best.get(name, (wall, cpu)), (wall, cpu))
            reference = outputs["ours"]
            for name in implementations:
                same = sum(a == b for a, b in zip(outputs[name], reference))
                wall, cpu = best[name]
                print(f"{tagger_name:24s}{input_name:28s}{len(documents):>6d}{n_sentences:>7d}  {name:22s}"
                      f"{first[name] / len(documents) * 1e3:>14.3f}{wall / len(documents) * 1e3:>13.3f}"
                      f"{len(documents) / wall:>9.0f}{cpu / len(documents) * 1e3:>12.3f}"
                      f"{f'{same}/{len(documents)}':>11s}")
            for name in implementations:
                if name != "ours":
                    print(f"{'':52s}  speed-up, best wall: {best[name][0] / best['ours'][0]:.1f}x, "
                          f"first call: {first[name] / first['ours']:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="training seed of the n-gram tagger")
    parser.add_argument("--split-seed", type=int, default=0, help="seed of the stratified 80/20 split")
    parser.add_argument("--speed", action="store_true", help="time tag_documents instead of measuring accuracy")
    parser.add_argument("--baseline", metavar="REV", help="with --speed: also time arabic_nlp/dialect.py at REV")
    parser.add_argument("--docs", type=int, default=3000, help="with --speed: documents per input")
    parser.add_argument("--rounds", type=int, default=3, help="with --speed: timed rounds after the first call")
    args = parser.parse_args()
    if args.speed:
        sys.path[:0] = [str(ROOT)]
        speed(args)
        return
    missing = [p for p in (ARSARCASM, SIB200) if not p.exists()]
    if missing:
        print(f"SKIPPED: the shared development data is not available ({', '.join(map(str, missing))} missing); "
              f"it lives beside the repository in {SHARED_DATA} and is not part of a clone.")
        return

    from sklearn.model_selection import train_test_split

    sys.path.insert(0, str(ROOT))
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
