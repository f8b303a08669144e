"""`train_dialects`: continue from the MSA adapter on Egyptian, Gulf, Levantine and Maghrebi rows."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.store import stage_task
from tasks.train_msa import TrainParams, train_adapter

ADAPTER_DIR = "adapter"


@stage_task("train_dialects", libraries=("torch", "transformers", "peft", "bitsandbytes"))
def train_dialects(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
                   msa_adapter: Path) -> dict:
    return train_adapter(out_dir, params, shards, base_model, tokenizer, init_adapter=msa_adapter / ADAPTER_DIR)
