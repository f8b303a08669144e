"""`bias_audit`: data representation, quality gaps across dialects, a gendered-occupation probe."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.config import BiasAuditConfig, QuantizationConfig
from arabic_llm.corpus import SAMPLE_DATA, read_documents
from arabic_llm.shards import is_eval_doc
from arabic_llm.store import stage_task
from tasks.base_model import model_location
from tasks.evaluate import RESULTS_FILE
from tasks.train_dialects import ADAPTER_DIR

AUDIT_FILE = "audit.json"
PROBES = SAMPLE_DATA / "bias_probes.jsonl"


class BiasParams(BaseModel):
    bias_audit: BiasAuditConfig
    quantization: QuantizationConfig
    eval_fraction: float
    seed: int


@stage_task("bias_audit", libraries=("torch", "transformers", "peft", "bitsandbytes"))
def bias_audit(out_dir: Path, params: BiasParams, docs: Path, evaluation: Path, base_model: Path,
               tokenizer: Path, msa_adapter: Path, dialect_adapter: Path, probes: Path) -> dict:
    from arabic_llm.bias import audit

    train_docs = [d for d in read_documents(docs) if not is_eval_doc(d["id"], params.eval_fraction, params.seed)]
    report = audit(
        model_dir=model_location(base_model), tokenizer_dir=str(tokenizer),
        adapters={"msa": msa_adapter / ADAPTER_DIR, "dialects": dialect_adapter / ADAPTER_DIR},
        quant=params.quantization,
        eval_results=json.loads((evaluation / RESULTS_FILE).read_text(encoding="utf-8")),
        train_docs=train_docs, probes_path=probes, settings=params.bias_audit, seed=params.seed,
    )
    (out_dir / AUDIT_FILE).write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {"sections": sorted(report)}
