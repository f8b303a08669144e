"""The small world the training tests run in: a BPE tokenizer, a tiny random Qwen2 and packed shards."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.config import TinyModelConfig
from arabic_llm.data.shards import ShardDataset, pack
from arabic_llm.model.modeling import (
    build_tiny_qwen2,
    load_tokenizer,
    train_bpe_tokenizer,
)


def build_tiny_training_setup(root: Path, texts: dict[str, list[str]], seq_len: int, attrs: dict | None = None) -> dict:
    """Tokenizer, model and ``shards.h5`` (train rows of each dialect in ``texts``) under ``root``."""
    tok_dir, model_dir = root / "tokenizer", root / "model"
    train_bpe_tokenizer([t for group in texts.values() for t in group], vocab_size=400, out_dir=tok_dir, seed=0)
    build_tiny_qwen2(tok_dir, TinyModelConfig(), seed=0, out_dir=model_dir)
    tok = load_tokenizer(str(tok_dir))
    rows = []
    for dialect, group in texts.items():
        ids = [tok(t, add_special_tokens=False)["input_ids"] for t in group]
        rows += pack(ids, seq_len, tok.eos_token_id, dialect, "wikipedia")
    shards = root / "shards.h5"
    ShardDataset.write(shards, {"train": rows, "eval": []}, {"eos_token_id": tok.eos_token_id, **(attrs or {})},
                       seq_len=seq_len, pad_id=tok.pad_token_id)
    return {"root": root, "tok": tok_dir, "model": model_dir, "shards": shards, "eos": tok.eos_token_id}


def build_tiny_adapted(root: Path, texts: list[str], vocab_size: int) -> dict:
    """Tokenizer, tiny 4-bit Qwen2 and a LoRA adapter with random (non-zero) B under ``root``: the
    adapter really changes the model's predictions."""
    import peft
    import torch

    from arabic_llm.config import QuantizationConfig
    from arabic_llm.model.modeling import load_base_model, quiet_peft_deprecations

    tok_dir, model_dir, adapter_dir = root / "tok", root / "model", root / "adapter"
    train_bpe_tokenizer(texts, vocab_size=vocab_size, out_dir=tok_dir, seed=0)
    build_tiny_qwen2(tok_dir, TinyModelConfig(), seed=0, out_dir=model_dir)
    torch.manual_seed(0)
    base = load_base_model(str(model_dir), QuantizationConfig(), for_training=False)
    lora = peft.LoraConfig(r=4, lora_alpha=16, target_modules=["q_proj", "v_proj"], init_lora_weights=False,
                           task_type="CAUSAL_LM")
    with quiet_peft_deprecations():
        peft.get_peft_model(base, lora).save_pretrained(str(adapter_dir))
    return {"tok": tok_dir, "model": model_dir, "adapter": adapter_dir}
