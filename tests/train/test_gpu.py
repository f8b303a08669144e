"""The training engine on a CUDA GPU: NF4 weights, LoRA, the 8-bit paged optimiser and (where installed) the
Liger kernels, on the tiny model. Skipped where no GPU is visible; the same code path runs on CPU in
tests/train/test_training_engine.py, except the CUDA kernels and GPU memory accounting."""

from __future__ import annotations

import json

import pytest
from tiny_training import build_tiny_training_setup

from arabic_llm.config import LoraConfig, QuantizationConfig, TrainConfig
from arabic_llm.train.job import TrainingJob
from arabic_llm.train.loss import liger_available
from arabic_llm.train.qlora import train_qlora

pytestmark = pytest.mark.gpu

TEXTS = {"MSA": ["ذهب الطالب إلى المدرسة صباحا", "قرأت الكتاب في المكتبة العامة", "يعمل المهندس في الشركة الكبيرة"] * 4}


@pytest.mark.parametrize("kernels", ["none", "liger"])
def test_nf4_training_on_cuda_lowers_the_loss_and_reports_gpu_memory(tmp_path, kernels):
    if kernels == "liger" and not liger_available():
        pytest.skip("liger-kernel not installed (pip install -e .[gpu])")
    setup = build_tiny_training_setup(tmp_path / "setup", TEXTS, seq_len=32)
    train = TrainConfig(dialects=("MSA",), max_steps=12, micro_batch=4, grad_accum=1, lr=1e-2, warmup_steps=1,
                        gradient_checkpointing=True, optimizer="paged_adamw_8bit", kernels=kernels,
                        checkpoint_every=0)
    summary = train_qlora(TrainingJob(model_dir=str(setup["model"]), tokenizer_dir=str(setup["tok"]),
                                      shards_path=setup["shards"], train=train, lora=LoraConfig(r=4, alpha=8, dropout=0.0),
                                      quant=QuantizationConfig(), seed=0, out_dir=tmp_path / "out"), progress=False)
    records = [json.loads(line) for line in (tmp_path / "out" / "metrics.jsonl").read_text().splitlines()]
    assert len(records) == 12
    assert records[-1]["loss"] < records[0]["loss"]
    assert all(m["gpu_mem_peak_bytes"] > 0 for m in summary["per_step"])
    assert summary["device"].startswith("cuda")
