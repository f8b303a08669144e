"""Data-parallel QLoRA: one process against N (DDP through accelerate), same global batch, side by side.

Both runs train the same random-weight Qwen2 (bench_train's shapes) on the same synthetic shards with
``micro_batch x grad_accum`` sequences per optimiser step; the N-process run gives each rank
``grad_accum / N`` micro-batches of every step. Printed per run: median step time after warm-up,
tokens/s, wall time (model loading and the launch included), and the ratios N-process / 1-process;
then the largest difference between the two adapters (DDP correctness: float rounding only).

    python benchmarks/bench_ddp.py [--processes 2] [--steps 6] [--grad-accum 4] [--out results.jsonl]

On GPUs (one per process) the Qwen2-1.5B architecture at 2048 tokens; on CPU (gloo) bench_train's
small Qwen2 at 128 tokens: there the processes share the CPU cores, so expect no speed-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402
from bench_train import QWEN2_1_5B, SMALL, build_model, build_shards, build_tokenizer  # noqa: E402


def run(processes: int, setup: dict, args, out: Path) -> dict:
    from arabic_llm.config import (
        LoraConfig,
        MemoryConfig,
        QuantizationConfig,
        TrainConfig,
    )
    from arabic_llm.train.ddp import launch_training
    from arabic_llm.train.job import TrainingJob
    from arabic_llm.train.qlora import train_qlora

    train = TrainConfig(dialects=("MSA",), max_steps=args.steps, seq_len=setup["seq"], micro_batch=1,
                        grad_accum=args.grad_accum, lr=5e-5, warmup_steps=1, gradient_checkpointing=True,
                        checkpoint_every=0, log_every=args.steps)
    job = TrainingJob(model_dir=str(setup["model"]), tokenizer_dir=str(setup["tok"]), shards_path=setup["shards"],
                      train=train, lora=LoraConfig(dropout=0.0), quant=QuantizationConfig(), seed=0, out_dir=out,
                      memory=MemoryConfig(gpu_limit_gib=None, ram_limit_gib=None), where=f"bench x{processes}")
    start = time.perf_counter()
    if processes == 1:
        summary = train_qlora(job, progress=False)
    else:
        summary = launch_training(job, processes, out.parent / f"work-{processes}")
    wall = time.perf_counter() - start
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    step = statistics.median(m["step_seconds"] for m in summary["per_step"][args.warmup:])
    tokens = statistics.median(r["tokens"] for r in records[args.warmup:])
    return {"processes": processes, "steps": args.steps, "global_batch": train.grad_accum, "seq": setup["seq"],
            "step_s": round(step, 4), "tokens_per_s": round(tokens / step, 1), "wall_s": round(wall, 1),
            "final_loss": records[-1]["loss"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=2, help="steps left out of the median")
    parser.add_argument("--grad-accum", type=int, default=4, help="micro-batches (of 1 sequence) per optimiser step")
    parser.add_argument("--out", type=Path, default=None, help="also write one JSON line per run here")
    args = parser.parse_args()
    from safetensors.torch import load_file

    device = "cuda" if torch.cuda.is_available() else "cpu"
    arch, seq = (QWEN2_1_5B, 2048) if device == "cuda" else (SMALL, 128)
    work = Path(tempfile.mkdtemp(prefix="bench-ddp-"))
    setup = {"model": work / "model", "tok": work / "tok", "shards": work / "shards.h5", "seq": seq}
    build_model(arch, setup["model"], device)
    build_tokenizer(setup["tok"], arch["vocab_size"])
    build_shards(setup["shards"], seq, 4 * args.grad_accum * args.steps, arch["vocab_size"])
    header = {"device": torch.cuda.get_device_name() if device == "cuda" else "cpu", "torch": torch.__version__,
              "gpus": torch.cuda.device_count() if device == "cuda" else 0, "threads": torch.get_num_threads()}
    print(json.dumps(header), flush=True)

    results = []
    for processes in (1, args.processes):
        res = run(processes, setup, args, work / f"out-{processes}")
        results.append(res)
        print(json.dumps(res), flush=True)
        if args.out:
            with args.out.open("a") as f:
                f.write(json.dumps({**header, **res}) + "\n")
    one, many = (load_file(str(work / f"out-{p}" / "adapter" / "adapter_model.safetensors")) for p in (1, args.processes))
    diff = max(float((one[k] - many[k]).abs().max()) for k in one)

    print(f"\n{'processes':>9} {'step s':>8} {'tokens/s':>10} {'wall s':>7} {'final loss':>11}")
    for r in results:
        print(f"{r['processes']:>9} {r['step_s']:>8} {r['tokens_per_s']:>10} {r['wall_s']:>7} {r['final_loss']:>11.5f}")
    base, other = results
    print(f"ratio {args.processes} processes / 1: tokens/s x{other['tokens_per_s'] / base['tokens_per_s']:.2f}, "
          f"wall x{other['wall_s'] / base['wall_s']:.2f} (global batch {args.grad_accum} x {seq} tokens, {device})")
    print(f"largest adapter difference, {args.processes} processes vs 1: {diff:.2e}")


if __name__ == "__main__":
    main()
