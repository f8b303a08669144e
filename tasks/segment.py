"""`segment`: split each document into sentences."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import RuntimeConfig, SegmentConfig
from arabic_llm.data.mapping import map_documents, per_record


@per_record
def segment_shard(docs: list[dict], params: SegmentConfig) -> list[tuple[list[dict], dict]]:
    from arabic_nlp.segment import split_sentences

    out = []
    for doc in docs:
        found = [s for s in split_sentences(doc["text"]) if len(s) >= params.min_sentence_chars]
        kept = [{**doc, "sentences": found}] if found else []
        out.append((kept, {"sentences": len(found), "documents_without_sentences": int(not found)}))
    return out


@stage_task("segment")
def segment(out_dir: Path, params: SegmentConfig, docs: Path, runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    return map_documents(segment_shard, params, docs, out_dir, "segment", workers=runtime.workers)
