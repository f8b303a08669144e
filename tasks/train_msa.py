"""`train_msa`: QLoRA on the Modern Standard Arabic rows of the shards."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from arabic_llm.config import LoraConfig, QuantizationConfig, TrainConfig
from arabic_llm.store import stage_task
from tasks.base_model import model_location
from tasks.shards import SHARDS_FILE


class TrainParams(BaseModel):
    train: TrainConfig
    lora: LoraConfig
    quantization: QuantizationConfig
    seed: int


def train_adapter(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
                  init_adapter: Path | None = None) -> dict:
    """The one training recipe both training stages configure (MSA first, then dialects)."""
    from arabic_llm.qlora import train_qlora

    return train_qlora(
        model_dir=model_location(base_model), tokenizer_dir=str(tokenizer), shards_path=shards / SHARDS_FILE,
        train=params.train, lora=params.lora, quant=params.quantization, seed=params.seed, out_dir=out_dir,
        init_adapter=init_adapter,
    )


@stage_task("train_msa", libraries=("torch", "transformers", "peft", "bitsandbytes"))
def train_msa(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path) -> dict:
    return train_adapter(out_dir, params, shards, base_model, tokenizer)
