"""`counterfactual`: fairness-aware fine-tuning data. Every training document that mentions a listed
gendered name, title or pronoun is followed by a copy with the gender swapped (arabic_nlp/counterfactual.py).

Held-out documents are never copied (the stage computes the same stratified split as every other stage),
and a copy's id carries ``COPY_MARK``: the split never holds a copy out and never counts it, so the
held-out text is exactly what it is without the option. Whether a document is held out depends on the
whole corpus (per-dialect thresholds), so the stage maps shards whole instead of reusing single records.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import CounterfactualConfig, RuntimeConfig, SplitParams
from arabic_llm.data.documents import with_chat_fields
from arabic_llm.data.mapping import map_documents
from arabic_llm.data.split import COPY_MARK, EvalSplit, split_from_documents


class CounterfactualParams(BaseModel):
    counterfactual: CounterfactualConfig
    split: SplitParams  # held-out documents are never copied


def swapped_copy(doc: dict, held: EvalSplit) -> dict | None:
    """The gender-swapped copy of a training document; None when held out or nothing swaps."""
    from arabic_nlp.counterfactual import (
        swap_gender,  # where it runs: wiring the DAG stays light
    )

    if held.is_eval(doc["id"], doc.get("dialect")):
        return None
    sentences = [swap_gender(s) for s in doc["sentences"]]
    if not sum(n for _, n in sentences):
        return None
    swapped = with_chat_fields(doc, lambda text: swap_gender(text)[0])
    return {**swapped, "id": f"{doc['id']}{COPY_MARK}1", "text": swap_gender(doc["text"])[0],
            "sentences": [s for s, _ in sentences]}


def counterfactual_shard(docs: list[dict], held: EvalSplit) -> tuple[list[dict], dict]:
    out, copies = [], 0
    for doc in docs:
        copy = swapped_copy(doc, held)
        out += [doc] if copy is None else [doc, copy]
        copies += copy is not None
    return out, {"copies": copies}


@stage_task("counterfactual")
def counterfactual(out_dir: Path, params: CounterfactualParams, docs: Path,
                   runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    split = params.split
    held = split_from_documents(docs, split.fraction, split.seed, split.min_docs, split.max_share)
    return map_documents(counterfactual_shard, held, docs, out_dir, "counterfactual", workers=runtime.workers)
