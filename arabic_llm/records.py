"""Record-level reuse: after a refresh, a stage processes only new or changed records.

Per stage, an index ``<store>/records/<stage>.sqlite`` maps a record key (see
:func:`arabic_llm.store.record_key`: the stage's recipe and the record's identity) to where that
record's output lies in a committed artifact (shard file, first row, row count) and to the record's
share of the stage's figures. A stage reads the rows of known records from there and runs its
function on the others only; output bytes and figures are those of a cold run. An index entry whose
artifact is gone or fails verification is a miss.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from arabic_llm.corpus import (
    DOCS_DIR,
    SHARD_COLUMNS,
    doc_row,
    read_doc_table,
    row_doc,
    shard_schema,
    wiki_document,
    write_doc_table,
)
from arabic_llm.store import Store, record_key, running_stage, stage_key

BATCH = 500  # keys per index query


@dataclass(frozen=True)
class ReuseJob:
    """What a worker process needs to reuse records: picklable, no open handles."""

    root: str
    stage: str
    key: str  # the artifact being built
    recipe: str


def current_job(recipe: str | None = None) -> ReuseJob | None:
    """The reuse job of the stage being built (None outside a stage run: no reuse)."""
    ctx = running_stage()
    if ctx is None:
        return None
    return ReuseJob(ctx.root, ctx.stage, ctx.key, recipe or ctx.recipe)


class RecordIndex:
    """The index of one stage's record outputs."""

    def __init__(self, root: str | Path, stage: str):
        self.store = Store(root)
        self.stage = stage
        path = self.store.records / f"{stage}.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")  # a cache: a crash may lose entries, never corrupt them
        self.conn.execute("CREATE TABLE IF NOT EXISTS outputs (key TEXT PRIMARY KEY, artifact TEXT, shard TEXT, "
                          "start INTEGER, count INTEGER, stats TEXT)")
        self._valid: dict[str, bool] = {}
        self._tables: OrderedDict[tuple[str, str], object] = OrderedDict()

    def _artifact_ok(self, artifact: str) -> bool:
        # Only a verified artifact is remembered: one still being built may be committed later.
        if artifact not in self._valid and self.store.verify(self.stage, artifact).ok:
            self._valid[artifact] = True
        return artifact in self._valid

    def find(self, keys: list[str]) -> dict[str, tuple]:
        """Entries for the keys that have one in a verified artifact: key -> (artifact, shard, start, count, stats)."""
        found = {}
        for i in range(0, len(keys), BATCH):
            chunk = keys[i : i + BATCH]
            marks = ",".join("?" * len(chunk))
            for key, *entry in self.conn.execute(
                    f"SELECT key, artifact, shard, start, count, stats FROM outputs WHERE key IN ({marks})", chunk):
                if self._artifact_ok(entry[0]):
                    found[key] = tuple(entry)
        return found

    def add(self, entries: Iterable[tuple]) -> None:
        """Entries (key, artifact, shard, start, count, stats json); the artifact counts once committed."""
        with self.conn:
            self.conn.execute("BEGIN")
            self.conn.executemany("INSERT OR REPLACE INTO outputs VALUES (?,?,?,?,?,?)", entries)

    def table(self, artifact: str, shard: str):
        """The Arrow table of a shard of an earlier artifact (the last few kept: reads are mostly in order)."""
        table = self._tables.get((artifact, shard))
        if table is None:
            table = read_doc_table(self.store.artifact_path(self.stage, artifact) / "data" / DOCS_DIR / shard)
            self._tables[(artifact, shard)] = table
            if len(self._tables) > 3:  # a shard's records come from the earlier shards around it
                self._tables.popitem(last=False)
        return table


def row_identities(table) -> list[bytes]:
    """What a content hash of each stored document row covers: every column, in a fixed order."""
    columns = [table.column(c).to_pylist() for c in SHARD_COLUMNS]
    return ["\x1f".join(v or "" for v in values).encode() for values in zip(*columns)]


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


def _index(root: str, stage: str) -> RecordIndex:
    return _process_index(root, stage, os.getpid())


@functools.lru_cache(maxsize=8)
def _process_index(root: str, stage: str, pid: int) -> RecordIndex:  # per process: no connection crosses a fork
    return RecordIndex(root, stage)


def release(job: ReuseJob | None) -> None:
    """Drop the earlier shards a finished stage kept in memory (the index stays open)."""
    if job is not None:
        _index(job.root, job.stage)._tables.clear()


def map_shard_records(fn, params, src: Path, dst: Path, job: ReuseJob | None) -> tuple[dict, list[tuple]]:
    """Map one document shard with a per-record ``fn``, reusing known records' outputs.

    ``fn(docs, params)`` returns one ``(output docs, figures)`` pair per input document.

    Returns:
        (the shard's figures, index entries for every record of the shard).
    """
    import pyarrow as pa

    table = read_doc_table(src)
    keys = [record_key(job.recipe, ident) for ident in row_identities(table)] if job else [None] * table.num_rows
    index = _index(job.root, job.stage) if job else None
    found = index.find(keys) if index else {}
    missing = [i for i, k in enumerate(keys) if k not in found]
    misses = [row_doc(r) for r in table.take(missing).to_pylist()] if missing else []
    results = iter(fn(misses, params))
    pieces: list = []  # Arrow slices of earlier artifacts and lists of new rows, in output order
    entries, figures, start = [], {}, 0
    reused = Counter()  # figures of reused records, as stored: most records share a handful of them
    for key in keys:
        if key in found:
            artifact, shard, first, count, stats = found[key]
            piece = (index.table(artifact, shard), first, count)
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
            entries.append((key, job.key, dst.name, start, count, stats))
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


def wiki_documents(pages: Iterable[dict], limit: int | None = None, on_key=None) -> Iterator[dict]:
    """Documents of article pages; a page whose id and revision sha1 were converted before (by the same
    code) is read back from that output instead of parsing its wikitext again.

    ``on_key(key, doc or None)`` is told each page's record key, so the caller can index where the
    document lands.
    """
    job = current_job()
    index = _index(job.root, job.stage) if job else None
    recipe = stage_key("download:wikipedia", running_stage().code, "{}", {}) if job else ""
    n = 0
    for batch in _batches(pages, BATCH):
        keys = [record_key(recipe, f"{p['page_id']}:{p['rev_sha1'] or p['wikitext']}".encode()) for p in batch]
        found = index.find(keys) if index else {}
        for page, key in zip(batch, keys):
            if key in found:
                artifact, shard, first, count, _ = found[key]
                doc = row_doc(index.table(artifact, shard).slice(first, 1).to_pylist()[0]) if count else None
            else:
                doc = wiki_document(page)
            if on_key is not None and job:
                on_key(key, doc)
            if doc is None:
                continue
            yield doc
            n += 1
            if limit and n >= limit:
                return


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
        self.index = RecordIndex(job.root, job.stage)
        self.readers: dict[str, object] = {}
        self.placed: list[tuple] = []

    def lookup(self, table) -> tuple[list[str], dict[str, tuple]]:
        """Record keys of a table of document rows (a content hash, no decoding) and those known."""
        keys = [record_key(self.job.recipe, ident) for ident in row_identities(table)]
        return keys, self.index.find(keys)

    def tokens(self, entry: tuple) -> list[int]:
        from arabic_llm.shards import TokenReader

        artifact, split, start, length, _ = entry
        if not length:
            return []
        if artifact not in self.readers:
            self.readers[artifact] = TokenReader(self.index.store.artifact_path(self.job.stage, artifact) / "data" /
                                                 self.shards_file)
        return self.readers[artifact].read(split, start, length)

    def place(self, key: str, group: tuple[str, str, str], offset: int, length: int) -> None:
        self.placed.append((key, group, offset, length))

    def commit(self, writer) -> None:
        """After ``writer.close()``: index where every document's tokens now lie."""
        for reader in self.readers.values():
            reader.close()
        self.index.add((key, self.job.key, group[0], writer.position(*group, offset), length, "{}")
                       for key, group, offset, length in self.placed)
