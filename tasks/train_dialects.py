"""`train_dialects`: continue from the MSA adapter on Egyptian, Gulf, Levantine and Maghrebi rows.

Either one adapter on all of ``dialects`` mixed (``adapter/``), or, with ``branches``, one adapter
per named group, each branching from the MSA adapter (``branches/<name>/adapter/``). ``adapters.json``
lists what the artifact holds. The key covers the MSA adapter's digest, so retraining MSA retrains
this; changing this stage's settings never touches MSA. An incremental run (one mixed adapter only)
continues the newest dialect adapter of the same recipe (an MSA adapter of the same recipe below it)
on the dialect rows new since its shards.
"""

from __future__ import annotations

import json
from pathlib import Path

from arabic_llm.cache.stage import progress_reporter, stage_task
from arabic_llm.config import RuntimeConfig, TrainParams
from arabic_llm.layout import ADAPTER_DIR, ADAPTERS_FILE
from arabic_llm.model.modeling import pick_device, precision_note
from arabic_llm.train.adapter import train_adapter
from arabic_llm.train.incremental import train_in_lineage


@stage_task("train_dialects", libraries=("torch", "transformers", "peft", "bitsandbytes", "liger_kernel"))
def train_dialects(out_dir: Path, params: TrainParams, shards: Path, base_model: Path, tokenizer: Path,
                   msa_adapter: Path, work_dir: Path | None = None, runtime: RuntimeConfig = RuntimeConfig(),
                   parent_adapter: Path | None = None, parent_shards: Path | None = None) -> dict:
    parent = msa_adapter / ADAPTER_DIR
    if not params.train.branches:
        summary = train_in_lineage(out_dir, params, shards, base_model, tokenizer, work_dir, "train_dialects",
                                   init_adapter=parent, processes=runtime.train_processes, progress=progress_reporter,
                                   parent_adapter=parent_adapter, parent_shards=parent_shards)
        (out_dir / ADAPTERS_FILE).write_text(json.dumps({"dialects": ADAPTER_DIR}) + "\n", encoding="utf-8")
        return {**summary, "precision": precision_note(params.quantization, pick_device())}
    summaries, adapters = {}, {}
    for name, group in sorted(params.train.branches.items()):
        branch_train = params.train.model_copy(update={"dialects": tuple(group), "branches": None})
        branch_out = out_dir / "branches" / name
        summaries[name] = train_adapter(branch_out, params, shards, base_model, tokenizer,
                                        None if work_dir is None else work_dir / name, f"train_dialects[{name}]",
                                        init_adapter=parent, train=branch_train, processes=runtime.train_processes,
                                        on_step=progress_reporter(f"train_dialects[{name}]", branch_train.max_steps))
        adapters[name] = f"branches/{name}/{ADAPTER_DIR}"
    (out_dir / ADAPTERS_FILE).write_text(json.dumps(adapters, sort_keys=True) + "\n", encoding="utf-8")
    return {"branches": summaries, "precision": precision_note(params.quantization, pick_device())}
