"""`evaluate`: the base model against every trained adapter, per dialect, on held-out documents."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.config import EvaluateConfig, QuantizationConfig
from arabic_llm.corpus import read_jsonl
from arabic_llm.store import stage_task
from tasks.base_model import model_location
from tasks.shards import EVAL_DOCS_FILE
from tasks.train_dialects import ADAPTER_DIR

RESULTS_FILE = "results.json"


class EvaluateParams(BaseModel):
    evaluate: EvaluateConfig
    quantization: QuantizationConfig
    seq_len: int
    seed: int


@stage_task("evaluate", libraries=("torch", "transformers", "peft", "bitsandbytes"))
def evaluate(out_dir: Path, params: EvaluateParams, shards: Path, base_model: Path, tokenizer: Path,
             msa_adapter: Path, dialect_adapter: Path) -> dict:
    from arabic_llm.evaluation import evaluate_models

    results = evaluate_models(
        model_dir=model_location(base_model), tokenizer_dir=str(tokenizer),
        eval_docs=list(read_jsonl(shards / EVAL_DOCS_FILE)),
        adapters={"msa": msa_adapter / ADAPTER_DIR, "dialects": dialect_adapter / ADAPTER_DIR},
        quant=params.quantization, settings=params.evaluate, seq_len=params.seq_len, seed=params.seed,
    )
    (out_dir / RESULTS_FILE).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {name: m.get("overall", {}) for name, m in results["models"].items()}
