"""Artifact layouts that more than one stage reads: file names, and where a stage finds another's output.

Stages never import each other; what one writes and another reads is named here, once.
"""

from __future__ import annotations

import json
from pathlib import Path

# base_model
MODEL_REF_FILE = "model_ref.json"  # a named model (hub id or directory) pinned instead of weights
# data_audit
AUDIT_SUMMARY_FILE = "audit_summary.json"
# vocab: an extended tokenizer directory that also holds the new embedding rows
VOCAB_ROWS_FILE = "new_embeddings.safetensors"  # tensors ids, input and (untied head) output
BIAS_FILE = "diacritic_bias.safetensors"  # a diacritic-aware attention bias, beside its adapter
# shards
SHARDS_FILE = "shards.h5"
EVAL_DOCS_FILE = "eval_docs.jsonl"
SPLIT_FILE = "split.json"  # the held-out rule, thresholds, and documents/characters on each side per dialect
# train_msa, train_dialects
ADAPTER_DIR = "adapter"
ADAPTERS_FILE = "adapters.json"  # {name: adapter directory relative to the artifact}
METRICS_FILE = "metrics.jsonl"  # per optimiser step: loss, lr, gradient norm, tokens (timings: in the manifest)
LINEAGE_FILE = "lineage.json"  # recipe, sources (dump versions), full or incremental, the chain of parents
# evaluate
RESULTS_FILE = "results.json"
# bias_audit
AUDIT_FILE = "audit.json"
MODEL_CARD_FILE = "model_card.md"
# report
REPORT_MD = "report.md"
REPORT_HTML = "report.html"
REPORT_JSON = "report.json"
MEASUREMENTS_MD = "measurements.md"  # beside data/ (in run/): what the run measured, outside the digest


def model_location(base_model: Path) -> str:
    """Where later stages load the base model from: the artifact itself, or the model it names."""
    ref = base_model / MODEL_REF_FILE
    if ref.is_file():
        return json.loads(ref.read_text(encoding="utf-8"))["name_or_path"]
    return str(base_model)


def trained_adapters(msa_adapter: Path, dialect_adapter: Path) -> dict[str, Path]:
    """Every adapter the two training stages made, by name, in training order: ``msa``, then
    ``dialects`` (mixed) or ``dialects-<branch>`` (one per branch)."""

    def listed(artifact: Path) -> dict[str, str]:
        path = artifact / ADAPTERS_FILE
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"": ADAPTER_DIR}

    adapters = {"msa": msa_adapter / next(iter(listed(msa_adapter).values()))}
    for name, rel in listed(dialect_adapter).items():
        adapters["dialects" if name in ("", "dialects") else f"dialects-{name}"] = dialect_adapter / rel
    return adapters
