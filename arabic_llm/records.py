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
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from arabic_llm.corpus import (
    DOCS_DIR,
    SHARD_COLUMNS,
    EarlierRow,
    batches,
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
    """Collects entries ``(key, shard, start, count, stats)`` and writes them as the artifact's table.

    Held compactly (a corpus has millions of records): keys as bytes, numbers in typed arrays, shard
    names and figures as indices into their few distinct values.
    """

    def __init__(self, job: ReuseJob):
        self.job = job
        self.keys = bytearray()  # 32 bytes a record
        self.starts, self.counts = array("q"), array("q")
        self.shard_of, self.stats_of = array("i"), array("i")
        self.shard_names: dict[str, int] = {}  # value -> index, in first-seen order
        self.stats_texts: dict[str, int] = {}

    def add(self, entries: Iterable[tuple]) -> None:
        for key, shard, start, count, stats in entries:
            self.add_one(key, shard, start, count, stats)

    def add_one(self, key: bytes, shard: str, start: int, count: int, stats: str) -> None:
        self.keys += key
        self.shard_of.append(self.shard_names.setdefault(shard, len(self.shard_names)))
        self.starts.append(start)
        self.counts.append(count)
        self.stats_of.append(self.stats_texts.setdefault(stats, len(self.stats_texts)))

    def add_columns(self, keys: bytes, shard: str | list[str], starts, counts, stats: list[str]) -> None:
        """Entries of records ``keys`` (concatenated), in one ``shard`` or one each."""
        import numpy as np

        n = len(keys) // 32
        self.keys += keys
        if isinstance(shard, str):
            self.shard_of.extend(array("i", [self.shard_names.setdefault(shard, len(self.shard_names))]) * n)
        else:
            self.shard_of.frombytes(self._codes(shard, self.shard_names).tobytes())
        self.starts.frombytes(np.asarray(starts, dtype=np.int64).tobytes())
        self.counts.frombytes(np.asarray(counts, dtype=np.int64).tobytes())
        self.stats_of.frombytes(self._codes(stats, self.stats_texts).tobytes())

    @staticmethod
    def _codes(texts: list[str], values: dict[str, int]):
        """Indices of ``texts`` into ``values`` (extended with new ones): Arrow finds the few distinct texts."""
        import numpy as np
        import pyarrow as pa

        encoded = pa.array(texts, pa.string()).dictionary_encode()
        codes = np.array([values.setdefault(v, len(values)) for v in encoded.dictionary.to_pylist()], dtype=np.int32)
        return codes[encoded.indices.to_numpy(zero_copy_only=False)] if len(texts) else np.zeros(0, np.int32)

    def write(self) -> None:
        """Sort by key and write ``records.arrow`` into the staging directory (moved with the artifact)."""
        import numpy as np
        import pyarrow as pa

        def encoded(indices: array, values: dict[str, int]):
            return pa.DictionaryArray.from_arrays(pa.array(np.frombuffer(indices, dtype=np.int32)),
                                                  pa.array(list(values), pa.string()))

        keys = np.frombuffer(bytes(self.keys), dtype="S32")
        order = pa.array(np.argsort(keys, kind="stable"))
        table = pa.table({
            "key": pa.FixedSizeBinaryArray.from_buffers(pa.binary(32), len(keys), [None, pa.py_buffer(keys.tobytes())]),
            "shard": encoded(self.shard_of, self.shard_names),
            "start": pa.array(np.frombuffer(self.starts, dtype=np.int64)),
            "count": pa.array(np.frombuffer(self.counts, dtype=np.int64)),
            "stats": encoded(self.stats_of, self.stats_texts),
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
        self.tables = []  # (artifact, its entries), newest first
        for _, artifact, reader in sorted(found, key=lambda f: f[0], reverse=True):
            if len(self.tables) == NEWEST:
                break
            if self.store.verify(stage, artifact).ok:  # an altered artifact lends nothing
                self.tables.append((artifact, _Entries(reader.read_all())))
        self._shards: OrderedDict[tuple[str, str], object] = OrderedDict()

    def locate(self, keys: bytes):
        """For each of ``keys`` (32 bytes each, concatenated): which table holds it (an index into
        :attr:`tables`, -1 for none: the newest wins) and its row there, as two numpy arrays."""
        import numpy as np

        wanted = np.frombuffer(keys, dtype="S32")  # compared as fixed-width bytes: trailing NULs are safe
        wanted_prefix = key_prefixes(keys)
        which = np.full(len(wanted), -1, dtype=np.int64)
        rows = np.zeros(len(wanted), dtype=np.int64)
        todo = np.arange(len(wanted))  # positions not found yet
        for t, (_, known) in enumerate(self.tables):
            if not len(todo) or not len(known.keys):
                continue
            last = len(known.keys) - 1
            # Searched by the keys' first 8 bytes (integers: many times faster than 32-byte strings), then
            # compared whole; where a key shares its prefix with another, searched again by whole key.
            at = np.minimum(np.searchsorted(known.prefix, wanted_prefix[todo]), last)
            hit = known.keys[at] == wanted[todo]
            again = np.flatnonzero(~hit & (known.prefix[at] == wanted_prefix[todo]))
            if len(again):
                at[again] = np.minimum(np.searchsorted(known.keys, wanted[todo[again]]), last)
                hit[again] = known.keys[at[again]] == wanted[todo[again]]
            which[todo[hit]], rows[todo[hit]] = t, at[hit]
            todo = todo[~hit]
        return which, rows

    def find(self, keys: list[bytes]) -> dict[bytes, tuple]:
        """Entries of the keys found: key -> (artifact, shard, start, count, stats)."""
        import numpy as np

        which, rows = self.locate(b"".join(keys))
        found: dict[bytes, tuple] = {}
        for t, (artifact, known) in enumerate(self.tables):
            at = np.flatnonzero(which == t)
            picked = rows[at]
            for i, shard, start, count, stats in zip(at.tolist(), known.shard(picked), known.start[picked].tolist(),
                                                     known.count[picked].tolist(), known.stats(picked)):
                found[keys[i]] = (artifact, shard, start, count, stats)
        return found

    def table(self, artifact: str, shard: str):
        """The Arrow table of an output shard of an earlier artifact (the last few kept: reads are mostly in order)."""
        table = self._shards.get((artifact, shard))
        if table is None:
            path = self.store.artifact_path(self.stage, artifact) / "data" / DOCS_DIR / shard
            table = read_doc_table(path).cast(shard_schema())
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
        self.prefix = key_prefixes(self.keys)  # sorted too: keys sort bytewise
        self.start = table.column("start").to_numpy()
        self.count = table.column("count").to_numpy()
        shards, stats = table.column("shard").combine_chunks(), table.column("stats").combine_chunks()
        self.shard_names, self.shard_of = shards.dictionary.to_pylist(), shards.indices.to_numpy()
        self.stats_texts, self.stats_of = stats.dictionary.to_pylist(), stats.indices.to_numpy()

    def shard(self, rows) -> list[str]:
        return [self.shard_names[i] for i in self.shard_of[rows].tolist()]

    def stats(self, rows) -> list[str]:
        return [self.stats_texts[i] for i in self.stats_of[rows].tolist()]


def key_prefixes(keys):
    """The first 8 bytes of each 32-byte key (``keys``: bytes or an S32 array) as an unsigned integer,
    read big-endian so that the integers sort as the keys."""
    import numpy as np

    raw = np.frombuffer(keys, dtype=np.uint8).reshape(-1, 32)[:, :8]
    return np.ascontiguousarray(raw).view(">u8").ravel().astype(np.uint64)


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

    ``fn(docs, params)`` returns one ``(output docs, figures)`` pair per input document. The output
    is one Arrow ``take`` over the new rows and the earlier shards that hold the known ones, in
    input order: the same rows, and bytes, as mapping every record.

    Returns:
        (the shard's figures, records-table columns for every record of the shard, or ``[]``).
    """
    import numpy as np
    import pyarrow as pa

    table = read_doc_table(src)
    n = table.num_rows
    earlier = earlier_outputs(job) if job else None
    keys = b"".join(record_keys(job.recipe, row_identities(table))) if job else b""
    which, rows = earlier.locate(keys) if job else (np.full(n, -1), np.zeros(n, np.int64))
    missing = np.flatnonzero(which < 0)
    misses = [row_doc(r) for r in table.take(missing).to_pylist()] if len(missing) else []

    schema = shard_schema()
    new_rows, new_counts, stats = [], [], [""] * n
    figures: dict = {}
    results = list(fn(misses, params))
    if len(results) != len(misses):
        raise RuntimeError(f"{src}: {getattr(fn, '__name__', fn)} gave {len(results)} results for {len(misses)} "
                           "documents; a per-record function gives one (docs, figures) pair per document")
    for i, (docs, record_figures) in zip(missing.tolist(), results):
        new_rows.extend(doc_row(d) for d in docs)
        new_counts.append(len(docs))
        stats[i] = json.dumps(record_figures, sort_keys=True, separators=(",", ":"))
        add_figures(figures, record_figures)
    counts = np.zeros(n, dtype=np.int64)
    first = np.zeros(n, dtype=np.int64)  # each record's first row in the sources, one after another
    counts[missing] = new_counts
    first[missing] = np.cumsum(counts[missing]) - counts[missing]
    sources = [pa.Table.from_pylist(new_rows, schema=schema)]
    base = len(new_rows)
    for t, (artifact, known) in enumerate(earlier.tables if earlier else []):
        mine = np.flatnonzero(which == t)
        if not len(mine):
            continue
        at = rows[mine]
        counts[mine] = known.count[at]
        shard_of = known.shard_of[at]
        for s in np.unique(shard_of).tolist():
            part = shard_of == s
            if counts[mine[part]].any():
                earlier_shard = earlier.table(artifact, known.shard_names[s])
                first[mine[part]] = base + known.start[at[part]]
                sources.append(earlier_shard)
                base += earlier_shard.num_rows
        stats_of = known.stats_of[at]
        for i, text in zip(mine.tolist(), known.stats(at)):
            stats[i] = text
        for s, times in zip(*np.unique(stats_of, return_counts=True)):  # figures as stored: a handful of kinds
            add_figures(figures, json.loads(known.stats_texts[s]), int(times))

    starts = np.cumsum(counts) - counts  # each record's first row in the output
    total = int(counts.sum())
    out = pa.concat_tables(sources).take(np.repeat(first - starts, counts) + np.arange(total))
    write_doc_table(dst, out.combine_chunks())
    columns = (keys, dst.name, starts, counts, stats) if job else []
    return {"documents": total, **_sorted(figures)}, columns


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
    for batch in batches(pages, BATCH):
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


def _earlier_rows(earlier: EarlierOutputs | None, found: dict[bytes, tuple]) -> dict[bytes, EarlierRow]:
    """Where the documents of found records lie, with their ids (a page without text has none)."""
    by_shard: dict[tuple[str, str], list[tuple[bytes, int]]] = {}
    for key, (artifact, shard, start, count, _) in found.items():
        if count:
            by_shard.setdefault((artifact, shard), []).append((key, start))
    rows = {}
    for (artifact, shard), wanted in by_shard.items():
        table = earlier.table(artifact, shard)
        ids = table.column("id").take([start for _, start in wanted]).to_pylist()
        rows.update((key, EarlierRow(doc_id, table, start)) for (key, start), doc_id in zip(wanted, ids))
    return rows


# ---------------------------------------------------------------- token ids of the shards stage


class TokenReuse:
    """Token ids of documents whose text and tokenizer (the shards recipe) are unchanged, read back
    from an earlier ``shards.h5`` instead of tokenising again."""

    def __init__(self, job: ReuseJob, shards_file: str):
        from arabic_llm.shards import TokenReader  # h5py: imported by the shards stage alone

        self.job, self.shards_file, self.reader_class = job, shards_file, TokenReader
        self.earlier = earlier_outputs(job)
        self.readers: dict[str, object] = {}
        # Where each document's tokens go, compactly: key, (split, dialect, source) group, offset, length.
        self.placed_keys = bytearray()
        self.groups: dict[tuple[str, str, str], int] = {}
        self.placed_group, self.placed_offset, self.placed_length = array("i"), array("q"), array("q")

    def lookup(self, table) -> tuple[list[bytes], dict[bytes, tuple]]:
        """Record keys of a table of document rows (a content hash, no decoding) and those known."""
        keys = record_keys(self.job.recipe, row_identities(table))
        return keys, self.earlier.find(keys)

    def stream(self, entry: tuple, size: int):
        """``size`` tokens of the earlier file's stream from where ``entry``'s document starts: that
        document and those after it in its group, each followed by its EOS."""
        artifact, split, start, _, _ = entry
        if artifact not in self.readers:
            path = self.earlier.store.artifact_path(self.job.stage, artifact) / "data" / self.shards_file
            self.readers[artifact] = self.reader_class(path)
        return self.readers[artifact].read(split, start, size)

    def place(self, keys: list[bytes], group: tuple[str, str, str], offsets, lengths) -> None:
        """Where documents' tokens go: their group, offsets in its stream and lengths."""
        self.placed_keys += b"".join(keys)
        self.placed_group.extend(array("i", [self.groups.setdefault(group, len(self.groups))]) * len(keys))
        self.placed_offset.extend(offsets)
        self.placed_length.extend(lengths)

    def commit(self, writer) -> None:
        """After ``writer.close()``: record where every document's tokens now lie."""
        import numpy as np

        for reader in self.readers.values():
            reader.close()
        groups = list(self.groups)
        first = np.array([writer.position(*group, 0) for group in groups] or [0], dtype=np.int64)
        group = np.frombuffer(self.placed_group, dtype=np.int32)
        records = RecordWriter(self.job)
        records.add_columns(bytes(self.placed_keys), [groups[i][0] for i in group.tolist()],  # the split
                            first[group] + np.frombuffer(self.placed_offset, dtype=np.int64),
                            np.frombuffer(self.placed_length, dtype=np.int64), ["{}"] * len(group))
        records.write()
        release(self.job)
