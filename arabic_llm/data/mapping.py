"""Mapping a stage's function over document shards, in parallel, reusing unchanged records."""

from __future__ import annotations

import json
from pathlib import Path

from arabic_llm.cache.keys import record_keys
from arabic_llm.cache.records import (
    DIGEST,
    RecordWriter,
    ReuseJob,
    current_job,
    earlier_outputs,
    record_digests,
    release,
)
from arabic_llm.data.documents import (
    DOCS_DIR,
    SHARD_COLUMNS,
    doc_row,
    doc_shards,
    doc_tables,
    progress,
    read_doc_shard,
    read_doc_table,
    read_earlier_shard,
    read_layout,
    row_doc,
    shard_schema,
    write_doc_shard,
    write_doc_table,
)
from arabic_llm.data.segments import (
    MappedPart,
    SegmentMemo,
    check_layout,
    link_file,
    live_rows,
    mapped_layout,
    part_digests,
    write_layout,
    write_memo,
)


def per_record(fn):
    """Mark a shard function that returns one ``(output docs, figures)`` pair per input document:
    :func:`map_documents` then reuses earlier outputs of unchanged records (arabic_llm/cache/records.py)."""
    fn.per_record = True
    return fn


def _map_one(fn, params, src: Path, dst: Path, job) -> tuple[dict, tuple | list, tuple | None]:
    if getattr(fn, "per_record", False):
        return map_shard_records(fn, params, src, dst, job)
    docs, stats = fn(read_doc_shard(src), params)
    write_doc_shard(dst, docs)
    return {"documents": len(docs), **stats}, [], None


def map_documents(fn, params, in_dir: Path, out_dir: Path, desc: str, workers: int = 1) -> dict:
    """Apply ``fn`` to every shard, in parallel across processes.

    ``fn(docs, params) -> (docs, stats)`` maps a shard; a :func:`per_record` function maps
    documents one by one, and inside a stage run only new or changed records reach it. ``workers``
    processes share the shards (on a Dask worker: the cluster); the output does not depend on it.
    A segmented input (arabic_llm/data/segments.py) gives a segmented output: parts mapped before
    are linked, and the figures count the documents in the layout only.

    Returns:
        The stats of all shards summed (numbers) per key.
    """
    from arabic_llm.data.pool import shard_pool

    layout = read_layout(in_dir)
    per = getattr(fn, "per_record", False)
    if layout is not None and not per:
        return _map_in_order(fn, params, in_dir, out_dir, desc)
    shards = doc_shards(in_dir)
    folder = Path(out_dir) / DOCS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    job = current_job() if per else None
    jobs = [(src, folder / src.name) for src in shards]
    records = RecordWriter(job) if job else None
    digests = part_digests(in_dir, shards) if job else []
    memo = SegmentMemo(job) if job and layout is not None else None
    mapped: dict[int, MappedPart] = {}
    results = []

    def collect(i, result):
        stats, columns, per_row = result
        results.append(stats)
        if records:
            records.add_columns(*columns)
        if per_row is not None:
            mapped[i] = MappedPart(jobs[i][1], *per_row)

    todo = list(range(len(jobs)))
    if memo is not None:
        import pyarrow.parquet as pq

        for i in list(todo):
            hit = memo.take(digests[i], pq.ParquetFile(jobs[i][0]).metadata.num_rows)
            if hit is not None:  # mapped before, by this recipe: linked, not read
                try:
                    link_file(hit.path, jobs[i][1])
                except FileNotFoundError:  # collected since it was found: mapped instead
                    continue
                mapped[i] = MappedPart(jobs[i][1], hit.counts, hit.stats)
                memo.carry(hit, jobs[i][1].name, records)
                todo.remove(i)
    with shard_pool(min(workers, len(todo))) as pool:  # local processes, or the Dask cluster
        if pool is None:
            for i in progress(todo, desc, unit="shard"):
                collect(i, _map_one(fn, params, *jobs[i], job))
        else:
            futures = [(i, pool.submit(_map_one, fn, params, *jobs[i], job)) for i in todo]
            for i, future in progress(futures, desc, unit="shard"):
                collect(i, future.result())
    if records:
        records.write()
        write_memo(job, digests, [mapped[i] for i in range(len(jobs))])
    release(job)
    if layout is None:
        return sum_stats(results)
    part_rows = [mapped[i].counts for i in range(len(jobs))]
    check_layout(in_dir, layout, [len(c) for c in part_rows])
    write_layout(out_dir, *mapped_layout(layout, part_rows))
    return live_figures(layout, [mapped[i] for i in range(len(jobs))])


def live_figures(layout, mapped: list[MappedPart]) -> dict:
    """A segmented output's figures: those of the input documents its layout uses (a cold run's)."""
    import numpy as np

    import pyarrow as pa

    live = live_rows(layout, [len(m.counts) for m in mapped])
    counts = np.concatenate([np.asarray(m.counts, dtype=np.int64) for m in mapped]) if mapped else np.zeros(0, np.int64)
    used = np.concatenate(live) if live else np.zeros(0, dtype=bool)
    texts = pa.array([t for m in mapped for t in m.stats], pa.string()).dictionary_encode()  # a handful of kinds
    times = np.bincount(texts.indices.to_numpy(zero_copy_only=False)[used], minlength=len(texts.dictionary))
    figures: dict = {}
    for text, n in zip(texts.dictionary.to_pylist(), times.tolist()):
        if n:
            add_figures(figures, json.loads(text), n)
    return sum_stats([{"documents": int(counts[used].sum()), **figures}])


def _map_in_order(fn, params, in_dir: Path, out_dir: Path, desc: str) -> dict:
    """A whole-shard ``fn`` over a segmented input: documents in order, written as plain parts. The
    documents are grouped by the size of the input's first part, not as a cold run's parts: right for a
    function that treats each document alone (``counterfactual``), as every whole-shard one here does."""
    folder = Path(out_dir) / DOCS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    import pyarrow.parquet as pq

    window = max(pq.ParquetFile(doc_shards(in_dir)[0]).metadata.num_rows, 1)  # the first part: the corpus's shard size
    results = []
    for n, table in enumerate(progress(doc_tables(in_dir, window=window), desc, unit="shard")):
        docs, stats = fn([row_doc(r) for r in table.to_pylist()], params)
        write_doc_shard(folder / f"part-{n:05d}.parquet", docs)
        results.append({"documents": len(docs), **stats})
    if not results:  # no documents: one empty part, and the function's figures of none
        docs, stats = fn([], params)
        write_doc_shard(folder / "part-00000.parquet", docs)
        results.append({"documents": len(docs), **stats})
    return sum_stats(results)


def sum_stats(results: list[dict]) -> dict:
    total: dict = {}
    for stats in results:
        for key, value in stats.items():
            if isinstance(value, dict):
                total[key] = sum_stats([total.get(key, {}), value])
            else:
                total[key] = total.get(key, 0) + value
    return dict(sorted(total.items()))


def row_identities(table) -> list[bytes]:
    """What a content hash of each stored document row covers: every column, in a fixed order
    (joined by Arrow, a null as empty)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = [table.column(c).cast(pa.large_binary()) for c in SHARD_COLUMNS]
    return pc.binary_join_element_wise(*columns, pa.scalar(b"\x1f", pa.large_binary()), null_handling="replace",
                                       null_replacement="").to_pylist()


def add_figures(total: dict, figures: dict, times: int = 1) -> None:
    """Add a record's figures ``times`` times into ``total`` in place (numbers summed, nested dicts likewise)."""
    for key, value in figures.items():
        if isinstance(value, dict):
            add_figures(total.setdefault(key, {}), value, times)
        else:
            total[key] = total.get(key, 0) + value * times


def _sorted(figures: dict) -> dict:
    return {k: _sorted(v) if isinstance(v, dict) else v for k, v in sorted(figures.items())}


def map_shard_records(fn, params, src: Path, dst: Path, job: ReuseJob | None) -> tuple[dict, list[tuple], tuple]:
    """Map one document shard with a per-record ``fn``, reusing known records' outputs.

    ``fn(docs, params)`` returns one ``(output docs, figures)`` pair per input document. Known records'
    rows are taken from the earlier shards that hold them and checked against their entries' digests
    (a table whose entry lies is discarded and its records computed); the output is one Arrow ``take``
    over the new rows and the reused ones, in input order: the same rows, and bytes, as mapping every record.

    Returns:
        (the shard's figures, records-table columns for every record of the shard or ``[]``, and per
        record its number of output rows and its figures as JSON).
    """
    import numpy as np
    import pyarrow as pa

    table = read_doc_table(src)
    n = table.num_rows
    earlier = earlier_outputs(job) if job else None
    keys = b"".join(record_keys(job.recipe, row_identities(table))) if job else b""
    counts = np.zeros(n, dtype=np.int64)
    stats = [""] * n
    digests = np.zeros((n, DIGEST), dtype=np.uint8)
    reused, reused_first = _reused_rows(earlier, keys, counts, stats, digests) if job else (None, None)
    missing = np.flatnonzero(counts < 0) if job else np.arange(n)
    misses = [row_doc(r) for r in table.take(missing).to_pylist()] if len(missing) else []

    new_rows, new_counts = [], []
    results = list(fn(misses, params))
    if len(results) != len(misses):
        raise RuntimeError(f"{src}: {getattr(fn, '__name__', fn)} gave {len(results)} results for {len(misses)} "
                           "documents; a per-record function gives one (docs, figures) pair per document")
    for i, (docs, record_figures) in zip(missing.tolist(), results):
        new_rows.extend(doc_row(d) for d in docs)
        new_counts.append(len(docs))
        stats[i] = json.dumps(record_figures, sort_keys=True, separators=(",", ":"))
    new = pa.Table.from_pylist(new_rows, schema=shard_schema())
    counts[missing] = new_counts
    first = np.zeros(n, dtype=np.int64)  # each record's first row among [new rows, reused rows]
    first[missing] = np.cumsum(counts[missing]) - counts[missing]
    if job:
        digests[missing] = np.frombuffer(record_digests(new, first[missing], counts[missing],
                                                        [stats[i] for i in missing.tolist()]),
                                         dtype=np.uint8).reshape(-1, DIGEST)
        known = np.flatnonzero(reused_first >= 0)
        first[known] = len(new_rows) + reused_first[known]
    starts = np.cumsum(counts) - counts  # each record's first row in the output
    total = int(counts.sum())
    sources = [new] + ([reused] if reused is not None and reused.num_rows else [])
    out = pa.concat_tables(sources).take(np.repeat(first - starts, counts) + np.arange(total))
    write_doc_table(dst, out.combine_chunks())
    figures: dict = {}
    for text, times in zip(*np.unique(np.array(stats, dtype=object), return_counts=True)):  # a handful of kinds
        add_figures(figures, json.loads(text), int(times))
    columns = (keys, dst.name, starts, counts, stats, digests.tobytes()) if job else []
    return {"documents": total, **_sorted(figures)}, columns, (counts, stats)


def _reused_rows(earlier, keys: bytes, counts, stats: list, digests):
    """The rows of the records the earlier tables hold, proved against their digests.

    Fills ``counts`` (-1 for a record to compute), ``stats`` and ``digests`` in place; returns the
    reused rows (one table, record after record) and each record's first row there (-1: none).
    """
    import numpy as np
    import pyarrow as pa

    n = len(counts)
    while True:
        which, rows = earlier.locate(keys)
        pieces, first, base, lied = [], np.full(n, -1, dtype=np.int64), 0, False
        counts[:] = -1
        for t, (artifact, known) in enumerate(earlier.tables):
            mine = np.flatnonzero(which == t)
            if not len(mine):
                continue
            at = rows[mine]
            shard_of, mine_counts = known.shard_of[at], known.count[at]
            sources, source_first, offset = [], np.zeros(len(mine), dtype=np.int64), 0
            for s in np.unique(shard_of).tolist():
                part = shard_of == s
                if mine_counts[part].any():
                    shard = earlier.loaded(artifact, f"{DOCS_DIR}/{known.shard_names[s]}", read_earlier_shard)
                    if (known.start[at[part]] + mine_counts[part] > shard.num_rows).any():
                        earlier.discard(t, f"an entry points past the end of {known.shard_names[s]}")
                        break
                    source_first[part] = offset + known.start[at[part]]
                    sources.append(shard)
                    offset += shard.num_rows
            else:
                texts = known.stats(at)
                local = np.cumsum(mine_counts) - mine_counts
                taken = (pa.concat_tables(sources).take(np.repeat(source_first - local, mine_counts)
                                                        + np.arange(int(mine_counts.sum())))
                         if sources else pa.Table.from_pylist([], schema=shard_schema()))
                got = record_digests(taken, local, mine_counts, texts)
                if earlier.check(t, at, got):
                    counts[mine], first[mine] = mine_counts, base + local
                    digests[mine] = known.digest[at]
                    for i, text in zip(mine.tolist(), texts):
                        stats[i] = text
                    pieces.append(taken)
                    base += taken.num_rows
                    continue
            lied = True
            break
        if not lied:
            return (pa.concat_tables(pieces) if pieces else None), first
