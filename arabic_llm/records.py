"""Record-level reuse: after a refresh, a stage processes only new or changed records.

Each artifact of a stage that maps records one by one carries, beside its ``data/``, a table
``records.arrow`` (Arrow IPC, sorted by key): for every input record, its key (see
:func:`arabic_llm.store.record_key`: the stage's recipe and the record's identity), where the
record's output lies in that artifact (shard file, first row, row count) and its share of the
stage's figures. A later run of the stage with the same recipe looks its records up in the newest
such tables (a binary search over memory-mapped keys), copies the known records' rows and runs its
function on the others only; output bytes and figures are those of a cold run.

The table is a cache: it is not part of the artifact's content (``data/``), goes when the artifact
is collected, and a record it does not find is simply computed.
"""

from __future__ import annotations

import functools
import json
import os
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from arabic_llm.corpus import (
    DOCS_DIR,
    SHARD_COLUMNS,
    ShardRow,
    doc_row,
    read_doc_table,
    row_doc,
    shard_schema,
    wiki_document,
    write_doc_table,
)
from arabic_llm.store import Store, record_keys, running_stage, stage_key

RECORDS_FILE = "records.arrow"
NEWEST = 2  # earlier artifacts consulted: the last run's has every record still in use
BATCH = 1000  # pages looked up at a time by the download stage


@dataclass(frozen=True)
class ReuseJob:
    """What a worker process needs to reuse records: picklable, no open handles."""

    root: str
    stage: str
    key: str  # the artifact being built
    recipe: str
    staged: str  # its staging directory: the records table is written there


def current_job(recipe: str | None = None) -> ReuseJob | None:
    """The reuse job of the stage being built (None outside a stage run: no reuse)."""
    ctx = running_stage()
    if ctx is None:
        return None
    return ReuseJob(ctx.root, ctx.stage, ctx.key, recipe or ctx.recipe, ctx.staged)


# ---------------------------------------------------------------- the records table of an artifact


class RecordWriter:
    """Collects ``(key, shard, start, count, stats)`` entries and writes them as the artifact's table."""

    def __init__(self, job: ReuseJob):
        self.job = job
        self.keys = bytearray()
        self.shards: list[str] = []
        self.starts: list[int] = []
        self.counts: list[int] = []
        self.stats: list[str] = []

    def add(self, entries: Iterable[tuple]) -> None:
        for key, shard, start, count, stats in entries:
            self.keys += key
            self.shards.append(shard)
            self.starts.append(start)
            self.counts.append(count)
            self.stats.append(stats)

    def write(self) -> None:
        """Sort by key and write ``records.arrow`` into the staging directory (moved with the artifact)."""
        import numpy as np
        import pyarrow as pa

        keys = np.frombuffer(bytes(self.keys), dtype="S32")
        order = pa.array(np.argsort(keys, kind="stable"))
        table = pa.table({
            "key": pa.FixedSizeBinaryArray.from_buffers(pa.binary(32), len(keys), [None, pa.py_buffer(keys.tobytes())]),
            "shard": pa.array(self.shards, pa.string()).dictionary_encode(),
            "start": pa.array(self.starts, pa.int64()),
            "count": pa.array(self.counts, pa.int64()),
            "stats": pa.array(self.stats, pa.string()).dictionary_encode(),
        }).take(order)
        meta = {"recipe": self.job.recipe, "stage": self.job.stage, "artifact": self.job.key}
        path = Path(self.job.staged) / RECORDS_FILE
        tmp = path.with_suffix(".tmp")
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema.with_metadata(meta)) as out:
            out.write_table(table)
        tmp.replace(path)


class EarlierOutputs:
    """Where the newest earlier artifacts of a stage, built under the same recipe, hold each record's output."""

    def __init__(self, root: str | Path, stage: str, recipe: str):
        import pyarrow as pa

        self.store = Store(root)
        self.stage = stage
        found = []
        for path in (self.store.root / "artifacts" / stage).glob(f"*/{RECORDS_FILE}"):
            try:
                reader = pa.ipc.open_file(pa.memory_map(str(path)))
                meta = reader.schema.metadata or {}
            except (OSError, pa.ArrowInvalid):
                continue  # an unreadable cache entry is a miss, never an error
            if meta.get(b"recipe") == recipe.encode():
                found.append((path.stat().st_mtime, path.parent.name, reader))
        self.tables = []  # (artifact, table, sorted keys as numpy S32)
        for _, artifact, reader in sorted(found, key=lambda f: f[0], reverse=True):
            if len(self.tables) == NEWEST:
                break
            if self.store.verify(stage, artifact).ok:  # an altered artifact lends nothing
                self.tables.append((artifact, _Entries(reader.read_all())))
        self._shards: OrderedDict[tuple[str, str], object] = OrderedDict()

    def find(self, keys: list[bytes]) -> dict[bytes, tuple]:
        """Entries of the keys found: key -> (artifact, shard, start, count, stats)."""
        import numpy as np

        found: dict[bytes, tuple] = {}
        todo = np.arange(len(keys))  # positions in ``keys`` not found yet (S32 values drop trailing NULs)
        wanted = np.array(keys, dtype="S32")
        for artifact, known in self.tables:
            if not len(todo) or not len(known.keys):
                continue
            at = np.minimum(np.searchsorted(known.keys, wanted[todo]), len(known.keys) - 1)
            hit = known.keys[at] == wanted[todo]
            rows = at[hit]
            for i, shard, start, count, stats in zip(todo[hit].tolist(), known.shard(rows), known.start[rows].tolist(),
                                                     known.count[rows].tolist(), known.stats(rows)):
                found[keys[i]] = (artifact, shard, start, count, stats)
            todo = todo[~hit]
        return found

    def table(self, artifact: str, shard: str):
        """The Arrow table of an output shard of an earlier artifact (the last few kept: reads are mostly in order)."""
        table = self._shards.get((artifact, shard))
        if table is None:
            table = read_doc_table(self.store.artifact_path(self.stage, artifact) / "data" / DOCS_DIR / shard)
            self._shards[(artifact, shard)] = table
            if len(self._shards) > 3:  # a shard's records come from the earlier shards around it
                self._shards.popitem(last=False)
        return table


class _Entries:
    """A records table as numpy columns: sorted keys, and row -> shard, start, count, stats."""

    def __init__(self, table):
        import numpy as np

        keys = table.column("key").combine_chunks()
        self.keys = np.frombuffer(keys.buffers()[1], dtype="S32", count=len(keys), offset=keys.offset * 32)
        self.start = table.column("start").to_numpy()
        self.count = table.column("count").to_numpy()
        shards, stats = table.column("shard").combine_chunks(), table.column("stats").combine_chunks()
        self._shard_names, self._shard_of = shards.dictionary.to_pylist(), shards.indices.to_numpy()
        self._stats_texts, self._stats_of = stats.dictionary.to_pylist(), stats.indices.to_numpy()

    def shard(self, rows) -> list[str]:
        return [self._shard_names[i] for i in self._shard_of[rows].tolist()]

    def stats(self, rows) -> list[str]:
        return [self._stats_texts[i] for i in self._stats_of[rows].tolist()]


@functools.lru_cache(maxsize=8)
def _earlier(root: str, stage: str, recipe: str, pid: int) -> EarlierOutputs:  # per process: no map crosses a fork
    return EarlierOutputs(root, stage, recipe)


def earlier_outputs(job: ReuseJob) -> EarlierOutputs:
    return _earlier(job.root, job.stage, job.recipe, os.getpid())


def release(job: ReuseJob | None) -> None:
    """Forget the earlier artifacts a finished stage looked at (memory maps and cached shards)."""
    if job is not None:
        _earlier.cache_clear()


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


# ---------------------------------------------------------------- document stages


def map_shard_records(fn, params, src: Path, dst: Path, job: ReuseJob | None) -> tuple[dict, list[tuple]]:
    """Map one document shard with a per-record ``fn``, reusing known records' outputs.

    ``fn(docs, params)`` returns one ``(output docs, figures)`` pair per input document.

    Returns:
        (the shard's figures, records-table entries for every record of the shard).
    """
    import pyarrow as pa

    table = read_doc_table(src)
    keys = record_keys(job.recipe, row_identities(table)) if job else [None] * table.num_rows
    earlier = earlier_outputs(job) if job else None
    found = earlier.find(keys) if earlier else {}
    missing = [i for i, k in enumerate(keys) if k not in found]
    misses = [row_doc(r) for r in table.take(missing).to_pylist()] if missing else []
    results = iter(fn(misses, params))
    pieces: list = []  # Arrow slices of earlier artifacts and lists of new rows, in output order
    entries, figures, start = [], {}, 0
    reused = Counter()  # figures of reused records, as stored: most records share a handful of them
    for key in keys:
        if key in found:
            artifact, shard, first, count, stats = found[key]
            piece = (earlier.table(artifact, shard), first, count)
            last = pieces[-1] if pieces else None
            if isinstance(last, tuple) and last[0] is piece[0] and last[1] + last[2] == first:
                pieces[-1] = (last[0], last[1], last[2] + count)  # adjacent rows: one slice
            elif count:
                pieces.append(piece)
            reused[stats] += 1
        else:
            docs, record_figures = next(results)
            count = len(docs)
            if pieces and isinstance(pieces[-1], list):
                pieces[-1].extend(doc_row(d) for d in docs)
            elif count:
                pieces.append([doc_row(d) for d in docs])
            stats = json.dumps(record_figures, sort_keys=True, separators=(",", ":"))
            add_figures(figures, record_figures)
        if job:
            entries.append((key, dst.name, start, count, stats))
        start += count
    for stats, times in reused.items():
        add_figures(figures, json.loads(stats), times)
    schema = shard_schema()
    parts = [pa.Table.from_pylist(p, schema=schema) if isinstance(p, list) else p[0].slice(p[1], p[2]).cast(schema)
             for p in pieces]
    out = pa.concat_tables(parts).combine_chunks() if parts else schema.empty_table()
    write_doc_table(dst, out)
    return {"documents": start, **_sorted(figures)}, entries


# ---------------------------------------------------------------- Wikipedia articles


def page_identity(page: dict) -> bytes:
    """What a page's document depends on: its id, revision, title and the revision's text (by sha1)."""
    text = page["rev_sha1"] or page["wikitext"]  # the sha1 is optional in the export schema
    return f"{page['page_id']}\x1f{page['rev_id']}\x1f{page['title']}\x1f{text}".encode()


def wiki_recipe() -> str:
    """The recipe of article pages: the download stage's code only (other sources and parameters
    do not change a page's document)."""
    return stage_key("download:wikipedia", running_stage().code, "{}", {})


def wiki_job() -> ReuseJob | None:
    """The reuse job of article pages in the download stage being built (None outside a stage run)."""
    return current_job(wiki_recipe()) if running_stage() else None


def wiki_documents(pages: Iterable[dict], limit: int | None = None, on_key=None) -> Iterator[dict]:
    """Documents of article pages; a page whose identity (:func:`page_identity`) was converted before
    by the same code is read back from that output instead of parsing its wikitext again.

    ``on_key(key, doc or None)`` is told each page's record key, so the caller can record where the
    document lands.
    """
    job = wiki_job()
    earlier = earlier_outputs(job) if job else None
    n = 0
    for batch in _batches(pages, BATCH):
        keys = record_keys(job.recipe, [page_identity(p) for p in batch]) if job else [None] * len(batch)
        found = earlier.find(keys) if earlier else {}
        rows = _earlier_rows(earlier, found)
        for page, key in zip(batch, keys):
            doc = rows.get(key) if key in found else wiki_document(page)
            if on_key is not None and job:
                on_key(key, doc)
            if doc is None:
                continue
            yield doc
            n += 1
            if limit and n >= limit:
                return


def _earlier_rows(earlier: EarlierOutputs | None, found: dict[bytes, tuple]) -> dict[bytes, dict]:
    """The documents of found records, read one earlier shard at a time (a page without text has none)."""
    by_shard: dict[tuple[str, str], list[tuple[bytes, int]]] = {}
    for key, (artifact, shard, start, count, _) in found.items():
        if count:
            by_shard.setdefault((artifact, shard), []).append((key, start))
    rows = {}
    for (artifact, shard), wanted in by_shard.items():
        taken = earlier.table(artifact, shard).take([start for _, start in wanted]).to_pylist()
        rows.update((key, ShardRow(row)) for (key, _), row in zip(wanted, taken))  # written back as they are
    return rows


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------- token ids of the shards stage


class TokenReuse:
    """Token ids of documents whose text and tokenizer (the shards recipe) are unchanged, read back
    from an earlier ``shards.h5`` instead of tokenising again."""

    def __init__(self, job: ReuseJob, shards_file: str):
        self.job, self.shards_file = job, shards_file
        self.earlier = earlier_outputs(job)
        self.readers: dict[str, object] = {}
        self.placed: list[tuple] = []

    def lookup(self, table) -> tuple[list[bytes], dict[bytes, tuple]]:
        """Record keys of a table of document rows (a content hash, no decoding) and those known."""
        keys = record_keys(self.job.recipe, row_identities(table))
        return keys, self.earlier.find(keys)

    def tokens(self, entry: tuple) -> list[int]:
        from arabic_llm.shards import TokenReader

        artifact, split, start, length, _ = entry
        if not length:
            return []
        if artifact not in self.readers:
            self.readers[artifact] = TokenReader(self.earlier.store.artifact_path(self.job.stage, artifact) / "data" /
                                                 self.shards_file)
        return self.readers[artifact].read(split, start, length)

    def place(self, key: bytes, group: tuple[str, str, str], offset: int, length: int) -> None:
        self.placed.append((key, group, offset, length))

    def commit(self, writer) -> None:
        """After ``writer.close()``: record where every document's tokens now lie."""
        for reader in self.readers.values():
            reader.close()
        records = RecordWriter(self.job)
        records.add((key, group[0], writer.position(*group, offset), length, "{}")
                    for key, group, offset, length in self.placed)
        records.write()
        release(self.job)
