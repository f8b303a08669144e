"""The one training recipe both training stages configure (MSA first, then dialects)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from arabic_llm.cache.stage import beside_data, place_in_artifact
from arabic_llm.config import TrainConfig, TrainParams
from arabic_llm.layout import METRICS_FILE, SHARDS_FILE, model_location
from arabic_llm.train.job import TrainingJob


def training_job(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
                 work_dir: Path | None, where: str, *, init_adapter: Path | None = None,
                 train: TrainConfig | None = None, rows: tuple[int, ...] | None = None) -> TrainingJob:
    """The stage's job: its settings, its inputs, its output; checkpoints in its work area."""
    return TrainingJob(
        model_dir=model_location(base_model), tokenizer_dir=str(tokenizer), shards_path=shards / SHARDS_FILE,
        train=train or params.train, lora=params.lora, quant=params.quantization, memory=params.memory,
        seed=params.seed, out_dir=out_dir, run_dir=beside_data(out_dir), init_adapter=init_adapter,
        checkpoint_dir=None if work_dir is None else work_dir / "checkpoints", where=where, rows=rows,
        diacritic_attention=params.diacritic_attention,
    )


def train_adapter(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
                  work_dir: Path | None, where: str, *, init_adapter: Path | None = None,
                  train: TrainConfig | None = None, processes: int = 1,
                  on_step: Callable[[int], None] | None = None, rows: tuple[int, ...] | None = None) -> dict:
    """Train a LoRA adapter on the shards; its files go to ``out_dir``.

    Checkpoints go to ``work_dir`` (the stage's work area for this key): a killed run resumes there.
    With ``processes`` > 1 (``runtime.train_processes``) it runs data-parallel, launched through
    accelerate (:mod:`arabic_llm.train.ddp`); the process count is not part of the key: the global
    batch, the data of each step and the schedule are those of one process (README, Several GPUs).

    The summary (the stage's manifest) carries the run's per-step measurements (``per_step``) and,
    inside a store, ``metrics_file``: the path of this run's ``metrics.jsonl`` inside the artifact,
    so the report finds which measurements go with which metrics.
    """
    from arabic_llm.train import qlora

    job = training_job(out_dir, params, shards, base_model, tokenizer, work_dir, where,
                       init_adapter=init_adapter, train=train, rows=rows)
    if processes > 1:
        from arabic_llm.train.ddp import launch_training

        summary = launch_training(job, processes, work_dir, on_step=on_step)
    else:
        summary = qlora.train_qlora(job, on_step=on_step)
    place = place_in_artifact(out_dir)
    if place is not None:
        summary["metrics_file"] = (place[1] / METRICS_FILE).as_posix()
    return summary
