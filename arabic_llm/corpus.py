"""Documents on disk and the parsers of the raw source formats.

Every stage reads and writes JSONL documents with sorted keys, one per line, in a stable order,
so equal content gives equal bytes (which early cutoff relies on).
"""

from __future__ import annotations

import bz2
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


def _to_row(doc: dict) -> dict:
    rest = {k: v for k, v in doc.items() if k not in ("id", "source", "dialect", "text")}
    return {"id": doc["id"], "source": doc["source"], "dialect": doc.get("dialect"), "text": doc["text"],
            "fields": json.dumps(rest, ensure_ascii=False, sort_keys=True, separators=(",", ":"))}


def write_doc_shard(path: Path, docs: list[dict]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [_to_row(d) for d in docs]
    schema = pa.schema([(c, pa.string()) for c in SHARD_COLUMNS])
    table = pa.Table.from_pylist(rows, schema=schema)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp, compression="zstd")
    tmp.replace(path)


def read_doc_shard(path: Path) -> list[dict]:
    """Documents of one shard; a damaged file raises naming it."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid/OSError with no file name
        raise CorpusError(f"{path}: not a readable Parquet document shard ({exc})") from None
    docs = []
    for row in table.to_pylist():
        fields = json.loads(row.pop("fields") or "{}")
        if row.get("dialect") is None:
            row.pop("dialect", None)
        docs.append({**fields, **row})
    return docs


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


def write_documents(out_dir: Path, docs: Iterable[dict], shard_docs: int) -> int:
    """Cut a stream of documents into shards of ``shard_docs``; returns the document count."""
    folder = Path(out_dir) / DOCS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    batch: list[dict] = []
    n = index = 0
    for doc in docs:
        batch.append(doc)
        if len(batch) == shard_docs:
            write_doc_shard(folder / f"part-{index:05d}.parquet", batch)
            n, index, batch = n + len(batch), index + 1, []
    if batch or index == 0:  # an empty corpus still has one (empty) shard
        write_doc_shard(folder / f"part-{index:05d}.parquet", batch)
        n += len(batch)
    return n


def worker_count() -> int:
    """Processes for shard-parallel stages: $ARABIC_LLM_WORKERS (never part of a key)."""
    try:
        return max(1, int(os.environ.get(WORKERS_ENV, "1")))
    except ValueError:
        raise CorpusError(f"{WORKERS_ENV}={os.environ[WORKERS_ENV]!r}: expected a whole number") from None


def _map_one(fn, params, src: Path, dst: Path) -> dict:
    docs, stats = fn(read_doc_shard(src), params)
    write_doc_shard(dst, docs)
    return {"documents": len(docs), **stats}


def map_documents(fn, params, in_dir: Path, out_dir: Path, desc: str) -> dict:
    """Apply ``fn(docs, params) -> (docs, stats)`` to every shard, in parallel across processes.

    Returns:
        The stats of all shards summed (numbers) per key.
    """
    shards = doc_shards(in_dir)
    folder = Path(out_dir) / DOCS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(src, folder / src.name) for src in shards]
    from arabic_llm.scaleout import shard_pool

    with shard_pool(min(worker_count(), len(jobs))) as pool:  # local processes, or the Dask cluster
        if pool is None:
            results = [_map_one(fn, params, src, dst) for src, dst in progress(jobs, desc, unit="shard")]
        else:
            futures = [pool.submit(_map_one, fn, params, src, dst) for src, dst in jobs]
            results = [f.result() for f in progress(futures, desc, unit="shard")]
    return _sum_stats(results)


def _sum_stats(results: list[dict]) -> dict:
    total: dict = {}
    for stats in results:
        for key, value in stats.items():
            if isinstance(value, dict):
                total[key] = _sum_stats([total.get(key, {}), value])
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


def content_id(*parts: str) -> str:
    """A stable identity for records that have no id of their own."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- Wikipedia


def wikitext_to_text(wikitext: str) -> str:
    """Plain text of an article's wikitext, without references, templates, files or categories.

    mwparserfromhell's ``strip_code()`` keeps the contents of ``<ref>`` tags, so those are removed
    first, with templates, tables, and file/category links.
    """
    import mwparserfromhell

    code = mwparserfromhell.parse(wikitext)
    for tag in code.filter_tags(recursive=True):
        if str(tag.tag).lower() in ("ref", "references", "table", "gallery", "math", "score", "syntaxhighlight"):
            _remove(code, tag)
    for template in code.filter_templates(recursive=False):
        _remove(code, template)
    for link in code.filter_wikilinks(recursive=False):
        target = str(link.title).strip().lower()
        if target.split(":", 1)[0] in _NON_TEXT_NAMESPACES:
            _remove(code, link)
    text = code.strip_code(normalize=True, collapse=True)
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line and not line.startswith(("{|", "|", "!")))


_NON_TEXT_NAMESPACES = {"file", "image", "category", "ملف", "صورة", "تصنيف"}


def _remove(code, node) -> None:
    try:
        code.remove(node)
    except ValueError:  # already removed with a parent node
        pass


def parse_wikipedia(path: Path, limit: int | None = None) -> Iterator[dict]:
    """Articles of a MediaWiki XML dump (.xml or .xml.bz2), streamed with mwxml.

    Keeps namespace 0 only, skips redirects, and records page id, revision id and sha1.
    """
    import mwxml

    opener = bz2.open if path.suffix == ".bz2" else open
    n = 0
    try:
        with opener(path, "rb") as f:
            for page in mwxml.Dump.from_file(f):
                if page.namespace != 0 or page.redirect:
                    continue
                revision = None
                for revision in page:
                    pass  # the last revision is the current text
                if revision is None or not revision.text:
                    continue
                text = wikitext_to_text(revision.text)
                if not text:
                    continue
                yield {
                    "id": f"wiki:{page.id}",
                    "source": "wikipedia",
                    "title": page.title,
                    "text": text,
                    "page_id": page.id,
                    "rev_id": revision.id,
                    "rev_sha1": revision.sha1,
                }
                n += 1
                if limit and n >= limit:
                    return
    except (OSError, EOFError) as exc:
        raise CorpusError(f"{path}: cannot read the dump ({exc})") from None
    except Exception as exc:  # mwxml raises plain errors on malformed XML
        if type(exc).__name__ in ("ParseError", "MalformedXML", "ExpatError"):
            raise CorpusError(f"{path}: malformed MediaWiki XML ({exc})") from None
        raise


# ---------------------------------------------------------------- Bactrian-X and oasst1


def parse_bactrian(path: Path, limit: int | None = None) -> Iterator[dict]:
    """Bactrian-X records (instruction, input, output, id) as instruction/response documents."""
    n = 0
    for lineno, rec in enumerate(read_jsonl(path), 1):
        missing = [k for k in ("instruction", "output") if not isinstance(rec.get(k), str)]
        if missing:
            raise CorpusError(f"{path}: record {lineno} (id {rec.get('id')!r}) lacks field(s) {', '.join(missing)}")
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
    """oasst1 message trees as prompt/response pairs: each assistant reply with its parent prompt.

    Keeps messages in ``lang`` that are not deleted; pairs are ordered by message id.
    """
    messages: dict[str, dict] = {}
    for lineno, rec in enumerate(read_jsonl(path), 1):
        for field in ("message_id", "role", "text"):
            if field not in rec:
                raise CorpusError(f"{path}: record {lineno} lacks field {field!r}")
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
