"""Training data from the HDF5 shards: selection, sequence length, document boundaries, order.

Shard rows are packed token streams (documents separated by EOS, no padding except in the last
row of a group). Training takes them as they are, or cut into shorter pieces (a divisor of the
row length, so cutting adds no padding). ``position_ids`` restart at every document inside a
piece: with ``attention_mask=None`` transformers reads that as a packed batch and keeps attention
inside each document. The order is a seeded permutation per epoch, and its position (epoch,
offset) is all a checkpoint needs to resume the data exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from arabic_llm.data.shards import CHUNK_CACHE_BYTES, ShardDataset
from arabic_llm.train.loss import IGNORE_INDEX


def dialects_in_shards(shards_path: Path, split: str) -> list[str]:
    """The dialect labels that actually occur in a split (for error messages)."""
    import h5py

    with h5py.File(shards_path, "r") as f:
        labels = json.loads(f.attrs["dialect_labels"])
        codes = np.unique(f[split]["dialect"][()])
    return [labels[int(c)] for c in codes]


def check_eos(shards_path: Path, tokenizer) -> None:
    """The shards must have been tokenised with this tokenizer (same EOS id), else training is garbage."""
    import h5py

    with h5py.File(shards_path, "r") as f:
        if "eos_token_id" not in f.attrs:
            raise KeyError(f"{shards_path}: root attribute 'eos_token_id' missing; rebuild the shards")
        eos = int(f.attrs["eos_token_id"])
    if eos != tokenizer.eos_token_id:
        raise ValueError(
            f"{shards_path}: eos_token_id={eos} but the tokenizer's is {tokenizer.eos_token_id}; "
            "the shards were built with another tokenizer. Fix: rebuild the shards with this tokenizer"
        )


def select_rows(shards_path: Path, dialects: list[str], sources: list[str] | None = None) -> ShardDataset:
    """The train rows of ``dialects`` (and ``sources``); a clear error when there are none."""
    shards_path = Path(shards_path)
    if not shards_path.is_file():
        raise FileNotFoundError(f"shards file not found: {shards_path} (run the shards stage first)")
    try:
        dataset = ShardDataset(shards_path, "train", dialects=dialects, sources=sources)
        empty = len(dataset) == 0
    except ValueError:  # the dataset may itself refuse an empty selection
        dataset, empty = None, True
    if empty:
        present = dialects_in_shards(shards_path, "train")
        what = f"dialects {dialects}" + (f" and sources {sources}" if sources else "")
        raise ValueError(
            f"{shards_path}: no 'train' rows for {what}; the train split holds {present}. "
            "Fix: set train_*.dialects / sources to labels present in the corpus, or add documents of those dialects"
        )
    return dataset


def keep_rows(dataset: ShardDataset, rows, where: str) -> ShardDataset:
    """The dataset restricted to ``rows`` (indices in its split); an error when none is left."""
    kept = np.intersect1d(dataset.rows, np.asarray(rows, dtype=np.int64))
    if not len(kept):
        raise ValueError(f"{where}: none of the {len(rows)} rows chosen for this run is among the rows of "
                         f"{dataset.path} the stage selects")
    dataset.rows = kept
    return dataset


def divisor_lengths(row_len: int, minimum: int = 16) -> list[int]:
    """Sequence lengths a row can be cut into without padding, longest first (row_len, row_len/2, ...)."""
    lengths, n = [], row_len
    while n >= minimum and row_len % n == 0:
        lengths.append(n)
        if n % 2:
            break
        n //= 2
    return lengths or [row_len]


def positions_from_doc_index(doc_index: np.ndarray) -> np.ndarray:
    """Position ids that restart at 0 where a new document starts; padding (-1) continues counting."""
    n = doc_index.shape[0]
    idx = np.arange(n)
    doc = doc_index.copy()
    # Padding sits at the end of a row: give it the last real document so it opens no new segment.
    pad = doc < 0
    if pad.any():
        last = doc[~pad][-1] if (~pad).any() else 0
        doc[pad] = last
    starts = np.ones(n, dtype=bool)
    starts[1:] = doc[1:] != doc[:-1]
    start_pos = np.maximum.accumulate(np.where(starts, idx, 0))
    return idx - start_pos


@dataclass
class TrainRows:
    """Shard rows as training sequences of ``seq_len`` tokens (a divisor of the row length).

    Items are dicts of ``input_ids``, ``labels`` (-100 on padding and, with document attention,
    on each document's first token, which the previous document's context cannot predict) and
    ``position_ids`` (restarting per document when ``document_attention``).
    """

    rows: ShardDataset
    seq_len: int
    document_attention: bool = True

    def __post_init__(self):
        row_len = self.rows.seq_len
        if self.seq_len > row_len or row_len % self.seq_len:
            raise ValueError(
                f"train seq_len={self.seq_len} must divide the shards' row length {row_len} "
                f"(one of {divisor_lengths(row_len)}); rebuild the shards with shards.seq_len={self.seq_len} "
                "or pick a divisor"
            )
        pieces = row_len // self.seq_len
        items = []
        for i, row in enumerate(self.rows.rows):
            n = int(self.rows.lengths[row])
            items.extend((i, k) for k in range(pieces) if k * self.seq_len < n)  # skip all-padding pieces
        self.items = np.asarray(items, dtype=np.int64).reshape(-1, 2)
        self._file = None

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        import h5py
        import torch

        if self._file is None:
            self._file = h5py.File(self.rows.path, "r", rdcc_nbytes=CHUNK_CACHE_BYTES)
        row_i, piece = (int(v) for v in self.items[i])
        row = int(self.rows.rows[row_i])
        group = self._file[self.rows.split]
        lo, hi = piece * self.seq_len, (piece + 1) * self.seq_len
        ids = group["input_ids"][row, lo:hi].astype(np.int64)
        n_valid = max(0, min(self.seq_len, int(self.rows.lengths[row]) - lo))
        labels = ids.copy()
        labels[n_valid:] = IGNORE_INDEX
        if self.document_attention and "doc_index" in group:
            doc_index = group["doc_index"][row, lo:hi]
            positions = positions_from_doc_index(doc_index)
            new_doc = positions[1:n_valid] == 0
            labels[1:n_valid][new_doc] = IGNORE_INDEX
        else:
            positions = np.arange(self.seq_len)
        return {
            "input_ids": torch.from_numpy(ids),
            "labels": torch.from_numpy(labels),
            "position_ids": torch.from_numpy(positions.astype(np.int64)),
            "n_tokens": torch.tensor(n_valid),
        }

    def __getstate__(self):  # DataLoader workers open their own handle
        state = dict(self.__dict__)
        state["_file"] = None
        return state


class ResumableOrder:
    """Micro-batches of item indices: a seeded permutation per epoch, resumable at any batch.

    Epoch ``e`` visits the items in a permutation that depends only on (seed, e), cut into
    micro-batches (a ragged tail is dropped so every batch has one shape). Batch ``k`` is therefore
    a pure function of k: a checkpoint stores how many batches were consumed and nothing else.
    """

    def __init__(self, n_items: int, micro_batch: int, seed: int, start_batch: int = 0):
        if n_items < 1:
            raise ValueError("no training sequences to order")
        self.n, self.micro_batch, self.seed, self.start_batch = n_items, micro_batch, seed, start_batch
        self.batches_per_epoch = max(1, n_items // micro_batch)

    def permutation(self, epoch: int) -> np.ndarray:
        return np.random.default_rng([self.seed, epoch]).permutation(self.n)

    def __iter__(self):
        k = self.start_batch
        epoch, perm = -1, None
        while True:
            e, j = divmod(k, self.batches_per_epoch)
            if e != epoch:
                epoch, perm = e, self.permutation(e)
            yield [int(i) for i in perm[j * self.micro_batch : (j + 1) * self.micro_batch]]
            k += 1


class RankShare:
    """One data-parallel rank's micro-batches of ``order``: each optimiser step's ``grad_accum``
    micro-batches are cut into ``world`` contiguous runs and rank ``r`` takes the r-th. The ranks
    together see exactly the micro-batches one process would, each once, so the global batch of a
    step does not depend on the number of processes."""

    def __init__(self, order: ResumableOrder, grad_accum: int, rank: int, world: int):
        if grad_accum % world:
            raise ValueError(f"grad_accum={grad_accum} is not a multiple of the {world} training processes")
        if not 0 <= rank < world:
            raise ValueError(f"rank {rank} outside 0..{world - 1}")
        if order.start_batch % grad_accum:
            raise ValueError(f"start_batch={order.start_batch} is not at an optimiser step boundary")
        self.order, self.grad_accum, self.rank, self.world = order, grad_accum, rank, world

    def __iter__(self):
        per_rank = self.grad_accum // self.world
        for k, batch in enumerate(self.order, start=self.order.start_batch):
            if (k % self.grad_accum) // per_rank == self.rank:
                yield batch


def collate(items: list[dict]) -> dict:
    import torch

    return {k: torch.stack([it[k] for it in items]) for k in items[0]}
