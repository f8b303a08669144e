"""`train_msa`: QLoRA on the Modern Standard Arabic rows of the shards, from the base model."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from arabic_llm.config import LoraConfig, MemoryConfig, QuantizationConfig, TrainConfig
from arabic_llm.store import stage_task
from tasks.base_model import model_location
from tasks.shards import SHARDS_FILE

ADAPTER_DIR = "adapter"
ADAPTERS_FILE = "adapters.json"  # {name: adapter directory relative to the artifact}


class TrainParams(BaseModel):
    train: TrainConfig
    lora: LoraConfig
    quantization: QuantizationConfig
    memory: MemoryConfig
    seed: int


def train_adapter(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
                  work_dir: Path | None, where: str, init_adapter: Path | None = None,
                  train: TrainConfig | None = None) -> dict:
    """The one training recipe both training stages configure (MSA first, then dialects).

    Checkpoints go to ``work_dir`` (the stage's work area for this key): a killed run resumes there.
    With ``runtime.train_processes`` > 1 it runs data-parallel, launched through accelerate
    (``arabic_llm.train_ddp``); the process count is not part of the key: the global batch, the
    data of each step and the schedule are those of one process (see the README, Several GPUs).
    """
    from arabic_llm.qlora import train_qlora
    from arabic_llm.train_ddp import launch_training, train_processes

    train = train or params.train
    kwargs = dict(
        model_dir=model_location(base_model), tokenizer_dir=str(tokenizer), shards_path=shards / SHARDS_FILE,
        train=train, lora=params.lora, quant=params.quantization, memory=params.memory,
        seed=params.seed, out_dir=out_dir, init_adapter=init_adapter,
        checkpoint_dir=None if work_dir is None else work_dir / "checkpoints", where=where,
    )
    processes = train_processes()
    if processes > 1:
        return launch_training(kwargs, processes, work_dir, on_step=prefect_progress(where, train.max_steps))
    return train_qlora(**kwargs, on_step=prefect_progress(where, train.max_steps))


def prefect_progress(where: str, max_steps: int):
    """Inside a Prefect task run: a progress artifact the UI shows, updated at most every 2 s."""
    import time

    from prefect.context import TaskRunContext

    if TaskRunContext.get() is None:
        return None
    from prefect.artifacts import create_progress_artifact, update_progress_artifact

    artifact = create_progress_artifact(progress=0.0, description=f"{where}: optimiser steps done (%)")
    last = [0.0]

    def on_step(step: int) -> None:
        now = time.monotonic()
        if step == max_steps or now - last[0] >= 2.0:
            update_progress_artifact(artifact, progress=100.0 * step / max_steps)
            last[0] = now

    return on_step


@stage_task("train_msa", libraries=("torch", "transformers", "peft", "bitsandbytes", "liger_kernel"))
def train_msa(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
              work_dir: Path | None = None) -> dict:
    import json

    summary = train_adapter(out_dir, params, shards, base_model, tokenizer, work_dir, "train_msa")
    (out_dir / ADAPTERS_FILE).write_text(json.dumps({"msa": ADAPTER_DIR}) + "\n", encoding="utf-8")
    return summary


def trained_adapters(msa_adapter: Path, dialect_adapter: Path) -> dict[str, Path]:
    """Every adapter the two training stages made, by name, in training order: ``msa``, then
    ``dialects`` (mixed) or ``dialects-<branch>`` (one per branch)."""
    import json

    def listed(artifact: Path) -> dict[str, str]:
        path = artifact / ADAPTERS_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"": ADAPTER_DIR}

    adapters = {"msa": msa_adapter / next(iter(listed(msa_adapter).values()))}
    for name, rel in listed(dialect_adapter).items():
        adapters["dialects" if name in ("", "dialects") else f"dialects-{name}"] = dialect_adapter / rel
    return adapters
