"""Running stages inside a flow and keeping the run record.

The record of a run (``<store>/runs/<run-id>.json`` and ``runs/latest.json``) says, per stage,
whether it ran or came from the cache, its key, its artifact and how long it took.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from arabic_llm.scaleout import flow_runs_on_dask
from arabic_llm.store import ArtifactRef, Store, bind_to_store


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


# Called as listener(stage, outcome, seconds) after each stage; the CLI prints progress with it.
STAGE_LISTENERS: list = []


class StageRunner:
    """Calls stage tasks bound to one store and remembers each stage's outcome."""

    def __init__(self, store: Store, run_id: str):
        self.store = store
        self.run_id = run_id
        self.stages: dict[str, dict[str, Any]] = {}

    def __call__(self, stage, params, **inputs) -> ArtifactRef:
        started = time.perf_counter()
        bound = bind_to_store(stage, self.store)
        call = dict(params=params, inputs=inputs, store_root=str(self.store.root), run_id=self.run_id)
        if flow_runs_on_dask():  # run on a Dask worker; its shard jobs spread over the cluster
            future = bound.submit(**call)
            future.wait()
            state = future.state
        else:
            state = bound(**call, return_state=True)
        ref: ArtifactRef = state.result()  # raises the stage's own error if it failed
        outcome = "cached" if state.name == "Cached" or ref.reused else "ran"
        seconds = round(time.perf_counter() - started, 3)
        self.stages[stage.spec.name] = {"outcome": outcome, "key": ref.key, "artifact": ref.path,
                                        "digest": ref.digest, "seconds": seconds}
        for listener in STAGE_LISTENERS:
            listener(stage.spec.name, outcome, seconds)
        return ref


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
