"""`download`: acquire the raw sources and parse them into documents, streaming.

Local files (and the builtin samples) are keyed by their content, never by their path. A published
Wikipedia dump is keyed by its version (wiki, date, job, published checksums), resolved with one
small request before the run; a hub dataset by its revision, a local dataset mirror by its files.
Articles whose page id and revision sha1 were parsed before are taken from that earlier output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from typing import Literal

from pydantic import BaseModel, Field

from arabic_llm.cache.records import RecordWriter, release
from arabic_llm.cache.stage import stage_task
from arabic_llm.cache.store import ArtifactRef, Store, directory_digest
from arabic_llm.config import DownloadConfig, RuntimeConfig, TextFilesSource
from arabic_llm.data import hubdata, wikidump
from arabic_llm.data.documents import DOCS_DIR, CorpusError, read_jsonl, resolve_source
from arabic_llm.data.instructions import (
    bactrian_documents,
    oasst_documents,
    parse_bactrian,
    parse_oasst,
)
from arabic_llm.data.segments import PAGES_FILE, ParentPages, SegmentWriter, parent_documents
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
    layout: Literal["parts", "segments"] = "parts"  # segments: a refresh stores what changed (data/segments.py)
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
                            shard_docs=cfg.shard_docs, layout=cfg.layout, wikipedia_dump=dump, datasets=datasets, text_files=text_files,
                            mirror=mirror,
                            download_dir=str(download_dir), retries=cfg.retries, locators=locators)
    return params, files


def source_documents(name: str, params: DownloadParams, path: Path | None, on_key=None,
                     pool=None, earlier=None) -> tuple[str, Iterator[dict]]:
    """(where the source comes from, its documents) for one source; ``on_key``, ``pool`` (wikitext
    converted in worker processes) and ``earlier`` as in wikipedia.wiki_documents."""
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
        return origin, wiki_documents(pages, limit, on_key, pool, earlier)
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
def download(out_dir: Path, params: DownloadParams, runtime: RuntimeConfig = RuntimeConfig(),
             parent: Path | None = None, **sources: Path) -> dict:
    """Parse every source into document shards (sources in name order, records in source order); with
    ``runtime.workers`` > 1, Wikipedia's wikitext is converted in that many processes.

    ``layout: segments`` writes a page table into the artifact; given a ``parent`` (an earlier segmented
    download, chosen by :func:`plan_parent`), its unchanged articles stay in its parts, linked, and only
    new or changed documents are written (arabic_llm/data/segments.py)."""
    from arabic_llm.data.documents import write_documents
    from arabic_llm.data.pool import shard_pool

    counts: dict[str, int] = {}
    job = wiki_job()
    records = RecordWriter(job) if job else None
    segments = SegmentWriter(out_dir, parent, params.shard_docs) if parent is not None else None
    earlier = ParentPages(parent, job.recipe) if segments and job else None
    placed = PlacedPages()  # segmented: where each page's document lands, resolved once the parts are named
    written = 0  # documents yielded so far: where the next one lands

    def remember(key: bytes, doc: dict | None, digest: bytes) -> None:
        # Where this page's document lands (none: a page without text), and its digest, for the next refresh.
        if segments is not None:
            placed.add(key, *(segments.place(doc) if doc else (-2, 0)), digest)
            return
        shard, row = divmod(written, params.shard_docs)
        if doc:
            records.add_one(key, f"part-{shard:05d}.parquet", row, 1, "{}", digest)
        else:
            records.add_one(key, "", 0, 0, "{}", digest)

    def stream(pool) -> Iterator[dict]:
        nonlocal written
        seen: set[str] = set()
        for name in params.sources:
            kept = unchanged_source(name, params, sources.get(name), parent) if segments is not None else None
            origin, docs = kept or source_documents(name, params, sources.get(name), remember, pool, earlier)
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

    summary: dict = {}
    with shard_pool(runtime.workers) as pool:
        if segments is None:
            total = write_documents(out_dir, stream(pool), params.shard_docs)
        else:
            total = 0
            for doc in stream(pool):
                segments.add(doc)
                total += 1
            summary["layout"], where = segments.finish()
            if records:
                placed.write_to(records, where)
    if records:
        records.write()
        if params.layout == "segments":  # the next refresh's parent finds its pages here (content, verified)
            records.write(Path(out_dir) / DOCS_DIR / PAGES_FILE)
    release(job)
    return {"documents": total, "per_source": counts, **summary}


def unchanged_source(name: str, params: DownloadParams, path: Path | None, parent: Path):
    """(origin, the parent's documents of source ``name``) when the source is what the parent read (the
    same file content or dataset revision, the same parameters): neither parsed nor written again.
    None for Wikipedia (its pages are looked up one by one) or a source that changed."""
    from arabic_llm.cache.stage import local_digest, running_stage

    manifest_path = Path(parent).parent / "manifest.json"
    if name == "wikipedia" or not manifest_path.is_file():
        return None
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    theirs, counts = manifest.get("params") or {}, (manifest.get("summary") or {}).get("per_source") or {}
    if theirs.get("sources") != list(params.sources) or name not in counts:
        return None
    if path is not None:
        stage = running_stage()
        cache = Store(stage.root).stat_cache if stage else None
        if (manifest.get("inputs") or {}).get(name, {}).get("digest") != local_digest(Path(path), cache):
            return None
    elif (theirs.get("datasets") or {}).get(name) != params.datasets.get(name):
        return None
    start = sum(counts[n] for n in params.sources[: params.sources.index(name)])
    return f"{name} (unchanged since {Path(parent).parent.name[:12]})", parent_documents(parent, start, counts[name])


class PlacedPages:
    """Page key, (parent part code or -1 for a new part; -2: no document), row and digest of each page,
    held compactly (a dump has millions of pages)."""

    def __init__(self):
        from array import array

        self.keys, self.digests = bytearray(), bytearray()
        self.codes, self.rows = array("i"), array("q")

    def add(self, key: bytes, code: int, row: int, digest: bytes) -> None:
        self.keys += key
        self.digests += digest
        self.codes.append(code)
        self.rows.append(row)

    def write_to(self, records: RecordWriter, where) -> None:
        for n, (code, row) in enumerate(zip(self.codes, self.rows)):
            shard, at = where(code, row) if code > -2 else ("", 0)
            records.add_one(bytes(self.keys[n * 32 : (n + 1) * 32]), shard, at, int(code > -2), "{}",
                            bytes(self.digests[n * 32 : (n + 1) * 32]))


PLAN_FREE = ("wikipedia_dump", "datasets")  # what a refresh changes; everything else must match the parent's


@dataclass(frozen=True)
class ParentPlan:
    inputs: dict
    reason: str | None


def plan_parent(store: Store | None, params: DownloadParams, files: dict[str, Path], compact_at: float) -> ParentPlan:
    """The parent a segmented download refreshes: the newest verified download of the same code and
    parameters (sources aside) with a page table, unless its dead rows pass ``compact_at`` of the rows
    it stores (then a cold download compacts). Sources already downloaded give that artifact's own
    inputs back, so an unchanged dump is a cache hit, not a new generation."""
    if params.layout != "segments" or store is None:
        return ParentPlan({}, None)
    from arabic_llm.cache.keys import canonical_json
    from arabic_llm.cache.stage import input_digests

    digests = input_digests(files, store)
    mine = json.loads(canonical_json(params))
    candidates = []
    for key in store.artifacts_of("download"):
        manifest = store.manifest("download", key) or {}
        theirs = manifest.get("params") or {}
        if manifest.get("code") != download.spec.code() or \
                {k: v for k, v in theirs.items() if k not in PLAN_FREE} != {k: v for k, v in mine.items() if k not in PLAN_FREE}:
            continue
        recorded = manifest.get("inputs") or {}
        if theirs == mine and {n: v.get("digest") for n, v in recorded.items() if n != "parent"} == digests:
            if "parent" not in recorded:
                return ParentPlan({}, f"downloaded before from these sources ({key[:12]}), cold")
            p = recorded["parent"]
            return ParentPlan({"parent": ArtifactRef(stage=p["stage"], key=p["key"], digest=p["digest"],
                                                     path=f"artifacts/{p['stage']}/{p['key']}")},
                              f"downloaded before from these sources ({key[:12]}), refreshing {p['key'][:12]}")
        if (store.artifact_path("download", key) / "data" / DOCS_DIR / PAGES_FILE).is_file():
            candidates.append((manifest.get("timings", {}).get("started", 0), key, manifest))
    # The newest that verifies (verifying reads the stat cache; an older one is not looked at).
    found = next(((key, manifest) for _, key, manifest in sorted(candidates, key=lambda c: c[:2], reverse=True)
                  if store.verify("download", key).ok), None)
    if found is None:
        return ParentPlan({}, "cold: no earlier segmented download of these parameters in the store")
    key, manifest = found
    layout = (manifest.get("summary") or {}).get("layout") or {}
    stored, documents = layout.get("stored_rows"), (manifest.get("summary") or {}).get("documents", 0)
    dead = 1 - documents / stored if stored else 0.0
    if dead > compact_at:
        return ParentPlan({}, f"cold (compacts): {dead:.1%} of the rows {key[:12]} stores are no longer in it "
                              f"(compact_at {compact_at:.0%})")
    return ParentPlan({"parent": store.ref("download", key)},
                      f"refreshes {key[:12]}: links its parts, writes what changed ({dead:.1%} of its rows dead)")
