"""`dialect_model`: build the dialect tagger: marker words only, or marker words plus a character
and word n-gram model trained on labelled text, or camel-tools' dialect identification."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.config import DialectConfig
from arabic_llm.corpus import CorpusError, read_documents, resolve_source
from arabic_llm.shards import is_eval_doc
from arabic_llm.store import stage_task
from arabic_nlp.dialect import DIALECTS, DialectTagger


class DialectModelParams(BaseModel):
    dialect: DialectConfig
    eval_fraction: float  # held-out documents never teach the tagger either
    seed: int


def training_file(cfg: DialectConfig) -> Path | None:
    """The labelled data the n-gram model learns from (keyed by content), if it needs any."""
    if cfg.tagger != "ngram":
        return None
    if cfg.train_data is None:
        raise CorpusError("dialect.tagger is 'ngram' but dialect.train_data is null: give labelled data "
                          "or set dialect.tagger=lexicon")
    return resolve_source(cfg.train_data)


def read_labelled(labels: Path, docs: Path, eval_fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """Training pairs from a TSV (text<TAB>label) or a JSON map of corpus document ids to labels."""
    texts, tags = [], []
    if labels.suffix == ".json":
        by_id = json.loads(labels.read_text(encoding="utf-8"))
        for doc in read_documents(docs):
            label = by_id.get(doc["id"])
            if label is not None and not is_eval_doc(doc["id"], eval_fraction, seed):
                texts.append(" ".join(doc["sentences"]))
                tags.append(label)
    else:
        with open(labels, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                text, sep, label = line.rstrip("\n").rpartition("\t")
                if not sep:
                    raise CorpusError(f"{labels}:{lineno}: expected text<TAB>label")
                texts.append(text)
                tags.append(label.strip())
    for i, label in enumerate(tags):
        if label not in DIALECTS:
            raise CorpusError(f"{labels}: label {label!r} (example {i + 1}) is not one of {', '.join(DIALECTS)}")
    if not texts:
        raise CorpusError(f"{labels}: no labelled examples matched the corpus")
    return texts, tags


@stage_task("dialect_model", libraries=("scikit-learn", "numpy"))
def dialect_model(out_dir: Path, params: DialectModelParams, docs: Path, labels: Path | None) -> dict:
    cfg = params.dialect
    if cfg.tagger == "lexicon":
        tagger, counts = DialectTagger.default(), Counter()
    elif cfg.tagger == "camel":
        tagger, counts = DialectTagger.camel(cfg.camel_model), Counter()
    else:
        texts, tags = read_labelled(labels, docs, params.eval_fraction, params.seed)
        tagger, counts = DialectTagger.train(texts, tags, seed=params.seed), Counter(tags)
    tagger.save(out_dir)
    return {"tagger": cfg.tagger, "training_examples": dict(sorted(counts.items()))}
