"""QLoRA training: this engine against the plain transformers + peft + bitsandbytes path, side by side.

The baseline is the script most users write (as ../shared/anchors/hf_qlora_baseline.py measures):
``prepare_model_for_kbit_training`` + LoRA r=8 on q,k,v,o + gradient checkpointing + the model's own
loss + paged 8-bit AdamW. The engine is ``arabic_llm.train.qlora.QLoRARecipe`` itself (through
``train_qlora``), reading synthetic HDF5 shards through its loader (``make_loader``). Random weights: speed and memory do not depend on their values.

    python benchmarks/bench_train.py [--out results.jsonl]

On a CUDA GPU: the Qwen2-1.5B architecture; peak GPU memory at 2048 x 1 (the 4 GB card question),
tokens/s at 2048 x 8 (the big-card question), the engine's own choice under a 3.5 GiB cap. On CPU:
a small Qwen2 (vocab 32k, so the logits matter) at 256 x 1 and 256 x 4, peak RSS and tokens/s.
Each case: 2 warm-up steps, then the median step time of the rest.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

QWEN2_1_5B = dict(vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
                  num_attention_heads=12, num_key_value_heads=2, max_position_embeddings=32768,
                  rope_theta=1000000.0, tie_word_embeddings=True, rms_norm_eps=1e-6)
SMALL = dict(vocab_size=32000, hidden_size=256, intermediate_size=688, num_hidden_layers=4,
             num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096, tie_word_embeddings=True)
GIB = 2**30
STEPS, WARMUP = (8, 2) if torch.cuda.is_available() else (4, 1)  # NF4 on CPU is slow


def build_model(arch: dict, path: Path, device: str) -> None:
    from transformers import Qwen2Config, Qwen2ForCausalLM

    if (path / "config.json").exists():
        return
    torch.manual_seed(0)
    with torch.device(device):  # init on the GPU when there is one: seconds instead of minutes
        model = Qwen2ForCausalLM(Qwen2Config(**arch)).to(torch.bfloat16)
    model.save_pretrained(str(path))
    del model


def build_tokenizer(path: Path, vocab: int) -> None:
    """A tokenizer with the model's vocabulary size and EOS 0 (only its EOS id is checked)."""
    from tokenizers import Tokenizer, models
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel({f"t{i}": i for i in range(vocab)}, unk_token="t1"))
    PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="t0", pad_token="t0").save_pretrained(str(path))


def build_shards(path: Path, row_len: int, rows: int, vocab: int) -> None:
    from arabic_llm.data.shards import Row, ShardDataset

    rng = np.random.default_rng(0)
    data = [Row(rng.integers(1, vocab, row_len).tolist(), [0] * row_len, "MSA", "wikipedia") for _ in range(rows)]
    ShardDataset.write(path, {"train": data, "eval": []}, {"eos_token_id": 0}, seq_len=row_len, pad_id=0)


def _reset(device: str) -> None:
    gc.collect()
    if device == "cuda":
        torch.cuda.set_per_process_memory_fraction(1.0)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def naive(model_dir: Path, seq: int, bsz: int, device: str) -> dict:
    """The usual script: HF forward with labels, prepare_model_for_kbit_training, paged 8-bit AdamW."""
    import bitsandbytes as bnb
    import peft
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    from arabic_llm.train.memory import RssWatch

    _reset(device)
    with RssWatch() as rss:
        dtype = torch.bfloat16
        q = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_use_double_quant=True, bnb_4bit_quant_type="nf4",
                               bnb_4bit_compute_dtype=dtype)
        model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=dtype, quantization_config=q,
                                                     device_map={"": device})
        model = peft.prepare_model_for_kbit_training(model, use_gradient_checkpointing=True)
        model = peft.get_peft_model(model, peft.LoraConfig(r=8, lora_alpha=32, lora_dropout=0.05, task_type="CAUSAL_LM",
                                                           target_modules=["q_proj", "k_proj", "v_proj", "o_proj"]))
        params = [p for p in model.parameters() if p.requires_grad]
        opt = (bnb.optim.PagedAdamW8bit if device == "cuda" else bnb.optim.AdamW8bit)(params, lr=5e-5)
        x = torch.randint(1, model.config.vocab_size, (bsz, seq), device=device)
        model.train()
        times = []
        for _ in range(STEPS):
            t = time.perf_counter()
            loss = model(input_ids=x, labels=x).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 0.3)
            opt.step()
            opt.zero_grad(set_to_none=True)
            float(loss)  # sync
            times.append(time.perf_counter() - t)
        peak_gpu = torch.cuda.max_memory_allocated() if device == "cuda" else None
        peak_rss = rss.peak
    del model, opt
    return _result("naive HF+peft+bnb", seq, bsz, times, peak_gpu, peak_rss, checkpointing=True, kernels="none")


def engine(model_dir: Path, tok_dir: Path, shards: Path, seq, bsz, device: str, *, gpu_cap=None,
           checkpointing=True, kernels="auto", label="engine") -> dict:
    from arabic_llm.config import (
        LoraConfig,
        MemoryConfig,
        QuantizationConfig,
        TrainConfig,
    )
    from arabic_llm.train.job import TrainingJob
    from arabic_llm.train.memory import RssWatch
    from arabic_llm.train.qlora import train_qlora

    _reset(device)
    train = TrainConfig(dialects=("MSA",), max_steps=STEPS, seq_len=seq, micro_batch=bsz, max_micro_batch=8,
                        grad_accum=1, lr=5e-5, warmup_steps=1, gradient_checkpointing=checkpointing,
                        kernels=kernels, checkpoint_every=0, log_every=STEPS)
    with tempfile.TemporaryDirectory() as out, RssWatch() as rss:
        summary = train_qlora(TrainingJob(model_dir=str(model_dir), tokenizer_dir=str(tok_dir), shards_path=shards,
                                          train=train, lora=LoraConfig(), quant=QuantizationConfig(), seed=0,
                                          out_dir=Path(out), memory=MemoryConfig(gpu_limit_gib=gpu_cap, ram_limit_gib=None),
                                          where=label), progress=False)
        peak_rss = rss.peak
    peak_gpu = torch.cuda.max_memory_allocated() if device == "cuda" else None
    res = _result(label, summary["seq_len"], summary["micro_batch"], [m["step_seconds"] for m in summary["per_step"]],
                  peak_gpu, peak_rss, checkpointing=summary["gradient_checkpointing"], kernels=summary["kernels"])
    res["train_loop_peak_gpu_gib"] = round(summary["peak_gpu_mem_bytes"] / GIB, 3) if device == "cuda" else None
    res["gpu_cap_gib"] = gpu_cap
    res["probes"] = summary["shape_probes"]
    return res


def _result(path, seq, bsz, times, peak_gpu, peak_rss, **extra) -> dict:
    step = statistics.median(times[WARMUP:])
    return {"path": path, "seq": seq, "bsz": bsz, "step_s": round(step, 4), "tokens_per_s": round(seq * bsz / step, 1),
            "peak_gpu_gib": None if peak_gpu is None else round(peak_gpu / GIB, 3),
            "peak_rss_gib": round(peak_rss / GIB, 3), **extra}


def check_fused_loss(vocab: int, hidden_size: int) -> dict:
    """Liger's fused loss against the chunked one on the same inputs: values and gradients."""
    from arabic_llm.train.loss import make_loss

    g = torch.Generator(device="cuda").manual_seed(0)
    h = torch.randn(2, 512, hidden_size, device="cuda", dtype=torch.bfloat16, generator=g)
    w = (torch.randn(vocab, hidden_size, device="cuda", generator=g) * 0.02).to(torch.bfloat16)
    y = torch.randint(0, vocab, (2, 512), device="cuda", generator=g)
    y[:, 100:120] = -100
    out = {}
    for kind in ("chunked", "liger"):
        hh = h.clone().requires_grad_(True)
        loss = make_loss(kind, 256)(hh, w, y)
        loss.backward()
        out[kind] = (loss.detach().double(), hh.grad.double())
    (lc, gc_), (ll, gl) = out["chunked"], out["liger"]
    return {"check": "liger vs chunked loss", "loss_rel_diff": float((ll - lc).abs() / lc.abs()),
            "grad_rel_diff": float((gl - gc_).norm() / gc_.norm())}


def loader_throughput(shards: Path, seq: int, bsz: int, device: str, batches: int = 100) -> dict:
    """Tokens/s the training loader delivers (HDF5 read, cut, positions, collate, pin), nothing else."""
    from arabic_llm.data.shards import ShardDataset
    from arabic_llm.train.qlora import make_loader
    from arabic_llm.train.rows import ResumableOrder, TrainRows

    dataset = TrainRows(ShardDataset(shards, "train"), seq)
    it = make_loader(dataset, ResumableOrder(len(dataset), bsz, seed=0), device)
    next(it)  # worker start-up is not throughput
    t = time.perf_counter()
    for _ in range(batches):
        next(it)
    dt = time.perf_counter() - t
    del it
    return {"path": "loader only", "seq": seq, "bsz": bsz, "tokens_per_s": round(batches * seq * bsz / dt, 1),
            "workers": 2 if device == "cuda" else 0}


def run_case(fn, *args, **kwargs) -> dict:
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - a case that fails (e.g. OOM) is a result too
        _reset(args[-1] if isinstance(args[-1], str) else "cpu")
        return {"path": kwargs.get("label", getattr(fn, "__name__", "?")), "error": repr(exc)[:400]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=None, help="also write one JSON line per case here")
    args = parser.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    work = Path(tempfile.mkdtemp(prefix="bench-train-"))
    arch = QWEN2_1_5B if device == "cuda" else SMALL
    row_len = 4096 if device == "cuda" else 256
    model_dir, tok_dir, shards = work / "model", work / "tok", work / "shards.h5"
    t0 = time.perf_counter()
    build_model(arch, model_dir, device)
    build_tokenizer(tok_dir, arch["vocab_size"])
    build_shards(shards, row_len, 96 if device == "cuda" else 48, arch["vocab_size"])
    header = {"device": torch.cuda.get_device_name() if device == "cuda" else "cpu", "torch": torch.__version__,
              "arch": "qwen2-1.5b" if device == "cuda" else "qwen2-small", "setup_s": round(time.perf_counter() - t0, 1)}
    print(json.dumps(header), flush=True)

    if device == "cuda":
        check = run_case(check_fused_loss, arch["vocab_size"], arch["hidden_size"])
        print(json.dumps(check), flush=True)
        cases = [
            (naive, (model_dir, 2048, 1, device), {}),
            (naive, (model_dir, 2048, 8, device), {}),
            (engine, (model_dir, tok_dir, shards, 2048, 1, device), dict(gpu_cap=3.5, label="engine 4GB-card")),
            (engine, (model_dir, tok_dir, shards, 4096, 1, device), dict(gpu_cap=3.5, label="engine 4GB-card")),
            (engine, (model_dir, tok_dir, shards, 2048, 8, device), dict(checkpointing=True, label="engine ckpt-on")),
            (engine, (model_dir, tok_dir, shards, 2048, 8, device), dict(checkpointing="auto", label="engine big-card")),
            (engine, (model_dir, tok_dir, shards, "auto", "auto", device),
             dict(gpu_cap=3.5, checkpointing="auto", label="engine auto@3.5GiB")),
        ]
    else:
        cases = [
            (engine, (model_dir, tok_dir, shards, 128, 4, device), dict(checkpointing="auto", label="engine ckpt-auto")),
            (naive, (model_dir, 128, 1, device), {}),
            (naive, (model_dir, 128, 4, device), {}),
            (engine, (model_dir, tok_dir, shards, 128, 1, device), dict(label="engine")),
            (engine, (model_dir, tok_dir, shards, 128, 4, device), dict(label="engine")),
        ]
    loader = run_case(loader_throughput, shards, 2048 if device == "cuda" else 128, 8 if device == "cuda" else 4, device)
    print(json.dumps(loader), flush=True)
    results = []
    for fn, a, kw in cases:
        res = run_case(fn, *a, **kw)
        results.append(res)
        print(json.dumps(res), flush=True)
        if args.out:
            with args.out.open("a") as f:
                f.write(json.dumps({**header, **res}) + "\n")

    print(f"\n{'path':24} {'seq x bsz':>10} {'ckpt':>5} {'kernels':>8} {'peak GPU GiB':>12} {'peak RSS GiB':>12} {'tok/s':>9}")
    for r in results:
        if "error" in r:
            print(f"{r['path']:24} ERROR {r['error'][:120]}")
            continue
        print(f"{r['path']:24} {str(r['seq']) + ' x ' + str(r['bsz']):>10} {str(r['checkpointing']):>5} "
              f"{r['kernels']:>8} {str(r['peak_gpu_gib']):>12} {r['peak_rss_gib']:>12} {r['tokens_per_s']:>9}")
    print(f"loader alone: {loader.get('tokens_per_s')} tokens/s at {loader.get('seq')} x {loader.get('bsz')}")
    ok = [r for r in results if "error" not in r]
    for shape in sorted({(r["seq"], r["bsz"]) for r in ok}):
        base = [r for r in ok if r["path"].startswith("naive") and (r["seq"], r["bsz"]) == shape]
        for r in (r for r in ok if not r["path"].startswith("naive") and (r["seq"], r["bsz"]) == shape):
            if base:
                b = base[0]
                mem = "peak GPU" if device == "cuda" else "peak RSS"
                key = "peak_gpu_gib" if device == "cuda" else "peak_rss_gib"
                print(f"ratio {r['path']} / naive at {shape[0]} x {shape[1]}: tokens/s x{r['tokens_per_s'] / b['tokens_per_s']:.2f}, "
                      f"{mem} x{r[key] / b[key]:.2f}")


if __name__ == "__main__":
    main()
