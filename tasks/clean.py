"""`clean`: strip URLs, markup, control characters and non-Arabic noise; report what went."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import CleanConfig, RuntimeConfig
from arabic_llm.data.documents import with_chat_fields
from arabic_llm.data.mapping import map_documents, per_record


@per_record
def clean_shard(docs: list[dict], params: CleanConfig) -> list[tuple[list[dict], dict]]:
    from arabic_nlp.clean import clean_text

    out = []
    for doc in docs:
        result = clean_text(doc["text"], keep_latin=params.keep_latin, keep_digits=params.keep_digits,
                            keep_punctuation=params.keep_punctuation, keep_emoji=params.keep_emoji)
        removed = dict(sorted(result.removed.items()))
        short = len(result.text) < params.min_doc_chars
        options = params.model_dump(exclude={"min_doc_chars"})
        kept = [] if short else [{**with_chat_fields(doc, lambda t: clean_text(t, **options).text),
                                  "text": result.text, "removed": removed}]
        out.append((kept, {"removed": removed, "documents_dropped_short": int(short)}))
    return out


@stage_task("clean")
def clean(out_dir: Path, params: CleanConfig, docs: Path, runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    return map_documents(clean_shard, params, docs, out_dir, "clean", workers=runtime.workers)
