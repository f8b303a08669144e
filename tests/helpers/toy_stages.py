"""Tiny stages for testing the store, the cache policy and record reuse without the real pipeline."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.data.mapping import map_documents, per_record

CALLS_ENV = "TOY_CALLS_FILE"
SLEEP_ENV = "TOY_SLEEP"  # a pause that is not a parameter, so the key stays the same


class ToyParams(BaseModel):
    repeat: int = 2
    sleep: float = 0.0
    fail: bool = False


def _count_call(stage: str) -> None:
    if os.environ.get(CALLS_ENV):
        with open(os.environ[CALLS_ENV], "a") as f:
            f.write(stage + "\n")


@stage_task("toy_upper")
def toy_upper(out_dir: Path, params: ToyParams, src: Path) -> dict:
    _count_call("toy_upper")
    time.sleep(params.sleep)
    (out_dir / "partial.txt").write_text("half-written")
    time.sleep(float(os.environ.get(SLEEP_ENV, "0")))
    if params.fail:
        raise RuntimeError("toy_upper failed on purpose")
    text = src.read_text(encoding="utf-8")
    print(f"toy_upper: read {len(text)} characters")  # a stage's own line: the run log and the terminal
    (out_dir / "out.txt").write_text(text.upper() * params.repeat)
    return {"chars": params.repeat}


@stage_task("toy_count")
def toy_count(out_dir: Path, params: ToyParams, text: Path) -> dict:
    _count_call("toy_count")
    n = len((text / "out.txt").read_text())
    (out_dir / "count.txt").write_text(str(n))
    return {"count": n}


SEEN: list[str] = []  # ids of the documents toy_split computed (not reused), in this process


@per_record
def split_parts(docs: list[dict], params: ToyParams) -> list[tuple[list[dict], dict]]:
    """Each document gives as many documents as its text has "|"-separated parts, at most two (so 0, 1 or 2)."""
    out = []
    for doc in docs:
        SEEN.append(doc["id"])
        parts = [p for p in doc["text"].split("|") if p][: params.repeat]
        out.append(([{**doc, "id": f"{doc['id']}.{k}", "text": p, "part": k} for k, p in enumerate(parts)],
                    {"parts": len(parts), "by_count": {str(len(parts)): 1}}))
    return out


@stage_task("toy_split")
def toy_split(out_dir: Path, params: ToyParams, docs: Path) -> dict:
    return map_documents(split_parts, params, docs, out_dir, "toy_split")
