"""Keys and digests: the one way parameters, files and stage inputs become hashes.

A stage's key hashes what goes *into* it (its name, its code fingerprint, its parameters as canonical
JSON, the content digests of its inputs); a digest hashes what comes *out*. Digests carry their
algorithm (``sha256:...``); keys never hold paths, mtimes or run ids.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

SCHEMA = 1  # bump when the key or manifest layout changes: old entries become misses



def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no white space: the one way parameters become bytes."""
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_bytes(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The file's sha256, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def stage_key(stage: str, code: str, params_json: str, inputs: dict[str, str]) -> str:
    """The key of a stage run: never paths, mtimes or run ids."""
    payload = {"schema": SCHEMA, "stage": stage, "code": code, "params": json.loads(params_json), "inputs": inputs}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def record_key(recipe: str, identity: bytes) -> bytes:
    """The key of one record's output under a recipe."""
    return hashlib.sha256(recipe.encode() + b"\0" + identity).digest()


def record_keys(recipe: str, identities: list[bytes]) -> list[bytes]:
    """:func:`record_key` of many records under one recipe."""
    prefix = hashlib.sha256(recipe.encode() + b"\0")
    out = []
    for identity in identities:
        h = prefix.copy()
        h.update(identity)
        out.append(h.digest())
    return out
