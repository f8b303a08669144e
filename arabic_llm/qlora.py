"""QLoRA fine-tuning recipe: a frozen NF4 base model, trainable LoRA adapters, 8-bit AdamW.

Read ``train_qlora`` top to bottom: it is the whole recipe. The pieces it uses are small pure
functions (``lr_at``, ``chunked_causal_lm_loss``) tested on their own.

Memory is the constraint this is written for (Qwen2-1.5B on a 4 GB GPU):
- base weights in 4 bit (bitsandbytes NF4, double quantisation), never upcast;
- only the LoRA matrices train, with 8-bit optimiser state (paged to host memory on CUDA);
- activation checkpointing on every decoder layer;
- the loss never holds the full (tokens x vocab) fp32 logits: it is computed chunk by chunk from
  the final hidden states and the lm_head weight, and each chunk's logits are recomputed in the
  backward pass instead of being kept (151 936 vocab x 1024 tokens x 4 bytes = 0.6 GB otherwise).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING

from arabic_llm.config import LoraConfig, QuantizationConfig, TrainConfig

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch

IGNORE_INDEX = -100  # label value that the loss skips (padding); the HF / PyTorch convention

METRIC_FIELDS = (
    "step",
    "loss",
    "perplexity",
    "lr",
    "grad_norm",
    "tokens",
    "tokens_per_s",
    "step_seconds",
    "gpu_mem_allocated_bytes",
    "gpu_mem_reserved_bytes",
    "gpu_mem_peak_bytes",
    "rss_bytes",
)


# ---------------------------------------------------------------------------------------------
# Pure pieces
# ---------------------------------------------------------------------------------------------


def lr_at(step: int, train: TrainConfig) -> float:
    """Learning rate for optimiser step ``step``: linear warmup, then cosine decay to 0.

    lr(t) = lr * t / warmup                                              for t <= warmup
    lr(t) = lr * 0.5 * (1 + cos(pi * (t - warmup) / (max_steps - warmup)))  for t > warmup

    This equals ``transformers.get_cosine_schedule_with_warmup`` after ``t`` scheduler steps. The
    training loop uses ``lr_at(t)`` for its t-th step (t = 1 .. max_steps), so no step is wasted at
    lr 0 during warmup; when warmup >= max_steps the schedule never leaves the warmup ramp.

    Args:
        step: the optimiser step t; the loop uses t = 1 .. max_steps (t = 0 is the value a
            transformers scheduler starts from, before any step).
        train: supplies ``lr``, ``warmup_steps`` and ``max_steps``.
    Returns:
        The learning rate (a float >= 0); 0 past ``max_steps``.
    """
    warmup, total = train.warmup_steps, train.max_steps
    if step <= warmup and warmup > 0:
        return train.lr * step / warmup
    progress = (step - warmup) / max(1, total - warmup)
    progress = min(max(progress, 0.0), 1.0)  # past max_steps the schedule stays at 0, as transformers'
    return train.lr * 0.5 * (1.0 + math.cos(math.pi * progress))


def _chunk_nll_sum(hidden: torch.Tensor, weight: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    import torch.nn.functional as F

    # Matmul in the model's dtype (no fp32 copy of the vocab x hidden weight), softmax in fp32.
    logits = F.linear(hidden, weight).float()
    return F.cross_entropy(logits, targets, reduction="sum")


def chunked_causal_lm_loss(
    hidden: torch.Tensor,
    weight: torch.Tensor,
    labels: torch.Tensor,
    chunk: int,
    *,
    reduction: str = "mean",
) -> torch.Tensor:
    """Next-token cross-entropy from final hidden states, without materialising all logits.

    Equal to ``F.cross_entropy((hidden @ weight.T)[:, :-1].flatten(0, 1), labels[:, 1:].flatten(),
    ignore_index=-100)`` (the loss ``Qwen2ForCausalLM`` computes), but the positions are scored
    ``chunk`` at a time, and under autograd each chunk is checkpointed: only its hidden states are
    kept and its logits are recomputed in the backward pass. Peak extra memory is one
    (chunk x vocab) fp32 block instead of (tokens x vocab).

    Args:
        hidden: (batch, seq, hidden) final hidden states (after the last norm).
        weight: (vocab, hidden) lm_head weight (tied to the embedding in Qwen2).
        labels: (batch, seq) token ids aligned with the inputs (shifted here), -100 where ignored.
        chunk: positions per chunk (>= 1).
        reduction: ``"mean"`` over scored positions or ``"sum"``.
    Returns:
        A scalar tensor (fp32). With no scored position: 0 (still connected to the graph).
    """
    import torch
    from torch.utils.checkpoint import checkpoint

    if chunk < 1:
        raise ValueError(f"chunk={chunk}: must be >= 1")
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction={reduction!r}: expected 'mean' or 'sum'")
    # Position i predicts token i+1; padding (-100) is dropped before any matmul is spent on it.
    h = hidden[:, :-1, :].reshape(-1, hidden.shape[-1])
    y = labels[:, 1:].reshape(-1).to(h.device)
    keep = y != IGNORE_INDEX
    h, y = h[keep], y[keep]
    n = y.numel()
    if n == 0:
        return hidden.sum().float() * 0.0

    needs_grad = torch.is_grad_enabled() and (h.requires_grad or weight.requires_grad)
    total = torch.zeros((), dtype=torch.float32, device=h.device)
    for start in range(0, n, chunk):
        h_c, y_c = h[start : start + chunk], y[start : start + chunk]
        if needs_grad:
            total = total + checkpoint(_chunk_nll_sum, h_c, weight, y_c, use_reentrant=False)
        else:
            total = total + _chunk_nll_sum(h_c, weight, y_c)
    return total / n if reduction == "mean" else total


# ---------------------------------------------------------------------------------------------
# Recipe helpers
# ---------------------------------------------------------------------------------------------


def _set_seeds(seed: int) -> None:
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device


def _dialects_in_shards(shards_path: Path, split: str) -> list[str]:
    """The dialect labels that actually occur in a split (for error messages)."""
    import h5py
    import numpy as np

    with h5py.File(shards_path, "r") as f:
        labels = json.loads(f.attrs["dialect_labels"])
        codes = np.unique(f[split]["dialect"][()])
    return [labels[int(c)] for c in codes]


def _load_rows(shards_path: Path, dialects: list[str]):
    """ShardDataset of the train rows of ``dialects``; a clear error when there are none."""
    from arabic_llm.shards import ShardDataset

    shards_path = Path(shards_path)
    if not shards_path.is_file():
        raise FileNotFoundError(f"shards file not found: {shards_path} (run the shards stage first)")
    try:
        dataset = ShardDataset(shards_path, "train", dialects=dialects)
        empty = len(dataset) == 0
    except ValueError:  # the dataset may itself refuse an empty selection
        dataset, empty = None, True
    if empty:
        present = _dialects_in_shards(shards_path, "train")
        raise ValueError(
            f"{shards_path}: no 'train' rows for dialects {dialects}; the train split holds {present}. "
            "Fix: set train_*.dialects to labels present in the corpus, or add documents of those dialects"
        )
    return dataset


def _check_eos(shards_path: Path, tokenizer) -> None:
    """The shards must have been tokenised with this tokenizer (same EOS id), else training is garbage."""
    import h5py

    with h5py.File(shards_path, "r") as f:
        if "eos_token_id" not in f.attrs:
            raise KeyError(f"{shards_path}: root attribute 'eos_token_id' missing; rebuild the shards (see contracts.md)")
        eos = int(f.attrs["eos_token_id"])
    if eos != tokenizer.eos_token_id:
        raise ValueError(
            f"{shards_path}: eos_token_id={eos} but the tokenizer's is {tokenizer.eos_token_id}; "
            "the shards were built with another tokenizer. Fix: rebuild the shards with this tokenizer"
        )


def _batches(dataset, micro_batch: int, seed: int):
    """Endless iterator of micro-batches, reshuffled each epoch by one seeded generator."""
    import torch
    from torch.utils.data import DataLoader

    generator = torch.Generator().manual_seed(seed)
    loader = DataLoader(dataset, batch_size=micro_batch, shuffle=True, generator=generator, num_workers=0)
    while True:
        yield from loader


def _make_optimizer(name: str, params: list, lr: float, device: str) -> tuple[object, str, str | None]:
    """Build the optimiser named by ``train.optimizer``.

    Returns:
        (optimizer, name actually used, note or None). Paged AdamW needs CUDA unified memory; on CPU
        there is nothing to page, so it falls back to AdamW8bit and says so.
    """
    import torch

    note = None
    if name == "paged_adamw_8bit" and device != "cuda":
        note = "paged_adamw_8bit pages optimizer state through CUDA unified memory; on cpu it fell back to adamw_8bit"
        name = "adamw_8bit"
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr), name, note
    import bitsandbytes as bnb

    cls = {"paged_adamw_8bit": bnb.optim.PagedAdamW8bit, "adamw_8bit": bnb.optim.AdamW8bit}[name]
    return cls(params, lr=lr), name, note


def _memory_snapshot(device: str) -> dict[str, int]:
    import psutil
    import torch

    gpu = device == "cuda"
    return {
        "gpu_mem_allocated_bytes": int(torch.cuda.memory_allocated()) if gpu else 0,
        "gpu_mem_reserved_bytes": int(torch.cuda.memory_reserved()) if gpu else 0,
        "gpu_mem_peak_bytes": int(torch.cuda.max_memory_allocated()) if gpu else 0,
        "rss_bytes": int(psutil.Process().memory_info().rss),
    }


def _plot_curves(records: list[dict], out_dir: Path) -> None:
    """Write loss.png (loss per step) and memory.png (RSS and GPU memory per step)."""
    # The object-oriented Agg API: no pyplot global state, no display needed, thread-safe enough.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    steps = [r["step"] for r in records]
    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(steps, [r["loss"] for r in records], marker="o")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("training loss (nats/token)")
    ax.set_title("QLoRA training loss")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out_dir / "loss.png", dpi=100)

    mib = 2**20
    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(steps, [r["rss_bytes"] / mib for r in records], marker="o", label="process RSS")
    for key, label in (
        ("gpu_mem_allocated_bytes", "GPU allocated"),
        ("gpu_mem_reserved_bytes", "GPU reserved"),
        ("gpu_mem_peak_bytes", "GPU peak allocated"),
    ):
        if any(r[key] for r in records):
            ax.plot(steps, [r[key] / mib for r in records], marker=".", label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("MiB")
    ax.set_title("Memory during training")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out_dir / "memory.png", dpi=100)


# ---------------------------------------------------------------------------------------------
# The recipe
# ---------------------------------------------------------------------------------------------


def train_qlora(
    *,
    model_dir: str,
    tokenizer_dir: str,
    shards_path: Path,
    train: TrainConfig,
    lora: LoraConfig,
    quant: QuantizationConfig,
    seed: int,
    out_dir: Path,
    init_adapter: Path | None = None,
    progress: bool = True,
    loss_chunk: int = 256,
) -> dict:
    """Fine-tune LoRA adapters on a 4-bit base model over the train rows of ``train.dialects``.

    Args:
        model_dir: base model directory or hub id (loaded with ``load_base_model``).
        tokenizer_dir: tokenizer directory; only checked against the shards' EOS id.
        shards_path: ``shards.h5`` (see contracts.md); rows selected by ``train.dialects``.
        train: steps, batch, accumulation, lr schedule, clipping, optimiser, checkpointing.
        lora: rank, alpha, dropout, target modules (ignored when ``init_adapter`` is given: the
            adapter keeps the configuration it was trained with).
        quant: 4-bit settings for the base model.
        seed: seeds python/numpy/torch, LoRA init, dropout and the data order.
        out_dir: receives ``metrics.jsonl`` (one line per optimiser step), ``adapter/``
            (peft ``save_pretrained``, safetensors), ``loss.png`` and ``memory.png``.
        init_adapter: an adapter directory to continue training (MSA -> dialects), or None for
            fresh LoRA weights.
        progress: print one line every ``train.log_every`` steps.
        loss_chunk: positions per chunk of the chunked loss (memory vs. speed; no effect on values).
    Returns:
        Summary dict: steps, tokens, final_loss, seconds, seconds_per_step, optimizer (used),
        optimizer_requested, optimizer_note, trainable_params, total_params, peak_rss_bytes,
        peak_gpu_mem_bytes, device, compute_dtype, train_rows, dialects, init_adapter, adapter_dir.
    """
    import torch
    from peft import LoraConfig as PeftLoraConfig
    from peft import PeftModel, get_peft_model

    from arabic_llm.modeling import load_base_model, load_tokenizer, quiet_peft_deprecations

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics_path = out_dir / "metrics.jsonl"
    metrics_path.write_text("", encoding="utf-8")  # a fresh log per run
    start_time = time.perf_counter()

    # 1. Seeds first: LoRA init, dropout masks and the data order all draw from them.
    _set_seeds(seed)

    # 2. Data: fail before loading a model when the selection is empty.
    dialects = list(train.dialects)
    dataset = _load_rows(Path(shards_path), dialects)
    tokenizer = load_tokenizer(tokenizer_dir)
    _check_eos(shards_path, tokenizer)

    # 3. Frozen 4-bit base model.
    model = load_base_model(model_dir, quant, for_training=True)
    device = str(model.device.type)
    compute_dtype = str(model.get_input_embeddings().weight.dtype).removeprefix("torch.")
    if train.gradient_checkpointing:
        # Non-reentrant checkpointing: works with frozen inputs and keeps dropout masks identical
        # between forward and recomputation (it restores the RNG state).
        model.activation_checkpointing_enable({"use_reentrant": False})

    # 4. LoRA adapters: fresh, or the previous stage's adapter continued.
    if init_adapter is not None:
        init_adapter = Path(init_adapter)
        if not (init_adapter / "adapter_config.json").is_file():
            raise FileNotFoundError(
                f"init_adapter {init_adapter}: no adapter_config.json; pass the 'adapter' directory a previous train_qlora wrote"
            )
        with quiet_peft_deprecations():
            model = PeftModel.from_pretrained(model, str(init_adapter), is_trainable=True)
    else:
        peft_config = PeftLoraConfig(
            r=lora.r,
            lora_alpha=lora.alpha,
            lora_dropout=lora.dropout,
            target_modules=list(lora.target_modules),
            bias="none",
            task_type="CAUSAL_LM",
        )
        with quiet_peft_deprecations():
            model = get_peft_model(model, peft_config)
    model.train()

    # The loss is computed outside the HF forward (see chunked_causal_lm_loss), so the recipe calls
    # the decoder stack directly and takes the lm_head weight itself.
    causal_lm = model.get_base_model()
    decoder, lm_head = causal_lm.model, causal_lm.get_output_embeddings()
    if type(lm_head) is not torch.nn.Linear or lm_head.bias is not None:
        raise ValueError(
            f"lm_head is {type(lm_head).__name__}; the chunked loss needs a plain bias-free Linear. "
            "Fix: remove lm_head from lora.target_modules"
        )

    trainable = [p for p in model.parameters() if p.requires_grad]
    if not trainable:
        raise ValueError(f"no trainable parameters; lora.target_modules={list(lora.target_modules)} matched no layer")
    n_trainable = sum(p.numel() for p in trainable)
    n_total = sum(p.numel() for p in model.parameters())

    # 5. Optimiser (8-bit state) and schedule (lr set by hand each step from lr_at).
    optimizer, optimizer_used, optimizer_note = _make_optimizer(train.optimizer, trainable, train.lr, device)

    # 6. Loop: grad_accum micro-batches per step, loss normalised by the step's token count so each
    #    token weighs the same whatever micro-batch it sits in.
    batches = _batches(dataset, train.micro_batch, seed)
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    records: list[dict] = []
    peak_rss = _memory_snapshot(device)["rss_bytes"]
    total_tokens = 0
    for step in range(1, train.max_steps + 1):
        step_start = time.perf_counter()
        lr = lr_at(step, train)
        for group in optimizer.param_groups:
            group["lr"] = lr

        micro = [next(batches) for _ in range(train.grad_accum)]
        n_targets = sum(int((b["labels"][:, 1:] != IGNORE_INDEX).sum()) for b in micro)
        step_tokens = sum(int(b["attention_mask"].sum()) for b in micro)
        loss_sum = 0.0
        for batch in micro:
            input_ids = batch["input_ids"].to(device)
            attention_mask = batch["attention_mask"].to(device)
            labels = batch["labels"].to(device)
            hidden = decoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            nll = chunked_causal_lm_loss(hidden, lm_head.weight, labels, loss_chunk, reduction="sum")
            (nll / max(1, n_targets)).backward()
            loss_sum += float(nll.detach())

        grad_norm = float(torch.nn.utils.clip_grad_norm_(trainable, train.max_grad_norm))
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)

        step_seconds = time.perf_counter() - step_start
        loss = loss_sum / max(1, n_targets)
        total_tokens += step_tokens
        record = {
            "step": step,
            "loss": loss,
            "perplexity": math.exp(min(loss, 700.0)),  # exp overflows a float past ~709
            "lr": lr,
            "grad_norm": grad_norm,
            "tokens": step_tokens,
            "tokens_per_s": step_tokens / step_seconds if step_seconds > 0 else 0.0,
            "step_seconds": step_seconds,
            **_memory_snapshot(device),
        }
        peak_rss = max(peak_rss, record["rss_bytes"])
        records.append(record)
        with metrics_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, sort_keys=True) + "\n")
        if progress and (step % train.log_every == 0 or step == train.max_steps):
            print(
                f"[train {'+'.join(dialects)}] step {step}/{train.max_steps} loss {loss:.4f} "
                f"lr {lr:.2e} grad_norm {grad_norm:.3f} {record['tokens_per_s']:.0f} tok/s",
                flush=True,
            )

    # 7. Save the adapter only (the base model is never modified) and draw the curves.
    adapter_dir = out_dir / "adapter"
    model.save_pretrained(str(adapter_dir), safe_serialization=True)
    _plot_curves(records, out_dir)

    seconds = time.perf_counter() - start_time
    return {
        "steps": train.max_steps,
        "tokens": total_tokens,
        "final_loss": records[-1]["loss"],
        "seconds": seconds,
        "seconds_per_step": sum(r["step_seconds"] for r in records) / len(records),
        "optimizer": optimizer_used,
        "optimizer_requested": train.optimizer,
        "optimizer_note": optimizer_note,
        "trainable_params": n_trainable,
        "total_params": n_total,
        "peak_rss_bytes": peak_rss,
        "peak_gpu_mem_bytes": max(r["gpu_mem_peak_bytes"] for r in records),
        "device": device,
        "compute_dtype": compute_dtype,
        "train_rows": len(dataset),
        "dialects": dialects,
        "init_adapter": str(init_adapter) if init_adapter is not None else None,
        "adapter_dir": str(adapter_dir),
    }

