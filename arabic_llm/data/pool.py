"""Where shard jobs run: local worker processes, or the Dask cluster when a stage runs on one of its
workers (``--runner dask``): what a stage computes does not depend on where its shards ran."""

from __future__ import annotations

import contextlib
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Iterator


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
