"""`download`: acquire the raw sources and parse them into documents.

Local files (and the builtin samples) are keyed by their content, never by their path.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from arabic_llm.config import DownloadConfig
from arabic_llm.corpus import PARSERS, CorpusError, resolve_source, write_documents
from arabic_llm.store import stage_task


class DownloadParams(BaseModel):
    """What the download key depends on besides source content: the locators are paths, not keyed."""

    sources: tuple[str, ...]
    max_docs_per_source: int | None = None
    shard_docs: int = 10_000


def plan(cfg: DownloadConfig) -> tuple[DownloadParams, dict[str, Path]]:
    """Split the download config into keyed parameters and content-keyed source files."""
    files = {}
    for name in PARSERS:
        locator = getattr(cfg, name)
        if locator is not None:
            files[name] = resolve_source(locator)
    if not files:
        raise CorpusError("download: every source is null; set at least one of download.wikipedia, "
                          "download.bactrian_x, download.oasst1")
    return DownloadParams(sources=tuple(sorted(files)), max_docs_per_source=cfg.max_docs_per_source,
                          shard_docs=cfg.shard_docs), files


@stage_task("download", libraries=("mwxml", "mwparserfromhell"))
def download(out_dir: Path, params: DownloadParams, **sources: Path) -> dict:
    """Parse every source into document shards (sorted by id) and count documents per source."""
    docs = []
    counts = {}
    for name in params.sources:
        parsed = list(PARSERS[name](sources[name], limit=params.max_docs_per_source))
        counts[name] = len(parsed)
        docs.extend(parsed)
    docs.sort(key=lambda d: d["id"])
    ids = [d["id"] for d in docs]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise CorpusError(f"download: duplicate document id {dup!r}")
    write_documents(out_dir, docs, params.shard_docs)
    return {"documents": len(docs), "per_source": counts}
