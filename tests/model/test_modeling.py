"""Tokenizer training, tiny Qwen2 building and 4-bit loading (offline, CPU)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import bitsandbytes as bnb
import pytest
import torch

from arabic_llm.config import QuantizationConfig, TinyModelConfig
from arabic_llm.model.modeling import (
    build_tiny_qwen2,
    load_base_model,
    load_tokenizer,
    resolve_compute_dtype,
    train_bpe_tokenizer,
)

SENTENCES = [
    "ذهب الولد إلى المدرسة في الصباح الباكر",
    "عمل الطبيب في المستشفى طوال الليل",
    "عملت الطبيبة في المستشفى طوال الليل",
    "تقع مدينة القاهرة على ضفاف نهر النيل",
    "اللغة العربية من أكثر اللغات انتشارا في العالم",
    "قرأت الطالبة كتابا عن تاريخ الأندلس",
    "يحب الناس شرب الشاي بعد الغداء",
    "كتب الصحفي مقالا عن الاقتصاد والتعليم",
    "إزيك يا صاحبي عامل إيه النهارده",
    "أنا رايح الشغل دلوقتي وراجع بالليل",
    "مش عارف أعمل إيه في الموضوع ده",
    "شلونك اليوم إن شاء الله بخير",
    "أبي أروح السوق باجر الصبح",
    "وايد حر اليوم ما نقدر نطلع",
    "كيفك شو عم تعمل هلق",
    "بدي روح عالبيت بكرا الصبح",
    "هاد الشي كتير حلو والله",
    "واش راك لاباس عليك",
    "بغيت نمشي للسوق غدا",
    "كنتكلم مع صاحبي على الخدمة",
    "اَلسَّلَامُ عَلَيْكُمْ وَرَحْمَةُ اللهِ",
    "في عام 2020 زار 1500 سائح المتحف",
    "الحكيمة عم تشتغل بالمستشفى هلق",
    "المهندسة خلصت الشغل في المشروع",
]


@pytest.fixture(scope="module")
def tiny_dirs(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("modeling")
    tok_dir, model_dir = root / "tokenizer", root / "model"
    train_bpe_tokenizer(SENTENCES, vocab_size=400, out_dir=tok_dir, seed=0)
    build_tiny_qwen2(tok_dir, TinyModelConfig(), seed=0, out_dir=model_dir)
    return tok_dir, model_dir


def _digest_dir(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.iterdir()) if p.is_file()}


def test_tokenizer_special_tokens_and_round_trip(tiny_dirs):
    tok = load_tokenizer(str(tiny_dirs[0]))
    assert tok.convert_tokens_to_ids(["<|endoftext|>", "<|im_start|>", "<|im_end|>"]) == [0, 1, 2]
    assert tok.eos_token == tok.pad_token == "<|endoftext|>"
    # Byte-level: any text round-trips, including diacritics, digits, Latin and unseen emoji.
    for text in SENTENCES + ["Hello عالم 😀 ١٢٣"]:
        assert tok.decode(tok(text, add_special_tokens=False)["input_ids"]) == text
    assert len(tok) <= 400
    chat = tok.apply_chat_template([{"role": "user", "content": "مرحبا"}], tokenize=False, add_generation_prompt=True)
    assert chat == "<|im_start|>user\nمرحبا<|im_end|>\n<|im_start|>assistant\n"


def test_tokenizer_nfc_normalises(tiny_dirs):
    tok = load_tokenizer(str(tiny_dirs[0]))
    composed, decomposed = "\u0622", "\u0627\u0653"  # alef with madda, precomposed vs. combining
    assert tok(composed)["input_ids"] == tok(decomposed)["input_ids"]


def test_tokenizer_is_byte_identical_across_processes(tmp_path):
    # Separate processes with different hash seeds: catches any dict-order dependence in training.
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from arabic_llm.model.modeling import train_bpe_tokenizer
        train_bpe_tokenizer({SENTENCES!r}, 350, Path(sys.argv[1]), seed=0)
        """
    )
    outs = []
    for i, hash_seed in enumerate(("1", "2")):
        out = tmp_path / f"tok{i}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "HF_HUB_OFFLINE": "1"}
        subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, timeout=120)
        outs.append(_digest_dir(out))
    assert outs[0] == outs[1]
    assert "tokenizer.json" in outs[0]


def test_tokenizer_rejects_too_small_vocab(tmp_path):
    with pytest.raises(ValueError, match="vocab_size"):
        train_bpe_tokenizer(SENTENCES, vocab_size=100, out_dir=tmp_path, seed=0)


def test_load_tokenizer_sets_missing_pad(tiny_dirs, tmp_path):
    from transformers import PreTrainedTokenizerFast

    tok = load_tokenizer(str(tiny_dirs[0]))
    bare = PreTrainedTokenizerFast(tokenizer_object=tok.backend_tokenizer, eos_token="<|endoftext|>")
    assert bare.pad_token is None
    bare.save_pretrained(str(tmp_path))
    loaded = load_tokenizer(str(tmp_path))
    assert loaded.pad_token == "<|endoftext|>"
    assert loaded.pad_token_id == loaded.eos_token_id


def test_tiny_qwen2_shape_and_determinism(tiny_dirs, tmp_path):
    from transformers import AutoConfig

    tok_dir, model_dir = tiny_dirs
    tiny = TinyModelConfig()
    config = AutoConfig.from_pretrained(str(model_dir))
    assert config.model_type == "qwen2"
    assert config.vocab_size == len(load_tokenizer(str(tok_dir)))
    assert config.tie_word_embeddings is True
    assert (config.hidden_size, config.num_hidden_layers, config.num_key_value_heads) == (
        tiny.hidden_size,
        tiny.num_hidden_layers,
        tiny.num_key_value_heads,
    )
    assert (model_dir / "model.safetensors").is_file() and (model_dir / "tokenizer.json").is_file()

    build_tiny_qwen2(tok_dir, tiny, seed=0, out_dir=tmp_path / "same")
    build_tiny_qwen2(tok_dir, tiny, seed=1, out_dir=tmp_path / "other")
    weights = lambda d: (d / "model.safetensors").read_bytes()  # noqa: E731
    assert weights(tmp_path / "same") == weights(model_dir)
    assert weights(tmp_path / "other") != weights(model_dir)


def test_build_tiny_qwen2_leaves_global_rng_alone(tiny_dirs, tmp_path):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    build_tiny_qwen2(tiny_dirs[0], TinyModelConfig(), seed=0, out_dir=tmp_path)
    assert torch.equal(torch.rand(3), expected)


def test_resolve_compute_dtype_on_cpu(monkeypatch):
    import arabic_llm.model.modeling as modeling

    monkeypatch.setattr(modeling, "cpu_has_native_bf16", lambda: True)
    assert resolve_compute_dtype("bfloat16", "cpu") == torch.bfloat16
    # Without native bf16 instructions bf16 matmuls are many times slower than fp32: fall back.
    monkeypatch.setattr(modeling, "cpu_has_native_bf16", lambda: False)
    assert resolve_compute_dtype("bfloat16", "cpu") == torch.float32
    assert resolve_compute_dtype("float16", "cpu") == torch.float32  # no usable fp16 on CPU
    assert resolve_compute_dtype("float32", "cpu") == torch.float32
    with pytest.raises(ValueError, match="compute_dtype"):
        resolve_compute_dtype("float64", "cpu")


def test_load_base_model_is_real_nf4(tiny_dirs, monkeypatch):
    from transformers import AutoModelForCausalLM

    import arabic_llm.model.modeling as modeling

    monkeypatch.setattr(modeling, "cpu_has_native_bf16", lambda: True)  # the GPU case: bf16 compute
    _, model_dir = tiny_dirs
    model = load_base_model(str(model_dir), QuantizationConfig(), for_training=False)
    assert model.device.type == "cpu"
    assert model.config._attn_implementation == "sdpa"
    proj = model.model.layers[0].self_attn.q_proj
    assert isinstance(proj, bnb.nn.Linear4bit)
    assert isinstance(model.model.layers[0].mlp.down_proj, bnb.nn.Linear4bit)
    assert proj.weight.dtype == torch.uint8  # packed 4-bit codes
    assert proj.weight.quant_state.quant_type == "nf4"
    assert proj.weight.quant_state.nested  # double quantisation of the absmax constants
    assert proj.compute_dtype == torch.bfloat16
    # Tied embedding kept in the compute dtype, not upcast to fp32, and shared with lm_head.
    emb = model.get_input_embeddings().weight
    assert emb.dtype == torch.bfloat16
    assert model.get_output_embeddings().weight.data_ptr() == emb.data_ptr()
    assert not any(p.requires_grad for p in model.parameters())
    assert not model.training

    # The 4-bit model computes nearly what the full-precision one does.
    full = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.float32)
    ids = torch.tensor([[0, 5, 17, 42, 99, 7, 3, 250]])
    with torch.no_grad():
        q_logits = model(input_ids=ids).logits.float()
        f_logits = full(input_ids=ids).logits
    assert torch.isfinite(q_logits).all()
    corr = torch.corrcoef(torch.stack([q_logits.flatten(), f_logits.flatten()]))[0, 1]
    assert corr > 0.9


def test_load_base_model_for_training_and_unquantised(tiny_dirs):
    _, model_dir = tiny_dirs
    model = load_base_model(str(model_dir), QuantizationConfig(load_in_4bit=False, compute_dtype="float32"), for_training=True)
    assert type(model.model.layers[0].self_attn.q_proj) is torch.nn.Linear
    assert model.get_input_embeddings().weight.dtype == torch.float32
    assert model.training and model.config.use_cache is False
    # Input embeddings' outputs require grad (so checkpointed layers back-propagate into adapters).
    out = model.get_input_embeddings()(torch.tensor([[1, 2]]))
    assert out.requires_grad


def test_load_base_model_missing_dir_names_fix(tmp_path):
    with pytest.raises(OSError, match="model.name_or_path"):
        load_base_model(str(tmp_path / "nope"), QuantizationConfig(), for_training=False)
