"""How the flow runs its stages: :class:`StageRunner` calls each stage's task bound to the store, on
the flow's task runner (in process, or on Dask with ``--runner dask``).

With prefect-dask's ``DaskTaskRunner`` each stage task runs on a Dask worker; there, the per-shard
jobs of a shard-parallel stage (:func:`arabic_llm.data.mapping.map_documents`) go to the whole cluster
instead of local processes. What a stage computes does not depend on where it runs, so the
artifacts and their digests are those of a local run. Workers read and write the store by path:
on several machines it must be mounted at the same path on each (or use a remote store per machine).
"""

from __future__ import annotations

import json
import time
from typing import Any

from arabic_llm.cache.stage import Stage, bind_to_store
from arabic_llm.cache.store import ArtifactRef, Store
from arabic_llm.config import RuntimeConfig

WORKER_PRELOAD = "flows.dask_worker"  # routes a worker's run logs as in the run's own process


def dask_task_runner(address: str | None = None, workers: int = 2):
    """A ``DaskTaskRunner`` joining the scheduler at ``address`` (``tcp://HOST:8786``), or starting a
    local cluster of ``workers`` single-threaded worker processes bound to 127.0.0.1."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "host": "127.0.0.1", "dashboard_address": "127.0.0.1:0",
                                          "preload": [WORKER_PRELOAD]})  # run logs as in this process


def flow_dask_runner():
    """The current flow run's DaskTaskRunner, or None: then stages are called inline, not submitted."""
    import sys

    if "prefect_dask" not in sys.modules:  # no DaskTaskRunner can exist; importing Dask costs 1-3 s
        return None
    from prefect.context import FlowRunContext
    from prefect_dask import DaskTaskRunner

    ctx = FlowRunContext.get()
    return ctx.task_runner if ctx is not None and isinstance(ctx.task_runner, DaskTaskRunner) else None


def flow_runs_on_dask() -> bool:
    """Is the current flow run's task runner Dask? Then stages are submitted to it, not called inline."""
    return flow_dask_runner() is not None


# Called as listener(stage, outcome, seconds) after each stage (outcome "ran", "cached" or "failed");
# the CLI prints progress with it.
STAGE_LISTENERS: list = []
SUMMARY_CHARS = 600  # a stage's summary in the run log: its figures, not whole tables


def log_stage(stage: str, outcome: str, seconds: float, summary: dict | None, plan: str | None = None) -> None:
    """One line per stage in the flow run's log (the UI's Logs tab); the terminal has its own table."""
    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError

    from flows.logs import QUIET_ON_TERMINAL

    try:
        logger = get_run_logger()
    except MissingContextError:  # called outside a flow run (a test's plain call)
        return
    figures = json.dumps(summary, ensure_ascii=False, sort_keys=True, default=str) if summary else ""
    if len(figures) > SUMMARY_CHARS:
        figures = figures[:SUMMARY_CHARS] + " ..."
    logger.info("stage %s %s in %.2fs%s%s", stage, outcome, seconds, f" ({plan})" if plan else "",
                f": {figures}" if figures else "", extra={QUIET_ON_TERMINAL: True})


class StageRunner:
    """Calls stage tasks bound to one store and remembers each stage's outcome."""

    def __init__(self, store: Store, run_id: str, runtime: RuntimeConfig | None = None):
        self.store = store
        self.run_id = run_id
        self.runtime = runtime or RuntimeConfig()  # passed to every stage, never keyed
        self.stages: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, str] = {}  # stage -> what its call was decided to be, and why (flows/pipeline.py)

    def __call__(self, stage: Stage, params, **inputs) -> ArtifactRef:
        started = time.perf_counter()
        dask = flow_dask_runner()
        on_dask = dask is not None
        # What a stage prints (training progress) goes to its task run's log, for the UI, and flows/logs.py
        # puts it on stdout; so do the workers of a cluster `run` started. A joined cluster's workers log
        # as Prefect's default (WARNING), so there a stage prints as it always did.
        routed = not on_dask or WORKER_PRELOAD in (getattr(dask, "cluster_kwargs", None) or {}).get("preload", ())
        bound = bind_to_store(stage, self.store).with_options(log_prints=routed)
        call = dict(params=params, inputs=inputs, store_root=str(self.store.root), run_id=self.run_id,
                    runtime=self.runtime)
        if on_dask:  # run on a Dask worker; its shard jobs spread over the cluster
            future = bound.submit(**call)
            future.wait()
            state = future.state
        else:
            state = bound(**call, return_state=True)
        try:
            ref: ArtifactRef = state.result()  # raises the stage's own error if it failed
        except BaseException:
            seconds = round(time.perf_counter() - started, 3)
            for listener in STAGE_LISTENERS:
                listener(stage.spec.name, "failed", seconds)
            raise
        outcome = "cached" if state.name == "Cached" or ref.reused else "ran"
        seconds = round(time.perf_counter() - started, 3)
        log_stage(stage.spec.name, outcome, seconds, (self.store.manifest(stage.spec.name, ref.key) or {}).get("summary"),
                  self.plans.get(stage.spec.name))
        self.stages[stage.spec.name] = {"outcome": outcome, "key": ref.key, "artifact": ref.path,
                                        "digest": ref.digest, "seconds": seconds}
        if stage.spec.name in self.plans:  # e.g. incremental training, a kept dialect tagger: said in the record
            self.stages[stage.spec.name]["plan"] = self.plans[stage.spec.name]
        for listener in STAGE_LISTENERS:
            listener(stage.spec.name, outcome, seconds)
        return ref
