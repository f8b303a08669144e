"""Nightly retraining: the pipeline as a Prefect deployment on a cron schedule.

Each scheduled run reads its config afresh, so ``download.wikipedia: latest`` resolves the newest
finished dump at run time: when nothing changed upstream every stage is cached; after a refresh only
what the change touches reruns (down to single records, see arabic_llm/cache/records.py). The
training stages train incrementally (``NIGHTLY_OVERRIDES``, before the deployment's own overrides,
which may turn it off): they continue the previous night's adapters on the documents that changed.
Resources learned from the corpus (the dialect tagger) are kept until the documents drift past
``learned.drift_threshold`` (arabic_llm/data/learned.py), so a small refresh keeps every tag. The
download is segmented (``download.layout: segments``, arabic_llm/data/segments.py): a refresh links
the unchanged parts of the last night's documents and stores only what changed, stage by stage.
"""

from __future__ import annotations

import time

from prefect import flow

from arabic_llm.cache.keys import sha256_bytes
from arabic_llm.cache.runs import new_run_id, write_run_record
from arabic_llm.cache.store import Store
from arabic_llm.config import load_config
from flows.flow import arabic_llm_flow

DEFAULT_CRON = "0 2 * * *"
# Incremental training on in nightly runs (README, Nightly incremental training); later overrides win.
NIGHTLY_OVERRIDES = ("train_msa.incremental.enabled=true", "train_dialects.incremental.enabled=true",
                     "learned.refresh=on_drift", "download.layout=segments")


@flow(name="arabic-llm-nightly", flow_run_name="arabic-llm-nightly")
def nightly(config_path: str | None = None, overrides: list[str] | None = None, store: str = "artifacts") -> dict:
    """One scheduled run: the whole pipeline against the store, with its run record."""
    cfg = load_config(config_path, [*NIGHTLY_OVERRIDES, *(overrides or [])])
    root = Store(store).root
    run_id = new_run_id()
    started = time.time()
    result = arabic_llm_flow(config=cfg, store=str(root), run_id=run_id)
    record = {"run_id": run_id, "flow_run_id": result["flow_run_id"], "trigger": "schedule",
              "config_digest": sha256_bytes(cfg.digest_source().encode()), "started": started,
              "finished": time.time(), "stages": result["stages"]}
    write_run_record(Store(root), record)
    return {"run_id": run_id, "outcomes": {name: s["outcome"] for name, s in result["stages"].items()}}


def build_deployment(config_path: str | None, overrides: list[str], store: str, cron: str = DEFAULT_CRON,
                     name: str = "nightly"):
    """The deployment `arabic-llm serve` registers: the nightly flow, its parameters, its schedule."""
    return nightly.to_deployment(
        name=name, cron=cron,
        parameters={"config_path": config_path, "overrides": list(overrides), "store": str(Store(store).root)},
        description="Retrain on the latest Wikipedia dump; unchanged stages and records come from the store",
        tags=["arabic-llm", "nightly"],
    )
