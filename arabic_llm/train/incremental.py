"""Incremental training, inside the stage: which rows are new since the parent's shards, how many
steps they get, and the drift check of the result against its parent.

The pipeline decides before the key is computed whether a run is full or incremental and which
parent it continues (:mod:`arabic_llm.train.lineage`); ``params.lineage.incremental`` carries that
decision here, with the parent adapter and the shards it was trained on as keyed inputs. Everything
below is a function of those inputs and parameters: a repeated run is bit-identical on CPU.

Rows are new when they hold a token of a document whose identity (a digest of its group and token
ids, written by the shards stage) is not among the parent shards' documents: an edited page is a new
document, an unchanged one is not, a deleted one is simply absent (a model cannot cheaply unlearn
what it saw: its influence fades only with later training, or with the next full training).
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from arabic_llm.config import IncrementalRun, TrainParams
from arabic_llm.data.shards import ShardDataset, TokenReader, shard_documents
from arabic_llm.layout import ADAPTER_DIR, LINEAGE_FILE, SHARDS_FILE, model_location


@dataclass
class Selection:
    """An incremental run's data: rows holding new documents, and a replay sample of the other rows."""

    new_rows: np.ndarray
    replay_rows: np.ndarray
    new_documents: int  # in the stage's selection (dialects, sources)
    removed_documents: int  # in the parent's train split, any dialect: gone or changed
    new_tokens: int  # tokens in the new rows
    total_tokens: int  # tokens in every row the stage selects (what a full run samples from)

    def rows(self) -> tuple[int, ...]:
        return tuple(int(r) for r in np.union1d(self.new_rows, self.replay_rows))

    def as_dict(self) -> dict:
        return {"new_documents": self.new_documents, "removed_documents": self.removed_documents,
                "new_rows": len(self.new_rows), "replay_rows": len(self.replay_rows),
                "new_tokens": self.new_tokens, "total_tokens": self.total_tokens}


def _identities(path: Path, split: str):
    docs = shard_documents(path, split)
    if docs is None:
        raise ValueError(f"{path}: no document identities (doc_digest); shards written before they existed "
                         "cannot be compared: train in full (train_*.incremental.enabled=false) or rebuild the shards")
    return docs


def rows_touched(starts: np.ndarray, tokens: np.ndarray, seq_len: int) -> np.ndarray:
    """The rows that hold a token of documents starting at ``starts`` (row-major positions), ``tokens`` long."""
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    first, last = starts // seq_len, (starts + tokens - 1) // seq_len
    return np.unique(np.concatenate([np.arange(a, b + 1) for a, b in zip(first.tolist(), last.tolist())]))


def select_rows(shards_path: Path, parent_shards_path: Path, dialects, sources, replay_fraction: float,
                seed: int) -> Selection:
    """The rows of ``shards_path`` to train on: those with a document absent from the parent shards, plus
    ``replay_fraction`` of the run drawn (seeded) from the other rows of the stage's selection."""
    dataset = ShardDataset(shards_path, "train", dialects=dialects, sources=sources)
    current, parent = _identities(shards_path, "train"), _identities(parent_shards_path, "train")
    current_keys, parent_keys = [bytes(d) for d in current.digests], [bytes(d) for d in parent.digests]
    known, present = set(parent_keys), set(current_keys)
    new = np.fromiter((k not in known for k in current_keys), dtype=bool, count=len(current_keys))
    selected = np.isin(current.starts // dataset.seq_len, dataset.rows)
    new_rows = np.intersect1d(rows_touched(current.starts[new], current.tokens[new], dataset.seq_len), dataset.rows)
    unchanged = np.setdiff1d(dataset.rows, new_rows)
    wanted = round(len(new_rows) * replay_fraction / (1.0 - replay_fraction))
    rng = np.random.default_rng(seed)
    replay = np.sort(rng.choice(unchanged, size=min(wanted, len(unchanged)), replace=False)) if len(new_rows) else \
        np.zeros(0, dtype=np.int64)
    lengths = np.asarray(dataset.lengths)
    return Selection(new_rows=new_rows, replay_rows=replay, new_documents=int((new & selected).sum()),
                     removed_documents=sum(k not in present for k in parent_keys),
                     new_tokens=int(lengths[new_rows].sum()), total_tokens=int(lengths[dataset.rows].sum()))


def incremental_steps(selection: Selection, full_steps: int, run: IncrementalRun) -> int:
    """Steps that give new text the exposure a full run gives every token (times ``new_text_weight``),
    the replayed rows on top, bounded by ``min_steps`` and ``max_steps_fraction`` of a full run; 0
    when nothing is new."""
    if selection.new_tokens == 0 or selection.total_tokens == 0:
        return 0
    share = selection.new_tokens / selection.total_tokens / (1.0 - run.replay_fraction)
    upper = max(run.min_steps, math.floor(full_steps * run.max_steps_fraction))
    return min(max(math.ceil(full_steps * share * run.new_text_weight), run.min_steps), upper)


# ---------------------------------------------------------------- held-out bits per character


def heldout_documents(shards_path: Path, dialects, sources=None, limit: int | None = None,
                      only_new_since: Path | None = None) -> list[tuple[int, int]]:
    """(start, tokens without EOS) of the eval split's documents of ``dialects`` (and ``sources``), in
    file order, the first ``limit``; with ``only_new_since``, only those absent from those shards."""
    rows = ShardDataset(shards_path, "eval", dialects=dialects, sources=sources)
    docs = _identities(shards_path, "eval")
    keep = np.isin(docs.starts // rows.seq_len, rows.rows)
    if only_new_since is not None:
        known = {bytes(d) for d in _identities(only_new_since, "eval").digests}
        keep &= np.fromiter((bytes(d) not in known for d in docs.digests), dtype=bool, count=len(docs.digests))
    picked = [(int(s), int(n) - 1) for s, n in zip(docs.starts[keep], docs.tokens[keep]) if n > 1]
    return picked[:limit] if limit is not None else picked


def bits_per_char(model_dir: str, tokenizer_dir: str, shards_path: Path, quant, adapters: dict[str, Path],
                  documents: list[tuple[int, int]], seq_len: int, batch_size: int = 32) -> dict[str, dict]:
    """Held-out bits per character of the base model plus each adapter, on the same documents.

    Each document is scored after an EOS, in windows of ``seq_len`` overlapping by one token (every
    token scored once); characters are those of the decoded token ids. One base model is loaded and
    the adapters are switched on it.
    """
    import torch

    from arabic_llm.model.modeling import (
        load_base_model,
        load_tokenizer,
        stack_adapters,
    )

    tok = load_tokenizer(tokenizer_dir)
    reader = TokenReader(shards_path)
    try:
        texts = [reader.read("eval", start, n) for start, n in documents]
    finally:
        reader.close()
    chars = sum(len(tok.decode(ids.tolist())) for ids in texts)
    base = load_base_model(model_dir, quant, for_training=False)
    names = list(adapters)
    model = stack_adapters(base, adapters)
    windows = []  # every document after an EOS, cut into windows of seq_len overlapping by one token
    for ids in texts:
        seq = [tok.eos_token_id, *ids.tolist()]
        windows += [seq[start : start + seq_len] for start in range(0, len(seq) - 1, seq_len - 1)]
    windows.sort(key=len)  # batches of similar lengths: little padding
    out = {}
    for name in names:
        model.set_adapter(name)
        nats = 0.0
        with torch.no_grad():
            for first in range(0, len(windows), batch_size):
                batch = windows[first : first + batch_size]
                width = len(batch[-1])
                ids = torch.tensor([w + [tok.eos_token_id] * (width - len(w)) for w in batch], device=model.device)
                valid = torch.tensor([[1] * len(w) + [0] * (width - len(w)) for w in batch], device=model.device)
                # Right padding under a causal mask changes no real position's logits; padded targets are dropped.
                logits = model(input_ids=ids, attention_mask=valid, use_cache=False).logits[:, :-1].float()
                logp = torch.log_softmax(logits, -1).gather(2, ids[:, 1:, None])[..., 0]
                nats -= float((logp * valid[:, 1:]).sum())
        out[name] = {"bits_per_char": nats / math.log(2) / max(1, chars), "documents": len(texts), "chars": chars}
    return out


# ---------------------------------------------------------------- the stage's training, in its lineage


def read_lineage(artifact: Path) -> dict | None:
    path = artifact / LINEAGE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def train_in_lineage(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
                     work_dir: Path | None, where: str, *, init_adapter: Path | None = None, processes: int = 1,
                     progress: Callable[[str, int], Callable | None] | None = None,
                     parent_adapter: Path | None = None, parent_shards: Path | None = None) -> dict:
    """Train the stage's adapter in full, or, when ``params.lineage.incremental`` says so, continue
    ``parent_adapter`` on the rows new since ``parent_shards``; write ``lineage.json`` beside it.

    Returns the training summary, with ``lineage`` (what lineage.json holds) for the manifest.
    """
    from arabic_llm.train.adapter import train_adapter

    lineage = params.lineage
    run = lineage.incremental if lineage is not None else None
    progress = progress or (lambda desc, total: None)
    if run is None:
        summary = train_adapter(out_dir, params, shards, base_model, tokenizer, work_dir, where,
                                init_adapter=init_adapter, processes=processes,
                                on_step=progress(where, params.train.max_steps))
        record = {"mode": "full", "generation": 0, "parents": []}
    else:
        if parent_adapter is None or parent_shards is None:
            raise ValueError(f"{where}: an incremental run needs the parent_adapter and parent_shards inputs")
        if params.train.branches:
            raise ValueError(f"{where}: incremental training takes one adapter; train_dialects.branches is set")
        train = params.train
        selection = select_rows(shards / SHARDS_FILE, parent_shards / SHARDS_FILE, list(train.dialects),
                                list(train.sources) if train.sources else None, run.replay_fraction,
                                params.seed + run.generation)
        steps = incremental_steps(selection, train.max_steps, run)
        parent_weights = parent_adapter / ADAPTER_DIR
        if steps == 0:  # nothing new for this stage: the parent's adapter, as it is
            shutil.copytree(parent_weights, out_dir / ADAPTER_DIR)
            summary = {"steps": 0, "tokens": 0, "seconds": 0.0}
        else:
            short = train.model_copy(update={"max_steps": steps, "warmup_steps": min(train.warmup_steps, steps // 10)})
            summary = train_adapter(out_dir, params, shards, base_model, tokenizer, work_dir, where,
                                    init_adapter=parent_weights, train=short, processes=processes,
                                    on_step=progress(where, steps), rows=selection.rows())
        parent_record = read_lineage(parent_adapter) or {"mode": "full", "generation": 0, "parents": []}
        parent_entry = {**run.parent, "mode": parent_record["mode"], "generation": parent_record["generation"],
                        "sources": parent_record.get("sources", {})}
        docs = heldout_documents(shards / SHARDS_FILE, list(train.dialects),
                                 list(train.sources) if train.sources else None, limit=run.drift_eval_docs)
        drift = None
        if docs:
            scores = bits_per_char(model_location(base_model), str(tokenizer), shards / SHARDS_FILE,
                                   params.quantization, {"parent": parent_weights, "adapter": out_dir / ADAPTER_DIR},
                                   docs, ShardDataset(shards / SHARDS_FILE, "eval").seq_len)
            drift = {"parent_bpc": scores["parent"]["bits_per_char"], "bpc": scores["adapter"]["bits_per_char"],
                     "documents": len(docs), "chars": scores["adapter"]["chars"]}
        record = {"mode": "incremental", "generation": run.generation,
                  "parents": [parent_entry, *parent_record.get("parents", [])],
                  "data": {**selection.as_dict(), "steps": steps, "tokens": summary.get("tokens", 0)},
                  "drift": drift}
    if lineage is not None:
        record = {"recipe": lineage.recipe, "sources": dict(lineage.sources), **record}
        (out_dir / LINEAGE_FILE).write_text(json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
    summary["lineage"] = record
    return summary
