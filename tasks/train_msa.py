"""`train_msa`: QLoRA on the Modern Standard Arabic rows of the shards, from the base model; or, in an
incremental run, from the newest adapter of the same recipe on the rows new since its shards."""

from __future__ import annotations

import json
from pathlib import Path

from arabic_llm.cache.stage import progress_reporter, stage_task
from arabic_llm.config import RuntimeConfig, TrainParams
from arabic_llm.layout import ADAPTER_DIR, ADAPTERS_FILE
from arabic_llm.model.modeling import pick_device, precision_note
from arabic_llm.train.incremental import train_in_lineage


@stage_task("train_msa", libraries=("torch", "transformers", "peft", "bitsandbytes", "liger_kernel"))
def train_msa(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
              work_dir: Path | None = None, runtime: RuntimeConfig = RuntimeConfig(),
              parent_adapter: Path | None = None, parent_shards: Path | None = None) -> dict:
    summary = train_in_lineage(out_dir, params, shards, base_model, tokenizer, work_dir, "train_msa",
                               processes=runtime.train_processes, progress=progress_reporter,
                               parent_adapter=parent_adapter, parent_shards=parent_shards)
    (out_dir / ADAPTERS_FILE).write_text(json.dumps({"msa": ADAPTER_DIR}) + "\n", encoding="utf-8")
    return {**summary, "precision": precision_note(params.quantization, pick_device())}  # 4-bit, or not on CPU
