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
