"""`counterfactual`: fairness-aware fine-tuning data. Every training document that mentions a listed
gendered name, title or pronoun is followed by a copy with the gender swapped (arabic_nlp/counterfactual.py).

Held-out documents are never copied, and a copy's id is chosen so that the split puts it in training
too: the held-out text stays exactly what it was without the option.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import CounterfactualConfig, RuntimeConfig
from arabic_llm.data.documents import with_chat_fields
from arabic_llm.data.mapping import map_documents, per_record
from arabic_llm.data.split import is_eval_doc


class CounterfactualParams(BaseModel):
    counterfactual: CounterfactualConfig
    eval_fraction: float  # the split decides which documents may be copied, and the copies' ids
    seed: int


def copy_id(doc_id: str, eval_fraction: float, seed: int) -> str:
    """The first of ``<id>#cf1``, ``<id>#cf2`` ... that the split keeps for training."""
    n = 1
    while is_eval_doc(f"{doc_id}#cf{n}", eval_fraction, seed):
        n += 1
    return f"{doc_id}#cf{n}"


def swapped_copy(doc: dict, params: CounterfactualParams) -> dict | None:
    """The gender-swapped copy of a training document; None when held out or nothing swaps."""
    from arabic_nlp.counterfactual import swap_gender  # where it runs: wiring the DAG stays light

    if is_eval_doc(doc["id"], params.eval_fraction, params.seed):
        return None
    sentences = [swap_gender(s) for s in doc["sentences"]]
    if not sum(n for _, n in sentences):
        return None
    swapped = with_chat_fields(doc, lambda text: swap_gender(text)[0])
    return {**swapped, "id": copy_id(doc["id"], params.eval_fraction, params.seed),
            "text": swap_gender(doc["text"])[0], "sentences": [s for s, _ in sentences]}


@per_record
def counterfactual_shard(docs: list[dict], params: CounterfactualParams) -> list[tuple[list[dict], dict]]:
    out = []
    for doc in docs:
        copy = swapped_copy(doc, params)
        out.append(([doc] if copy is None else [doc, copy], {"copies": int(copy is not None)}))
    return out


@stage_task("counterfactual")
def counterfactual(out_dir: Path, params: CounterfactualParams, docs: Path,
                   runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    return map_documents(counterfactual_shard, params, docs, out_dir, "counterfactual", workers=runtime.workers)
