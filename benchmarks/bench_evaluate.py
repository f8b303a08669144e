"""The evaluate stage's task suite for one model: batched (the default) against one sequence at a time.

Builds the embedded default's kind of model (a byte-level BPE on the embedded eval texts, the tiny
random Qwen2 in NF4), then runs ``eval_suite.model_tasks`` on the embedded sets twice with the same
settings but ``evaluate.batch_size`` (the batched run) and 1 (the baseline: every context and
generation alone). Prints wall and CPU seconds of each, the ratio, and the load average (the
machine may be shared). Usage: python benchmarks/bench_evaluate.py [--max-examples N] [--batch-size B]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=50, help="evaluate.max_examples for both runs")
    parser.add_argument("--batch-size", type=int, default=128, help="the batched run's evaluate.batch_size")
    args = parser.parse_args()

    import torch

    from arabic_llm.config import EvaluateConfig, QuantizationConfig, TinyModelConfig
    from arabic_llm.eval.metrics import compute
    from arabic_llm.eval.sets import load_eval_data, local_files
    from arabic_llm.eval.suite import model_tasks
    from arabic_llm.model.modeling import (
        build_tiny_qwen2,
        load_base_model,
        load_tokenizer,
        train_bpe_tokenizer,
    )

    files = local_files("builtin:eval/qa.json", "builtin:eval/sentiment.tsv", "builtin:eval/parallel.tsv", None, "dev")
    data = load_eval_data(files, qa=None, sentiment=None, sib200=None, sib200_split="dev")
    texts = [q["context"] for q in data.qa] + [s["text"] for s in data.sentiment]
    texts += [r["text"] for rows in data.parallel.values() for r in rows] + [r["en"] for r in data.parallel["MSA"]]
    docs = [r["text"] for rows in data.parallel.values() for r in rows][:30]
    with tempfile.TemporaryDirectory() as tmp:
        train_bpe_tokenizer(texts, vocab_size=2000, out_dir=Path(tmp) / "tok", seed=0)
        build_tiny_qwen2(Path(tmp) / "tok", TinyModelConfig(), seed=0, out_dir=Path(tmp) / "model")
        tok = load_tokenizer(str(Path(tmp) / "tok"))
        model = load_base_model(str(Path(tmp) / "model"), QuantizationConfig(), for_training=False)
    for name in ("arabic_qa", "classification", "translation"):  # load the metric modules outside the timing
        compute(name, ["a"], [["a"]] if name == "arabic_qa" else ["a"])
    figures = {}
    for label, batch in (("batched", args.batch_size), ("one at a time", 1)):
        settings = EvaluateConfig(max_examples=args.max_examples, batch_size=batch)
        wall, cpu = time.perf_counter(), cpu_seconds()
        with torch.inference_mode():
            result, _ = model_tasks(model, tok, data, docs, settings, 128, 1234)
        figures[label] = (time.perf_counter() - wall, cpu_seconds() - cpu, result)
    print(f"model_tasks on the embedded sets, one tiny NF4 model, max_examples={args.max_examples}, "
          f"torch threads={torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f}")
    print(f"{'run':<15} {'batch':>5} {'wall s':>8} {'cpu s':>8}")
    for label, batch in (("batched", args.batch_size), ("one at a time", 1)):
        wall, cpu, _ = figures[label]
        print(f"{label:<15} {batch:>5} {wall:>8.1f} {cpu:>8.1f}")
    (bw, bc, batched), (sw, sc, single) = figures["batched"], figures["one at a time"]
    print(f"speed-up: wall x{sw / bw:.1f}, cpu x{sc / bc:.1f}")
    same = batched["qa"] == single["qa"] and batched["sentiment"] == single["sentiment"]
    print(f"same QA and sentiment results in both runs: {same}")


if __name__ == "__main__":
    main()
