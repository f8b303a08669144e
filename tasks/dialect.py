"""`dialect`: tag each document and each sentence MSA, EGY, GLF, LEV or MGR, with a confidence."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

from arabic_llm.config import DialectConfig
from arabic_llm.corpus import map_documents
from arabic_llm.store import stage_task
from arabic_nlp.dialect import DialectTagger, tag_documents


@functools.lru_cache(maxsize=4)
def _tagger(model_dir: str) -> DialectTagger:
    return DialectTagger.load(Path(model_dir))  # once per worker process


def dialect_shard(docs: list[dict], model_dir: str) -> tuple[list[dict], dict]:
    tagger = _tagger(model_dir)
    out, counts = [], Counter()
    tags = tag_documents(tagger, [doc["sentences"] for doc in docs])  # one batch per shard
    for doc, (whole, per_sentence) in zip(docs, tags):
        counts[whole.label] += 1
        out.append({
            **doc,
            "dialect": whole.label,
            "dialect_confidence": round(whole.confidence, 6),
            "dialect_scores": {k: round(v, 6) for k, v in sorted(whole.scores.items())},
            "sentence_dialects": [[p.label, round(p.confidence, 6)] for p in per_sentence],
        })
    return out, {"per_dialect": dict(counts)}


@stage_task("dialect")
def dialect(out_dir: Path, params: DialectConfig, docs: Path, model: Path) -> dict:
    return map_documents(dialect_shard, str(model), docs, out_dir, "dialect")
