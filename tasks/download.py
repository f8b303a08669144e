"""`download`: acquire the raw sources and parse them into documents, streaming.

Local files (and the builtin samples) are keyed by their content, never by their path. A published
Wikipedia dump is keyed by its version (wiki, date, job, published checksums), resolved with one
small request before the run; a hub dataset by its revision, a local dataset mirror by its files.
Articles whose page id and revision sha1 were parsed before are taken from that earlier output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from arabic_llm.cache.records import RecordWriter, release
from arabic_llm.cache.stage import stage_task
from arabic_llm.cache.store import directory_digest
from arabic_llm.config import DownloadConfig, RuntimeConfig, TextFilesSource
from arabic_llm.data import hubdata, wikidump
from arabic_llm.data.documents import CorpusError, read_jsonl, resolve_source
from arabic_llm.data.instructions import (
    bactrian_documents,
    oasst_documents,
    parse_bactrian,
    parse_oasst,
)
from arabic_llm.data.textfiles import text_file_documents
from arabic_llm.data.wikipedia import (
    parse_wikipedia,
    wiki_documents,
    wiki_job,
    wiki_pages,
)

PARSERS = {"wikipedia": parse_wikipedia, "bactrian_x": parse_bactrian, "oasst1": parse_oasst}
_PUBLISHED = re.compile(r"^(latest|\d{8}|https?://.+)$")


class DownloadParams(BaseModel):
    """What the download key depends on besides local source content; excluded fields say where to
    fetch from, which never changes what is fetched."""

    sources: tuple[str, ...]
    max_docs_per_source: int | None = None
    shard_docs: int = 10_000
    wikipedia_dump: wikidump.DumpVersion | None = None  # a published dump: its version is its address
    datasets: dict[str, str] = {}  # source -> hub revision or local mirror digest
    text_files: dict[str, TextFilesSource] = {}  # name -> how to read it (its file is keyed by content)
    mirror: str = Field("", exclude=True)
    download_dir: str = Field("", exclude=True)
    retries: int = Field(4, exclude=True)
    locators: dict[str, str] = Field(default_factory=dict, exclude=True)  # dataset sources: hub id or folder


def is_published_dump(locator: str) -> bool:
    return bool(_PUBLISHED.match(locator))


def plan(cfg: DownloadConfig) -> tuple[DownloadParams, dict[str, Path]]:
    """Split the download config into keyed parameters and content-keyed source files.

    A published dump or a hub dataset costs one small request here, so `run` and `status` both
    see an upstream refresh without downloading anything.
    """
    files: dict[str, Path] = {}
    dump = None
    datasets: dict[str, str] = {}
    locators: dict[str, str] = {}
    mirror = cfg.wikipedia_mirror
    download_dir = Path(cfg.download_dir).expanduser() if cfg.download_dir else wikidump.default_download_dir()
    for name in PARSERS:
        locator = getattr(cfg, name)
        if locator is None:
            continue
        if name == "wikipedia" and is_published_dump(locator):
            which = "latest" if locator.startswith("http") else locator
            mirror = locator if locator.startswith("http") else mirror
            dump = wikidump.resolve(mirror, cfg.wikipedia_wiki, which, cfg.wikipedia_job, download_dir, cfg.retries)
        elif name != "wikipedia" and hubdata.is_dataset_locator(locator):
            locators[name] = locator
            datasets[name] = (f"{locator}@{hubdata.hub_revision(locator, name)}" if locator.startswith(hubdata.HUB_PREFIX)
                              else directory_digest(Path(locator).expanduser())[0])
        else:
            files[name] = resolve_source(locator)
    text_files = {}
    for name, spec in sorted(cfg.text_files.items()):
        if name in PARSERS:
            raise CorpusError(f"download.text_files.{name}: the name is taken by a built-in source; choose another")
        try:
            files[f"text_{name}"] = resolve_source(spec.path)
        except CorpusError as exc:
            raise CorpusError(f"download.text_files.{name}.path: {exc}") from None
        text_files[name] = spec.model_copy(update={"path": "local"})  # the content is keyed, not the path
    sources = tuple(sorted([*(f for f in files if not f.startswith("text_")), *datasets,
                            *(["wikipedia"] if dump else [])])) + tuple(f"text_{n}" for n in text_files)
    if not sources:
        raise CorpusError("download: every source is null; set at least one of download.wikipedia, "
                          "download.bactrian_x, download.oasst1, download.text_files")
    params = DownloadParams(sources=sources, max_docs_per_source=cfg.max_docs_per_source,
                            shard_docs=cfg.shard_docs, wikipedia_dump=dump, datasets=datasets, text_files=text_files,
                            mirror=mirror,
                            download_dir=str(download_dir), retries=cfg.retries, locators=locators)
    return params, files


def source_documents(name: str, params: DownloadParams, path: Path | None, on_key=None,
                     pool=None) -> tuple[str, Iterator[dict]]:
    """(where the source comes from, its documents) for one source; ``on_key`` and ``pool`` (wikitext
    converted in worker processes) as in wikipedia.wiki_documents."""
    limit = params.max_docs_per_source
    if name.startswith("text_"):
        return str(path), text_file_documents(name.removeprefix("text_"), path, params.text_files[name.removeprefix("text_")], limit)
    if name == "wikipedia":
        if params.wikipedia_dump is not None:
            paths = wikidump.fetch(params.wikipedia_dump, params.mirror, Path(params.download_dir), params.retries)
        else:
            paths = [path]
        origin = ", ".join(str(p) for p in paths)
        pages = (page for p in paths for page in wiki_pages(p))
        return origin, wiki_documents(pages, limit, on_key, pool)
    if name in params.datasets:
        locator = params.locators[name]
        revision = params.datasets[name].rsplit("@", 1)[1] if locator.startswith(hubdata.HUB_PREFIX) else None
        rows = hubdata.dataset_rows(locator, name, revision)
        origin = locator
    else:
        rows = read_jsonl(path)
        origin = str(path)
    docs = bactrian_documents(rows, origin, limit) if name == "bactrian_x" else oasst_documents(rows, origin, "ar", limit)
    return origin, docs


@stage_task("download", libraries=("mwparserfromhell", "datasets"))
def download(out_dir: Path, params: DownloadParams, runtime: RuntimeConfig = RuntimeConfig(), **sources: Path) -> dict:
    """Parse every source into document shards (sources in name order, records in source order); with
    ``runtime.workers`` > 1, Wikipedia's wikitext is converted in that many processes."""
    from arabic_llm.data.documents import write_documents
    from arabic_llm.data.pool import shard_pool

    counts: dict[str, int] = {}
    job = wiki_job()
    records = RecordWriter(job) if job else None
    written = 0  # documents yielded so far: where the next one lands

    def remember(key: bytes, doc: dict | None, digest: bytes) -> None:
        # Where this page's document lands (none: a page without text), and its digest, for the next refresh.
        shard, row = divmod(written, params.shard_docs)
        if doc:
            records.add_one(key, f"part-{shard:05d}.parquet", row, 1, "{}", digest)
        else:
            records.add_one(key, "", 0, 0, "{}", digest)

    def stream(pool) -> Iterator[dict]:
        nonlocal written
        seen: set[str] = set()
        for name in params.sources:
            origin, docs = source_documents(name, params, sources.get(name), remember, pool)
            n = 0
            for doc in docs:
                if doc["id"] in seen:
                    raise CorpusError(f"{origin}: duplicate document id {doc['id']!r}")
                seen.add(doc["id"])
                n += 1
                yield doc
                written += 1
            if n == 0:
                raise CorpusError(f"{origin}: empty source: no {name} records")
            counts[name] = n

    with shard_pool(runtime.workers) as pool:
        total = write_documents(out_dir, stream(pool), params.shard_docs)
    if records:
        records.write()
    release(job)
    return {"documents": total, "per_source": counts}
