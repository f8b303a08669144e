"""The one training recipe both training stages configure (MSA first, then dialects)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from arabic_llm.config import TrainConfig, TrainParams
from arabic_llm.layout import SHARDS_FILE, model_location


def train_adapter(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
                  work_dir: Path | None, where: str, *, init_adapter: Path | None = None,
                  train: TrainConfig | None = None, processes: int = 1,
                  on_step: Callable[[int], None] | None = None) -> dict:
    """Train a LoRA adapter on the shards; its files go to ``out_dir``.

    Checkpoints go to ``work_dir`` (the stage's work area for this key): a killed run resumes there.
    With ``processes`` > 1 (``runtime.train_processes``) it runs data-parallel, launched through
    accelerate (:mod:`arabic_llm.train.ddp`); the process count is not part of the key: the global
    batch, the data of each step and the schedule are those of one process (README, Several GPUs).
    """
    from arabic_llm.train.qlora import train_qlora

    train = train or params.train
    kwargs = dict(
        model_dir=model_location(base_model), tokenizer_dir=str(tokenizer), shards_path=shards / SHARDS_FILE,
        train=train, lora=params.lora, quant=params.quantization, memory=params.memory,
        seed=params.seed, out_dir=out_dir, init_adapter=init_adapter,
        checkpoint_dir=None if work_dir is None else work_dir / "checkpoints", where=where,
    )
    if processes > 1:
        from arabic_llm.train.ddp import launch_training

        return launch_training(kwargs, processes, work_dir, on_step=on_step)
    return train_qlora(**kwargs, on_step=on_step)
