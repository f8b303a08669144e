"""QLoRA fine-tuning recipe: a frozen NF4 base model, trainable LoRA adapters, 8-bit AdamW.

Read ``train_qlora`` top to bottom: it is the whole recipe. Its pieces live beside it and are
tested on their own: ``lr_at`` here, the losses (train_loss), data selection, packing and order
(train_data), memory caps and shape fitting (train_memory), checkpoints (train_state).

Memory is the constraint this is written for (Qwen2-1.5B on a 4 GB GPU):
- base weights in 4 bit (bitsandbytes NF4, double quantisation), never upcast to fp32;
- only the LoRA matrices train (fp32 master weights), with 8-bit AdamW state (paged on CUDA);
- activation checkpointing on every decoder layer, or off when the caps allow (faster);
- the loss never holds the full (tokens x vocab) fp32 logits: Liger's fused linear cross-entropy
  on CUDA, a chunked loss elsewhere;
- the GPU cap is enforced by the allocator and the RAM cap by a watch thread, and ``auto`` shapes
  are found by probe steps at the real shapes before training starts.

On several GPUs the same function runs in every data-parallel rank (``train_ddp`` launches them):
each step's micro-batches are split over the ranks and DDP all-reduces the LoRA gradients.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from arabic_llm.config import LoraConfig, MemoryConfig, QuantizationConfig, TrainConfig
from arabic_llm.train.loss import (
    IGNORE_INDEX,
    chunked_causal_lm_loss,
    liger_available,
    make_loss,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from arabic_llm.train.parallel import DataParallel

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
    "rss_peak_bytes",
    "elapsed_s",
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


def _figure(out: Path, x: list, series: list[tuple[list, str]], xlabel: str, ylabel: str, title: str) -> None:
    # The object-oriented Agg API: no pyplot global state, no display needed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for y, label in series:
        ax.plot(x, y, marker="." if len(x) < 200 else None, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if len(series) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100)


def _plot_curves(records: list[dict], out_dir: Path) -> None:
    """The paper's training figures over wall time: loss.png, memory.png (GPU), ram.png (RSS)."""
    minutes = [r["elapsed_s"] / 60 for r in records]
    xlabel = "training time (minutes)"
    _figure(out_dir / "loss.png", minutes, [([r["loss"] for r in records], "loss")], xlabel,
            "training loss (nats/token)", "QLoRA training loss")
    gib = 2**30
    gpu = [([r[k] / gib for r in records], label) for k, label in (
        ("gpu_mem_allocated_bytes", "allocated"), ("gpu_mem_reserved_bytes", "reserved"),
        ("gpu_mem_peak_bytes", "peak allocated")) if any(r[k] for r in records)]
    _figure(out_dir / "memory.png", minutes, gpu or [([0.0] * len(records), "no GPU")], xlabel, "GPU memory (GiB)",
            "GPU memory during training")
    _figure(out_dir / "ram.png", minutes, [([r["rss_bytes"] / gib for r in records], "RSS"),
                                           ([r["rss_peak_bytes"] / gib for r in records], "RSS peak")],
            xlabel, "process memory (GiB)", "RAM during training")


def _set_checkpointing(causal_lm, on: bool) -> None:
    """Activation checkpointing on every decoder layer, non-reentrant (frozen inputs, same dropout masks)."""
    # transformers 5 renamed gradient_ -> activation_checkpointing_*; older 5.x only has the first.
    if on:
        enable = getattr(causal_lm, "activation_checkpointing_enable", None) or causal_lm.gradient_checkpointing_enable
        enable({"use_reentrant": False})
    else:
        disable = getattr(causal_lm, "activation_checkpointing_disable", None) or causal_lm.gradient_checkpointing_disable
        disable()


def _choose_kernels(requested: str, device: str) -> tuple[str, str | None]:
    """("liger" | "chunked", note): Liger needs CUDA and the liger-kernel package."""
    if requested == "none":
        return "chunked", None
    if liger_available():
        return "liger", None
    if requested == "liger":
        raise RuntimeError(
            f"train.kernels=liger needs a CUDA GPU and the liger-kernel package (device here: {device}). "
            "Fix: pip install liger-kernel on a CUDA machine, or set kernels: auto"
        )
    return "chunked", None if device != "cuda" else "liger-kernel not installed: chunked loss, stock kernels"


def _apply_liger(causal_lm) -> None:
    """Liger's RMSNorm, RoPE and SwiGLU kernels on this model instance (the loss is fused separately)."""
    from liger_kernel.transformers.monkey_patch import _apply_liger_kernel_to_instance

    _apply_liger_kernel_to_instance(model=causal_lm, rope=True, rms_norm=True, swiglu=True, cross_entropy=False,
                                    fused_linear_cross_entropy=False)


class _PreservedRng:
    """Run a probe without moving any RNG the training itself draws from."""

    def __enter__(self):
        from arabic_llm.train.state import rng_state

        self.state = rng_state()

    def __exit__(self, *exc):
        from arabic_llm.train.state import set_rng_state

        set_rng_state(self.state)


def _make_probe(causal_lm, loss_fn, trainable: list, device: str, rss) -> Callable:
    """probe(seq_len, micro_batch, checkpointing) -> (GPU peak, RSS peak) of one forward + backward."""
    import torch

    decoder, lm_head = causal_lm.model, causal_lm.get_output_embeddings()
    vocab = lm_head.weight.shape[0]

    def probe(seq_len: int, micro_batch: int, checkpointing: bool):
        _set_checkpointing(causal_lm, checkpointing)
        with _PreservedRng():
            ids = torch.randint(0, vocab, (micro_batch, seq_len), device=device)
            positions = torch.arange(seq_len, device=device).expand(micro_batch, -1)
            if device == "cuda":
                torch.cuda.synchronize()
                torch.cuda.empty_cache()
                torch.cuda.reset_peak_memory_stats()
            rss.reset_peak()
            try:
                hidden = decoder(input_ids=ids, position_ids=positions, use_cache=False).last_hidden_state
                loss_fn(hidden, lm_head.weight, ids).backward()
                if device == "cuda":
                    torch.cuda.synchronize()
                gpu = int(torch.cuda.max_memory_allocated()) if device == "cuda" else None
                rss.current()
                return gpu, rss.peak
            finally:
                hidden = None
                for p in trainable:
                    p.grad = None
                if device == "cuda":
                    torch.cuda.empty_cache()

    return probe


def _choose_shape(train: TrainConfig, row_len: int, probe, caps, where: str):
    """Fixed settings are checked once against the caps; ``auto`` ones are searched (see train_memory)."""
    from arabic_llm.train.memory import Fit, fit_shape
    from arabic_llm.train.rows import divisor_lengths

    if train.seq_len == "auto":
        seq_lens = divisor_lengths(row_len)
    else:
        seq_lens = [train.seq_len or row_len]
    if train.micro_batch == "auto":
        micro_batches, mb = [], 1
        while mb <= train.max_micro_batch:
            micro_batches.append(mb)
            mb *= 2
    else:
        micro_batches = [train.micro_batch]
    ckpt = [False, True] if train.gradient_checkpointing == "auto" else [bool(train.gradient_checkpointing)]
    fixed = len(seq_lens) == 1 and len(micro_batches) == 1 and len(ckpt) == 1
    if fixed and caps.gpu_bytes is None and caps.ram_bytes is None:
        return Fit(seq_lens[0], micro_batches[0], ckpt[0])
    return fit_shape(probe, caps, seq_lens=seq_lens, micro_batches=micro_batches, checkpointing=ckpt, where=where)


def _loader(dataset, order, device: str):
    """Batches in ``order``; on CUDA two worker processes read and pin ahead so the GPU never waits."""
    from torch.utils.data import DataLoader

    from arabic_llm.train.rows import collate

    workers = 2 if device == "cuda" else 0
    return iter(DataLoader(dataset, batch_sampler=order, collate_fn=collate, num_workers=workers,
                           pin_memory=device == "cuda", prefetch_factor=4 if workers else None,
                           persistent_workers=bool(workers)))


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
    memory: MemoryConfig | None = None,
    init_adapter: Path | None = None,
    checkpoint_dir: Path | None = None,
    progress: bool = True,
    on_step: Callable[[int], None] | None = None,
    where: str = "train",
    parallel: DataParallel | None = None,
) -> dict:
    """Fine-tune LoRA adapters on a 4-bit base model over the train rows of ``train.dialects``.

    Args:
        model_dir: base model directory or hub id (loaded with ``load_base_model``).
        tokenizer_dir: tokenizer directory; only checked against the shards' EOS id.
        shards_path: ``shards.h5``; rows selected by ``train.dialects`` and ``train.sources``.
        train: steps, shape (seq_len, micro_batch: numbers or auto), accumulation, lr schedule,
            clipping, optimiser, checkpointing, kernels, checkpoint interval.
        lora: rank, alpha, dropout, target modules (ignored when ``init_adapter`` is given: the
            adapter keeps the configuration it was trained with).
        quant: 4-bit settings for the base model.
        seed: seeds python/numpy/torch, LoRA init, dropout and the data order.
        out_dir: receives ``metrics.jsonl`` (one line per optimiser step), ``adapter/`` (peft
            ``save_pretrained``, safetensors), ``loss.png``, ``memory.png`` and ``ram.png``.
        memory: GPU and RAM caps (None: no caps).
        init_adapter: an adapter directory to continue training (MSA -> dialects), or None.
        checkpoint_dir: where resumable checkpoints go (the stage's work area); the newest one
            found there is resumed from. None: no checkpoints.
        progress: print one line every ``train.log_every`` steps.
        on_step: called with the step number after each optimiser step (and its checkpoint).
        where: the stage's name, for messages.
        parallel: this process's data-parallel group (``train_ddp``), or None for one process.
            Each optimiser step's ``grad_accum`` micro-batches are split over the ranks, so the
            global batch stays ``micro_batch x grad_accum``; rank 0 alone writes files.
    Returns:
        Summary dict: steps, tokens, final_loss, seconds, seconds_per_step, tokens_per_s, shape
        (seq_len, micro_batch, gradient_checkpointing, kernels, probes), optimizer, memory peaks,
        device, compute_dtype, train_sequences, dialects, resumed_from_step, adapter_dir.
    """
    import torch
    from peft import LoraConfig as PeftLoraConfig
    from peft import PeftModel, get_peft_model

    from arabic_llm.model.modeling import (
        load_base_model,
        load_tokenizer,
        quiet_peft_deprecations,
    )
    from arabic_llm.train.loss import causal_lm_loss_module
    from arabic_llm.train.memory import Caps, MemoryCapError, RssWatch
    from arabic_llm.train.rows import (
        RankShare,
        ResumableOrder,
        TrainRows,
        check_eos,
        select_rows,
    )
    from arabic_llm.train.state import (
        latest_checkpoint,
        read_progress,
        restore_checkpoint,
        rng_state,
        save_checkpoint,
    )

    out_dir = Path(out_dir)
    rank, world = (parallel.rank, parallel.world) if parallel is not None else (0, 1)
    writer = rank == 0  # under data parallelism rank 0 alone writes metrics, checkpoints and the adapter
    if train.grad_accum % world:
        raise ValueError(f"{where}: grad_accum={train.grad_accum} is not a multiple of the {world} training "
                         "processes; each optimiser step's micro-batches are split over them. "
                         "Fix: set grad_accum to a multiple of runtime.train_processes")
    if writer:
        out_dir.mkdir(parents=True, exist_ok=True)
    start_time = time.perf_counter()
    memory = memory or MemoryConfig(gpu_limit_gib=None, ram_limit_gib=None)

    # 1. Seeds first: LoRA init, dropout masks and the data order all draw from them.
    _set_seeds(seed)

    # 2. Data: fail before loading a model when the selection is empty.
    dialects = list(train.dialects)
    rows = select_rows(Path(shards_path), dialects, list(train.sources) if train.sources else None)
    tokenizer = load_tokenizer(tokenizer_dir)
    check_eos(shards_path, tokenizer)

    # 3. Frozen 4-bit base model, kernels, caps.
    model = load_base_model(model_dir, quant, for_training=True, attn_implementation=train.attention,
                            device=parallel.device if parallel is not None else None)
    device = str(model.device.type)
    compute_dtype = str(model.get_input_embeddings().weight.dtype).removeprefix("torch.")
    kernels, kernel_note = _choose_kernels(train.kernels, device)
    if kernels == "liger":
        _apply_liger(model)
    loss_fn = make_loss(kernels, train.loss_chunk)
    caps = Caps.from_gib(memory.gpu_limit_gib, memory.ram_limit_gib, device)
    caps.enforce_gpu()

    # 4. LoRA adapters (fp32 master weights; peft casts activations to them): fresh, or continued.
    if init_adapter is not None:
        init_adapter = Path(init_adapter)
        if not (init_adapter / "adapter_config.json").is_file():
            raise FileNotFoundError(
                f"init_adapter {init_adapter}: no adapter_config.json; pass the 'adapter' directory a previous train_qlora wrote"
            )
        with quiet_peft_deprecations():
            model = PeftModel.from_pretrained(model, str(init_adapter), is_trainable=True)
    else:
        peft_config = PeftLoraConfig(r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
                                     target_modules=list(lora.target_modules), bias="none", task_type="CAUSAL_LM")
        with quiet_peft_deprecations():
            model = get_peft_model(model, peft_config)
    model.train()

    # The loss is computed outside the HF forward (see train_loss): one module runs the decoder
    # stack and the loss on the lm_head weight.
    causal_lm = model.get_base_model()
    lm_head = causal_lm.get_output_embeddings()
    step_loss = causal_lm_loss_module(model, loss_fn)
    if type(lm_head) is not torch.nn.Linear or lm_head.bias is not None:
        raise ValueError(
            f"lm_head is {type(lm_head).__name__}; the fused/chunked loss needs a plain bias-free Linear. "
            "Fix: remove lm_head from lora.target_modules"
        )
    trainable_named = {n: p for n, p in model.named_parameters() if p.requires_grad}
    trainable = list(trainable_named.values())
    if not trainable:
        raise ValueError(f"no trainable parameters; lora.target_modules={list(lora.target_modules)} matched no layer")
    n_trainable = sum(p.numel() for p in trainable)
    n_total = sum(p.numel() for p in model.parameters())

    with RssWatch() as rss:
        # 5. Batch shape: resumed as it was, else fixed/fitted to the caps by probe steps.
        resume = latest_checkpoint(checkpoint_dir)
        if resume is not None:
            shape = read_progress(resume)["shape"]
            probes = shape.get("probes", [])
        else:
            fit = _choose_shape(train, rows.seq_len, _make_probe(causal_lm, loss_fn, trainable, device, rss), caps, where)
            probes = [p.as_dict() for p in fit.probes]
            shape = {"seq_len": fit.seq_len, "micro_batch": fit.micro_batch, "checkpointing": fit.checkpointing,
                     "probes": probes}
            if parallel is not None:  # every rank trains at rank 0's shape
                shape = parallel.broadcast(shape)
                probes = shape["probes"]
        seq_len, micro_batch, checkpointing = shape["seq_len"], shape["micro_batch"], shape["checkpointing"]
        _set_checkpointing(causal_lm, checkpointing)
        dataset = TrainRows(rows, seq_len, document_attention=train.document_attention)

        # 6. Optimiser (8-bit state); the schedule is lr_at(step), set by hand each step.
        optimizer, optimizer_used, optimizer_note = _make_optimizer(train.optimizer, trainable, train.lr, device)

        # 7. Resume: weights, optimiser, RNG, data position and the metrics so far. The loader is
        #    made first: making it draws from torch's RNG, which the restore then resets. Under
        #    data parallelism each rank draws its own dropout masks (seed + rank) and takes its
        #    share of every step's micro-batches; DDP (LoRA weights only) all-reduces gradients.
        if world > 1:
            _set_seeds(seed + rank)
            step_loss = parallel.wrap(step_loss)
        start_step = read_progress(resume)["step"] if resume is not None else 0
        order = ResumableOrder(len(dataset), micro_batch, seed, start_batch=start_step * train.grad_accum)
        batches = _loader(dataset, RankShare(order, train.grad_accum, rank, world) if world > 1 else order, device)
        records, total_tokens = [], 0
        if resume is not None:
            state = restore_checkpoint(resume, model=model, optimizer=optimizer, device=device, rank=rank)
            records, total_tokens = state["records"], state["tokens"]
        metrics_path = out_dir / "metrics.jsonl"
        if writer:
            metrics_path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in records), encoding="utf-8")

        # 8. Loop: grad_accum micro-batches per step, loss normalised by the step's token count so
        #    each token weighs the same whatever micro-batch it sits in.
        if device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        rss.reset_peak()
        for step in range(start_step + 1, train.max_steps + 1):
            step_start = time.perf_counter()
            lr = lr_at(step, train)
            for group in optimizer.param_groups:
                group["lr"] = lr
            micro = [next(batches) for _ in range(train.grad_accum // world)]
            n_targets = sum(int((b["labels"][:, 1:] != IGNORE_INDEX).sum()) for b in micro)
            step_tokens = sum(int(b["n_tokens"].sum()) for b in micro)
            if world > 1:  # the whole step's counts: each rank's gradient is a share of one global mean
                n_targets, step_tokens = (int(v) for v in parallel.sum([n_targets, step_tokens]))
            loss_sum = torch.zeros((), device=device)
            try:
                for i, batch in enumerate(micro):
                    input_ids = batch["input_ids"].to(device, non_blocking=True)
                    labels = batch["labels"].to(device, non_blocking=True)
                    positions = batch["position_ids"].to(device, non_blocking=True)
                    # DDP all-reduces (averages over ranks) on the step's last micro-batch only; the
                    # factor ``world`` undoes the average, so the sum is the one-process gradient.
                    with parallel.no_sync(step_loss, i < len(micro) - 1) if world > 1 else contextlib.nullcontext():
                        nll = step_loss(input_ids, positions, labels)
                        (nll * world / max(1, n_targets)).backward()
                    loss_sum += nll.detach()
                grad_norm = float(torch.nn.utils.clip_grad_norm_(trainable, train.max_grad_norm))
                optimizer.step()
                optimizer.zero_grad(set_to_none=True)
            except torch.OutOfMemoryError as exc:
                raise MemoryCapError(
                    f"{where}: out of GPU memory at step {step} (seq_len {seq_len} x micro_batch {micro_batch}, "
                    f"caps {caps.describe()}): {exc}. Fix: set micro_batch/seq_len to auto or lower them"
                ) from exc
            loss_total = float(loss_sum) if world == 1 else parallel.sum([float(loss_sum)])[0]
            loss = loss_total / max(1, n_targets)  # one sync per step, not per micro-batch
            step_seconds = time.perf_counter() - step_start
            total_tokens += step_tokens
            rss.current()
            record = {
                "step": step, "loss": loss, "perplexity": math.exp(min(loss, 700.0)),  # exp overflows past ~709
                "lr": lr, "grad_norm": grad_norm, "tokens": step_tokens,
                "tokens_per_s": step_tokens / step_seconds if step_seconds > 0 else 0.0,
                "step_seconds": step_seconds, "elapsed_s": time.perf_counter() - start_time,
                **_memory_snapshot(device), "rss_peak_bytes": rss.peak,
            }
            records.append(record)
            if writer:
                with metrics_path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(record, sort_keys=True) + "\n")
            caps.check_ram(rss.peak, f"{where} step {step}")
            if writer and progress and (step % train.log_every == 0 or step == train.max_steps):
                print(f"[{where} {'+'.join(dialects)}] step {step}/{train.max_steps} loss {loss:.4f} lr {lr:.2e} "
                      f"grad_norm {grad_norm:.3f} {record['tokens_per_s']:.0f} tok/s", flush=True)
            if checkpoint_dir is not None and train.checkpoint_every and step % train.checkpoint_every == 0 \
                    and step < train.max_steps:
                rank_rngs = parallel.gather(rng_state()) if world > 1 else None
                if writer:
                    save_checkpoint(Path(checkpoint_dir), step, trainable=trainable_named, optimizer=optimizer,
                                    progress={"records": records, "tokens": total_tokens, "shape": shape},
                                    keep=train.keep_checkpoints, rank_rngs=rank_rngs)
            if on_step is not None:
                on_step(step)

    del batches  # stops the loader's worker processes now, not at garbage collection
    # 9. Save the adapter only (the base model is never modified) and draw the curves.
    adapter_dir = out_dir / "adapter"
    if writer:
        model.save_pretrained(str(adapter_dir), safe_serialization=True)
        _plot_curves(records, out_dir)

    run_records = records[start_step:]
    seconds = time.perf_counter() - start_time
    return {
        "steps": train.max_steps,
        "tokens": total_tokens,
        "final_loss": records[-1]["loss"],
        "seconds": seconds,
        "seconds_per_step": sum(r["step_seconds"] for r in run_records) / max(1, len(run_records)),
        "tokens_per_s": sum(r["tokens"] for r in run_records) / max(1e-9, sum(r["step_seconds"] for r in run_records)),
        "seq_len": seq_len,
        "micro_batch": micro_batch,
        "grad_accum": train.grad_accum,
        "processes": world,
        "gradient_checkpointing": checkpointing,
        "kernels": kernels,
        "kernel_note": kernel_note,
        "shape_probes": probes,
        "memory_caps": caps.describe(),
        "optimizer": optimizer_used,
        "optimizer_requested": train.optimizer,
        "optimizer_note": optimizer_note,
        "trainable_params": n_trainable,
        "total_params": n_total,
        "peak_rss_bytes": max(r["rss_peak_bytes"] for r in records),
        "peak_gpu_mem_bytes": max(r["gpu_mem_peak_bytes"] for r in records),
        "device": device,
        "compute_dtype": compute_dtype,
        "train_sequences": len(dataset),
        "dialects": dialects,
        "sources": list(train.sources) if train.sources else None,
        "init_adapter": str(init_adapter) if init_adapter is not None else None,
        "resumed_from_step": start_step or None,
        "adapter_dir": str(adapter_dir),
    }


def heldout_perplexity(model_dir: str, shards_path: Path, quant: QuantizationConfig, *, adapter: Path | None = None,
                       split: str = "eval", max_rows: int | None = None, chunk: int = 1024) -> dict:
    """Token-level perplexity and mean NLL of a model (plus an adapter) on one split of the shards.

    Rows are scored one by one in eval mode, with the same document-aware positions and masking
    as training, so train and held-out losses are comparable.
    """
    import torch
    from peft import PeftModel

    from arabic_llm.data.shards import ShardDataset
    from arabic_llm.model.modeling import load_base_model, quiet_peft_deprecations
    from arabic_llm.train.rows import TrainRows

    model = load_base_model(model_dir, quant, for_training=False)
    if adapter is not None:
        with quiet_peft_deprecations():
            model = PeftModel.from_pretrained(model, str(adapter)).eval()
        model = model.get_base_model()
    split_rows = ShardDataset(Path(shards_path), split)
    rows = TrainRows(split_rows, split_rows.seq_len)
    n = len(rows) if max_rows is None else min(len(rows), max_rows)
    device = model.device
    nll, count = 0.0, 0
    with torch.no_grad():
        for i in range(n):
            item = rows[i]
            hidden = model.model(input_ids=item["input_ids"][None].to(device),
                                 position_ids=item["position_ids"][None].to(device), use_cache=False).last_hidden_state
            labels = item["labels"][None].to(device)
            nll += float(chunked_causal_lm_loss(hidden, model.get_output_embeddings().weight, labels, chunk, reduction="sum"))
            count += int((labels[:, 1:] != IGNORE_INDEX).sum())
    mean = nll / max(1, count)
    return {"nll": mean, "perplexity": math.exp(min(mean, 700.0)), "tokens": count, "rows": n}
