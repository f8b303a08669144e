"""The default pipeline from an empty store: each stage's seconds, the whole run's wall and CPU time, and the
machine's load beside them (on a shared machine wall time says little without it), then the report's headline.

usage: python benchmarks/bench_default_run.py [STORE] [-c CONFIG]   (STORE defaults to a fresh temp folder)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from arabic_llm.ops import cli


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("store", nargs="?")
    ap.add_argument("-c", "--config", default=None)
    args = ap.parse_args()
    store = Path(args.store or tempfile.mkdtemp(prefix="bench-default-")) / "store"
    load_before = os.getloadavg()
    wall, cpu = time.perf_counter(), time.process_time()
    argv = ["run", "--store", str(store)] + (["-c", args.config] if args.config else [])
    assert cli.main(argv) == 0
    wall = time.perf_counter() - wall
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu + children.ru_utime + children.ru_stime
    record = json.loads((store / "runs" / "latest.json").read_text())
    print(f"load average before {load_before[0]:.1f}, after {os.getloadavg()[0]:.1f} (2-core machine: above 2 means shared)")
    for name, info in record["stages"].items():
        print(f"  {name:15s} {info['outcome']:7s} {info.get('seconds', 0):8.1f} s")
    print(f"whole run: wall {wall:.0f} s, CPU {cpu:.0f} s (this process and its children)")
    report = next((store / "artifacts" / "report").glob("*/data/tables.json"), None)
    if report:
        for row in json.loads(report.read_text(encoding="utf-8")).get("adaptation", []):
            print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
