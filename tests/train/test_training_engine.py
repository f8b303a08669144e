"""The training engine's parts: packing with document boundaries, resumable order and checkpoints,
memory caps and shape fitting, dialect branches, export, and resume equality on the real QLoRA path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from tiny_training import build_tiny_training_setup

from arabic_llm.config import LoraConfig, MemoryConfig, QuantizationConfig, TrainConfig
from arabic_llm.data.shards import ShardDataset
from arabic_llm.train.job import TrainingJob
from arabic_llm.train.memory import Caps, MemoryCapError, fit_shape
from arabic_llm.train.qlora import QLoRARecipe, train_qlora
from arabic_llm.train.rows import (
    ResumableOrder,
    TrainRows,
    divisor_lengths,
    positions_from_doc_index,
)
from arabic_llm.train.state import list_checkpoints, load_tree, save_tree

ROW_LEN = 32
TEXTS = {
    "MSA": ["ذهب الولد إلى المدرسة في الصباح", "تقع مدينة القاهرة على ضفاف النيل", "قرأت الطالبة كتابا عن الأندلس",
            "أعلنت الحكومة عن خطة جديدة للنقل", "يدرس الطلاب العلوم في الجامعة", "زار الوفد المتحف الوطني"],
    "EGY": ["إزيك يا صاحبي عامل إيه النهارده", "أنا رايح الشغل دلوقتي", "مش عارف أعمل إيه في ده"],
    "LEV": ["شو عم تعمل هلق يا زلمة", "بدي روح عالبيت بكرا", "كتير منيح هالشي"],
}


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    return build_tiny_training_setup(tmp_path_factory.mktemp("engine"), TEXTS, ROW_LEN)


def train_config(**overrides) -> TrainConfig:
    base = dict(dialects=("MSA",), max_steps=6, micro_batch=2, grad_accum=2, lr=1e-2, warmup_steps=1,
                max_grad_norm=1.0, gradient_checkpointing=True, optimizer="paged_adamw_8bit", loss_chunk=16,
                checkpoint_every=2)
    return TrainConfig(**{**base, **overrides})


def job(setup, out: Path, train: TrainConfig, **fields) -> TrainingJob:
    return TrainingJob(model_dir=str(setup["model"]), tokenizer_dir=str(setup["tok"]), shards_path=setup["shards"],
                       train=train, lora=LoraConfig(r=4, alpha=8, dropout=0.05), quant=QuantizationConfig(),
                       seed=3, out_dir=out, **fields)


def run(setup, out: Path, train: TrainConfig, on_step=None, **fields) -> dict:
    return train_qlora(job(setup, out, train, **fields), on_step=on_step, progress=False)


# --------------------------------------------------------------------------- data


def test_positions_restart_per_document_and_padding_continues():
    doc_index = np.array([0, 0, 0, 1, 1, 2, -1, -1])
    assert positions_from_doc_index(doc_index).tolist() == [0, 1, 2, 0, 1, 0, 1, 2]


def test_divisor_lengths():
    assert divisor_lengths(2048, minimum=256) == [2048, 1024, 512, 256]
    assert divisor_lengths(96, minimum=16) == [96, 48, 24]


def test_train_rows_cut_rows_mask_padding_and_document_starts(setup):
    rows = ShardDataset(setup["shards"], "train", dialects=["MSA"])
    whole = TrainRows(rows, ROW_LEN)
    halves = TrainRows(rows, ROW_LEN // 2)
    assert len(halves) >= len(whole) and len(halves) <= 2 * len(whole)
    item = whole[0]
    ids, labels, pos = item["input_ids"], item["labels"], item["position_ids"]
    n = int(item["n_tokens"])
    assert (labels[n:] == -100).all()
    starts = [i for i in range(1, n) if pos[i] == 0]
    assert starts, "the first row packs several documents"
    for i in starts:
        assert ids[i - 1] == setup["eos"]  # a document starts right after the previous one's EOS
        assert labels[i] == -100  # and its first token is not predicted from the other document
    # Cut in halves, the same tokens in the same order.
    assert torch.equal(torch.cat([halves[0]["input_ids"], halves[1]["input_ids"]]), ids)
    with pytest.raises(ValueError, match="must divide the shards' row length 32"):
        TrainRows(rows, 24)


def test_document_attention_isolates_packed_documents(setup):
    """Doc B's hidden states in a packed row equal those of doc B alone: no attention across."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(setup["model"]), dtype=torch.float32, attn_implementation="sdpa")
    model.eval()
    a, b = torch.tensor([[5, 6, 7, 8, 9]]), torch.tensor([[11, 12, 13, 14]])
    packed = torch.cat([a, b], dim=1)
    positions = torch.tensor([[0, 1, 2, 3, 4, 0, 1, 2, 3]])
    with torch.no_grad():
        # use_cache=False as in training: with a KV cache transformers does not look for packing.
        alone = model.model(input_ids=b, use_cache=False).last_hidden_state
        isolated = model.model(input_ids=packed, position_ids=positions, use_cache=False).last_hidden_state[:, 5:]
        leaking = model.model(input_ids=packed, use_cache=False).last_hidden_state[:, 5:]
    torch.testing.assert_close(isolated, alone, rtol=1e-5, atol=1e-5)
    assert not torch.allclose(leaking, alone, atol=1e-3)  # the check can fail: without it, B sees A


def test_order_is_a_function_of_the_batch_number():
    full = ResumableOrder(10, 3, seed=5)
    it = iter(full)
    first = [next(it) for _ in range(8)]
    resumed = iter(ResumableOrder(10, 3, seed=5, start_batch=5))
    assert [next(resumed) for _ in range(3)] == first[5:]
    epoch0 = [i for b in first[:3] for i in b]
    assert len(set(epoch0)) == 9  # 3 full batches of an epoch of 10, ragged tail dropped, no repeats
    assert first[3] != first[0]  # epoch 1 is a new permutation


# --------------------------------------------------------------------------- checkpoints


def test_tree_round_trip_without_pickle(tmp_path):
    tree = {"state": {0: {"step": 3, "m": torch.arange(4.0)}, 1: {"q": torch.ones(2, dtype=torch.uint8)}},
            "groups": [{"lr": 0.1, "betas": (0.9, 0.999), "params": [0, 1]}], "none": None}
    save_tree(tree, tmp_path, "opt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["opt.json", "opt.safetensors"]
    back = load_tree(tmp_path, "opt")
    assert back["state"][0]["step"] == 3 and torch.equal(back["state"][0]["m"], torch.arange(4.0))
    assert back["state"][1]["q"].dtype == torch.uint8
    assert back["groups"][0]["betas"] == (0.9, 0.999) and back["none"] is None
    with pytest.raises(TypeError, match="cannot store"):
        save_tree({"x": object()}, tmp_path, "bad")


def test_8bit_adamw_state_with_shared_quantisation_maps_round_trips(tmp_path):
    """bitsandbytes' 8-bit AdamW gives every parameter of 4096+ values the same qmap tensors: the
    checkpoint stores each once, and a restored optimiser continues exactly as the saved one."""
    import bitsandbytes as bnb

    def optimizer_after_steps():
        torch.manual_seed(0)
        params = [torch.nn.Parameter(torch.randn(64, 96)) for _ in range(3)]
        opt = bnb.optim.AdamW8bit(params, lr=1e-2)
        for _ in range(2):
            sum((p ** 2).sum() for p in params).backward()
            opt.step()
            opt.zero_grad()
        return params, opt

    params, opt = optimizer_after_steps()
    state = opt.state_dict()
    quant = [state["state"][i]["__bnb_optimizer_quant_state__"] for i in range(3)]
    assert quant[0]["qmap1"].data_ptr() == quant[1]["qmap1"].data_ptr()  # what broke saving
    save_tree(state, tmp_path, "optimizer")
    back = load_tree(tmp_path, "optimizer")
    for i in range(3):
        restored = back["state"][i]["__bnb_optimizer_quant_state__"]
        assert restored.keys() == quant[i].keys()
        assert all(torch.equal(restored[name], value) for name, value in quant[i].items())
    twin_params, twin = optimizer_after_steps()
    twin.load_state_dict(back)
    for opt_, ps in ((opt, params), (twin, twin_params)):
        sum((p ** 2).sum() for p in ps).backward()
        opt_.step()
    assert all(torch.equal(a, b) for a, b in zip(params, twin_params))


def test_resumed_run_equals_uninterrupted_run(setup, tmp_path):
    """Killed after step 5 (last checkpoint at 4), rerun: the final adapter is bit-identical."""
    train = train_config()
    whole = run(setup, tmp_path / "whole", train, checkpoint_dir=tmp_path / "ck-whole")

    class Killed(Exception):
        pass

    def kill_at_5(step):
        if step == 5:
            raise Killed

    with pytest.raises(Killed):
        run(setup, tmp_path / "first", train, checkpoint_dir=tmp_path / "ck", on_step=kill_at_5)
    assert [p.name for p in list_checkpoints(tmp_path / "ck")] == ["step-000002", "step-000004"]
    resumed = run(setup, tmp_path / "second", train, checkpoint_dir=tmp_path / "ck")
    assert resumed["resumed_from_step"] == 4 and whole["resumed_from_step"] is None
    a = load_file(str(tmp_path / "whole" / "adapter" / "adapter_model.safetensors"))
    b = load_file(str(tmp_path / "second" / "adapter" / "adapter_model.safetensors"))
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    # Metrics of steps 1-4 carried over: the whole file is the uninterrupted run's, byte for byte.
    assert (tmp_path / "second" / "metrics.jsonl").read_bytes() == (tmp_path / "whole" / "metrics.jsonl").read_bytes()
    assert [m["step"] for m in resumed["per_step"]] == [1, 2, 3, 4, 5, 6]  # measurements too
    # No checkpoint inside the finished output.
    assert not any("step-" in p.name for p in (tmp_path / "second").rglob("*"))


# --------------------------------------------------------------------------- memory


def fake_probe(per_token: int, ckpt_saving: float):
    """A memory model: bytes grow with tokens; checkpointing divides activation memory."""

    def probe(seq_len, micro_batch, checkpointing):
        act = seq_len * micro_batch * per_token
        return 1000 + int(act / ckpt_saving if checkpointing else act), 0

    return probe


def test_fit_prefers_longest_sequence_then_largest_batch():
    caps = Caps(gpu_bytes=10_000, ram_bytes=None, device="cuda")
    fit = fit_shape(fake_probe(1, 4.0), caps, seq_lens=[8192, 4096, 2048], micro_batches=[1, 2, 4, 8],
                    checkpointing=[False, True], where="t", headroom=0.0)
    # 8192 fits only with checkpointing (1000 + 8192/4 = 3048 at mb 1; mb 4 -> 9192; mb 8 too big).
    assert (fit.seq_len, fit.micro_batch, fit.checkpointing) == (8192, 4, True)


def test_fit_keeps_checkpointing_off_when_it_fits_as_well():
    caps = Caps(gpu_bytes=10**9, ram_bytes=None, device="cuda")
    fit = fit_shape(fake_probe(1, 4.0), caps, seq_lens=[2048], micro_batches=[1, 2, 4, 8],
                    checkpointing=[False, True], where="t")
    assert (fit.micro_batch, fit.checkpointing) == (8, False)
    assert all(not p.checkpointing for p in fit.probes)  # never probed what it did not need


def test_nothing_fits_says_what_was_tried():
    caps = Caps(gpu_bytes=2000, ram_bytes=None, device="cuda")
    with pytest.raises(MemoryCapError, match=r"train_msa: no training shape fits.*seq_len 4096 x micro_batch 1"):
        fit_shape(fake_probe(1, 2.0), caps, seq_lens=[4096], micro_batches=[1], checkpointing=[True], where="train_msa")


def test_ram_cap_refuses_a_shape_before_training(setup, tmp_path):
    with pytest.raises(MemoryCapError, match=r"seq_len 32 x micro_batch 2 .*RSS peak .* over the cap"):
        run(setup, tmp_path / "out", train_config(max_steps=2),
            memory=MemoryConfig(gpu_limit_gib=None, ram_limit_gib=0.01))
    assert not (tmp_path / "out" / "adapter").exists()


def test_ram_cap_checked_during_training():
    caps = Caps(gpu_bytes=None, ram_bytes=2 * 2**30, device="cpu")
    caps.check_ram(2**30, "train_msa step 3")
    with pytest.raises(MemoryCapError, match=r"train_msa step 3: process RSS reached 3.00 GiB, over memory.ram_limit_gib=2"):
        caps.check_ram(3 * 2**30, "train_msa step 3")


def test_auto_shape_on_cpu_probes_and_records(setup, tmp_path):
    summary = run(setup, tmp_path / "out", train_config(max_steps=1, seq_len="auto", micro_batch="auto",
                                                        max_micro_batch=4, gradient_checkpointing="auto"),
                  memory=MemoryConfig(gpu_limit_gib=None, ram_limit_gib=20))
    assert summary["seq_len"] == ROW_LEN and summary["micro_batch"] == 4 and summary["gradient_checkpointing"] is False
    assert [p["micro_batch"] for p in summary["shape_probes"]] == [1, 2, 4]


@pytest.mark.skipif(torch.cuda.is_available(), reason="the refusal is for machines without CUDA")
def test_liger_requested_without_cuda_is_refused_before_loading(setup, tmp_path):
    with pytest.raises(RuntimeError, match="train_msa: train.kernels=liger needs a CUDA GPU"):
        QLoRARecipe(job(setup, tmp_path / "out", train_config(max_steps=1, kernels="liger"), where="train_msa"))
    assert not (tmp_path / "out").exists()


def test_a_missing_init_adapter_is_refused_before_loading(setup, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"train_dialects: init_adapter .*nowhere: no adapter_config.json"):
        QLoRARecipe(job(setup, tmp_path / "out", train_config(), init_adapter=tmp_path / "nowhere",
                        where="train_dialects"))


def test_the_job_round_trips_through_json(setup, tmp_path):
    full = job(setup, tmp_path / "out", train_config(sources=("wikipedia",), seq_len="auto",
                                                     branches={"egy": ("EGY",)}),
               memory=MemoryConfig(gpu_limit_gib=3.5, ram_limit_gib=None), init_adapter=tmp_path / "a",
               checkpoint_dir=tmp_path / "ck", run_dir=tmp_path / "run", where="train_dialects")
    again = TrainingJob.model_validate_json(full.model_dump_json())
    assert again == full and again.model_dump_json() == full.model_dump_json()
    assert isinstance(again.out_dir, Path) and again.train.branches == {"egy": ("EGY",)}
    with pytest.raises(ValueError, match="lora_rank"):
        TrainingJob.model_validate({**full.model_dump(mode="json"), "lora_rank": 4})  # unknown keys are errors


# --------------------------------------------------------------------------- stages


def stage_inputs(setup, tmp_path) -> dict:
    from arabic_llm.layout import SHARDS_FILE

    shards_dir = tmp_path / "shards"
    shards_dir.mkdir()
    (shards_dir / SHARDS_FILE).write_bytes(setup["shards"].read_bytes())
    return {"shards": shards_dir, "base_model": setup["model"], "tokenizer": setup["tok"]}


def params(**train) -> "TrainParams":  # noqa: F821
    from arabic_llm.config import TrainParams

    return TrainParams(train=train_config(**train), lora=LoraConfig(r=4, alpha=8), quantization=QuantizationConfig(),
                       memory=MemoryConfig(gpu_limit_gib=None, ram_limit_gib=None), seed=1)


def test_killed_stage_resumes_from_its_work_area_and_cleans_it(setup, tmp_path, monkeypatch):
    import arabic_llm.train.qlora as qlora
    from arabic_llm.cache.stage import run_stage
    from arabic_llm.cache.store import Store
    from tasks.train_msa import train_msa

    inputs = stage_inputs(setup, tmp_path)
    store_root = tmp_path / "store"
    real = qlora.train_qlora

    def dies_after_step_3(job, **kw):
        def on_step(step):
            if step == 3:
                raise KeyboardInterrupt  # as a kill would, mid-training
        return real(job, **{**kw, "on_step": on_step})

    monkeypatch.setattr(qlora, "train_qlora", dies_after_step_3)
    with pytest.raises(KeyboardInterrupt):
        run_stage(train_msa.spec, train_msa.build, params(max_steps=4), inputs, str(store_root), None)
    work = list((store_root / "work" / "train_msa").iterdir())
    assert len(work) == 1 and list_checkpoints(work[0] / "checkpoints")
    assert not list((store_root / "artifacts").glob("train_msa/*"))  # nothing half-written
    monkeypatch.setattr(qlora, "train_qlora", real)
    ref = run_stage(train_msa.spec, train_msa.build, params(max_steps=4), inputs, str(store_root), None)
    manifest = Store(store_root).manifest("train_msa", ref.key)
    assert manifest["summary"]["resumed_from_step"] == 2
    assert not work[0].exists()  # checkpoints dropped once the artifact is committed


def test_dialect_branches_each_start_from_msa(setup, tmp_path):
    from tasks.train_dialects import train_dialects
    from tasks.train_msa import train_msa

    inputs = stage_inputs(setup, tmp_path)
    msa_out = tmp_path / "msa"
    msa_out.mkdir()
    train_msa.build(msa_out, params(max_steps=2), **inputs)
    assert json.loads((msa_out / "adapters.json").read_text()) == {"msa": "adapter"}
    out = tmp_path / "dialects"
    out.mkdir()
    summary = train_dialects.build(out, params(max_steps=2, dialects=("EGY", "LEV"),
                                               branches={"egy": ("EGY",), "lev": ("LEV",)}),
                                   msa_adapter=msa_out, work_dir=tmp_path / "work", **inputs)
    listed = json.loads((out / "adapters.json").read_text())
    assert listed == {"egy": "branches/egy/adapter", "lev": "branches/lev/adapter"}
    for name, rel in listed.items():
        assert (out / rel / "adapter_model.safetensors").is_file()
        assert summary["branches"][name]["dialects"] == [name.upper()]
        assert summary["branches"][name]["init_adapter"].endswith("msa/adapter")
    egy = load_file(str(out / listed["egy"] / "adapter_model.safetensors"))
    lev = load_file(str(out / listed["lev"] / "adapter_model.safetensors"))
    assert any(not torch.equal(egy[k], lev[k]) for k in egy)  # trained on different rows


def test_export_merges_into_full_precision_copy(setup, tmp_path):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from arabic_llm.model.export import merge_adapter

    summary = run(setup, tmp_path / "train", train_config(max_steps=2))
    merge_adapter(str(setup["model"]), Path(summary["adapter_dir"]), tmp_path / "merged", dtype="float32")
    merged = AutoModelForCausalLM.from_pretrained(str(tmp_path / "merged"), dtype=torch.float32)
    assert not any("lora" in n for n, _ in merged.named_parameters())
    base = AutoModelForCausalLM.from_pretrained(str(setup["model"]), dtype=torch.float32)
    reference = PeftModel.from_pretrained(base, summary["adapter_dir"]).eval()
    ids = torch.tensor([[5, 9, 23, 41, 7]])
    with torch.no_grad():
        torch.testing.assert_close(merged(ids).logits, reference(ids).logits, rtol=1e-4, atol=1e-4)
        plain = AutoModelForCausalLM.from_pretrained(str(setup["model"]), dtype=torch.float32)(ids).logits
    assert not torch.allclose(plain, merged(ids).logits, atol=1e-4)  # the adapter really is in there
    with pytest.raises(FileNotFoundError, match="no adapter_config.json"):
        merge_adapter(str(setup["model"]), tmp_path, tmp_path / "x")
