"""`normalize`: Alif forms, Alif Maksura, Teh Marbuta, tatweel, Persian letters, digits, Unicode."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.config import NormalizeConfig
from arabic_llm.corpus import DOCS_FILE, progress, read_jsonl, write_jsonl
from arabic_llm.store import stage_task
from arabic_nlp.normalize import normalize_text


def normalize_documents(docs, params: NormalizeConfig, changed: list[int]):
    for doc in docs:
        text = normalize_text(doc["text"], **params.model_dump())
        changed[0] += text != doc["text"]
        yield {**doc, "text": text}


@stage_task("normalize", libraries=("camel-tools",))
def normalize(out_dir: Path, params: NormalizeConfig, docs: Path) -> dict:
    changed = [0]
    n = write_jsonl(out_dir / DOCS_FILE, normalize_documents(progress(read_jsonl(docs / DOCS_FILE), "normalize"), params, changed))
    return {"documents": n, "documents_changed": changed[0]}
