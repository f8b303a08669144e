"""`clean`: strip URLs, markup, control characters and non-Arabic noise; report what went."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from arabic_llm.config import CleanConfig
from arabic_llm.corpus import map_documents
from arabic_llm.store import stage_task
from arabic_nlp.clean import clean_text


def clean_shard(docs: list[dict], params: CleanConfig) -> tuple[list[dict], dict]:
    removed: Counter = Counter()
    kept, dropped = [], 0
    for doc in docs:
        result = clean_text(doc["text"], keep_latin=params.keep_latin, keep_digits=params.keep_digits,
                            keep_punctuation=params.keep_punctuation, keep_emoji=params.keep_emoji)
        removed.update(result.removed)
        if len(result.text) < params.min_doc_chars:
            dropped += 1
            continue
        kept.append({**doc, "text": result.text, "removed": dict(sorted(result.removed.items()))})
    return kept, {"removed": dict(removed), "documents_dropped_short": dropped}


@stage_task("clean")
def clean(out_dir: Path, params: CleanConfig, docs: Path) -> dict:
    return map_documents(clean_shard, params, docs, out_dir, "clean")
