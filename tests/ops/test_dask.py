"""Stages on Dask through prefect-dask's DaskTaskRunner: same artifacts (same digests) as a local run,
shard jobs spread over a two-worker cluster on 127.0.0.1."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from distributed import Client, LocalCluster, get_task_stream
from toy_flow import text_flow, toy_flow

from flows.runner import dask_task_runner

SHARD_DOCS = 60  # the sample corpora split into several shards: the unit of parallel work


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as c:
        yield c


def test_joined_cluster_gives_the_digests_of_a_local_run(tmp_path: Path, cluster):
    local = text_flow(store=str(tmp_path / "local"), shard_docs=SHARD_DOCS)
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    on_dask = text_flow.with_options(task_runner=dask_task_runner(cluster.scheduler_address))
    with Client(cluster.scheduler_address) as client, get_task_stream(client) as stream:
        remote = on_dask(store=str(tmp_path / "dask"), shard_docs=SHARD_DOCS)
    assert {s: i["outcome"] for s, i in remote.items()} == {"download": "ran", "clean": "ran", "normalize": "ran"}
    assert {s: i["digest"] for s, i in remote.items()} == {s: i["digest"] for s, i in local.items()}
    assert {s: i["key"] for s, i in remote.items()} == {s: i["key"] for s, i in local.items()}

    shards = len(list((tmp_path / "dask" / remote["clean"]["artifact"] / "data").rglob("part-*.parquet")))
    assert shards >= 3
    shard_jobs = [t for t in stream.data if t["key"].startswith("_map_one")]
    assert len(shard_jobs) == 2 * shards  # clean's and normalize's shards, one Dask task each
    stage_tasks = [t for t in stream.data if not t["key"].startswith("_map_one")]
    assert len(stage_tasks) >= 3  # the stage tasks themselves ran on the workers too
    print("shard jobs per worker:", Counter(t["worker"] for t in shard_jobs))


def test_runner_dask_starts_its_own_local_cluster(tmp_path: Path):
    src = tmp_path / "src.txt"
    src.write_text("salam", encoding="utf-8")
    local = toy_flow(store=str(tmp_path / "local"), src=str(src))
    stages = toy_flow.with_options(task_runner=dask_task_runner(workers=2))(store=str(tmp_path / "dask"), src=str(src))
    assert {s: i["digest"] for s, i in stages.items()} == {s: i["digest"] for s, i in local.items()}
    manifest = json.loads((tmp_path / "dask" / stages["toy_upper"]["artifact"] / "manifest.json").read_text())
    assert manifest["run"]["pid"] != os.getpid()  # built in a Dask worker process


def test_cli_runner_options_pick_the_task_runner():
    from prefect_dask import DaskTaskRunner

    from arabic_llm.ops.cli import build_parser
    from flows.flow import arabic_llm_flow, flow_with_runner

    args = build_parser().parse_args(["run", "--runner", "dask", "--dask-workers", "3"])
    runner = flow_with_runner(args.runner, args.dask_address, args.dask_workers).task_runner
    assert isinstance(runner, DaskTaskRunner)
    assert runner.cluster_kwargs["n_workers"] == 3 and runner.cluster_kwargs["host"] == "127.0.0.1"
    args = build_parser().parse_args(["run", "--dask-address", "tcp://10.0.0.5:8786"])
    assert flow_with_runner(args.runner, args.dask_address, args.dask_workers).task_runner.address == \
        "tcp://10.0.0.5:8786"
    assert flow_with_runner("local") is arabic_llm_flow
