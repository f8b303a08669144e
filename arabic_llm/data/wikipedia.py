"""Wikipedia articles: pages of a MediaWiki XML dump streamed, converted to text, reused when unchanged."""

from __future__ import annotations

import bz2
import collections
import functools
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from arabic_llm.cache.keys import record_keys, stage_key
from arabic_llm.cache.records import (
    DIGEST,
    EarlierOutputs,
    ReuseJob,
    current_job,
    earlier_outputs,
    record_digests,
    rows_digest,
)
from arabic_llm.cache.stage import running_stage
from arabic_llm.data.documents import (
    DOCS_DIR,
    CorpusError,
    EarlierRow,
    batches,
    doc_row,
    read_earlier_shard,
)

BATCH = 1000  # pages looked up at a time by the download stage
BATCHES_AHEAD = 1  # with worker processes: batches converted while the next one is parsed
CHUNKS_PER_BATCH = 8  # jobs a batch is cut into for the worker processes



def wikitext_to_text(wikitext: str) -> str:
    """Plain text of an article's wikitext, without references, templates, files or categories
    (arabic_llm/data/wikitext.py: the converter chosen by benchmarks/bench_wikitext.py)."""
    from arabic_llm.data.wikitext import wikitext_to_text as convert

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
    docs = (doc for doc in map(wiki_document, wiki_pages(path)) if doc is not None)
    yield from itertools.islice(docs, limit or None)



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


def convert_pages(pages: list[dict]) -> list[dict | None]:
    """:func:`wiki_document` of each page (a worker process's job: a chunk of one batch)."""
    return [wiki_document(page) for page in pages]


def _converted(pages: list[dict], pool) -> Iterator[dict | None]:
    """The documents of ``pages`` in order: converted here one by one, or in ``pool``'s processes a
    chunk each (submitted now; collected as the caller reads them)."""
    if pool is None or not pages:
        return map(wiki_document, pages)
    size = -(-len(pages) // CHUNKS_PER_BATCH)
    futures = [pool.submit(convert_pages, pages[i : i + size]) for i in range(0, len(pages), size)]
    return (doc for future in futures for doc in future.result())


def wiki_documents(pages: Iterable[dict], limit: int | None = None, on_key=None, pool=None,
                   earlier: EarlierOutputs | None = None) -> Iterator[dict]:
    """Documents of article pages; a page whose identity (:func:`page_identity`) was converted before
    by the same code is read back from that output instead of parsing its wikitext again, once the
    row read back is proved to be the one its entry's digest describes.

    ``on_key(key, doc or None, digest)`` is told each page's record key and the digest of what it
    yields, so the caller can record where the document lands. With ``pool`` (an executor), wikitext
    is converted in its processes while this one parses the next batch of pages: the same documents,
    in the same order. ``earlier``: where to look pages up (default: the stage's newest artifacts).
    """
    job = wiki_job()
    if earlier is None and job:
        earlier = earlier_outputs(job)
    ahead: collections.deque = collections.deque()  # batches whose conversion is under way, oldest first

    def start(batch: list[dict]) -> tuple:
        keys = record_keys(job.recipe, [page_identity(p) for p in batch]) if job else [None] * len(batch)
        if earlier is None:
            found, rows = {}, {}
        else:  # a segmented download's parent finds its pages itself (arabic_llm/data/segments.py)
            found, rows = earlier.pages(keys) if hasattr(earlier, "pages") else _earlier_rows(earlier, keys)
        todo = [page for page, key in zip(batch, keys) if key not in found]
        return batch, keys, found, rows, _converted(todo, pool)

    def finish(batch, keys, found, rows, converted) -> Iterator[dict]:
        for page, key in zip(batch, keys):
            if key in found:
                doc, digest = rows.get(key), found[key]
            else:
                doc = next(converted)
                digest = rows_digest([] if doc is None else [tuple(doc_row(doc).values())], "{}") if job else None
            if on_key is not None and job:
                on_key(key, doc, digest)
            if doc is not None:
                yield doc

    def documents() -> Iterator[dict]:
        for batch in batches(pages, BATCH):
            ahead.append(start(batch))
            if pool is None or len(ahead) > BATCHES_AHEAD:
                yield from finish(*ahead.popleft())
        while ahead:
            yield from finish(*ahead.popleft())

    yield from itertools.islice(documents(), limit or None)


def _earlier_rows(earlier: EarlierOutputs, keys: list[bytes]) -> tuple[dict[bytes, bytes], dict[bytes, EarlierRow]]:
    """The pages found (key -> the digest of what they yield) and where their documents lie, with their
    ids (a page without text has none). Every entry is checked against the row it points at first; a
    table that fails is discarded and its pages looked up again (in an older table, or converted)."""
    import numpy as np

    while True:
        which, at = earlier.locate(b"".join(keys))
        found: dict[bytes, bytes] = {}
        rows: dict[bytes, EarlierRow] = {}
        for t in np.unique(which[which >= 0]).tolist():
            mine = np.flatnonzero(which == t)
            if not _prove(earlier, t, [keys[i] for i in mine.tolist()], at[mine], found, rows):
                break
        else:
            return found, rows


def _prove(earlier: EarlierOutputs, t: int, keys: list[bytes], at, found: dict, rows: dict) -> bool:
    """Check entries ``at`` of table ``t`` (for ``keys``) against the rows they point at; if they hold,
    add them to ``found`` and ``rows``."""
    import numpy as np
    import pyarrow as pa

    from arabic_llm.data.documents import shard_schema

    artifact, known = earlier.tables[t]
    counts, starts, shard_of, texts = known.count[at], known.start[at], known.shard_of[at], known.stats(at)
    if (counts > 1).any():
        earlier.discard(t, "a page's entry points at more than one row")
        return False
    with_doc = np.flatnonzero(counts == 1)
    taken, located = [], []
    for s in np.unique(shard_of[with_doc]).tolist():
        part = with_doc[shard_of[with_doc] == s]
        table = earlier.loaded(artifact, f"{DOCS_DIR}/{known.shard_names[s]}", read_earlier_shard)
        if (starts[part] >= table.num_rows).any():
            earlier.discard(t, f"an entry points past the end of {known.shard_names[s]}")
            return False
        taken.append(table.take(starts[part]))
        located.extend((n, table, row, known.shard_names[s]) for n, row in zip(part.tolist(), starts[part].tolist()))
    picked = pa.concat_tables(taken) if taken else pa.Table.from_pylist([], schema=shard_schema())
    order = [n for n, _, _, _ in located]
    got = np.empty((len(keys), DIGEST), dtype=np.uint8)
    got[order] = np.frombuffer(record_digests(picked, np.arange(len(order)), np.ones(len(order), dtype=np.int64),
                                              [texts[n] for n in order]), dtype=np.uint8).reshape(-1, DIGEST)
    for n in np.flatnonzero(counts == 0).tolist():
        got[n] = np.frombuffer(rows_digest([], texts[n]), dtype=np.uint8)
    if not earlier.check(t, at, got.tobytes()):
        return False
    for n, digest in enumerate(known.digest[at]):
        found[keys[n]] = digest.tobytes()
    for (n, table, row, name), doc_id in zip(located, picked.column("id").to_pylist()):
        rows[keys[n]] = EarlierRow(doc_id, table, row, name)
    return True
