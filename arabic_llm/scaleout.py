"""Scale-out on Dask: the task runner behind ``--runner dask`` and the pool shard-by-shard work uses.

With prefect-dask's ``DaskTaskRunner`` each stage task runs on a Dask worker; there, the per-shard
jobs of a shard-parallel stage (:func:`arabic_llm.corpus.map_documents`) go to the whole cluster
instead of local processes. What a stage computes does not depend on where it runs, so the
artifacts and their digests are those of a local run. Workers read and write the store by path:
on several machines it must be mounted at the same path on each (or use a remote store per machine).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Iterator


def dask_task_runner(address: str | None = None, workers: int = 2):
    """A ``DaskTaskRunner`` joining the scheduler at ``address`` (``tcp://HOST:8786``), or starting a
    local cluster of ``workers`` single-threaded worker processes bound to 127.0.0.1."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "host": "127.0.0.1", "dashboard_address": "127.0.0.1:0"})


def flow_runs_on_dask() -> bool:
    """Is the current flow run's task runner Dask? Then stages are submitted to it, not called inline."""
    from prefect.context import FlowRunContext
    from prefect_dask import DaskTaskRunner

    ctx = FlowRunContext.get()
    return ctx is not None and isinstance(ctx.task_runner, DaskTaskRunner)


def _on_dask_worker() -> bool:
    import sys

    if "distributed" not in sys.modules:  # a Dask worker has it loaded; importing it costs 0.3 s
        return False
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return False
    return True


@contextlib.contextmanager
def shard_pool(workers: int) -> Iterator[Executor | None]:
    """Where shard jobs run: the Dask cluster when called on one of its workers, else ``workers``
    local processes; ``None`` means in this process, one shard after another."""
    if _on_dask_worker():
        from distributed import worker_client

        # worker_client secedes from the worker's thread pool while the jobs run, so a stage task
        # waiting on its shards never starves the cluster of the thread they need.
        with worker_client() as client:
            yield client.get_executor(pure=False)
    elif workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            yield pool
    else:
        yield None
