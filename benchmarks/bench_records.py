"""What proving reused records costs: per-record content digests of a 50k-document refresh's rows.

    python benchmarks/bench_records.py --docs 50000

Prints the seconds to digest every record's output rows (records.record_digests: Arrow joins and
measures the rows, one sha256 per record) beside the baseline every refresh already pays: the
record keys of the same rows (keys.record_keys over mapping.row_identities), and the Parquet read
and write of the same shards.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from arabic_llm.cache.keys import record_keys
from arabic_llm.cache.records import record_digests
from arabic_llm.data.documents import read_doc_table, shard_schema, write_doc_table
from arabic_llm.data.mapping import row_identities


def best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=50_000)
    ap.add_argument("--shard-docs", type=int, default=10_000)
    args = ap.parse_args()
    import numpy as np
    import pyarrow as pa

    rng = random.Random(7)
    words = ["مدينة", "تاريخ", "السكان", "الأسواق", "القديمة", "عن", "في", "إلى", "كان", "وقد"]
    rows = [{"id": f"wiki:{i}", "source": "wikipedia", "dialect": "MSA" if i % 3 else None,
             "text": " ".join(rng.choice(words) for _ in range(rng.randint(50, 400))), "fields": "{}"}
            for i in range(args.docs)]
    shards = [pa.Table.from_pylist(rows[i : i + args.shard_docs], schema=shard_schema())
              for i in range(0, args.docs, args.shard_docs)]
    mb = sum(t.nbytes for t in shards) / 1e6
    ones = [np.ones(t.num_rows, dtype=np.int64) for t in shards]
    starts = [np.arange(t.num_rows) for t in shards]

    digest_s = best(lambda: [record_digests(t, s, o, "{}") for t, s, o in zip(shards, starts, ones)])
    keys_s = best(lambda: [record_keys("recipe", row_identities(t)) for t in shards])
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"part-{i:05d}.parquet" for i in range(len(shards))]
        io_s = best(lambda: [write_doc_table(p, t) for p, t in zip(paths, shards)] and
                    [read_doc_table(p) for p in paths])
    print(f"{args.docs} documents, {mb:.1f} MB of rows in {len(shards)} shards")
    print(f"record digests (new):          {digest_s:.3f} s  ({args.docs / digest_s:,.0f} records/s, {mb / digest_s:.0f} MB/s)")
    print(f"record keys (already paid):    {keys_s:.3f} s")
    print(f"Parquet write + read (paid):   {io_s:.3f} s")
    print(f"digests / (keys + I/O):        {digest_s / (keys_s + io_s):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
