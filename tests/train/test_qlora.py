"""QLoRA recipe: schedule, chunked loss, and real 4-bit + LoRA training runs on the tiny Qwen2 (CPU)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import bitsandbytes as bnb
import peft
import pytest
import torch
from tiny_training import build_tiny_training_setup

from arabic_llm.config import LoraConfig, QuantizationConfig, TrainConfig
from arabic_llm.model.modeling import resolve_compute_dtype
from arabic_llm.train.artifacts import MEASUREMENT_FIELDS, METRIC_FIELDS
from arabic_llm.train.job import TrainingJob
from arabic_llm.train.loss import chunked_causal_lm_loss
from arabic_llm.train.qlora import lr_at, train_qlora

SEQ_LEN = 32
DOCS = {
    "MSA": [
        "ذهب الولد إلى المدرسة في الصباح الباكر",
        "عمل الطبيب في المستشفى طوال الليل",
        "تقع مدينة القاهرة على ضفاف نهر النيل",
        "اللغة العربية من أكثر اللغات انتشارا في العالم",
        "قرأت الطالبة كتابا عن تاريخ الأندلس",
        "يحب الناس شرب الشاي بعد الغداء",
        "كتب الصحفي مقالا عن الاقتصاد والتعليم",
        "زار الوفد المتحف الوطني يوم الخميس",
        "أعلنت الحكومة عن خطة جديدة للنقل العام",
        "يدرس الطلاب الرياضيات والعلوم في الجامعة",
    ],
    "EGY": [
        "إزيك يا صاحبي عامل إيه النهارده",
        "أنا رايح الشغل دلوقتي وراجع بالليل",
        "مش عارف أعمل إيه في الموضوع ده",
        "الأكل ده حلو قوي تسلم إيدك",
        "هو فين الكتاب اللي كان هنا",
        "عايز أشرب شاي بلبن دلوقتي",
    ],
}

TRAIN = TrainConfig(
    dialects=("MSA",),
    max_steps=3,
    micro_batch=2,
    grad_accum=2,
    lr=1e-2,  # large so three steps visibly move the adapters
    warmup_steps=1,
    max_grad_norm=1.0,
    gradient_checkpointing=True,
    optimizer="paged_adamw_8bit",
    loss_chunk=16,  # several chunks per micro-batch
)
LORA = LoraConfig(r=4, alpha=8, dropout=0.05)


# ---------------------------------------------------------------------------------------------
# Pure pieces
# ---------------------------------------------------------------------------------------------


def test_lr_at_hand_values():
    train = TrainConfig(dialects=("MSA",), lr=1.0, warmup_steps=2, max_steps=6)
    c = math.cos
    expected = {
        0: 0.0,
        1: 0.5,
        2: 1.0,
        3: 0.5 * (1 + c(math.pi * 1 / 4)),
        4: 0.5,
        5: 0.5 * (1 + c(math.pi * 3 / 4)),
        6: 0.0,
        7: 0.0,  # past the end it stays at 0
    }
    for step, value in expected.items():
        assert lr_at(step, train) == pytest.approx(value, abs=1e-12), step


def test_lr_at_edge_cases():
    no_warmup = TrainConfig(dialects=("MSA",), lr=2.0, warmup_steps=0, max_steps=4)
    assert lr_at(0, no_warmup) == pytest.approx(2.0)
    assert lr_at(2, no_warmup) == pytest.approx(1.0)
    long_warmup = TrainConfig(dialects=("MSA",), lr=1.0, warmup_steps=100, max_steps=20)  # the defaults' shape
    assert lr_at(20, long_warmup) == pytest.approx(0.2)


@pytest.mark.parametrize("warmup,total", [(0, 5), (2, 6), (3, 3), (10, 4), (5, 40)])
def test_lr_at_matches_transformers_schedule(warmup, total):
    from transformers import get_cosine_schedule_with_warmup

    train = TrainConfig(dialects=("MSA",), lr=3e-4, warmup_steps=warmup, max_steps=total)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=train.lr)
    scheduler = get_cosine_schedule_with_warmup(optimizer, warmup, total)
    for step in range(total + 1):
        assert lr_at(step, train) == pytest.approx(optimizer.param_groups[0]["lr"], rel=1e-9, abs=1e-15), step
        optimizer.step()
        scheduler.step()


@pytest.mark.parametrize("chunk", [1, 3, 7, 1000])
def test_chunked_loss_equals_plain_cross_entropy(chunk):
    import torch.nn.functional as F

    g = torch.Generator().manual_seed(0)
    batch, seq, hidden_size, vocab = 2, 9, 8, 23
    hidden = torch.randn(batch, seq, hidden_size, generator=g, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(vocab, hidden_size, generator=g, dtype=torch.float64, requires_grad=True)
    labels = torch.randint(0, vocab, (batch, seq), generator=g)
    labels[0, -3:] = -100  # padding
    labels[1, 4] = -100

    logits = hidden @ weight.T
    plain = F.cross_entropy(logits[:, :-1].reshape(-1, vocab).float(), labels[:, 1:].reshape(-1), ignore_index=-100)
    plain_grads = torch.autograd.grad(plain, (hidden, weight))

    chunked = chunked_causal_lm_loss(hidden, weight, labels, chunk)
    chunked_grads = torch.autograd.grad(chunked, (hidden, weight))
    assert chunked.item() == pytest.approx(plain.item(), rel=1e-6)
    for a, b in zip(chunked_grads, plain_grads):
        torch.testing.assert_close(a, b.to(a.dtype), rtol=1e-5, atol=1e-6)

    n_scored = int((labels[:, 1:] != -100).sum())
    total = chunked_causal_lm_loss(hidden, weight, labels, chunk, reduction="sum")
    assert total.item() == pytest.approx(plain.item() * n_scored, rel=1e-6)


def test_chunked_loss_matches_qwen2_loss_and_handles_empty():
    from transformers import Qwen2Config, Qwen2ForCausalLM

    torch.manual_seed(0)
    model = Qwen2ForCausalLM(
        Qwen2Config(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=1, intermediate_size=32)
    )
    ids = torch.randint(0, 50, (2, 10))
    labels = ids.clone()
    labels[1, 7:] = -100
    with torch.no_grad():
        reference = model(input_ids=ids, labels=labels).loss
        hidden = model.model(input_ids=ids).last_hidden_state
        ours = chunked_causal_lm_loss(hidden, model.lm_head.weight, labels, chunk=4)
    assert ours.item() == pytest.approx(reference.item(), rel=1e-5)
    assert chunked_causal_lm_loss(hidden, model.lm_head.weight, torch.full_like(ids, -100), 4).item() == 0.0


# ---------------------------------------------------------------------------------------------
# Training runs
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    return build_tiny_training_setup(tmp_path_factory.mktemp("qlora"), DOCS, SEQ_LEN,
                                     {"tokenizer_digest": "test", "recipe_key": "test"})


def _run(setup, out_dir: Path, *, train=TRAIN, init_adapter=None, seed=7, capture: dict | None = None) -> dict:
    """train_qlora, optionally capturing the peft model and a snapshot of its initial state."""
    with pytest.MonkeyPatch.context() as mp:
        if capture is not None:
            real_get, real_from = peft.get_peft_model, peft.PeftModel.from_pretrained

            def snap(model):
                capture["model"] = model
                capture["before"] = {k: v.detach().clone() for k, v in model.state_dict().items()}
                return model

            mp.setattr(peft, "get_peft_model", lambda *a, **k: snap(real_get(*a, **k)))
            mp.setattr(peft.PeftModel, "from_pretrained", lambda *a, **k: snap(real_from(*a, **k)))
        job = TrainingJob(model_dir=str(setup["model"]), tokenizer_dir=str(setup["tok"]), shards_path=setup["shards"],
                          train=train, lora=LORA, quant=QuantizationConfig(), seed=seed, out_dir=out_dir,
                          run_dir=out_dir.parent / f"{out_dir.name}-run", init_adapter=init_adapter)
        return train_qlora(job, progress=False)


@pytest.fixture(scope="module")
def msa_run(setup) -> dict:
    capture: dict = {}
    out = setup["root"] / "msa"
    summary = _run(setup, out, capture=capture)
    return {"summary": summary, "out": out, **capture}


def test_train_summary_and_artifacts(msa_run):
    s, out = msa_run["summary"], msa_run["out"]
    assert s["steps"] == 3 and s["tokens"] > 0
    assert math.isfinite(s["final_loss"]) and s["final_loss"] > 0
    # Paged AdamW has nothing to page on CPU: the recipe falls back and says so.
    assert s["optimizer_requested"] == "paged_adamw_8bit"
    assert s["optimizer"] == "adamw_8bit" and "cpu" in s["optimizer_note"]
    assert s["device"] == "cpu" and s["compute_dtype"] == str(resolve_compute_dtype("bfloat16", "cpu")).removeprefix("torch.")
    assert 0 < s["trainable_params"] < s["total_params"]
    assert s["peak_rss_bytes"] > 0
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    assert (out / "adapter" / "adapter_config.json").is_file()
    assert sorted(p.name for p in out.iterdir()) == ["adapter", "loss.png", "metrics.jsonl"]
    run_dir = out.parent / f"{out.name}-run"  # the run's own figures, outside the artifact
    for png in (out / "loss.png", run_dir / "memory.png", run_dir / "ram.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_metrics_one_line_per_step(msa_run):
    lines = (msa_run["out"] / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["step"] for r in records] == [1, 2, 3]
    for r in records:
        assert sorted(r) == sorted(METRIC_FIELDS)  # no times nor memory figures: they vary run to run
        assert math.isfinite(r["loss"]) and r["perplexity"] == pytest.approx(math.exp(r["loss"]))
        assert r["grad_norm"] >= 0 and r["tokens"] > 0
    assert [r["lr"] for r in records] == pytest.approx([lr_at(t, TRAIN) for t in (1, 2, 3)])
    assert msa_run["summary"]["final_loss"] == records[-1]["loss"]


def test_measurements_go_to_the_summary_one_per_step(msa_run):
    measured = msa_run["summary"]["per_step"]
    assert [m["step"] for m in measured] == [1, 2, 3]
    for m in measured:
        assert sorted(m) == sorted(MEASUREMENT_FIELDS)
        assert m["tokens_per_s"] > 0 and m["step_seconds"] > 0 and m["rss_bytes"] > 0
        assert m["gpu_mem_allocated_bytes"] == m["gpu_mem_reserved_bytes"] == m["gpu_mem_peak_bytes"] == 0
    assert [m["elapsed_s"] for m in measured] == sorted(m["elapsed_s"] for m in measured)


def test_base_is_4bit_and_frozen_while_lora_moves(msa_run):
    model, before = msa_run["model"], msa_run["before"]
    layer = model.get_base_model().model.layers[0].self_attn.q_proj
    assert isinstance(layer.base_layer, bnb.nn.Linear4bit)
    after = model.state_dict()
    lora_keys = [k for k in after if "lora_" in k]
    base_keys = [k for k in after if "lora_" not in k]
    assert lora_keys and base_keys
    assert any("weight" in k and after[k].dtype == torch.uint8 for k in base_keys)  # packed NF4 weights
    for k in base_keys:
        assert torch.equal(after[k], before[k]), f"base tensor {k} changed"
    changed = [k for k in lora_keys if not torch.equal(after[k], before[k])]
    assert any("lora_B" in k for k in changed) and any("lora_A" in k for k in changed)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all("lora_" in n for n in trainable)
    # Embedding (tied lm_head) stayed in the compute dtype, never upcast.
    assert model.get_base_model().get_input_embeddings().weight.dtype == resolve_compute_dtype("bfloat16", "cpu")


def test_training_is_deterministic(setup, msa_run):
    again = _run(setup, setup["root"] / "msa_again")
    first = [json.loads(x)["loss"] for x in (msa_run["out"] / "metrics.jsonl").read_text().splitlines()]
    second = [json.loads(x)["loss"] for x in (setup["root"] / "msa_again" / "metrics.jsonl").read_text().splitlines()]
    assert again["final_loss"] == msa_run["summary"]["final_loss"]
    assert first == second


def test_continue_from_adapter(setup, msa_run):
    from safetensors.torch import load_file

    saved = load_file(str(msa_run["out"] / "adapter" / "adapter_model.safetensors"))
    capture: dict = {}
    train = TRAIN.model_copy(update={"dialects": ("EGY",), "optimizer": "adamw", "gradient_checkpointing": False})
    summary = _run(setup, setup["root"] / "dialects", train=train, init_adapter=msa_run["out"] / "adapter", capture=capture)
    assert summary["init_adapter"].endswith("adapter") and summary["optimizer"] == "adamw"
    assert summary["optimizer_note"] is None
    # The loaded adapter holds the MSA stage's weights (keys differ only by peft's adapter name).
    before = {k.replace(".default", ""): v for k, v in capture["before"].items() if "lora_" in k}
    assert before and set(saved) <= set(before)
    for k, v in saved.items():
        torch.testing.assert_close(before[k], v.to(before[k].dtype))
    # ...and kept training.
    after = {k.replace(".default", ""): v for k, v in capture["model"].state_dict().items() if "lora_" in k}
    assert any(not torch.equal(after[k], before[k]) for k in saved)
    assert all(p.requires_grad for n, p in capture["model"].named_parameters() if "lora_" in n)


def test_no_matching_rows_names_the_dialects(setup, tmp_path):
    train = TRAIN.model_copy(update={"dialects": ("GLF", "MGR")})
    with pytest.raises(ValueError, match=r"GLF.*MGR.*holds \['MSA', 'EGY'\]"):
        _run(setup, tmp_path, train=train)
