"""Preloaded into the workers of the local Dask cluster that ``run --runner dask`` starts: their run logs are
routed like the run's own process (flows/logs.py), so what a stage prints there reaches the UI and the
terminal, and an expected failure is not printed with its traceback by the worker."""

from __future__ import annotations


def dask_setup(worker) -> None:  # distributed calls this when the worker starts
    from flows.logs import route_run_logs

    route_run_logs()
