"""A 2% refresh in the embedded default configuration, through `shards`: relearning against keeping the
dialect tagger (issue 20).

    python benchmarks/bench_refresh_default.py --pages 20000

The default learns its dialect tagger from labels over corpus documents (builtin:dialect-labels.json),
so with ``learned.refresh: always`` any changed page relearns it and every document is tagged again
(and every shard row rebuilt); nightly runs use ``learned.refresh: on_drift``, which keeps the stored
tagger until the documents drift past ``learned.drift_threshold`` (arabic_llm/data/learned.py).

The third variant, ``nightly``, is what the nightly deployment runs: ``on_drift`` and
``download.layout: segments`` (arabic_llm/data/segments.py), from a night 0 stored in that layout.

Night 0: the default config with its Wikipedia source replaced by the embedded sample's pages plus
--pages synthetic articles (bench_nightly.corpus; Bactrian-X and OASST stay the builtin samples), cold,
from an empty store. Night 1: --changed of the articles changed (half edited, a quarter deleted, a
quarter created: tests/helpers/nights.py), run against a copy of night 0's store once with each
policy. Every run is a fresh process (bench_corpus.Timed: the real wiring, each stage timed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "helpers"), str(ROOT / "benchmarks")]
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

POLICIES = ("always", "on_drift", "nightly")  # nightly: on_drift and download.layout: segments (flows/nightly.py)


def overrides(policy: str) -> list[str]:
    if policy == "nightly":
        return ["learned.refresh=on_drift", "download.layout=segments"]
    return [f"learned.refresh={policy}"]


def run_once(store: Path, dump: Path, policy: str, workers: int) -> int:
    """One run through `shards` in this process; prints its figures as one JSON line."""
    from bench_corpus import Done, Timed

    from arabic_llm.config import load_config
    from flows.pipeline import pipeline

    cfg = load_config(None, [f"download.wikipedia={dump}", *overrides(policy)])
    timed = Timed(store, workers=workers)
    started = time.perf_counter()
    try:
        pipeline(cfg, timed)
    except Done:
        pass
    print(json.dumps({"wall": time.perf_counter() - started, "seconds": timed.seconds, "cpu": timed.cpu,
                      "reused": {k: r.reused for k, r in timed.refs.items()},
                      "keys": {k: r.key for k, r in timed.refs.items()}, "plans": timed.plans}))
    return 0


def in_process(store: Path, dump: Path, policy: str, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--once", str(store), str(dump), policy, "--workers", str(workers)]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=20_000, help="synthetic articles beside the sample's pages")
    ap.add_argument("--changed", type=float, default=0.02)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--once", nargs=3, metavar=("STORE", "DUMP", "POLICY"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.once:
        return run_once(Path(args.once[0]), Path(args.once[1]), args.once[2], args.workers)

    from bench_nightly import corpus
    from nights import next_night, write_dump

    work = args.work or Path(tempfile.mkdtemp(prefix="bench_refresh_default-"))
    pages0 = corpus(args.pages)
    pages1, changed = next_night(pages0, args.changed, seed=1)
    dumps = [write_dump(work / f"night{i}.xml.bz2", p) for i, p in enumerate((pages0, pages1))]
    print(f"night 0: {len(pages0)} pages; night 1: {len(changed['edited'])} edited, {len(changed['deleted'])} "
          f"deleted, {len(changed['created'])} created; workers {args.workers}", flush=True)
    colds = {}
    for layout, policy in (("cold", "on_drift"), ("cold-segments", "nightly")):  # night 0 in each layout
        shutil.rmtree(work / layout, ignore_errors=True)
        colds[layout] = in_process(work / layout, dumps[0], policy, args.workers)
    cold = colds["cold"]
    runs = {}
    for policy in POLICIES:
        store = work / policy
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(work / ("cold-segments" if policy == "nightly" else "cold"), store)
        runs[policy] = in_process(store, dumps[1], policy, args.workers)
    stages = list(cold["seconds"])
    print(f"\n{'stage':<15}{'cold s':>9}" + "".join(f"{p + ' s':>13}{'ratio':>7}" for p in POLICIES))
    for stage in stages:
        line = f"{stage:<15}{cold['seconds'][stage]:>9.2f}"
        for policy in POLICIES:
            s = runs[policy]["seconds"].get(stage, 0.0)
            line += f"{s:>13.2f}{s / max(cold['seconds'][stage], 1e-9):>7.3f}"
        print(line)
    total = sum(cold["seconds"].values())
    print(f"{'total':<15}{total:>9.2f}" + "".join(
        f"{sum(runs[p]['seconds'].values()):>13.2f}{sum(runs[p]['seconds'].values()) / total:>7.3f}" for p in POLICIES))
    segments_total = sum(colds["cold-segments"]["seconds"].values())
    print(f"night 0 with download.layout: segments: {segments_total:.2f} s (against {total:.2f}); nightly refresh "
          f"{sum(runs['nightly']['seconds'].values()) / segments_total:.3f} of it")
    for policy in POLICIES:
        night0 = colds["cold-segments" if policy == "nightly" else "cold"]
        same = [s for s in stages if runs[policy]["keys"][s] == night0["keys"][s]]
        print(f"{policy}: dialect_model {runs[policy]['plans'].get('dialect_model', 'relearned on every change')}; "
              f"stages with night 0's key: {', '.join(same)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
