"""Run records: what each run did, kept in the store.

The record of a run (``<store>/runs/<run-id>.json`` and ``runs/latest.json``) says, per stage,
whether it ran or came from the cache, its key, its artifact and how long it took.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

from arabic_llm.cache.store import Store


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def write_run_record(store: Store, record: dict) -> Path:
    """Write the run record atomically, and point ``latest.json`` at it."""
    store.runs.mkdir(parents=True, exist_ok=True)
    body = json.dumps(record, indent=2) + "\n"  # stages stay in pipeline order
    path = store.runs / f"{record['run_id']}.json"
    for target in (path, store.runs / "latest.json"):
        tmp = target.with_suffix(f".tmp-{uuid.uuid4().hex}")
        tmp.write_text(body, encoding="utf-8")
        os.replace(tmp, target)
    return path


def read_run_records(store: Store) -> list[dict]:
    """Every run record, oldest first."""
    records = []
    for path in sorted(store.runs.glob("*.json")) if store.runs.is_dir() else []:
        if path.name == "latest.json":
            continue
        try:
            records.append(json.loads(path.read_text(encoding="utf-8")))
        except json.JSONDecodeError:
            continue  # a record being written by a concurrent run
    return sorted(records, key=lambda r: (r.get("finished", 0), r["run_id"]))


def latest_record(store: Store) -> dict | None:
    path = store.runs / "latest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
