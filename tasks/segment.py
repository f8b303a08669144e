"""`segment`: split each document into sentences."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.config import SegmentConfig
from arabic_llm.corpus import DOCS_FILE, progress, read_jsonl, write_jsonl
from arabic_llm.store import stage_task
from arabic_nlp.segment import split_sentences


def segment_documents(docs, params: SegmentConfig, total: list[int]):
    for doc in docs:
        sentences = [s for s in split_sentences(doc["text"]) if len(s) >= params.min_sentence_chars]
        if not sentences:
            continue
        total[0] += len(sentences)
        yield {**doc, "sentences": sentences}


@stage_task("segment")
def segment(out_dir: Path, params: SegmentConfig, docs: Path) -> dict:
    total = [0]
    n = write_jsonl(out_dir / DOCS_FILE, segment_documents(progress(read_jsonl(docs / DOCS_FILE), "segment"), params, total))
    return {"documents": n, "sentences": total[0]}
