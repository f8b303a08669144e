"""Documents committed as a `download` artifact: the form a processing stage takes them in."""

from __future__ import annotations

import hashlib
from pathlib import Path

from arabic_llm.cache.store import Store
from arabic_llm.data import documents


def docs_artifact(store: Path, docs: list[dict], name: str, shard_docs: int = 10):
    s = Store(store)
    with s.staging("download") as staged:
        documents.write_documents(staged / "data", docs, shard_docs)
        return s.commit("download", hashlib.sha256(name.encode()).hexdigest(), staged, {})  # a well-formed key
