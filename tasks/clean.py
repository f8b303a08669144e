"""`clean`: strip URLs, markup, control characters and non-Arabic noise; report what went."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from arabic_llm.config import CleanConfig
from arabic_llm.corpus import DOCS_FILE, progress, read_jsonl, write_jsonl
from arabic_llm.store import stage_task
from arabic_nlp.clean import clean_text


def clean_documents(docs, params: CleanConfig, stats: Counter):
    for doc in docs:
        result = clean_text(
            doc["text"],
            keep_latin=params.keep_latin,
            keep_digits=params.keep_digits,
            keep_punctuation=params.keep_punctuation,
            keep_emoji=params.keep_emoji,
        )
        stats.update(result.removed)
        if len(result.text) < params.min_doc_chars:
            stats["documents_dropped_short"] += 1
            continue
        yield {**doc, "text": result.text, "removed": dict(sorted(result.removed.items()))}


@stage_task("clean")
def clean(out_dir: Path, params: CleanConfig, docs: Path) -> dict:
    stats: Counter = Counter()
    n = write_jsonl(out_dir / DOCS_FILE, clean_documents(progress(read_jsonl(docs / DOCS_FILE), "clean"), params, stats))
    return {"documents": n, "removed": dict(sorted(stats.items()))}
