"""Small flows for tests and benchmarks: two toy stages (run in-process, or as a script by the
concurrency tests), and the first real text stages over the embedded sample."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from prefect import flow
from toy_stages import ToyParams, toy_count, toy_upper

from arabic_llm.cache.store import Store
from arabic_llm.config import load_config
from flows.runner import StageRunner
from tasks.clean import clean
from tasks.download import download, plan
from tasks.normalize import normalize


@flow(name="toy")
def toy_flow(store: str, src: str, repeat: int = 2, sleep: float = 0.0, fail: bool = False,
             count_repeat: int | None = None) -> dict:
    run = StageRunner(Store(store), "toy-run")
    upper = run(toy_upper, ToyParams(repeat=repeat, sleep=sleep, fail=fail), src=Path(src))
    run(toy_count, ToyParams(repeat=count_repeat or 1), text=upper)
    return run.stages


@flow(name="text-stages")
def text_flow(store: str, shard_docs: int) -> dict:
    """download -> clean -> normalize on the embedded sample, in shards of ``shard_docs`` documents."""
    cfg = load_config(None, [f"download.shard_docs={shard_docs}"])
    run = StageRunner(Store(store), "text-stages")
    params, files = plan(cfg.download)
    raw = run(download, params, **files)
    run(normalize, cfg.normalize, docs=run(clean, cfg.clean, docs=raw))
    return run.stages


if __name__ == "__main__":
    import env_settings  # noqa: F401  (the tests' Prefect settings)

    from arabic_llm.ops.cli import prepare_local_prefect

    prepare_local_prefect()  # as `arabic-llm run` does

    stages = toy_flow(store=sys.argv[1], src=sys.argv[2], sleep=float(sys.argv[3]))
    print(json.dumps({k: v["outcome"] for k, v in stages.items()}))
