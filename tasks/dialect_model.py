"""`dialect_model`: build the dialect tagger: marker words only, or marker words plus a character
and word n-gram model trained on labelled text, or camel-tools' dialect identification."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import DialectConfig
from arabic_llm.data.documents import CorpusError, read_documents, resolve_source
from arabic_llm.data.split import is_eval_doc

HUB_PREFIX = "hub:"  # hub:<dataset id>[:<split>] with `text` and `label` columns


class DialectModelParams(BaseModel):
    """What the tagger depends on; a local training file is keyed by its content, not its path."""

    tagger: str
    camel_model: str
    hub_data: str | None  # a hub dataset id is keyed by name: it has no local content to hash
    eval_fraction: float  # held-out documents never teach the tagger either
    seed: int

    @classmethod
    def from_config(cls, cfg: DialectConfig, eval_fraction: float, seed: int) -> "DialectModelParams":
        hub = cfg.train_data if cfg.tagger == "ngram" and (cfg.train_data or "").startswith(HUB_PREFIX) else None
        return cls(tagger=cfg.tagger, camel_model=cfg.camel_model, hub_data=hub, eval_fraction=eval_fraction,
                   seed=seed)


def training_file(cfg: DialectConfig) -> Path | None:
    """The labelled data the n-gram model learns from (keyed by content), if it needs any."""
    if cfg.tagger != "ngram":
        return None
    if cfg.train_data is None:
        raise CorpusError("dialect.tagger is 'ngram' but dialect.train_data is null: give labelled data "
                          "or set dialect.tagger=lexicon")
    if cfg.train_data.startswith(HUB_PREFIX):
        return None
    return resolve_source(cfg.train_data)


def labels_name_documents(labels: Path | None) -> bool:
    """Whether the labels are a JSON map of corpus document ids: only then does the tagger depend on
    the corpus (a TSV or hub dataset carries its own text, so a refreshed corpus keeps the tagger)."""
    return labels is not None and labels.suffix == ".json"


def read_labelled_hub(spec: str) -> tuple[list[str], list[str]]:
    """Training pairs from a `datasets` dataset: ``hub:<id>[:<split>]`` with text and label columns."""
    from datasets import load_dataset

    name, _, split = spec.removeprefix(HUB_PREFIX).partition(":")
    data = load_dataset(name, split=split or "train")
    missing = {"text", "label"} - set(data.column_names)
    if missing:
        raise CorpusError(f"{spec}: dataset lacks column(s) {', '.join(sorted(missing))} (has {data.column_names})")
    return list(data["text"]), [str(x) for x in data["label"]]


def read_labelled(labels: Path, docs: Path, eval_fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """Training pairs from a TSV (text<TAB>label) or a JSON map of corpus document ids to labels."""
    from arabic_nlp.dialect import read_labelled_tsv

    texts, tags = [], []
    if labels.suffix == ".json":
        by_id = json.loads(labels.read_text(encoding="utf-8"))
        for doc in read_documents(docs):
            label = by_id.get(doc["id"])
            if label is not None and not is_eval_doc(doc["id"], eval_fraction, seed):
                texts.append(" ".join(doc["sentences"]))
                tags.append(label)
    else:
        texts, tags = read_labelled_tsv(labels)
    _check_labels(tags, labels)
    if not texts:
        raise CorpusError(f"{labels}: no labelled examples matched the corpus")
    return texts, tags


def _check_labels(tags: list[str], origin) -> None:
    from arabic_nlp.dialect import DIALECTS

    for i, label in enumerate(tags):
        if label not in DIALECTS:
            raise CorpusError(f"{origin}: label {label!r} (example {i + 1}) is not one of {', '.join(DIALECTS)}")


@stage_task("dialect_model", libraries=("scikit-learn", "numpy", "datasets"))
def dialect_model(out_dir: Path, params: DialectModelParams, docs: Path | None, labels: Path | None) -> dict:
    from arabic_nlp.dialect import DialectTagger

    if params.tagger == "lexicon":
        tagger, counts = DialectTagger.default(), Counter()
    elif params.tagger == "camel":
        tagger, counts = DialectTagger.camel(params.camel_model), Counter()
    else:
        if params.hub_data:
            texts, tags = read_labelled_hub(params.hub_data)
            _check_labels(tags, params.hub_data)
        else:
            texts, tags = read_labelled(labels, docs, params.eval_fraction, params.seed)
        tagger, counts = DialectTagger.train(texts, tags, seed=params.seed), Counter(tags)
    tagger.save(out_dir)
    return {"tagger": params.tagger, "training_examples": dict(sorted(counts.items()))}
