"""HDF5 training shards: packed token sequences with per-row dialect and source labels.

Layout of ``shards.h5`` (see docs in README): root attributes, then groups ``train`` and ``eval``
with ``input_ids``, ``lengths``, ``doc_index``, ``dialect`` and ``source`` datasets. Every row
holds one dialect and one source, so training can select MSA-only or dialect-only rows without
rewriting shards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import h5py
import numpy as np

DIALECT_LABELS = ("MSA", "EGY", "GLF", "LEV", "MGR")
SOURCE_LABELS = ("wikipedia", "bactrian-x", "oasst1")
SPLITS = ("train", "eval")


@dataclass
class Row:
    """One packed sequence before padding."""

    input_ids: list[int]
    doc_index: list[int]
    dialect: str
    source: str


def is_eval_doc(doc_id: str, eval_fraction: float, seed: int) -> bool:
    """Held-out membership by a hash of the document id: stable as the corpus grows."""
    h = hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64 < eval_fraction


def pack(token_lists: Sequence[list[int]], seq_len: int, eos_id: int, dialect: str, source: str) -> list[Row]:
    """Concatenate documents separated by EOS and cut them into rows of ``seq_len`` tokens.

    A document longer than a row continues in the next row; only the last row is short.
    """
    rows: list[Row] = []
    ids: list[int] = []
    owner: list[int] = []
    for doc_no, tokens in enumerate(token_lists):
        piece = list(tokens) + [eos_id]
        ids.extend(piece)
        owner.extend([doc_no] * len(piece))
    for start in range(0, len(ids), seq_len):
        chunk_owner = owner[start : start + seq_len]
        first = chunk_owner[0]
        rows.append(
            Row(ids[start : start + seq_len], [o - first for o in chunk_owner], dialect, source)
        )
    return rows


def write_shards(path: Path, splits: dict[str, list[Row]], *, seq_len: int, pad_id: int, attrs: dict,
                 compression: str | None = "gzip") -> dict[str, int]:
    """Write rows to one HDF5 file, deterministically (no timestamps in the file).

    Returns:
        Rows written per split.
    """
    counts = {}
    with h5py.File(path, "w", libver="v108", track_order=True) as f:
        f.attrs["seq_len"] = seq_len
        f.attrs["pad_token_id"] = pad_id
        f.attrs["dialect_labels"] = json.dumps(DIALECT_LABELS)
        f.attrs["source_labels"] = json.dumps(SOURCE_LABELS)
        for name, value in sorted(attrs.items()):
            f.attrs[name] = value
        for split in SPLITS:
            rows = splits.get(split, [])
            n = len(rows)
            input_ids = np.full((n, seq_len), pad_id, dtype=np.int32)
            doc_index = np.full((n, seq_len), -1, dtype=np.int32)
            lengths = np.zeros(n, dtype=np.int32)
            for i, row in enumerate(rows):
                input_ids[i, : len(row.input_ids)] = row.input_ids
                doc_index[i, : len(row.doc_index)] = row.doc_index
                lengths[i] = len(row.input_ids)
            dialect = np.array([DIALECT_LABELS.index(r.dialect) for r in rows], dtype=np.uint8)
            source = np.array([SOURCE_LABELS.index(r.source) for r in rows], dtype=np.uint8)
            group = f.create_group(split, track_order=True)
            chunk = (max(1, min(n, 256)), seq_len)
            opts = dict(track_times=False)
            big = dict(chunks=chunk if n else None, compression=compression if n else None, **opts)
            group.create_dataset("input_ids", data=input_ids, **big)
            group.create_dataset("doc_index", data=doc_index, **big)
            group.create_dataset("lengths", data=lengths, **opts)
            group.create_dataset("dialect", data=dialect, **opts)
            group.create_dataset("source", data=source, **opts)
            counts[split] = n
    return counts


class ShardDataset:
    """A torch-style Dataset over one split of ``shards.h5``, read lazily row by row.

    Args:
        path: the ``shards.h5`` file.
        split: ``train`` or ``eval``.
        dialects: keep rows of these dialect labels only (None keeps all).
        sources: keep rows of these sources only (None keeps all).
    """

    def __init__(self, path: Path, split: str = "train", dialects: Iterable[str] | None = None,
                 sources: Iterable[str] | None = None):
        self.path = Path(path)
        self.split = split
        with h5py.File(self.path, "r") as f:
            if split not in f:
                raise KeyError(f"{self.path}: no split {split!r} (has {sorted(f.keys())})")
            group = f[split]
            self.seq_len = int(f.attrs["seq_len"])
            self.pad_id = int(f.attrs["pad_token_id"])
            labels = json.loads(f.attrs["dialect_labels"])
            source_labels = json.loads(f.attrs["source_labels"])
            keep = np.ones(group["lengths"].shape[0], dtype=bool)
            if dialects is not None:
                wanted = [labels.index(d) for d in dialects]
                keep &= np.isin(group["dialect"][:], wanted)
            if sources is not None:
                wanted = [source_labels.index(s) for s in sources]
                keep &= np.isin(group["source"][:], wanted)
            self.rows = np.flatnonzero(keep)
            self.lengths = group["lengths"][:]
        self._file: h5py.File | None = None  # opened per worker process on first access

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict:
        import torch

        if self._file is None:
            self._file = h5py.File(self.path, "r")
        row = int(self.rows[i])
        ids = torch.from_numpy(self._file[self.split]["input_ids"][row].astype(np.int64))
        n = int(self.lengths[row])
        mask = torch.zeros(self.seq_len, dtype=torch.long)
        mask[:n] = 1
        labels = ids.clone()
        labels[n:] = -100
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}

    def __getstate__(self):  # DataLoader workers open their own handle
        state = dict(self.__dict__)
        state["_file"] = None
        return state

    @staticmethod
    def write(path: Path, splits: dict[str, list[Row]], attrs: dict | None = None, *, seq_len: int,
              pad_id: int = 0) -> dict[str, int]:
        """Write shards for tests and tools (same format as the pipeline's)."""
        return write_shards(path, splits, seq_len=seq_len, pad_id=pad_id, attrs=attrs or {})
