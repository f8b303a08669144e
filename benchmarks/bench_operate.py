"""What operating features cost, side by side with the plain local run as baseline.

The text stages (download -> clean -> normalize) on the sample corpora, split into many shards:
  local cold         plain local store, one process (the baseline)
  local warm         the same again: every stage cached
  remote cold        a store on moto's S3 server (127.0.0.1) with a fresh cache: compute and upload
  remote fetch       a second machine (another fresh cache): everything downloaded and checked
  dask cold          a fresh local store, stages on a two-worker local Dask cluster (its start-up included)

    python benchmarks/bench_operate.py [--shard-docs 40]
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "tests" / "helpers")]
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="bench-prefect-"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")


from toy_flow import text_flow  # noqa: E402

from arabic_llm.cache.store import Store  # noqa: E402
from flows.runner import dask_task_runner  # noqa: E402


def timed(fn, **kwargs) -> tuple[float, dict]:
    started = time.perf_counter()
    stages = fn(**kwargs)
    return time.perf_counter() - started, stages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shard-docs", type=int, default=40)
    args = parser.parse_args()
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request lines

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
                      AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}")
    import fsspec

    fsspec.filesystem("s3").mkdir("bench")
    tmp = Path(tempfile.mkdtemp(prefix="bench-operate-"))
    text_flow(store=str(tmp / "warmup"), shard_docs=args.shard_docs)  # Prefect's server, imports

    rows = []
    seconds, local = timed(text_flow, store=str(tmp / "local"), shard_docs=args.shard_docs)
    rows.append(("local cold (baseline)", seconds, local))
    rows.append(("local warm", *timed(text_flow, store=str(tmp / "local"), shard_docs=args.shard_docs)))
    url = "s3://bench/store"
    rows.append(("remote cold", *timed(text_flow, store=str(Store.open(url, tmp / "cache-a").root),
                                       shard_docs=args.shard_docs)))
    rows.append(("remote fetch", *timed(text_flow, store=str(Store.open(url, tmp / "cache-b").root),
                                        shard_docs=args.shard_docs)))
    on_dask = text_flow.with_options(task_runner=dask_task_runner(workers=2))
    rows.append(("dask cold, 2 workers", *timed(on_dask, store=str(tmp / "dask"), shard_docs=args.shard_docs)))
    server.stop()

    shards = len(list((tmp / "local" / local["clean"]["artifact"] / "data").rglob("part-*.parquet")))
    print(f"text stages on the sample corpora, {shards} shards; {os.cpu_count()} CPUs")
    baseline = rows[0][1]
    digests = {s: i["digest"] for s, i in local.items()}
    for name, seconds, stages in rows:
        outcome = ",".join(sorted({i["outcome"] for i in stages.values()}))
        same = {s: i["digest"] for s, i in stages.items()} == digests
        print(f"  {name:<24} {seconds:7.2f} s   x{seconds / baseline:5.2f} of baseline   {outcome:<10} "
              f"digests {'identical' if same else 'DIFFER'}")


if __name__ == "__main__":
    main()
