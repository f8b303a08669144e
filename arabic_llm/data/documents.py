"""Documents on disk: Parquet document shards, JSONL records, the shipped sample data.

Every stage reads and writes documents as Parquet shards with the rows in a stable order, so equal
content gives equal bytes (which early cutoff relies on).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Iterable, Iterator

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
DOCS_DIR = "documents"  # part-00000.parquet, part-00001.parquet, ...
LAYOUT_FILE = "layout.arrow"  # in documents/ of a segmented artifact: its documents' (part, row), in order
SHARD_COLUMNS = ("id", "source", "dialect", "text", "fields")


class CorpusError(ValueError):
    """Bad input: the message names the file and the record."""


# ---------------------------------------------------------------- document shards (Parquet)
#
# Stages stream documents as Parquet shards: id, source, dialect and text as columns (readable by
# any Parquet tool), every other field as canonical JSON in `fields`. A stage maps shard i to shard
# i, so memory is bounded by one shard per worker and the output does not depend on how many
# workers ran.


class EarlierRow:
    """A document still in a shard of an earlier artifact (an Arrow table and a row): written by an
    Arrow take, never decoded. Only its id can be read (``doc["id"]``)."""

    __slots__ = ("id", "table", "row", "part")

    def __init__(self, doc_id: str, table, row: int, part: str | None = None):
        self.id, self.table, self.row, self.part = doc_id, table, row, part  # part: its file's name

    def __getitem__(self, name: str) -> str:
        if name != "id":
            raise KeyError(f"{name!r}: an earlier document row is not decoded; only its id is at hand")
        return self.id


def doc_row(doc: dict) -> dict:
    """A document as a shard row: the four columns, every other field as canonical JSON."""
    rest = {k: v for k, v in doc.items() if k not in ("id", "source", "dialect", "text")}
    return {"id": doc["id"], "source": doc["source"], "dialect": doc.get("dialect"), "text": doc["text"],
            "fields": json.dumps(rest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))}


def row_doc(row: dict) -> dict:
    """The document of a shard row (inverse of :func:`doc_row`)."""
    row = dict(row)
    fields = json.loads(row.pop("fields") or "{}")
    if row.get("dialect") is None:
        row.pop("dialect", None)
    return {**fields, **row}


def shard_schema():
    import pyarrow as pa

    return pa.schema([(c, pa.string()) for c in SHARD_COLUMNS])


def write_doc_table(path: Path, table) -> None:
    """Write an Arrow table of shard rows, atomically."""
    import pyarrow.parquet as pq

    tmp = path.with_suffix(".tmp")
    # Dictionary pages only where values repeat: a dictionary-encoded text column reads 3x slower,
    # and every stage reads its input and, on a refresh, its earlier output.
    labels = ["source", "dialect"]
    pq.write_table(table, tmp, compression="zstd", use_dictionary=labels, write_statistics=labels)
    tmp.replace(path)


def write_doc_shard(path: Path, docs: list) -> None:
    """Write documents (dicts, or :class:`EarlierRow` s copied as they are) as one shard."""
    import numpy as np
    import pyarrow as pa

    tables: dict[int, tuple[int, object]] = {}  # id(table) -> (its number among the sources, table)
    new_rows, picks = [], []  # (source number, row): source 0 is the new rows
    for doc in docs:
        if isinstance(doc, EarlierRow):
            number = tables.setdefault(id(doc.table), (len(tables) + 1, doc.table))[0]
            picks.append((number, doc.row))
        else:
            picks.append((0, len(new_rows)))
            new_rows.append(doc_row(doc))
    table = pa.Table.from_pylist(new_rows, schema=shard_schema())
    if tables:
        sources = [table] + [t for _, t in sorted(tables.values(), key=lambda v: v[0])]
        first = np.cumsum([0] + [t.num_rows for t in sources])
        numbers, rows = np.array(picks, dtype=np.int64).reshape(-1, 2).T
        table = pa.concat_tables(sources).take(first[numbers] + rows).combine_chunks()
    write_doc_table(path, table)


def read_doc_table(path: Path):
    """The Arrow table of one shard; a damaged file raises naming it."""
    import pyarrow.parquet as pq

    try:
        return pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError with no file name
        raise CorpusError(f"{path}: not a readable Parquet document shard ({exc})") from None


def read_doc_shard(path: Path) -> list[dict]:
    """Documents of one shard; a damaged file raises naming it."""
    return [row_doc(row) for row in read_doc_table(path).to_pylist()]


def read_earlier_shard(path: Path):
    """A document shard of an earlier artifact as an Arrow table in the shard schema (record reuse)."""
    return read_doc_table(path).cast(shard_schema())


def doc_shards(data_dir: Path) -> list[Path]:
    """The shard files of a documents artifact, in order."""
    folder = Path(data_dir) / DOCS_DIR
    shards = sorted(folder.glob("part-*.parquet"))
    if not shards:
        raise CorpusError(f"{folder}: no document shards (part-*.parquet)")
    return shards


def read_layout(data_dir: Path):
    """(part numbers, rows) of a segmented artifact's documents in order, as two numpy arrays; None for an
    artifact whose parts hold its documents in order and nothing else (see arabic_llm/data/segments.py)."""
    import numpy as np
    import pyarrow as pa

    path = Path(data_dir) / DOCS_DIR / LAYOUT_FILE
    if not path.is_file():
        return None
    try:
        with pa.memory_map(str(path)) as source:
            table = pa.ipc.open_file(source).read_all()
        parts, rows = (table.column(c).to_numpy().astype(np.int64) for c in ("part", "row"))
    except Exception as exc:  # pyarrow's errors name neither the file nor what was expected
        raise CorpusError(f"{path}: not a layout table with int32 columns part and row ({exc})") from None
    return parts, rows


def doc_tables(data_dir: Path, columns: list[str] | None = None, window: int = 4096) -> Iterator:
    """The documents of an artifact as Arrow tables (of ``columns``), in order: each part as it is, or,
    for a segmented artifact, ``window`` documents at a time gathered from the parts its layout names
    (rows no longer in it are never read back)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    shards = doc_shards(data_dir)

    def read(path: Path):
        if columns is None:
            return read_doc_table(path)
        try:
            return pq.read_table(path, columns=columns)
        except Exception as exc:  # pyarrow names neither the file nor the column
            raise CorpusError(f"{path}: cannot read columns {columns} of a document shard ({exc})") from None

    layout = read_layout(data_dir)
    if layout is None:
        yield from map(read, shards)
        return
    parts, rows = layout
    if len(parts) and (parts.min() < 0 or parts.max() >= len(shards)):
        bad = int(parts[(parts < 0) | (parts >= len(shards))][0])
        raise CorpusError(f"{Path(data_dir) / DOCS_DIR / LAYOUT_FILE}: names part {bad}, but the artifact has parts "
                          f"0 to {len(shards) - 1}")
    loaded: dict[int, object] = {}  # the parts of the last window: documents keep their order across parts
    for start in range(0, len(parts), window):
        p, r = parts[start : start + window], rows[start : start + window]
        wanted = np.unique(p).tolist()
        loaded = {n: loaded[n] if n in loaded else read(shards[n]) for n in wanted}
        sizes = np.array([loaded[n].num_rows for n in wanted], dtype=np.int64)
        if (r >= sizes[np.searchsorted(wanted, p)]).any() or (r < 0).any():
            raise CorpusError(f"{Path(data_dir) / DOCS_DIR / LAYOUT_FILE}: a row past the end of its part")
        first = np.cumsum(sizes) - sizes
        tables = [loaded[n] for n in wanted]
        yield pa.concat_tables(tables).take(first[np.searchsorted(wanted, p)] + r) if len(tables) > 1 \
            else tables[0].take(r)


def read_documents(data_dir: Path) -> Iterator[dict]:
    """Stream every document of a documents artifact, in order."""
    for table in doc_tables(data_dir):
        yield from (row_doc(row) for row in table.to_pylist())


def batches(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last one shorter), streamed."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_documents(out_dir: Path, docs: Iterable[dict], shard_docs: int) -> int:
    """Cut a stream of documents into shards of ``shard_docs``; returns the document count.

    A shard is written on a thread while the next one is gathered: Arrow's take, compression and
    writing release the GIL, so they overlap with parsing (one shard waits at most: memory stays flat).
    """
    from concurrent.futures import ThreadPoolExecutor

    folder = Path(out_dir) / DOCS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    n, pending = 0, None
    with ThreadPoolExecutor(1, thread_name_prefix="shard writer") as writer:
        for index, batch in enumerate(batches(docs, shard_docs)):
            if pending is not None:
                pending.result()  # the writer's error, raised here
            pending = writer.submit(write_doc_shard, folder / f"part-{index:05d}.parquet", batch)
            n += len(batch)
        if pending is None:  # an empty corpus still has one (empty) shard
            write_doc_shard(folder / "part-00000.parquet", [])
        else:
            pending.result()
    return n


def read_jsonl(path: Path) -> Iterator[dict]:
    """Stream records from a JSONL file; a bad line raises naming the file and line."""
    with open(path, "rb") as f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CorpusError(f"{path}:{lineno}: not UTF-8 (byte {exc.start + 1} of the line is "
                                  f"0x{raw[exc.start]:02x}); convert the file to UTF-8") from None
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise CorpusError(f"{path}:{lineno}: expected a JSON object, got {type(record).__name__}")
            yield record


def progress(iterable, desc: str, unit: str = "doc"):
    """A progress bar on a terminal, silent elsewhere (tests, CI, log files)."""
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, unit=unit, disable=None, leave=False)


def resolve_source(locator: str) -> Path:
    """``builtin:<file>`` names a sample shipped with the package; anything else is a local path."""
    if locator.startswith("builtin:"):
        path = SAMPLE_DATA / locator.removeprefix("builtin:")
    else:
        path = Path(locator).expanduser()
    if not path.is_file():
        raise CorpusError(f"source file not found: {path} (from {locator!r})")
    return path.resolve()


CHAT_FIELDS = ("prompt", "response")  # instruction records: processed like `text`, rendered with a chat template


def with_chat_fields(doc: dict, fn) -> dict:
    """``doc`` with ``fn`` applied to its prompt and response, where it has them."""
    return {**doc, **{f: fn(doc[f]) for f in CHAT_FIELDS if isinstance(doc.get(f), str)}}


def content_id(*parts: str) -> str:
    """A stable identity for records that have no id of their own."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
