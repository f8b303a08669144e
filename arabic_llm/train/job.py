"""One training job: everything the QLoRA recipe needs to run, as one typed, JSON-round-tripping value.

The stage builds it (:mod:`arabic_llm.train.adapter`), the DDP launcher writes it as JSON and every
rank validates it back (:mod:`arabic_llm.train.ddp`), tests and benchmarks make their own: one
spelling of the call everywhere. ``TrainingJob.model_validate_json(job.model_dump_json()) == job``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from arabic_llm.config import LoraConfig, MemoryConfig, QuantizationConfig, TrainConfig

NO_CAPS = MemoryConfig(gpu_limit_gib=None, ram_limit_gib=None)


class TrainingJob(BaseModel):
    """What one run of the recipe reads and where it writes; MSA and dialect training differ only in values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_dir: str = Field(description="base model directory or hub id (loaded with load_base_model)")
    tokenizer_dir: str = Field(description="tokenizer directory; only checked against the shards' EOS id")
    shards_path: Path = Field(description="shards.h5; rows chosen by train.dialects and train.sources")
    train: TrainConfig = Field(description="steps, batch shape, schedule, optimiser, kernels, checkpoint interval")
    lora: LoraConfig = Field(description="adapter shape; ignored when init_adapter is given (it keeps its own)")
    quant: QuantizationConfig = Field(description="4-bit settings of the frozen base model")
    memory: MemoryConfig = Field(NO_CAPS, description="GPU and RAM caps; the default has none")
    seed: int = Field(description="seeds python/numpy/torch: LoRA init, dropout masks and the data order")
    out_dir: Path = Field(description="the artifact files: adapter/, metrics.jsonl, loss.png; a deterministic "
                          "function of the job (no times, no memory figures)")
    run_dir: Path | None = Field(None, description="how this run went, outside the artifact: memory.png and "
                                 "ram.png over wall time; None: not drawn (the figures stay in the summary)")
    init_adapter: Path | None = Field(None, description="adapter directory to continue training (MSA -> dialects)")
    checkpoint_dir: Path | None = Field(None, description="resumable checkpoints (the stage's work area); the "
                                        "newest one there is resumed from; None: no checkpoints")
    where: str = Field("train", description="the stage's name, for messages")
    rows: tuple[int, ...] | None = Field(None, description="train-split rows to keep of those train.dialects and "
                                         "train.sources select (an incremental run's new and replayed rows); None: all")
    diacritic_attention: bool = Field(False, description="train a zero-initialised attention bias towards diacritised "
                                      "tokens beside the adapters (model/diacritic_attention.py); saved with them")
