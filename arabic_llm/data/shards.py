"""HDF5 training shards: packed token sequences with per-row dialect and source labels.

Layout of ``shards.h5`` (see docs in README): root attributes, then groups ``train`` and ``eval``
with ``input_ids``, ``lengths``, ``doc_index``, ``dialect`` and ``source`` datasets. Every row
holds one dialect and one source, so training can select MSA-only or dialect-only rows without
rewriting shards. Files written by :class:`ShardWriter` also identify every document
(``doc_digest``, ``doc_start``, ``doc_tokens``: a digest of its group and token ids, where its
tokens start in the split's row-major token array, how many there are with its EOS), so two
versions of the shards can be compared document by document without their text.
"""

from __future__ import annotations

import json
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Iterable, Sequence

import h5py
import numpy as np

DIALECT_LABELS = ("MSA", "EGY", "GLF", "LEV", "MGR")
SOURCE_LABELS = ("wikipedia", "bactrian-x", "oasst1")


def source_labels(sources) -> tuple[str, ...]:
    """A file's source labels: the built-in sources, then any other (a ``download.text_files`` name)
    sorted, so the numbering depends on the sources present, never on their order of arrival."""
    extra = sorted(set(sources) - set(SOURCE_LABELS))
    if len(SOURCE_LABELS) + len(extra) > 255:
        raise ValueError(f"more than 255 document sources ({len(extra)} beyond {SOURCE_LABELS})")
    return SOURCE_LABELS + tuple(extra)
SPLITS = ("train", "eval")
CHUNK_CACHE_BYTES = 16 << 20  # per open file in a reader


@dataclass
class Row:
    """One packed sequence before padding."""

    input_ids: list[int]
    doc_index: list[int]
    dialect: str
    source: str


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


def filters(compression: str | None, level: int = 1) -> dict:
    """h5py dataset options of a compression: token ids are small integers, so the byte shuffle
    before it makes files 2.4x smaller and gzip faster."""
    if compression is None:
        return {}
    return dict(compression=compression, shuffle=True, **({"compression_opts": level} if compression == "gzip" else {}))


def write_shards(path: Path, splits: dict[str, list[Row]], *, seq_len: int, pad_id: int, attrs: dict,
                 compression: str | None = "gzip", compression_level: int = 1) -> dict[str, int]:
    """Write rows to one HDF5 file, deterministically (no timestamps in the file).

    Returns:
        Rows written per split.
    """
    counts = {}
    labels = source_labels(r.source for rows in splits.values() for r in rows)
    with h5py.File(path, "w", libver="v108", track_order=True) as f:
        _root_attrs(f, seq_len, pad_id, attrs, labels)
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
            source = np.array([labels.index(r.source) for r in rows], dtype=np.uint8)
            group = f.create_group(split, track_order=True)
            chunk = (max(1, min(n, 256)), seq_len)
            opts = dict(track_times=False)
            big = dict(chunks=chunk if n else None, **(filters(compression, compression_level) if n else {}), **opts)
            group.create_dataset("input_ids", data=input_ids, **big)
            group.create_dataset("doc_index", data=doc_index, **big)
            group.create_dataset("lengths", data=lengths, **opts)
            group.create_dataset("dialect", data=dialect, **opts)
            group.create_dataset("source", data=source, **opts)
            counts[split] = n
    return counts


# ---------------------------------------------------------------- streaming writer (bounded memory)


class _GroupRows:
    """Packed rows of one (split, dialect, source) group, spooled to raw files until the final write.

    Documents wait as they came (no copy) until ``EMIT_ROWS`` rows' worth have gathered; then they
    are joined with their EOS, cut into full rows and spooled, the remainder carried over.
    """

    EMIT_ROWS = 64

    def __init__(self, folder: Path, name: str, seq_len: int, eos_id: int, label: bytes = b""):
        self.seq_len = seq_len
        self.label = label  # "split/dialect/source": part of each document's digest
        self.doc_digests = bytearray()  # DOC_DIGEST_BYTES per document, in arrival order
        self.doc_offsets, self.doc_sizes = array("q"), array("i")  # offset in the group's stream, tokens with EOS
        self.eos = np.array([eos_id], dtype=np.int32)
        self.ids_path, self.owner_path = folder / f"{name}.ids", folder / f"{name}.doc"
        self.ids_file, self.owner_file = open(self.ids_path, "wb"), open(self.owner_path, "wb")
        self.pending: list = []  # token ids of waiting documents, each followed by EOS
        self.pending_sizes: list[int] = []  # their lengths with EOS
        self.pending_tokens = 0
        self.carry = (np.zeros(0, np.int32), np.zeros(0, np.int32))  # (ids, owner) left after the last full row
        self.docs = 0
        self.tokens = 0  # tokens (with EOS) added so far: a document's offset in the group's stream
        self.lengths = array("i")  # tokens in each spooled row

    def add(self, tokens) -> int:
        """Append a document (its EOS follows); returns its offset in the group's stream."""
        self.doc_digests += document_digest(self.label, np.asarray(tokens, dtype=np.int32))
        return self._identify(self._append((tokens, self.eos), [len(tokens) + 1]), [len(tokens) + 1])[0]

    def add_joined(self, stream: np.ndarray, sizes: list[int]) -> list[int]:
        """Append documents already joined with their EOS (``sizes``: each one's tokens with its EOS);
        returns their offsets."""
        at = 0
        for size in sizes:
            self.doc_digests += document_digest(self.label, stream[at : at + size - 1])
            at += size
        return self._identify(self._append((stream,), sizes), sizes)

    def _identify(self, offsets: list[int], sizes: list[int]) -> list[int]:
        self.doc_offsets.extend(offsets)
        self.doc_sizes.extend(sizes)
        return offsets

    def _append(self, pieces: tuple, sizes: list[int]) -> list[int]:
        offsets = list(accumulate(sizes[:-1], initial=self.tokens))
        self.pending += pieces
        self.pending_sizes += sizes
        added = sum(sizes)
        self.pending_tokens += added
        self.tokens += added
        self.docs += len(sizes)
        if self.pending_tokens >= self.seq_len * self.EMIT_ROWS:
            self._emit_full_rows()
        return offsets

    def _gathered(self) -> tuple[np.ndarray, np.ndarray]:
        """The carried-over tokens and the waiting documents, joined, with each token's document number."""
        first = self.docs - len(self.pending_sizes)
        ids = np.concatenate([self.carry[0], *self.pending], dtype=np.int32, casting="unsafe")
        owner = np.concatenate([self.carry[1], np.repeat(np.arange(first, self.docs, dtype=np.int32),
                                                         self.pending_sizes)])
        self.pending, self.pending_sizes, self.pending_tokens = [], [], 0
        return ids, owner

    def _emit_full_rows(self) -> None:
        ids, owner = self._gathered()
        full = len(ids) // self.seq_len * self.seq_len
        self._write(ids[:full].reshape(-1, self.seq_len), owner[:full].reshape(-1, self.seq_len))
        self.carry = (ids[full:], owner[full:])

    def finish(self) -> None:
        self._emit_full_rows()
        left = len(self.carry[0])
        if left:
            ids, owner = np.full(self.seq_len, -1, np.int32), np.full(self.seq_len, -1, np.int32)
            ids[:left], owner[:left] = self.carry
            self._write(ids[None], owner[None])
        self.ids_file.close()
        self.owner_file.close()

    def _write(self, ids: np.ndarray, owner: np.ndarray) -> None:
        n = (owner != -1).sum(axis=1)
        owner = np.where(owner == -1, -1, owner - owner[:, :1])  # numbered from the row's first document, as pack()
        self.ids_file.write(ids.tobytes())
        self.owner_file.write(owner.astype(np.int32).tobytes())
        self.lengths.frombytes(n.astype(np.int32).tobytes())

    def blocks(self, rows: int):
        """(input_ids, doc_index) blocks of up to ``rows`` rows, read back from the spool files.

        Plain reads, not a memory map: a mapped spool's pages stay in the process's RSS once touched,
        so its peak would grow with the corpus."""
        with open(self.ids_path, "rb") as ids, open(self.owner_path, "rb") as owner:
            for start in range(0, len(self.lengths), rows):
                count = min(rows, len(self.lengths) - start) * self.seq_len
                yield (np.fromfile(ids, dtype=np.int32, count=count).reshape(-1, self.seq_len),
                       np.fromfile(owner, dtype=np.int32, count=count).reshape(-1, self.seq_len))


class ShardWriter:
    """Tokenised documents in, ``shards.h5`` out, with memory bounded by a few dozen rows per group.

    Rows come out as :func:`pack` and :func:`write_shards` make them: groups sorted by
    (split, dialect, source), documents in arrival order within a group, separated by EOS. Rows are
    spooled to raw files beside the output and written, compressed, on :meth:`close`.
    """

    def __init__(self, path: Path, *, seq_len: int, pad_id: int, eos_id: int, attrs: dict,
                 compression: str | None = "gzip", compression_level: int = 1, chunk_rows: int = 256):
        self.path = Path(path)
        self.seq_len, self.pad_id, self.eos_id = seq_len, pad_id, eos_id
        self.attrs, self.chunk_rows = attrs, chunk_rows
        self.filters = filters(compression, compression_level)
        self.spool = self.path.parent / (self.path.name + ".spool")
        self.spool.mkdir(parents=True, exist_ok=True)
        self.groups: dict[tuple[str, str, str], _GroupRows] = {}
        self.spans: dict[str, dict[str, list[int]]] = {}  # after close: split -> "dialect/source" -> rows

    def position(self, split: str, dialect: str, source: str, offset: int) -> int:
        """After close: where a group offset lies in the split's row-major token array (groups' rows are
        full but for their last, so a group's stream is contiguous there)."""
        return self.spans[split][f"{dialect}/{source}"][0] * self.seq_len + offset

    def add(self, split: str, dialect: str, source: str, tokens: list[int]) -> int:
        """Append a document to its group; returns its offset in the group's token stream."""
        return self._group(split, dialect, source).add(tokens)

    def add_joined(self, split: str, dialect: str, source: str, stream: np.ndarray, sizes: list[int]) -> list[int]:
        """Append documents already joined, each followed by EOS (``sizes`` counts it); returns their offsets."""
        return self._group(split, dialect, source).add_joined(stream, sizes)

    def _group(self, split: str, dialect: str, source: str) -> _GroupRows:
        key = (split, dialect, source)
        if key not in self.groups:
            if split not in SPLITS or dialect not in DIALECT_LABELS or not source:
                raise ValueError(f"{self.path}: unknown split/dialect/source {key}")
            self.groups[key] = _GroupRows(self.spool, f"{len(self.groups)}", self.seq_len, self.eos_id,
                                          "/".join(key).encode())
        return self.groups[key]

    def close(self) -> dict[str, int]:
        """Write the file; returns rows per split."""
        import shutil

        for rows in self.groups.values():
            rows.finish()
        counts = {}
        try:
            with h5py.File(self.path, "w", libver="v108", track_order=True) as f:
                labels = source_labels(k[2] for k in self.groups)
                _root_attrs(f, self.seq_len, self.pad_id, self.attrs, labels)
                for split in SPLITS:
                    members = sorted((k, g) for k, g in self.groups.items() if k[0] == split)
                    n = sum(len(g.lengths) for _, g in members)
                    group = f.create_group(split, track_order=True)
                    big = dict(chunks=(max(1, min(n, self.chunk_rows)), self.seq_len) if n else None,
                               **(self.filters if n else {}), track_times=False)
                    input_ids = group.create_dataset("input_ids", shape=(n, self.seq_len), dtype=np.int32,
                                                     fillvalue=self.pad_id, **big)
                    doc_index = group.create_dataset("doc_index", shape=(n, self.seq_len), dtype=np.int32,
                                                     fillvalue=-1, **big)
                    at, spans = 0, {}
                    for (_, dialect, source), rows in members:
                        spans[f"{dialect}/{source}"] = [at, at + len(rows.lengths)]
                        for ids, owner in rows.blocks(self.chunk_rows * 16):
                            ids[ids == -1] = self.pad_id
                            input_ids[at : at + len(ids)] = ids
                            doc_index[at : at + len(ids)] = owner
                            at += len(ids)
                    lengths = np.concatenate([np.frombuffer(g.lengths, dtype=np.int32) for _, g in members]) if n else \
                        np.zeros(0, dtype=np.int32)
                    dialect = np.concatenate([np.full(len(g.lengths), DIALECT_LABELS.index(k[1]), dtype=np.uint8)
                                              for k, g in members]) if n else np.zeros(0, dtype=np.uint8)
                    source = np.concatenate([np.full(len(g.lengths), labels.index(k[2]), dtype=np.uint8)
                                             for k, g in members]) if n else np.zeros(0, dtype=np.uint8)
                    # Small per-row labels stay contiguous and uncompressed: readers memory-map them.
                    group.create_dataset("lengths", data=lengths, track_times=False)
                    group.create_dataset("dialect", data=dialect, track_times=False)
                    group.create_dataset("source", data=source, track_times=False)
                    group.attrs["spans"] = json.dumps(spans, sort_keys=True)  # "MSA/wikipedia": [first, end) rows
                    _write_documents(group, [(spans[f"{k[1]}/{k[2]}"][0] * self.seq_len, g) for k, g in members])
                    self.spans[split] = spans
                    counts[split] = n
        finally:
            shutil.rmtree(self.spool, ignore_errors=True)
        return counts


DOC_DIGEST_BYTES = 16


def document_digest(label: bytes, tokens: np.ndarray) -> bytes:
    """A document's identity in the shards: its (split, dialect, source) group and its token ids."""
    import hashlib

    return hashlib.blake2b(label + b"\0" + np.ascontiguousarray(tokens, dtype=np.int32).tobytes(),
                           digest_size=DOC_DIGEST_BYTES).digest()


def _write_documents(group, members: list[tuple[int, "_GroupRows"]]) -> None:
    """Every document of a split, group by group in row order: digest, first token position, token count."""
    digests = b"".join(bytes(g.doc_digests) for _, g in members)
    starts = [first + np.frombuffer(g.doc_offsets, dtype=np.int64) for first, g in members]
    sizes = [np.frombuffer(g.doc_sizes, dtype=np.int32) for _, g in members]
    group.create_dataset("doc_digest", data=np.frombuffer(digests, dtype=np.uint8).reshape(-1, DOC_DIGEST_BYTES),
                         track_times=False)
    group.create_dataset("doc_start", data=np.concatenate(starts) if starts else np.zeros(0, np.int64),
                         track_times=False)
    group.create_dataset("doc_tokens", data=np.concatenate(sizes) if sizes else np.zeros(0, np.int32),
                         track_times=False)


@dataclass
class Documents:
    """The documents of one split of ``shards.h5``: ``digests`` (n, 16) uint8, ``starts`` (first token's
    position in the split's row-major token array), ``tokens`` (with EOS)."""

    digests: np.ndarray
    starts: np.ndarray
    tokens: np.ndarray

    def keys(self) -> np.ndarray:
        """One comparable value per document (``np.void``), for set operations between shard versions."""
        return np.ascontiguousarray(self.digests).view(np.dtype((np.void, DOC_DIGEST_BYTES))).reshape(-1)


def shard_documents(path: Path, split: str) -> Documents | None:
    """The document identities of a split, or None for shards written without them."""
    with h5py.File(path, "r") as f:
        group = f[split]
        if "doc_digest" not in group:
            return None
        return Documents(group["doc_digest"][()], group["doc_start"][()], group["doc_tokens"][()])


class TokenReader:
    """Token ranges of a split's row-major ``input_ids``, read in aligned blocks of rows kept in a small
    LRU cache: reads follow each (dialect, source) group's stream in order, and the groups' streams lie
    in different regions of the file, so one block per group in use stays cached."""

    def __init__(self, path: Path, block_rows: int = 256, max_blocks: int = 64):
        self.file = h5py.File(path, "r")
        self.seq_len = int(self.file.attrs["seq_len"])
        self.block_rows, self.max_blocks = block_rows, max_blocks
        self.blocks: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()

    def _block(self, split: str, number: int) -> np.ndarray:
        block = self.blocks.get((split, number))
        if block is None:
            first = number * self.block_rows
            block = self.file[split]["input_ids"][first : first + self.block_rows].reshape(-1)
            self.blocks[(split, number)] = block
            if len(self.blocks) > self.max_blocks:
                self.blocks.popitem(last=False)
        else:
            self.blocks.move_to_end((split, number))
        return block

    def read(self, split: str, start: int, length: int) -> np.ndarray:
        span = self.block_rows * self.seq_len  # tokens per block
        pieces = []
        for number in range(start // span, (start + length - 1) // span + 1):
            lo, hi = max(start, number * span), min(start + length, (number + 1) * span)
            pieces.append(self._block(split, number)[lo - number * span : hi - number * span])
        return np.concatenate(pieces) if len(pieces) > 1 else pieces[0].copy()

    def close(self) -> None:
        self.file.close()


def _root_attrs(f, seq_len: int, pad_id: int, attrs: dict, sources: tuple[str, ...]) -> None:
    f.attrs["seq_len"] = seq_len
    f.attrs["pad_token_id"] = pad_id
    f.attrs["dialect_labels"] = json.dumps(DIALECT_LABELS)
    f.attrs["source_labels"] = json.dumps(sources)
    for name, value in sorted(attrs.items()):
        f.attrs[name] = value


def mapped(path: Path, dataset) -> np.ndarray:
    """A contiguous, uncompressed HDF5 dataset as a read-only numpy memory map (a copy when it is not)."""
    offset = dataset.id.get_offset()
    if offset is None or dataset.chunks is not None or dataset.size == 0:
        return dataset[()]
    return np.memmap(path, dtype=dataset.dtype, mode="r", offset=offset, shape=dataset.shape)


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
                keep &= np.isin(mapped(self.path, group["dialect"]), wanted)
            if sources is not None:
                wanted = [source_labels.index(s) for s in sources]
                keep &= np.isin(mapped(self.path, group["source"]), wanted)
            self.rows = np.flatnonzero(keep)
            self.lengths = mapped(self.path, group["lengths"])  # the index: memory-mapped, not loaded
        self._file: h5py.File | None = None  # opened per worker process on first access

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict:
        import torch

        if self._file is None:  # a chunk cache of a few chunks: memory stays bounded
            self._file = h5py.File(self.path, "r", rdcc_nbytes=CHUNK_CACHE_BYTES)
        row = int(self.rows[i])
        ids = torch.from_numpy(self._file[self.split]["input_ids"][row].astype(np.int64))
        n = int(self.lengths[row])
        mask = torch.zeros(self.seq_len, dtype=torch.long)
        mask[:n] = 1
        labels = ids.clone()
        labels[n:] = -100
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}

    def __getstate__(self):  # DataLoader workers open their own handle and memory map
        state = dict(self.__dict__)
        state["_file"] = None
        state["lengths"] = None
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if self.lengths is None:
            with h5py.File(self.path, "r") as f:
                self.lengths = mapped(self.path, f[self.split]["lengths"])

    def loader(self, batch_size: int, shuffle: bool = False, workers: int = 0, seed: int = 0):
        """A torch DataLoader over the rows; each worker reads its rows lazily from the file."""
        import torch
        from torch.utils.data import DataLoader

        generator = torch.Generator().manual_seed(seed)
        return DataLoader(self, batch_size=batch_size, shuffle=shuffle, num_workers=workers, generator=generator,
                          persistent_workers=workers > 0)

    @staticmethod
    def write(path: Path, splits: dict[str, list[Row]], attrs: dict | None = None, *, seq_len: int,
              pad_id: int = 0) -> dict[str, int]:
        """Write shards for tests and tools (same format as the pipeline's)."""
        return write_shards(path, splits, seq_len=seq_len, pad_id=pad_id, attrs=attrs or {})
