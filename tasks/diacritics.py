"""`diacritics`: keep or strip diacritics; record each document's diacritisation ratio."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.config import DiacriticsConfig
from arabic_llm.corpus import DOCS_FILE, progress, read_jsonl, write_jsonl
from arabic_llm.store import stage_task
from arabic_nlp.diacritics import diacritic_ratio, strip_diacritics


def process_documents(docs, params: DiacriticsConfig, ratios: list[float]):
    for doc in docs:
        ratio = round(diacritic_ratio(doc["text"]), 6)  # measured before stripping
        ratios.append(ratio)
        text = strip_diacritics(doc["text"], params.marks) if params.mode == "strip" else doc["text"]
        yield {**doc, "text": text, "diacritic_ratio": ratio}


@stage_task("diacritics", libraries=("camel-tools",))
def diacritics(out_dir: Path, params: DiacriticsConfig, docs: Path) -> dict:
    ratios: list[float] = []
    n = write_jsonl(out_dir / DOCS_FILE, process_documents(progress(read_jsonl(docs / DOCS_FILE), "diacritics"), params, ratios))
    diacritised = sum(r > 0.05 for r in ratios)
    return {"documents": n, "documents_diacritised": diacritised,
            "mean_ratio": round(sum(ratios) / len(ratios), 6) if ratios else 0.0}
