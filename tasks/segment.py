"""`segment`: split each document into sentences."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.config import SegmentConfig
from arabic_llm.corpus import map_documents
from arabic_llm.store import stage_task
from arabic_nlp.segment import split_sentences


def segment_shard(docs: list[dict], params: SegmentConfig) -> tuple[list[dict], dict]:
    out, sentences, empty = [], 0, 0
    for doc in docs:
        found = [s for s in split_sentences(doc["text"]) if len(s) >= params.min_sentence_chars]
        if not found:
            empty += 1
            continue
        sentences += len(found)
        out.append({**doc, "sentences": found})
    return out, {"sentences": sentences, "documents_without_sentences": empty}


@stage_task("segment")
def segment(out_dir: Path, params: SegmentConfig, docs: Path) -> dict:
    return map_documents(segment_shard, params, docs, out_dir, "segment")
