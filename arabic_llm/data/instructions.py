"""Instruction corpora: Bactrian-X records and oasst1 message trees as prompt/response documents."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from arabic_llm.data.documents import CorpusError, content_id, read_jsonl


def parse_bactrian(path: Path, limit: int | None = None) -> Iterator[dict]:
    """Bactrian-X records (instruction, input, output, id) of a JSONL file as instruction/response documents."""
    return bactrian_documents(read_jsonl(path), str(path), limit)


def bactrian_documents(records: Iterable[dict], origin: str, limit: int | None = None) -> Iterator[dict]:
    """Bactrian-X records from any reader (JSONL, a `datasets` split) as instruction/response documents."""
    n = 0
    for lineno, rec in enumerate(records, 1):
        missing = [k for k in ("instruction", "output") if not isinstance(rec.get(k), str)]
        if missing:
            raise CorpusError(f"{origin}: record {lineno} (id {rec.get('id')!r}) lacks field(s) {', '.join(missing)}")
        prompt = rec["instruction"] + ("\n" + rec["input"] if rec.get("input") else "")
        rid = str(rec.get("id") or content_id(prompt, rec["output"]))
        yield {
            "id": f"bactrian:{rid}",
            "source": "bactrian-x",
            "title": "",
            "text": prompt + "\n" + rec["output"],
            "prompt": prompt,
            "response": rec["output"],
        }
        n += 1
        if limit and n >= limit:
            return


def parse_oasst(path: Path, lang: str = "ar", limit: int | None = None) -> Iterator[dict]:
    """oasst1 message trees of a JSONL file as prompt/response pairs."""
    return oasst_documents(read_jsonl(path), str(path), lang, limit)


def oasst_documents(records: Iterable[dict], origin: str, lang: str = "ar", limit: int | None = None) -> Iterator[dict]:
    """oasst1 message trees as prompt/response pairs: each assistant reply with its parent prompt.

    Keeps messages in ``lang`` that are not deleted (only those are held in memory: a few
    thousand); pairs are ordered by message id.
    """
    messages: dict[str, dict] = {}
    for lineno, rec in enumerate(records, 1):
        for field in ("message_id", "role", "text"):
            if field not in rec:
                raise CorpusError(f"{origin}: record {lineno} lacks field {field!r}")
        if rec.get("lang") != lang or rec.get("deleted"):
            continue
        messages[rec["message_id"]] = rec
    n = 0
    for mid in sorted(messages):
        msg = messages[mid]
        parent = messages.get(msg.get("parent_id") or "")
        if msg["role"] != "assistant" or parent is None or parent["role"] != "prompter":
            continue
        yield {
            "id": f"oasst:{mid}",
            "source": "oasst1",
            "title": "",
            "text": parent["text"] + "\n" + msg["text"],
            "prompt": parent["text"],
            "response": msg["text"],
            "tree_id": msg.get("message_tree_id"),
        }
        n += 1
        if limit and n >= limit:
            return
