"""`normalize`: Alif forms, Alif Maksura, Teh Marbuta, tatweel, Persian letters, digits, Unicode."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import NormalizeConfig, RuntimeConfig
from arabic_llm.data.documents import with_chat_fields
from arabic_llm.data.mapping import map_documents, per_record


@per_record
def normalize_shard(docs: list[dict], params: NormalizeConfig) -> list[tuple[list[dict], dict]]:
    from arabic_nlp.normalize import normalize_text

    options = params.model_dump()
    out = []
    for doc in docs:
        text = normalize_text(doc["text"], **options)
        chat = with_chat_fields(doc, lambda t: normalize_text(t, **options))
        out.append(([{**chat, "text": text}], {"documents_changed": int(text != doc["text"])}))
    return out


@stage_task("normalize", libraries=("camel-tools",))
def normalize(out_dir: Path, params: NormalizeConfig, docs: Path, runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    return map_documents(normalize_shard, params, docs, out_dir, "normalize", workers=runtime.workers)
