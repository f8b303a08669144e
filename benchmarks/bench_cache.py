"""Cold run, warm no-op run, and the warm run against the floor any Prefect tool pays.

Every figure is a fresh `arabic-llm run --ephemeral` process (or a fresh process running a trivial
one-task Prefect flow), with the same temporary PREFECT_HOME and settings, on this machine: both start
a temporary Prefect server, so the ratio is like for like. A run against a running local server:
benchmarks/bench_status.py.
Usage: python benchmarks/bench_cache.py [--repeats N] [--set KEY=VALUE ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRIVIAL_FLOW = """
from prefect import flow, task

@task
def one():
    return 1

@flow(name="trivial")
def trivial():
    return one()

trivial()
"""


def timed(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="arabic-llm-bench-"))
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect-home"), "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("PREFECT_API_URL", None)
    cli = [sys.executable, "-m", "arabic_llm.ops.cli", "run", "--ephemeral", "--store", str(work / "store")]
    for item in args.set:
        cli += ["--set", item]
    trivial = work / "trivial_flow.py"
    trivial.write_text(TRIVIAL_FLOW)

    timed([sys.executable, str(trivial)], env)  # first start creates the Prefect database
    cold = timed(cli, env)
    warm = [timed(cli, env) for _ in range(args.repeats)]
    floor = [timed([sys.executable, str(trivial)], env) for _ in range(args.repeats)]
    warm_s, floor_s = statistics.median(warm), statistics.median(floor)
    print(f"cold run                         {cold:8.2f} s")
    print(f"warm no-op run (median of {args.repeats})      {warm_s:8.2f} s   {[round(w, 2) for w in warm]}")
    print(f"trivial one-task flow (median)   {floor_s:8.2f} s   {[round(f, 2) for f in floor]}")
    print(f"warm / trivial ratio             {warm_s / floor_s:8.2f}   (goal <= 1.5)")
    print(f"cold / warm ratio                {cold / warm_s:8.2f}")


if __name__ == "__main__":
    main()
