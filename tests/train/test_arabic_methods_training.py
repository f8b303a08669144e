"""Training with a `vocab` tokenizer and diacritic-aware attention: the new rows train beside LoRA
(old rows untouched), the bias learns, and the adapter carries the tokenizer, the rows and the bias."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file
from tiny_training import build_tiny_training_setup

from arabic_llm.config import LoraConfig, QuantizationConfig, TrainConfig
from arabic_llm.data.shards import ShardDataset, pack
from arabic_llm.layout import ADAPTER_DIR, BIAS_FILE, VOCAB_ROWS_FILE
from arabic_llm.model.modeling import load_tokenizer
from arabic_llm.model.vocab import base_pieces, extend_tokenizer, last_piece_rows, mean_rows, save_rows
from arabic_llm.train.job import TrainingJob
from arabic_llm.train.qlora import train_qlora

ARABIC = ["ذَهَبَ الوَلَدُ إلى المَدرسة والكتاب معه", "الكتاب في البيت وبيتك كبير", "قلبك طيب والناس تحبك"] * 4
ENGLISH = {"MSA": ["the cat sat on the mat", "a dog and a cat", "hello world, this is english text"] * 4}


@pytest.mark.parametrize("init", ["mean", "last_piece"])
def test_new_rows_and_bias_train_beside_lora(tmp_path, init):
    setup = build_tiny_training_setup(tmp_path, ENGLISH, seq_len=32)  # a base tokenizer that knows no Arabic
    vocab_dir = tmp_path / "vocab"
    shutil.copytree(setup["tok"], vocab_dir)
    base_json = (setup["tok"] / "tokenizer.json").read_text(encoding="utf-8")
    ext = extend_tokenizer(base_json, ARABIC, 8)
    (vocab_dir / "tokenizer.json").write_text(ext.tokenizer_json, encoding="utf-8")
    weight = load_file(str(setup["model"] / "model.safetensors"))["model.embed_tokens.weight"].float()
    pieces = base_pieces(base_json, ext.new_tokens)
    initial = {"mean": (mean_rows(weight, pieces), None),  # tied: one set of rows
               "last_piece": (last_piece_rows(weight, pieces), mean_rows(weight, pieces))}[init]  # untied
    save_rows(vocab_dir / VOCAB_ROWS_FILE, ext.new_ids, *initial)
    tok = load_tokenizer(str(vocab_dir))
    ids = [tok(t, add_special_tokens=False)["input_ids"] for t in ARABIC]
    assert any(i >= ext.first_new_id for row in ids for i in row)
    shards = tmp_path / "ext-shards.h5"
    ShardDataset.write(shards, {"train": pack(ids, 32, tok.eos_token_id, "MSA", "wikipedia"), "eval": []},
                       {"eos_token_id": tok.eos_token_id}, seq_len=32, pad_id=tok.pad_token_id)
    job = TrainingJob(model_dir=str(setup["model"]), tokenizer_dir=str(vocab_dir), shards_path=shards,
                      train=TrainConfig(dialects=("MSA",), max_steps=3, micro_batch=2, grad_accum=1, lr=5e-2,
                                        warmup_steps=0, max_grad_norm=1.0, loss_chunk=16, checkpoint_every=0,
                                        optimizer="adamw", gradient_checkpointing=False),
                      lora=LoraConfig(r=4, alpha=8), quant=QuantizationConfig(compute_dtype="float32"), seed=0,
                      out_dir=tmp_path / "out", diacritic_attention=True)
    train_qlora(job)
    adapter = tmp_path / "out" / ADAPTER_DIR
    assert (adapter / VOCAB_ROWS_FILE).is_file() and (adapter / "tokenizer.json").is_file()
    assert load_file(str(adapter / BIAS_FILE))["bias"].abs().sum() > 0  # learned away from zero
    with safe_open(str(adapter / "adapter_model.safetensors"), "pt") as f:
        rows = {k: f.get_tensor(k) for k in f.keys() if "trainable_tokens" in k}
    trained_in = next(v for k, v in rows.items() if "embed_tokens" in k)
    assert len(rows) == (1 if init == "mean" else 2) and trained_in.shape[0] == len(ext.new_tokens)
    assert not torch.allclose(trained_in.float(), initial[0])  # the new rows trained
    if init == "last_piece":  # the head's own new rows trained too, and export keeps the two sides apart
        from arabic_llm.model.export import merge_adapter

        trained_out = next(v for k, v in rows.items() if "lm_head" in k)
        assert not torch.allclose(trained_out.float(), initial[1])
        merge_adapter(str(setup["model"]), adapter, tmp_path / "merged", dtype="float32")
        merged = load_file(str(tmp_path / "merged" / "model.safetensors"))
        assert json.loads((tmp_path / "merged" / "config.json").read_text())["tie_word_embeddings"] is False
        new = torch.tensor(ext.new_ids)
        assert torch.equal(merged["model.embed_tokens.weight"][new], trained_in.float())
        assert torch.equal(merged["lm_head.weight"][new], trained_out.float())
        assert torch.equal(merged["lm_head.weight"][: len(weight)], weight)  # old rows: the base's
