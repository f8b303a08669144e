"""Resumable training checkpoints: safetensors for tensors, JSON for the rest, never pickle.

A checkpoint ``step-000040/`` holds the trainable (LoRA) weights, the optimiser state (the 8-bit
AdamW's quantised moments included), the RNG states of Python, NumPy and torch (CPU and CUDA),
and ``progress.json`` (step, micro-batches consumed, the chosen batch shape, the metrics so far).
Under data parallelism rank 0 writes it, with every other rank's RNG state as ``rng-rank<r>``
(each rank draws its own dropout masks); weights and optimiser state are the same on every rank.
The schedule is a pure function of the step (``lr_at``), so the step is its whole state.
Checkpoints are written to a temporary directory and renamed into place: a ``step-*`` directory
is always complete. They live in the stage's work area, never in the finished artifact.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import uuid
from pathlib import Path
from typing import Any

import numpy as np

CKPT_PREFIX = "step-"


# ------------------------------------------------------------------ tree <-> (tensors, JSON skeleton)


def _view(tensor) -> tuple:
    """What makes two tensors the same stored values: one storage, one offset, shape and stride."""
    return (tensor.device, tensor.untyped_storage().data_ptr(), tensor.storage_offset(), tuple(tensor.shape),
            tuple(tensor.stride()), tensor.dtype)


def _split(obj: Any, tensors: dict, path: str, seen: dict | None = None) -> Any:
    """The JSON skeleton of ``obj``; its tensors go into ``tensors``. A tensor met again (bitsandbytes'
    8-bit AdamW gives every parameter's state the same quantisation maps) is stored once and
    referenced; any other tensor sharing memory is copied (safetensors refuses shared memory)."""
    import torch

    seen = {"views": {}, "storages": set()} if seen is None else seen
    if isinstance(obj, torch.Tensor):
        view = _view(obj)
        if view in seen["views"]:
            return {"__tensor__": seen["views"][view]}
        key = path or "root"
        value = obj.detach().to("cpu").contiguous()
        if _view(value)[:2] in seen["storages"]:
            value = value.clone()
        seen["storages"].add(_view(value)[:2])
        tensors[key], seen["views"][view] = value, key
        return {"__tensor__": key}
    if isinstance(obj, dict):
        return {"__dict__": [[k, _split(v, tensors, f"{path}/{k}", seen)] for k, v in obj.items()]}
    if isinstance(obj, tuple):
        return {"__tuple__": [_split(v, tensors, f"{path}/{i}", seen) for i, v in enumerate(obj)]}
    if isinstance(obj, list):
        return [_split(v, tensors, f"{path}/{i}", seen) for i, v in enumerate(obj)]
    if isinstance(obj, (str, int, float, bool)) or obj is None:
        return obj
    raise TypeError(f"checkpoint: cannot store {type(obj).__name__} at {path or 'root'}")


def _join(skeleton: Any, tensors: dict) -> Any:
    if isinstance(skeleton, dict):
        if "__tensor__" in skeleton:
            return tensors[skeleton["__tensor__"]]
        if "__dict__" in skeleton:
            return {k: _join(v, tensors) for k, v in skeleton["__dict__"]}
        if "__tuple__" in skeleton:
            return tuple(_join(v, tensors) for v in skeleton["__tuple__"])
    if isinstance(skeleton, list):
        return [_join(v, tensors) for v in skeleton]
    return skeleton


def save_tree(obj: Any, directory: Path, name: str) -> None:
    """``name.safetensors`` + ``name.json``: any nest of dicts, lists, tuples, tensors and scalars."""
    from safetensors.torch import save_file

    tensors: dict = {}
    skeleton = _split(obj, tensors, "")
    save_file(tensors, str(directory / f"{name}.safetensors"))
    (directory / f"{name}.json").write_text(json.dumps(skeleton), encoding="utf-8")


def load_tree(directory: Path, name: str, device: str = "cpu") -> Any:
    from safetensors.torch import load_file

    tensors = load_file(str(directory / f"{name}.safetensors"), device=device)
    return _join(json.loads((directory / f"{name}.json").read_text(encoding="utf-8")), tensors)


# ------------------------------------------------------------------ RNG states


def rng_state() -> dict:
    import torch

    kind, keys, pos, has_gauss, gauss = np.random.get_state()
    state = {
        "python": random.getstate(),
        "numpy": {"kind": kind, "keys": [int(k) for k in keys], "pos": int(pos), "has_gauss": int(has_gauss),
                  "gauss": float(gauss)},
        "torch_cpu": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["torch_cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    import torch

    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    n = state["numpy"]
    np.random.set_state((n["kind"], np.asarray(n["keys"], dtype=np.uint32), n["pos"], n["has_gauss"], n["gauss"]))
    torch.set_rng_state(state["torch_cpu"])
    if "torch_cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(list(state["torch_cuda"]))


# ------------------------------------------------------------------ checkpoints


def _rng_name(rank: int) -> str:
    return "rng" if rank == 0 else f"rng-rank{rank}"


def save_checkpoint(ckpt_dir: Path, step: int, *, trainable: dict, optimizer, progress: dict, keep: int,
                    rank_rngs: list[dict] | None = None) -> Path:
    """Write ``step-NNNNNN`` atomically, then drop all but the newest ``keep`` checkpoints.

    ``rank_rngs``: the RNG state of every data-parallel rank, rank 0 first (None: this process's).
    """
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    tmp = ckpt_dir / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        save_tree(trainable, tmp, "trainable")
        save_tree(optimizer.state_dict(), tmp, "optimizer")
        for rank, state in enumerate(rank_rngs or [rng_state()]):
            save_tree(state, tmp, _rng_name(rank))
        (tmp / "progress.json").write_text(json.dumps({"step": step, **progress}), encoding="utf-8")
        final = ckpt_dir / f"{CKPT_PREFIX}{step:06d}"
        if final.exists():
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in list_checkpoints(ckpt_dir)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def list_checkpoints(ckpt_dir: Path) -> list[Path]:
    """Complete checkpoints, oldest first (temporary directories of an interrupted save are skipped)."""
    if not ckpt_dir.is_dir():
        return []
    return sorted(p for p in ckpt_dir.iterdir() if p.is_dir() and p.name.startswith(CKPT_PREFIX))


def latest_checkpoint(ckpt_dir: Path | None) -> Path | None:
    found = list_checkpoints(ckpt_dir) if ckpt_dir is not None else []
    return found[-1] if found else None


def read_progress(ckpt: Path) -> dict:
    return json.loads((ckpt / "progress.json").read_text(encoding="utf-8"))


def restore_checkpoint(ckpt: Path, *, model, optimizer, device: str, rank: int = 0) -> dict:
    """Load weights, optimiser and RNG states from ``ckpt``; return its progress record.

    A rank the checkpoint has no RNG state for (it was written by fewer processes) keeps its own
    seeded stream: the run goes on, with other dropout masks than an uninterrupted one.
    """
    import torch

    trainable = load_tree(ckpt, "trainable", device=device)
    params = dict(model.named_parameters())
    missing = sorted(set(trainable) - set(params))
    if missing:
        raise KeyError(f"checkpoint {ckpt}: parameters {missing[:3]} not in the model; the checkpoint is from another recipe")
    with torch.no_grad():
        for name, value in trainable.items():
            params[name].copy_(value)
    optimizer.load_state_dict(load_tree(ckpt, "optimizer", device=device))
    if (ckpt / f"{_rng_name(rank)}.json").is_file():
        set_rng_state(load_tree(ckpt, _rng_name(rank)))
    return read_progress(ckpt)
