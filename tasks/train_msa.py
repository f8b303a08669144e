"""`train_msa`: QLoRA on the Modern Standard Arabic rows of the shards, from the base model."""

from __future__ import annotations

import json
from pathlib import Path

from arabic_llm.cache.stage import progress_reporter, stage_task
from arabic_llm.config import RuntimeConfig, TrainParams
from arabic_llm.layout import ADAPTER_DIR, ADAPTERS_FILE
from arabic_llm.model.modeling import pick_device, precision_note
from arabic_llm.train.adapter import train_adapter


@stage_task("train_msa", libraries=("torch", "transformers", "peft", "bitsandbytes", "liger_kernel"))
def train_msa(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
              work_dir: Path | None = None, runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    summary = train_adapter(out_dir, params, shards, base_model, tokenizer, work_dir, "train_msa",
                            processes=runtime.train_processes,
                            on_step=progress_reporter("train_msa", params.train.max_steps))
    (out_dir / ADAPTERS_FILE).write_text(json.dumps({"msa": ADAPTER_DIR}) + "\n", encoding="utf-8")
    return {**summary, "precision": precision_note(params.quantization, pick_device())}  # 4-bit, or not on CPU
