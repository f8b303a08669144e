"""What a training run writes, split by whether it is a function of the job.

The artifact (``out_dir``) holds only bytes that the job determines: the adapter (its config with
sorted lists, no local path in it or its model card), ``metrics.jsonl`` (loss, lr, gradient norm, tokens per step) and
``loss.png`` over optimiser steps, PNG metadata pinned. Two runs of one job, in two stores, on two
machines with the same library versions, write the same bytes, so the stage's digest (and every
key below it) is reproducible.

What the run measured (step times, throughput, GPU memory, RSS) changes from run to run; it goes to
the run's summary (the stage's manifest, outside the digest) and, when a ``run_dir`` is given,
``memory.png`` and ``ram.png`` there (beside the artifact's ``data/`` in a store).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ADAPTER_CONFIG = "adapter_config.json"
# One line per optimiser step in metrics.jsonl: a deterministic function of the job.
METRIC_FIELDS = ("step", "loss", "perplexity", "lr", "grad_norm", "tokens")
# One record per optimiser step in the summary's ``per_step``: what this run measured.
MEASUREMENT_FIELDS = (
    "step",
    "tokens_per_s",
    "step_seconds",
    "elapsed_s",
    "gpu_mem_allocated_bytes",
    "gpu_mem_reserved_bytes",
    "gpu_mem_peak_bytes",
    "rss_bytes",
    "rss_peak_bytes",
)
# Matplotlib writes its version as PNG "Software" text; nothing in the image should name the run.
PNG_METADATA = {"Software": None}


def metrics_line(record: dict) -> str:
    return json.dumps(record, sort_keys=True) + "\n"


def save_adapter(peft_model, adapter_dir: Path) -> None:
    """``save_pretrained`` (safetensors, config, peft's model card), every file a function of the adapter.

    peft keeps ``target_modules`` (and other module lists) as Python sets and writes them in set
    order, which follows string hashing and so changes from process to process: they are rewritten
    sorted. The base model's name goes into the config and the model card; a local directory (a path
    inside one store) is written as no name at all, a hub id as it is.
    """
    config = peft_model.peft_config[peft_model.active_adapter]
    base = peft_model.get_base_model()
    name = base.config._name_or_path
    stable = None if not name or Path(name).exists() else name
    saved_names = (config.base_model_name_or_path, base.config._name_or_path, base.__dict__.get("name_or_path"))
    config.base_model_name_or_path, base.config._name_or_path = stable, stable
    if "name_or_path" in base.__dict__:
        base.name_or_path = stable
    try:
        peft_model.save_pretrained(str(adapter_dir), safe_serialization=True)
    finally:
        config.base_model_name_or_path, base.config._name_or_path = saved_names[:2]
        if "name_or_path" in base.__dict__:
            base.name_or_path = saved_names[2]
    path = Path(adapter_dir) / ADAPTER_CONFIG
    saved = json.loads(path.read_text(encoding="utf-8"))
    for key in saved:
        if isinstance(getattr(config, key, None), (set, frozenset)):
            saved[key] = sorted(saved[key])
    path.write_text(json.dumps(saved, indent=2, sort_keys=True), encoding="utf-8")


def _figure(out: Path, x: list, series: list[tuple[list, str]], xlabel: str, ylabel: str, title: str) -> None:
    # The object-oriented Agg API: no pyplot global state, no display needed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for y, label in series:
        ax.plot(x, y, marker="." if len(x) < 200 else None, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if len(series) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100, metadata=PNG_METADATA)


def draw_loss_curve(records: list[dict], out_dir: Path) -> None:
    """``loss.png``: training loss over optimiser steps (the report draws it over wall time)."""
    _figure(out_dir / "loss.png", [r["step"] for r in records], [([r["loss"] for r in records], "loss")],
            "optimiser step", "training loss (nats/token)", "QLoRA training loss")


def draw_run_curves(measurements: list[dict], run_dir: Path) -> None:
    """``memory.png`` (GPU) and ``ram.png`` (RSS) over this run's wall time."""
    run_dir.mkdir(parents=True, exist_ok=True)
    minutes = [m["elapsed_s"] / 60 for m in measurements]
    xlabel = "training time (minutes)"
    gib = 2**30
    gpu = [([m[k] / gib for m in measurements], label) for k, label in (
        ("gpu_mem_allocated_bytes", "allocated"), ("gpu_mem_reserved_bytes", "reserved"),
        ("gpu_mem_peak_bytes", "peak allocated")) if any(m[k] for m in measurements)]
    _figure(run_dir / "memory.png", minutes, gpu or [([0.0] * len(measurements), "no GPU")], xlabel,
            "GPU memory (GiB)", "GPU memory during training")
    _figure(run_dir / "ram.png", minutes, [([m["rss_bytes"] / gib for m in measurements], "RSS"),
                                           ([m["rss_peak_bytes"] / gib for m in measurements], "RSS peak")],
            xlabel, "process memory (GiB)", "RAM during training")


def save_adapter_methods(peft_model, tokenizer_dir: str, adapter_dir: Path) -> None:
    """Beside the adapter, what evaluation and export need to use it as trained: a `vocab` tokenizer
    (its files and new rows; the trained rows are in the adapter itself) and the diacritic bias."""
    from arabic_llm.layout import VOCAB_ROWS_FILE
    from arabic_llm.model.diacritic_attention import save_diacritic_bias

    if (Path(tokenizer_dir) / VOCAB_ROWS_FILE).is_file():
        shutil.copytree(tokenizer_dir, adapter_dir, dirs_exist_ok=True)
    if hasattr(peft_model.get_base_model(), "diacritic_bias"):
        save_diacritic_bias(peft_model, adapter_dir)
