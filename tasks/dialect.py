"""`dialect`: tag each document MSA, EGY, GLF, LEV or MGR."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from arabic_llm.config import DialectConfig
from arabic_llm.corpus import DOCS_FILE, progress, read_jsonl, write_jsonl
from arabic_llm.store import stage_task
from arabic_nlp.dialect import DialectTagger


def tag_documents(docs, tagger: DialectTagger, counts: Counter):
    for doc in docs:
        prediction = tagger.predict(" ".join(doc["sentences"]))
        counts[prediction.label] += 1
        scores = {k: round(v, 6) for k, v in sorted(prediction.scores.items())}
        yield {**doc, "dialect": prediction.label, "dialect_scores": scores}


@stage_task("dialect")
def dialect(out_dir: Path, params: DialectConfig, docs: Path) -> dict:
    counts: Counter = Counter()
    tagger = DialectTagger.default()
    n = write_jsonl(out_dir / DOCS_FILE, tag_documents(progress(read_jsonl(docs / DOCS_FILE), "dialect"), tagger, counts))
    return {"documents": n, "per_dialect": dict(sorted(counts.items()))}
