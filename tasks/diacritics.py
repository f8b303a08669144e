"""`diacritics`: keep or strip diacritics; record each document's diacritisation ratio."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import DiacriticsConfig, RuntimeConfig
from arabic_llm.data.documents import with_chat_fields
from arabic_llm.data.mapping import map_documents, per_record

DIACRITISED = 0.05  # a document with more marks per letter than this counts as diacritised


@per_record
def diacritics_shard(docs: list[dict], params: DiacriticsConfig) -> list[tuple[list[dict], dict]]:
    from arabic_nlp.diacritics import diacritic_ratio, strip_diacritics

    out = []
    for doc in docs:
        ratio = round(diacritic_ratio(doc["text"]), 6)  # measured before stripping
        if params.mode == "strip":
            doc = with_chat_fields(doc, lambda t: strip_diacritics(t, params.marks))
        text = strip_diacritics(doc["text"], params.marks) if params.mode == "strip" else doc["text"]
        out.append(([{**doc, "text": text, "diacritic_ratio": ratio}], {"documents_diacritised": int(ratio > DIACRITISED)}))
    return out


@stage_task("diacritics", libraries=("camel-tools",))
def diacritics(out_dir: Path, params: DiacriticsConfig, docs: Path, runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    return map_documents(diacritics_shard, params, docs, out_dir, "diacritics", workers=runtime.workers)
