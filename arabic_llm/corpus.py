"""Documents on disk and the parsers of the raw source formats.

Every stage reads and writes JSONL documents with sorted keys, one per line, in a stable order,
so equal content gives equal bytes (which early cutoff relies on).
"""

from __future__ import annotations

import bz2
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Iterable, Iterator

SAMPLE_DATA = Path(__file__).resolve().parent / "sample_data"
DOCS_DIR = "documents"  # part-00000.parquet, part-00001.parquet, ...
SHARD_COLUMNS = ("id", "source", "dialect", "text", "fields")
WORKERS_ENV = "ARABIC_LLM_WORKERS"


class CorpusError(ValueError):
    """Bad input: the message names the file and the record."""


def write_jsonl(path: Path, records: Iterable[dict]) -> int:
    """Write records as canonical JSONL; returns how many were written."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
            f.write("\n")
            n += 1
    return n


# ---------------------------------------------------------------- document shards (Parquet)
#
# Stages stream documents as Parquet shards: id, source, dialect and text as columns (readable by
# any Parquet tool), every other field as canonical JSON in `fields`. A stage maps shard i to shard
# i, so memory is bounded by one shard per worker and the output does not depend on how many
# workers ran.


class EarlierRow:
    """A document still in a shard of an earlier artifact (an Arrow table and a row): written by an
    Arrow take, never decoded. Only its id can be read (``doc["id"]``)."""

    __slots__ = ("id", "table", "row")

    def __init__(self, doc_id: str, table, row: int):
        self.id, self.table, self.row = doc_id, table, row

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


def doc_shards(data_dir: Path) -> list[Path]:
    """The shard files of a documents artifact, in order."""
    folder = Path(data_dir) / DOCS_DIR
    shards = sorted(folder.glob("part-*.parquet"))
    if not shards:
        raise CorpusError(f"{folder}: no document shards (part-*.parquet)")
    return shards


def read_documents(data_dir: Path) -> Iterator[dict]:
    """Stream every document of a documents artifact, shard by shard."""
    for shard in doc_shards(data_dir):
        yield from read_doc_shard(shard)


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


def worker_count() -> int:
    """Processes for shard-parallel stages: $ARABIC_LLM_WORKERS (never part of a key)."""
    try:
        return max(1, int(os.environ.get(WORKERS_ENV, "1")))
    except ValueError:
        raise CorpusError(f"{WORKERS_ENV}={os.environ[WORKERS_ENV]!r}: expected a whole number") from None


def per_record(fn):
    """Mark a shard function that returns one ``(output docs, figures)`` pair per input document:
    :func:`map_documents` then reuses earlier outputs of unchanged records (arabic_llm/records.py)."""
    fn.per_record = True
    return fn


def _map_one(fn, params, src: Path, dst: Path, job) -> tuple[dict, tuple | list]:
    if getattr(fn, "per_record", False):
        from arabic_llm.records import map_shard_records

        return map_shard_records(fn, params, src, dst, job)
    docs, stats = fn(read_doc_shard(src), params)
    write_doc_shard(dst, docs)
    return {"documents": len(docs), **stats}, []


def map_documents(fn, params, in_dir: Path, out_dir: Path, desc: str) -> dict:
    """Apply ``fn`` to every shard, in parallel across processes.

    ``fn(docs, params) -> (docs, stats)`` maps a shard; a :func:`per_record` function maps
    documents one by one, and inside a stage run only new or changed records reach it.

    Returns:
        The stats of all shards summed (numbers) per key.
    """
    from arabic_llm.records import RecordWriter, current_job, release

    shards = doc_shards(in_dir)
    folder = Path(out_dir) / DOCS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    job = current_job() if getattr(fn, "per_record", False) else None
    jobs = [(src, folder / src.name) for src in shards]
    from arabic_llm.scaleout import shard_pool

    records = RecordWriter(job) if job else None
    results = []

    def collect(result):
        stats, columns = result
        results.append(stats)
        if records:
            records.add_columns(*columns)

    with shard_pool(min(worker_count(), len(jobs))) as pool:  # local processes, or the Dask cluster
        if pool is None:
            for src, dst in progress(jobs, desc, unit="shard"):
                collect(_map_one(fn, params, src, dst, job))
        else:
            futures = [pool.submit(_map_one, fn, params, src, dst, job) for src, dst in jobs]
            for future in progress(futures, desc, unit="shard"):
                collect(future.result())
    if records:
        records.write()
    release(job)
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


def read_jsonl(path: Path) -> Iterator[dict]:
    """Stream records from a JSONL file; a bad line raises naming the file and line."""
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
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


# ---------------------------------------------------------------- Wikipedia


def wikitext_to_text(wikitext: str) -> str:
    """Plain text of an article's wikitext, without references, templates, files or categories
    (arabic_llm.wikitext: the converter chosen by benchmarks/bench_wikitext.py)."""
    from arabic_llm.wikitext import wikitext_to_text as convert

    return convert(wikitext)


def wiki_pages(path: Path) -> Iterator[dict]:
    """Article pages of a MediaWiki XML dump (.xml or .xml.bz2, single or multistream), streamed.

    Keeps namespace 0 only and skips redirects; yields ``page_id``, ``rev_id``, ``rev_sha1``, ``title``
    and ``wikitext`` of the last revision. Memory stays at one page whatever the dump size.
    lxml's ``iterparse``, told to stop at ``<page>`` elements only, reads the pages directly: 4 times
    faster than ElementTree's and many times faster than mwxml's object model, with the same pages
    (tests/test_corpus.py compares them with mwxml's). Entities are never resolved, no DTD is loaded.

    Raises:
        CorpusError: naming the file and the last page read, for a truncated or corrupt bz2 or
            malformed XML.
    """
    from lxml import etree

    opener = ThreadedBz2Reader if path.suffix == ".bz2" else open
    last = "before the first page"
    try:
        with opener(path, "rb") as f:
            pages = etree.iterparse(f, events=("end",), tag="{*}page", huge_tree=True, resolve_entities=False,
                                    load_dtd=False, no_network=True)
            for n, (_, elem) in enumerate(pages):
                if n == 0:
                    _check_root(path, elem.getroottree().getroot())
                ns = elem.tag[: -len("page")]  # the export schema's {namespace}
                page = _page_fields(elem, ns)
                elem.clear(keep_tail=True)  # drop the page and those before it: memory stays flat
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
                last = f"after page {page['page_id']}"
                if page["namespace"] == 0 and not page.pop("redirect") and page["wikitext"]:
                    del page["namespace"]
                    yield page
            _check_root(path, pages.root)
    except (OSError, EOFError) as exc:
        raise CorpusError(f"{path}: cannot read the dump {last} ({exc})") from None
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise CorpusError(f"{path}: malformed MediaWiki XML {last} (line {line}, column {column})") from None


def _check_root(path: Path, root) -> None:
    if root is None or not str(root.tag).endswith("mediawiki"):
        raise CorpusError(f"{path}: not a MediaWiki XML export (root <{getattr(root, 'tag', None)}>)")


class ThreadedBz2Reader:
    """A bz2 file (single or multistream) read through a thread that decompresses ahead: bz2 releases
    the GIL, so decompression runs on another core while the caller parses (as ``bz2.open``, faster)."""

    BLOCK = 1 << 20
    AHEAD = 8  # blocks decompressed ahead of the reader: memory stays at a few MB

    def __init__(self, path: Path, mode: str = "rb"):
        import queue
        import threading

        self._blocks: queue.Queue = queue.Queue(self.AHEAD)
        self._stop = threading.Event()
        self._buffer, self._pos, self._done = b"", 0, False
        self._file = bz2.open(path, mode)
        self._thread = threading.Thread(target=self._decompress, name=f"bz2 {Path(path).name}", daemon=True)
        self._thread.start()

    def _decompress(self) -> None:
        pieces, size = [], 0
        try:
            while not self._stop.is_set():
                piece = self._file.read1(self.BLOCK)  # what one read of the file gives: all up to an error
                pieces.append(piece)
                size += len(piece)
                if size >= self.BLOCK or not piece:
                    self._blocks.put(b"".join(pieces))
                    pieces, size = [], 0
                if not piece:
                    self._blocks.put(b"")  # the end
                    return
        except BaseException as exc:  # handed to the reader after the text before it, raised there
            if size:
                self._blocks.put(b"".join(pieces))
            self._blocks.put(exc)

    def read(self, size: int = -1) -> bytes:
        chunks, want = [], size
        while True:
            left = len(self._buffer) - self._pos
            if 0 <= want <= left:
                chunks.append(self._buffer[self._pos : self._pos + want])
                self._pos += want
                break
            chunks.append(self._buffer[self._pos :])
            want -= left
            self._buffer, self._pos = b"", 0
            if self._done:
                break
            block = self._blocks.get()
            if isinstance(block, BaseException):
                self._done = True
                raise block
            self._done, self._buffer = not block, block
        return b"".join(chunks)

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():  # unblock a thread waiting to put a block
            try:
                self._blocks.get_nowait()
            except Exception:
                self._thread.join(0.01)
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


PAGE_FIELDS = ("title", "ns", "id", "redirect", "revision")
REVISION_FIELDS = ("id", "sha1", "text")


@functools.lru_cache(maxsize=8)
def _qualified(ns: str, names: tuple[str, ...]) -> dict[str, str]:
    return {ns + name: name for name in names}


def _children_text(elem, ns: str, names: tuple[str, ...]) -> dict[str, object]:
    """Local name -> text ("" when empty) of an element's children with these names, the last of each
    winning; a ``revision`` is kept as the element. lxml filters the tags, so the children a page has
    besides these (timestamp, contributor, comment...) never become Python objects."""
    qualified = _qualified(ns, names)
    out = {}
    for child in elem.iterchildren(*qualified):
        name = qualified[child.tag]
        out[name] = child if name == "revision" else (child.text or "")
    return out


def _page_fields(page, ns: str) -> dict:
    fields = _children_text(page, ns, PAGE_FIELDS)
    revision = fields.get("revision")  # the last revision is the current text
    rev = _children_text(revision, ns, REVISION_FIELDS) if revision is not None else {}
    try:
        return {"page_id": int(fields.get("id")), "namespace": int(fields.get("ns") or 0),
                "redirect": "redirect" in fields, "title": fields.get("title"),
                "rev_id": int(rev.get("id")) if revision is not None else None,
                "rev_sha1": rev.get("sha1") if revision is not None else None,
                "wikitext": rev.get("text") or ""}
    except (TypeError, ValueError):
        raise CorpusError(f"page {fields.get('title')!r}: <id> or <ns> missing or not a number") from None


def wiki_document(page: dict) -> dict | None:
    """The document of one article page (None when no text is left), with its identity fields."""
    text = wikitext_to_text(page["wikitext"])
    if not text:
        return None
    return {"id": f"wiki:{page['page_id']}", "source": "wikipedia", "title": page["title"], "text": text,
            "page_id": page["page_id"], "rev_id": page["rev_id"], "rev_sha1": page["rev_sha1"]}


def parse_wikipedia(path: Path, limit: int | None = None) -> Iterator[dict]:
    """Articles of a MediaWiki XML dump as documents (page id, revision id and sha1, title, text)."""
    n = 0
    for page in wiki_pages(path):
        doc = wiki_document(page)
        if doc is None:
            continue
        yield doc
        n += 1
        if limit and n >= limit:
            return


# ---------------------------------------------------------------- Bactrian-X and oasst1


def parse_bactrian(path: Path, limit: int | None = None) -> Iterator[dict]:
    """Bactrian-X records (instruction, input, output, id) of a JSONL file as instruction/response documents."""
    return bactrian_documents(read_jsonl(path), str(path), limit)


def bactrian_documents(records: Iterable[dict], origin: str, limit: int | None = None) -> Iterator[dict]:
    """Bactrian-X records from any reader (JSONL, a `datasets` split) as instruction/response documents."""
    n = 0
    for lineno, rec in enumerate(records, 1):
        missing = [k for k in ("instruction", "output") if not isinstance(rec.get(k), str)]
        if missing:
            raise CorpusError(f"{origin}: record {lineno} (id {rec.get('id')!r}) lacks field(s) {', '.join(missing)}")
        prompt = rec["instruction"] + ("\n" + rec["input"] if rec.get("input") else "")
        rid = str(rec.get("id") or content_id(prompt, rec["output"]))
        yield {
            "id": f"bactrian:{rid}",
            "source": "bactrian-x",
            "title": "",
            "text": prompt + "\n" + rec["output"],
            "prompt": prompt,
            "response": rec["output"],
        }
        n += 1
        if limit and n >= limit:
            return


def parse_oasst(path: Path, lang: str = "ar", limit: int | None = None) -> Iterator[dict]:
    """oasst1 message trees of a JSONL file as prompt/response pairs."""
    return oasst_documents(read_jsonl(path), str(path), lang, limit)


def oasst_documents(records: Iterable[dict], origin: str, lang: str = "ar", limit: int | None = None) -> Iterator[dict]:
    """oasst1 message trees as prompt/response pairs: each assistant reply with its parent prompt.

    Keeps messages in ``lang`` that are not deleted (only those are held in memory: a few
    thousand); pairs are ordered by message id.
    """
    messages: dict[str, dict] = {}
    for lineno, rec in enumerate(records, 1):
        for field in ("message_id", "role", "text"):
            if field not in rec:
                raise CorpusError(f"{origin}: record {lineno} lacks field {field!r}")
        if rec.get("lang") != lang or rec.get("deleted"):
            continue
        messages[rec["message_id"]] = rec
    n = 0
    for mid in sorted(messages):
        msg = messages[mid]
        parent = messages.get(msg.get("parent_id") or "")
        if msg["role"] != "assistant" or parent is None or parent["role"] != "prompter":
            continue
        yield {
            "id": f"oasst:{mid}",
            "source": "oasst1",
            "title": "",
            "text": parent["text"] + "\n" + msg["text"],
            "prompt": parent["text"],
            "response": msg["text"],
            "tree_id": msg.get("message_tree_id"),
        }
        n += 1
        if limit and n >= limit:
            return


PARSERS = {"wikipedia": parse_wikipedia, "bactrian_x": parse_bactrian, "oasst1": parse_oasst}
