"""Segmented document artifacts: a refresh that stores only what changed.

A documents artifact normally holds its documents in its parts, in order. A *segmented* one (written
by ``download`` with ``layout: segments`` and a parent, and by every per-record stage below it) also
holds ``documents/layout.arrow``: which part and row holds each of its documents, in order. Its parts
are the parent's parts, hard-linked (same inode: never written again), plus the few parts of what is
new; rows of the parent no longer in the corpus stay in their part, out of the layout. Read through
:func:`arabic_llm.data.documents.doc_tables`, the documents are a cold run's, in a cold run's order.

A per-record stage maps part ``i`` to part ``i``; it remembers, beside its artifact
(``segments.arrow``: a cache the manifest records a digest of), which input part (by sha256) gave
which output part and each input row's row count and figures. Given a segmented input, a part it has
mapped before is linked from that earlier artifact instead of being read, so a refresh reads and
writes the new parts only. Dead rows cost disk until the next compaction (a cold download, planned
when they pass ``compact_at`` of the rows stored; tasks/download.py).
"""

from __future__ import annotations

import json
import os
import shutil
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from arabic_llm.cache.records import EarlierOutputs, RecordEntries, ReuseJob
from arabic_llm.cache.store import Store
from arabic_llm.data.documents import DOCS_DIR, LAYOUT_FILE, CorpusError, EarlierRow

SEGMENTS_FILE = "segments.arrow"  # beside data/ of a per-record stage: input part -> output part
PAGES_FILE = "pages.arrow"  # in documents/ of a segmented download: where each page's document lies
NEWEST = 3  # earlier artifacts of a stage whose parts a segmented run may link


def link_file(src: Path, dst: Path) -> None:
    """``dst`` (a new path) as a hard link of ``src``: the same bytes, never written again; a copy where
    the file system cannot link (across file systems, or no hard links). The store's stat cache keeps
    its digest of the file (linking moves its ctime)."""
    import errno

    from arabic_llm.cache.stage import running_stage

    before = os.stat(src)
    try:
        os.link(src, dst)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EMLINK, errno.EPERM, errno.ENOTSUP):
            raise
        tmp = Path(dst).with_name(Path(dst).name + ".copy")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
        return
    stage = running_stage()
    if stage is not None:
        Store(stage.root).stat_cache.linked(src, dst, before)


def write_layout(data_dir: Path, parts, rows) -> None:
    """Write a segmented artifact's layout: the (part, row) of each of its documents, in order."""
    import numpy as np
    import pyarrow as pa

    table = pa.table({"part": pa.array(np.asarray(parts, dtype=np.int32)),
                      "row": pa.array(np.asarray(rows, dtype=np.int32))})
    path = Path(data_dir) / DOCS_DIR / LAYOUT_FILE
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
        out.write_table(table)


def mapped_layout(layout, part_counts: list) -> tuple:
    """The layout of a per-record stage's output: input document (part p, row r) becomes the
    ``part_counts[p][r]`` rows of output part p that follow the rows of the part's earlier documents."""
    import numpy as np

    parts, rows = layout
    offsets = np.cumsum([0] + [len(c) for c in part_counts])
    counts = np.concatenate([np.asarray(c, dtype=np.int64) for c in part_counts]) if part_counts else np.zeros(0, np.int64)
    starts = np.concatenate([np.cumsum(c) - c for c in (np.asarray(c, dtype=np.int64) for c in part_counts)]) \
        if part_counts else np.zeros(0, np.int64)
    at = offsets[parts] + rows
    n = counts[at]
    total = int(n.sum())
    out_parts = np.repeat(parts, n)
    out_rows = np.repeat(starts[at] - (np.cumsum(n) - n), n) + np.arange(total)
    return out_parts, out_rows


def live_rows(layout, part_sizes: list[int]) -> list:
    """For each input part, a boolean array: which of its rows the layout (None: every row) uses."""
    import numpy as np

    if layout is None:
        return [np.ones(n, dtype=bool) for n in part_sizes]
    offsets = np.cumsum([0] + list(part_sizes))
    flat = np.zeros(int(offsets[-1]), dtype=bool)
    parts, rows = layout
    flat[offsets[parts] + rows] = True
    return np.split(flat, offsets[1:-1])


def part_digests(data_dir: Path, shards: list[Path]) -> list[str]:
    """sha256 of each part: from the artifact's manifest (verified when the stage started), else hashed."""
    from arabic_llm.cache.keys import sha256_file

    manifest = Path(data_dir).parent / "manifest.json"
    listed = {}
    if manifest.is_file():
        listed = {f["path"]: f["sha256"] for f in json.loads(manifest.read_text(encoding="utf-8")).get("files", [])}
    return [listed.get(f"{DOCS_DIR}/{s.name}") or sha256_file(s) for s in shards]


@dataclass
class MappedPart:
    """What a per-record stage made of one input part: its output file, and per input row the number of
    output rows and the figures (canonical JSON)."""

    path: Path
    counts: list
    stats: list[str]


class SegmentMemo:
    """Input part sha256 -> the part an earlier artifact of the same stage and recipe made of it.

    Only artifacts that verify and whose ``segments.arrow`` matches the digest their manifest records
    are consulted; an entry is taken only if its output part holds as many rows as the entry says.
    """

    def __init__(self, job: ReuseJob):
        import pyarrow as pa

        self.found: dict[str, tuple[str, object, list[str]]] = {}
        self.entries: dict[str, object] = {}  # earlier artifact -> its records table (None: none to believe)
        self.store = store = Store(job.root)
        self.stage = job.stage
        tables = []
        for path in (store.root / "artifacts" / job.stage).glob(f"*/{SEGMENTS_FILE}"):
            try:
                reader = pa.ipc.open_file(pa.memory_map(str(path)))
            except (OSError, pa.ArrowInvalid):
                continue
            if (reader.schema.metadata or {}).get(b"recipe") == job.recipe.encode():
                tables.append((path.stat().st_mtime, path.parent.name, reader))
        kept = 0
        for _, artifact, reader in sorted(tables, key=lambda t: t[0], reverse=True):
            if kept == NEWEST:
                break
            if not store.verify(job.stage, artifact).ok or store.check_beside(job.stage, artifact, SEGMENTS_FILE):
                continue
            kept += 1
            self._add(store.artifact_path(job.stage, artifact) / "data" / DOCS_DIR, reader.read_all())

    def _add(self, folder: Path, table) -> None:
        import numpy as np

        def codes(name: str):
            column = table.column(name).combine_chunks()
            return column.indices.to_numpy(zero_copy_only=False), column.dictionary.to_pylist()

        (inputs, digests), (parts, names), (stats, texts) = codes("input"), codes("part"), codes("stats")
        counts = table.column("count").to_numpy()
        bounds = np.concatenate([[0], np.flatnonzero(np.diff(inputs)) + 1, [len(inputs)]]) if len(inputs) else []
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            self.found.setdefault(digests[inputs[lo]], (str(folder / names[parts[lo]]), counts[lo:hi],
                                                         (stats[lo:hi], texts)))

    def take(self, digest: str, rows: int) -> MappedPart | None:
        """The earlier output of an input part with this digest and ``rows`` rows, if one is known and checks."""
        import pyarrow.parquet as pq

        hit = self.found.get(digest)
        if hit is None or len(hit[1]) != rows:
            return None
        path, counts, (codes, texts) = hit
        try:
            if pq.ParquetFile(path).metadata.num_rows != int(counts.sum()):
                return None
        except Exception:  # gone or unreadable: computed instead
            return None
        return MappedPart(Path(path), counts, [texts[c] for c in codes.tolist()])


    def carry(self, hit: MappedPart, name: str, records) -> None:
        """Add to ``records`` the entries the earlier artifact's records table holds for the part linked as
        ``name``, so that a later cold layout (a compaction) still reuses its records. A table that does
        not match its manifest lends none (its records are computed then)."""
        import numpy as np

        from arabic_llm.cache.records import RECORDS_FILE

        artifact = hit.path.parents[2].name
        if artifact not in self.entries:
            self.entries[artifact] = None
            if not self.store.check_beside(self.stage, artifact, RECORDS_FILE):
                import pyarrow as pa

                path = self.store.artifact_path(self.stage, artifact) / RECORDS_FILE
                try:
                    with pa.memory_map(str(path)) as source:
                        self.entries[artifact] = RecordEntries(pa.ipc.open_file(source).read_all())
                except (OSError, KeyError, TypeError, ValueError, pa.ArrowException):
                    pass
        known = self.entries[artifact]
        if known is None or hit.path.name not in known.shard_names:
            return
        rows = np.flatnonzero(known.shard_of == known.shard_names.index(hit.path.name))
        records.add_columns(known.keys[rows].tobytes(), name, known.start[rows], known.count[rows],
                            known.stats(rows), known.digest[rows].tobytes())


def write_memo(job: ReuseJob, digests: list[str], mapped: list[MappedPart]) -> None:
    """Write ``segments.arrow`` beside the artifact being built (moved with it, digested by the commit)."""
    import numpy as np
    import pyarrow as pa

    inputs = [d for d, m in zip(digests, mapped) for _ in range(len(m.counts))]
    names = [m.path.name for m in mapped for _ in range(len(m.counts))]
    counts = np.concatenate([np.asarray(m.counts, dtype=np.int64) for m in mapped]) if mapped else np.zeros(0, np.int64)
    table = pa.table({"input": pa.array(inputs, pa.string()).dictionary_encode(),
                      "part": pa.array(names, pa.string()).dictionary_encode(),
                      "count": pa.array(counts),
                      "stats": pa.array([s for m in mapped for s in m.stats], pa.string()).dictionary_encode()})
    meta = {"recipe": job.recipe, "stage": job.stage, "artifact": job.key}
    path = Path(job.staged) / SEGMENTS_FILE
    tmp = path.with_suffix(".tmp")
    with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema.with_metadata(meta)) as out:
        out.write_table(table)
    tmp.replace(path)


def check_layout(data_dir: Path, layout, part_sizes: list[int]) -> None:
    """A layout that names a part or row its artifact does not have is refused, naming the file."""
    parts, rows = layout
    if len(parts) and (parts.min() < 0 or parts.max() >= len(part_sizes)):
        raise CorpusError(f"{Path(data_dir) / DOCS_DIR / LAYOUT_FILE}: names a part the artifact does not have")
    import numpy as np

    sizes = np.asarray(part_sizes, dtype=np.int64)
    if len(rows) and ((rows < 0) | (rows >= sizes[parts])).any():
        raise CorpusError(f"{Path(data_dir) / DOCS_DIR / LAYOUT_FILE}: names a row past the end of its part")


# ---------------------------------------------------------------- the download stage's side


class ParentPages(EarlierOutputs):
    """The pages of a segmented download's parent (its ``pages.arrow``, part of its verified content),
    looked up as an earlier stage output is; an entry that does not yield what it says is an error."""

    def __init__(self, parent_dir: Path, recipe: str):
        import pyarrow as pa

        self.parent_dir = Path(parent_dir)
        path = self.parent_dir / DOCS_DIR / PAGES_FILE
        try:
            reader = pa.ipc.open_file(pa.memory_map(str(path)))
            recipe_of = (reader.schema.metadata or {}).get(b"recipe", b"").decode()
            entries = RecordEntries(reader.read_all())
        except (OSError, KeyError, TypeError, ValueError, pa.ArrowException) as exc:
            raise CorpusError(f"{path}: not the page table of a segmented download ({exc})") from None
        if recipe_of != recipe:
            raise CorpusError(f"{path}: pages parsed by other code than this run's; the parent cannot be used")
        self.store, self.stage, self.discarded = None, "download", set()
        self.tables = [("parent", entries)]
        self._loaded = OrderedDict()

    def discard(self, t: int, reason: str) -> None:
        raise CorpusError(f"{self.parent_dir / DOCS_DIR / PAGES_FILE}: {reason}")

    def pages(self, keys: list[bytes]) -> tuple[dict[bytes, bytes], dict[bytes, EarlierRow]]:
        """The pages found (key -> digest) and their documents, as references into the parent's parts.
        Unlike an earlier artifact's records table (a cache, proved row by row), the page table is part
        of the parent's content, verified with it against its manifest when the parent was planned: its
        rows are not read back, only their ids."""
        import numpy as np

        which, at = self.locate(b"".join(keys))
        _, known = self.tables[0]
        found, rows = {}, {}
        for n in np.flatnonzero(which == 0).tolist():
            row = int(at[n])
            found[keys[n]] = known.digest[row].tobytes()
            if known.count[row] == 1:
                part = known.shard_names[known.shard_of[row]]
                ids = self.loaded("parent", f"{DOCS_DIR}/{part}", _ids)
                start = int(known.start[row])
                if start >= len(ids):
                    self.discard(0, f"page row {start} is past the end of {part}")
                rows[keys[n]] = EarlierRow(ids[start], None, start, part)
        return found, rows

    def loaded(self, artifact: str, rel: str, load):
        # Least recently used out: after a few nights a batch of pages spans the base part and a
        # part written on each later night.
        value = self._loaded.get(rel)
        if value is None:
            value = self._loaded[rel] = load(self.parent_dir / rel)
            if len(self._loaded) > 16:
                self._loaded.popitem(last=False)
        else:
            self._loaded.move_to_end(rel)
        return value


def _ids(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path, columns=["id"]).column("id").to_pylist()
    except Exception as exc:  # pyarrow names neither the file nor the column
        raise CorpusError(f"{path}: cannot read the id column of a document shard ({exc})") from None


class SegmentWriter:
    """Writes a segmented download: documents of the parent by reference (its parts linked), new ones
    into new parts, and the layout that puts them back in order."""

    def __init__(self, out_dir: Path, parent_dir: Path, shard_docs: int):
        from concurrent.futures import ThreadPoolExecutor

        from arabic_llm.data.documents import doc_shards

        self.out_dir, self.shard_docs = Path(out_dir), shard_docs
        self.folder = self.out_dir / DOCS_DIR
        self.folder.mkdir(parents=True, exist_ok=True)
        self.parent_parts = {p.name: p for p in doc_shards(parent_dir)}
        self.codes: dict[str, int] = {}  # parent part name -> its code, in first-seen order
        self.source, self.rows = array("i"), array("q")  # per document: parent part code (-1: new) and row
        self.new: list[dict] = []
        self.new_count = 0
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="segment writer")
        self.pending = None

    def place(self, doc) -> tuple[int, int]:
        """Where ``doc`` (a dict, or an EarlierRow of the parent) will be: (parent code or -1, row)."""
        if isinstance(doc, EarlierRow):
            if doc.part not in self.parent_parts:
                raise CorpusError(f"{self.folder}: document {doc.id!r} of the parent lies in {doc.part}, a part "
                                  "the parent does not have")
            return self.codes.setdefault(doc.part, len(self.codes)), doc.row
        return -1, self.new_count

    def add(self, doc) -> None:
        code, row = self.place(doc)
        self.source.append(code)
        self.rows.append(row)
        if code < 0:
            self.new.append(doc)
            self.new_count += 1
            if len(self.new) == self.shard_docs:
                self._flush()

    def _flush(self) -> None:
        from arabic_llm.data.documents import write_doc_shard

        if self.pending is not None:
            self.pending.result()
        number = (self.new_count - 1) // self.shard_docs
        self.pending = self.writer.submit(write_doc_shard, self.folder / f"new-{number:05d}.parquet", self.new)
        self.new = []

    def finish(self) -> tuple[dict, object]:
        """Link the parent's parts, name the new ones after them, write the layout. Returns the summary
        and a function ``where(code, row) -> (part file name, row)`` for the page table."""
        import numpy as np

        if self.new:
            self._flush()
        if self.pending is not None:
            self.pending.result()
        self.writer.shutdown()
        linked = sorted(self.codes)  # the parent's parts keep their order
        number = {self.codes[name]: i for i, name in enumerate(linked)}
        for i, name in enumerate(linked):
            link_file(self.parent_parts[name], self.folder / f"part-{i:05d}.parquet")
        new_parts = -(-self.new_count // self.shard_docs)
        for j in range(new_parts):
            (self.folder / f"new-{j:05d}.parquet").rename(self.folder / f"part-{len(linked) + j:05d}.parquet")
        if not linked and not new_parts:
            from arabic_llm.data.documents import write_doc_shard

            write_doc_shard(self.folder / "part-00000.parquet", [])
        source = np.frombuffer(self.source, dtype=np.int32).astype(np.int64)
        rows = np.frombuffer(self.rows, dtype=np.int64).copy()
        lookup = np.array([number[c] for c in range(len(self.codes))] + [0], dtype=np.int64)
        new = source < 0
        parts = np.where(new, len(linked) + rows // self.shard_docs, lookup[source])
        rows[new] %= self.shard_docs
        write_layout(self.out_dir, parts, rows)

        def where(code: int, row: int) -> tuple[str, int]:
            if code < 0:
                return f"part-{len(linked) + row // self.shard_docs:05d}.parquet", row % self.shard_docs
            return f"part-{number[code]:05d}.parquet", row

        stored = sum(self._rows(p) for p in sorted(self.folder.glob("part-*.parquet")))
        return {"parts": len(linked) + new_parts, "linked_parts": len(linked), "new_documents": self.new_count,
                "stored_rows": stored}, where

    @staticmethod
    def _rows(path: Path) -> int:
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows


def parent_documents(parent_dir: Path, start: int, count: int):
    """Documents ``start`` to ``start + count`` of the parent, in order, as references (EarlierRow with
    its part and row; only the id is read): a source unchanged since the parent is neither parsed nor
    written again."""
    import numpy as np

    from arabic_llm.data.documents import doc_shards, doc_tables, read_layout

    shards = doc_shards(parent_dir)
    layout = read_layout(parent_dir)
    if layout is None:
        sizes = [SegmentWriter._rows(p) for p in shards]
        parts = np.repeat(np.arange(len(shards)), sizes)
        rows = np.concatenate([np.arange(n) for n in sizes]) if sizes else np.zeros(0, np.int64)
    else:
        parts, rows = layout
    if start + count > len(parts):
        raise CorpusError(f"{parent_dir}: the parent holds {len(parts)} documents, not the {start + count} its "
                          "manifest counts")
    seen = 0
    for table in doc_tables(parent_dir, columns=["id"]):
        lo, hi = max(start - seen, 0), min(start + count - seen, table.num_rows)
        for n, doc_id in enumerate(table.column("id").to_pylist()[lo:hi] if lo < hi else []):
            at = seen + lo + n
            yield EarlierRow(doc_id, None, int(rows[at]), shards[int(parts[at])].name)
        seen += table.num_rows
        if seen >= start + count:
            break
