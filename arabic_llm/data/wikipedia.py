"""Wikipedia articles: pages of a MediaWiki XML dump streamed, converted to text, reused when unchanged."""

from __future__ import annotations

import bz2
import functools
from pathlib import Path
from typing import Iterable, Iterator

from arabic_llm.cache.keys import record_keys, stage_key
from arabic_llm.cache.records import (
    EarlierOutputs,
    ReuseJob,
    current_job,
    earlier_outputs,
)
from arabic_llm.cache.stage import running_stage
from arabic_llm.data.documents import (
    DOCS_DIR,
    CorpusError,
    EarlierRow,
    batches,
    read_earlier_shard,
)

BATCH = 1000  # pages looked up at a time by the download stage



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
    n = 0
    for page in wiki_pages(path):
        doc = wiki_document(page)
        if doc is None:
            continue
        yield doc
        n += 1
        if limit and n >= limit:
            return



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
        table = earlier.loaded(artifact, f"{DOCS_DIR}/{shard}", read_earlier_shard)
        ids = table.column("id").take([start for _, start in wanted]).to_pylist()
        rows.update((key, EarlierRow(doc_id, table, start)) for (key, start), doc_id in zip(wanted, ids))
    return rows
