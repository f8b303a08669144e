"""Record-level reuse: after a refresh, a stage processes only new or changed records.

Each artifact of a stage that maps records one by one carries, beside its ``data/``, a table
``records.arrow`` (Arrow IPC, sorted by key): for every input record, its key (see
:func:`arabic_llm.cache.keys.record_key`: the stage's recipe and the record's identity), where the
record's output lies in that artifact (shard file, first row, row count) and its share of the
stage's figures. A later run of the stage with the same recipe looks its records up in the newest
such tables (a binary search over memory-mapped keys), copies the known records' rows and runs its
function on the others only; output bytes and figures are those of a cold run.

The table is a cache: it is not part of the artifact's content (``data/``), goes when the artifact
is collected, and a record it does not find is simply computed. It is never trusted: its own digest
is in the artifact's manifest (written at commit), and every entry carries a digest of what copying
it yields (:func:`record_digests`: its output rows and figures; for token reuse, its tokens), which
the copy checks. A table that fails either check is discarded with a warning, and the records it
would have lent are computed: the output is a cold run's.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import struct
import warnings
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from arabic_llm.cache.stage import running_stage
from arabic_llm.cache.store import Store

RECORDS_FILE = "records.arrow"
NEWEST = 2  # earlier artifacts consulted: the last run's has every record still in use
DIGEST = 32  # bytes of a record's content digest
COLUMNS = ("key", "shard", "start", "count", "stats", "digest")

log = logging.getLogger(__name__)


class UnprovenRecords(Exception):
    """An earlier table's entry does not yield what its digest says: the table is discarded."""


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
    """Collects entries ``(key, shard, start, count, stats, digest)`` and writes them as the artifact's table.

    Held compactly (a corpus has millions of records): keys as bytes, numbers in typed arrays, shard
    names and figures as indices into their few distinct values.
    """

    def __init__(self, job: ReuseJob):
        self.job = job
        self.keys = bytearray()  # 32 bytes a record
        self.digests = bytearray()  # DIGEST bytes a record
        self.starts, self.counts = array("q"), array("q")
        self.shard_of, self.stats_of = array("i"), array("i")
        self.shard_names: dict[str, int] = {}  # value -> index, in first-seen order
        self.stats_texts: dict[str, int] = {}

    def add(self, entries: Iterable[tuple]) -> None:
        for key, shard, start, count, stats, digest in entries:
            self.add_one(key, shard, start, count, stats, digest)

    def add_one(self, key: bytes, shard: str, start: int, count: int, stats: str, digest: bytes) -> None:
        self.keys += key
        self.digests += digest
        self.shard_of.append(self.shard_names.setdefault(shard, len(self.shard_names)))
        self.starts.append(start)
        self.counts.append(count)
        self.stats_of.append(self.stats_texts.setdefault(stats, len(self.stats_texts)))

    def add_columns(self, keys: bytes, shard: str | list[str], starts, counts, stats: list[str],
                    digests: bytes) -> None:
        """Entries of records ``keys`` and their ``digests`` (each concatenated), in one ``shard`` or one each."""
        import numpy as np

        n = len(keys) // 32
        assert len(digests) == n * DIGEST, "one digest per record"
        self.keys += keys
        self.digests += digests
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

    def write(self, path: Path | None = None) -> None:
        """Sort by key and write ``records.arrow`` into the staging directory (moved with the artifact),
        or to ``path``."""
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
            "digest": pa.FixedSizeBinaryArray.from_buffers(pa.binary(DIGEST), len(keys),
                                                           [None, pa.py_buffer(bytes(self.digests))]),
        }).take(order)
        meta = {"recipe": self.job.recipe, "stage": self.job.stage, "artifact": self.job.key}
        path = Path(path or Path(self.job.staged) / RECORDS_FILE)
        tmp = path.with_suffix(".tmp")
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema.with_metadata(meta)) as out:
            out.write_table(table)
        tmp.replace(path)


class EarlierOutputs:
    """Where the newest earlier artifacts of a stage, built under the same recipe, hold each record's output.

    A table is consulted only if its artifact verifies and the table matches the digest its manifest
    records; one that does not (or that no manifest vouches for) is discarded with a warning.
    """

    def __init__(self, root: str | Path, stage: str, recipe: str):
        import pyarrow as pa

        self.store = Store(root)
        self.stage = stage
        self.discarded: set[int] = set()  # tables (indices into .tables) found lying since loaded
        found = []
        for path in (self.store.root / "artifacts" / stage).glob(f"*/{RECORDS_FILE}"):
            try:
                reader = pa.ipc.open_file(pa.memory_map(str(path)))
                meta = reader.schema.metadata or {}
            except (OSError, pa.ArrowInvalid) as exc:
                discard_table(path, f"unreadable ({exc})")
                continue
            if meta.get(b"recipe") == recipe.encode():
                found.append((path.stat().st_mtime, path.parent.name, reader))
        self.tables = []  # (artifact, its entries), newest first
        for _, artifact, reader in sorted(found, key=lambda f: f[0], reverse=True):
            if len(self.tables) == NEWEST:
                break
            if not self.store.verify(stage, artifact).ok:  # an altered artifact lends nothing
                continue
            path = self.store.artifact_path(stage, artifact) / RECORDS_FILE
            problem = self.store.check_beside(stage, artifact, RECORDS_FILE)
            try:
                entries = None if problem else RecordEntries(reader.read_all())
            except (KeyError, TypeError, ValueError, pa.ArrowException) as exc:
                problem = f"not a records table ({exc})"
            if problem:
                discard_table(path, problem)
                continue
            self.tables.append((artifact, entries))
        self._loaded: OrderedDict[tuple[str, str], object] = OrderedDict()

    def discard(self, t: int, reason: str) -> None:
        """Stop using table ``t`` (one of its entries failed its digest) and remove it from the store."""
        if t not in self.discarded:
            self.discarded.add(t)
            discard_table(self.store.artifact_path(self.stage, self.tables[t][0]) / RECORDS_FILE, reason)

    def check(self, t: int, rows, digests: bytes) -> bool:
        """Do entries ``rows`` of table ``t`` carry ``digests`` (what copying them yielded)? If not, the
        table is discarded: one lie and none of its entries can be believed."""
        import numpy as np

        got = np.frombuffer(digests, dtype=np.uint8).reshape(-1, DIGEST)
        bad = np.flatnonzero((self.tables[t][1].digest[rows] != got).any(axis=1))
        if len(bad):
            self.discard(t, f"{len(bad)} of {len(rows)} reused entries do not yield what their digest says "
                            f"(first: row {int(rows[bad[0]])})")
        return not len(bad)

    def check_keys(self, t: int, keys: bytes, digests: bytes) -> bool:
        """:meth:`check` of the entries of ``keys`` (all in table ``t``)."""
        which, rows = self.locate(keys)
        if (which != t).any():
            raise ValueError("check_keys: a key is not in that table")
        return self.check(t, rows, digests)

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
            if not len(todo) or not len(known.keys) or t in self.discarded:
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
        """Entries of the keys found: key -> (artifact, shard, start, count, stats, digest)."""
        import numpy as np

        which, rows = self.locate(b"".join(keys))
        found: dict[bytes, tuple] = {}
        for t, (artifact, known) in enumerate(self.tables):
            at = np.flatnonzero(which == t)
            picked = rows[at]
            for i, shard, start, count, stats, digest in zip(
                    at.tolist(), known.shard(picked), known.start[picked].tolist(), known.count[picked].tolist(),
                    known.stats(picked), known.digest[picked]):
                found[keys[i]] = (artifact, shard, start, count, stats, digest.tobytes())
        return found

    def loaded(self, artifact: str, rel: str, load):
        """``load(path)`` of the file ``rel`` under an earlier artifact's ``data/``, the last few kept
        (reads are mostly in order: a shard's records come from the earlier shards around it)."""
        value = self._loaded.get((artifact, rel))
        if value is None:
            value = load(self.store.artifact_path(self.stage, artifact) / "data" / rel)
            self._loaded[(artifact, rel)] = value
            if len(self._loaded) > 3:
                self._loaded.popitem(last=False)
        return value


class RecordEntries:
    """A records table as numpy columns: sorted keys, and row -> shard, start, count, stats, digest."""

    def __init__(self, table):
        import numpy as np
        import pyarrow as pa

        if tuple(table.column_names) != COLUMNS or table.schema.field("digest").type != pa.binary(DIGEST):
            raise ValueError(f"columns {table.column_names}, expected {list(COLUMNS)}")

        keys = table.column("key").combine_chunks()
        self.keys = np.frombuffer(keys.buffers()[1], dtype="S32", count=len(keys), offset=keys.offset * 32)
        self.prefix = key_prefixes(self.keys)  # sorted too: keys sort bytewise
        self.start = table.column("start").to_numpy()
        self.count = table.column("count").to_numpy()
        shards, stats = table.column("shard").combine_chunks(), table.column("stats").combine_chunks()
        self.shard_names, self.shard_of = shards.dictionary.to_pylist(), shards.indices.to_numpy()
        self.stats_texts, self.stats_of = stats.dictionary.to_pylist(), stats.indices.to_numpy()
        digests = table.column("digest").combine_chunks()
        self.digest = np.frombuffer(digests.buffers()[1], dtype=np.uint8, count=len(digests) * DIGEST,
                                    offset=digests.offset * DIGEST).reshape(-1, DIGEST)
        if (self.start < 0).any() or (self.count < 0).any():
            raise ValueError("a negative start or count")

    def shard(self, rows) -> list[str]:
        return [self.shard_names[i] for i in self.shard_of[rows].tolist()]

    def stats(self, rows) -> list[str]:
        return [self.stats_texts[i] for i in self.stats_of[rows].tolist()]


def discard_table(path: Path, reason: str) -> None:
    """Remove a records table that cannot be believed, saying so: its records are computed instead."""
    message = (f"{path}: records table discarded: {reason}; the records it held are computed again "
               "(the output is a cold run's)")
    log.warning(message)
    warnings.warn(message, RuntimeWarning, stacklevel=3)
    try:
        path.unlink()
    except FileNotFoundError:
        pass


# ---------------------------------------------------------------- what copying a record yields


def record_digests(table, starts, counts, stats) -> bytes:
    """The digest of each record's rows ``[start, start + count)`` of ``table`` (string or binary
    columns) and its figures (``stats``: a text per record, or one for all), concatenated.

    Arrow joins each row's values and measures them in bulk; one hash per record covers the record's
    value lengths (-1 for a null), its bytes and its figures, so equal digests mean equal rows.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    columns = [table.column(i).combine_chunks().cast(pa.large_binary()) for i in range(table.num_columns)]
    lengths = np.empty((n, len(columns)), dtype="<i8")
    for j, column in enumerate(columns):
        lengths[:, j] = pc.fill_null(pc.binary_length(column), -1).to_numpy(zero_copy_only=False)
    joined = pc.binary_join_element_wise(*columns, pa.scalar(b"", pa.large_binary()), null_handling="replace",
                                         null_replacement="")
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64)[joined.offset : joined.offset + n + 1].tolist()
    data = memoryview(joined.buffers()[2] if joined.buffers()[2] is not None else b"")
    shape, width = memoryview(lengths.tobytes()), 8 * len(columns)
    texts = [stats] * len(starts) if isinstance(stats, str) else stats
    out = bytearray()
    for start, count, text in zip(np.asarray(starts).tolist(), np.asarray(counts).tolist(), texts):
        h = hashlib.sha256(struct.pack("<q", count))
        h.update(shape[start * width : (start + count) * width])
        if count:
            h.update(data[offsets[start] : offsets[start + count]])
        h.update(text.encode())
        out += h.digest()
    return bytes(out)


def rows_digest(rows: list, stats: str) -> bytes:
    """:func:`record_digests` of one record given as Python rows (sequences of ``str`` or None)."""
    encoded = [None if v is None else v.encode() for row in rows for v in row]
    h = hashlib.sha256(struct.pack("<q", len(rows)))
    h.update(struct.pack(f"<{len(encoded)}q", *(-1 if v is None else len(v) for v in encoded)))
    h.update(b"".join(v for v in encoded if v is not None))
    h.update(stats.encode())
    return h.digest()


def tokens_digest(tokens) -> bytes:
    """The digest of one record's token ids."""
    import numpy as np

    return hashlib.sha256(np.asarray(tokens, dtype="<i8").tobytes()).digest()


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
