"""`bias_audit`: what the data filter removed, representation, quality gaps across dialects, a gendered
probe, CrowS-style stereotype pairs, an Arab-vs-Western entity test, thresholds, the model card."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import BiasAuditConfig, QuantizationConfig, SplitParams
from arabic_llm.data.documents import SAMPLE_DATA, read_documents, resolve_source
from arabic_llm.data.split import split_from_documents
from arabic_llm.layout import (
    AUDIT_FILE,
    AUDIT_SUMMARY_FILE,
    LINEAGE_FILE,
    MODEL_CARD_FILE,
    RESULTS_FILE,
    model_location,
    trained_adapters,
)

PROBES = SAMPLE_DATA / "bias_probes.jsonl"


class BiasParams(BaseModel):
    bias_audit: BiasAuditConfig
    quantization: QuantizationConfig
    split: SplitParams
    seed: int

    @classmethod
    def from_config(cls, cfg: BiasAuditConfig, quantization: QuantizationConfig, split: SplitParams) -> "BiasParams":
        """The pair and entity files are inputs keyed by content; their paths stay out of the key."""
        settings = cfg.model_copy(update={"crows_pairs": "local", "entities": "local"})
        return cls(bias_audit=settings, quantization=quantization, split=split, seed=split.seed)


def bias_files(cfg: BiasAuditConfig) -> dict[str, Path]:
    return {"crows_pairs": resolve_source(cfg.crows_pairs), "entities": resolve_source(cfg.entities)}


@stage_task("bias_audit", libraries=("torch", "transformers", "peft", "bitsandbytes"))
def bias_audit(out_dir: Path, params: BiasParams, docs: Path, evaluation: Path, base_model: Path,
               tokenizer: Path, msa_adapter: Path, dialect_adapter: Path, probes: Path,
               crows_pairs: Path | None = None, entities: Path | None = None) -> dict:
    from arabic_llm.audit.bias import audit
    from arabic_llm.audit.model_card import model_card
    from arabic_llm.eval.models import scoring_quantization

    eval_results = json.loads((evaluation / RESULTS_FILE).read_text(encoding="utf-8"))
    summary_file = docs / AUDIT_SUMMARY_FILE
    held = split_from_documents(docs, params.split.fraction, params.split.seed, params.split.min_docs,
                                params.split.max_share)
    train_docs = [d for d in read_documents(docs) if not held.is_eval(d["id"], d.get("dialect"))]
    report = audit(
        model_dir=model_location(base_model), tokenizer_dir=str(tokenizer),
        adapters=trained_adapters(msa_adapter, dialect_adapter),
        quant=scoring_quantization(params.quantization, params.bias_audit.compute_dtype), eval_results=eval_results,
        train_docs=train_docs, probes_path=probes, settings=params.bias_audit, seed=params.seed,
        crows_path=crows_pairs, entities_path=entities,
        data_summary=json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.is_file() else None,
    )
    (out_dir / AUDIT_FILE).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    lineages = {name: json.loads((artifact / LINEAGE_FILE).read_text(encoding="utf-8"))
                for name, artifact in (("msa", msa_adapter), ("dialects", dialect_adapter))
                if (artifact / LINEAGE_FILE).is_file()}
    (out_dir / MODEL_CARD_FILE).write_text(model_card(eval_results, report, lineages), encoding="utf-8")
    return {"sections": sorted(report), "warnings": len(report.get("warnings", []))}
