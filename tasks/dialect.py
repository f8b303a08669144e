"""`dialect`: tag each document and each sentence MSA, EGY, GLF, LEV or MGR, with a confidence."""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import RuntimeConfig
from arabic_llm.data.mapping import map_documents, per_record


class TagParams(BaseModel):
    """Everything else the tags depend on is the trained tagger (an input, keyed by content)."""

    digits: int = 6  # rounding of confidences and scores, so output bytes are stable


@functools.lru_cache(maxsize=4)
def _tagger(model_dir: str) -> DialectTagger:
    from arabic_nlp.dialect import DialectTagger

    return DialectTagger.load(Path(model_dir))  # once per worker process


@per_record
def dialect_shard(docs: list[dict], job: tuple[str, int]) -> list[tuple[list[dict], dict]]:
    from arabic_nlp.dialect import tag_documents

    model_dir, digits = job
    if not docs:
        return []
    tagger = _tagger(model_dir)
    out = []
    tags = tag_documents(tagger, [doc["sentences"] for doc in docs])  # one batch per shard
    for doc, (whole, per_sentence) in zip(docs, tags):
        out.append(([{
            **doc,
            "dialect": whole.label,
            "dialect_confidence": round(whole.confidence, digits),
            "dialect_scores": {k: round(v, digits) for k, v in sorted(whole.scores.items())},
            "sentence_dialects": [[p.label, round(p.confidence, digits)] for p in per_sentence],
        }], {"per_dialect": {whole.label: 1}}))
    return out


@stage_task("dialect")
def dialect(out_dir: Path, params: TagParams, docs: Path, model: Path, runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    return map_documents(dialect_shard, (str(model), params.digits), docs, out_dir, "dialect", workers=runtime.workers)
