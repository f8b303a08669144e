"""The QLoRA recipe: a frozen NF4 base model, trainable LoRA adapters, 8-bit AdamW.

``QLoRARecipe`` has one fixed life cycle (torchtune's): the constructor checks the job and fails
before anything loads; ``setup()`` seeds, selects the rows, loads the model and its adapters, sets
the memory caps and batch shape, makes the optimiser, resumes from the newest checkpoint and makes
the loader, each in a small ``_setup_*`` step with explicit arguments; ``train()`` runs the steps
and writes the artifact; ``save_checkpoint()`` is what ``train()`` calls every
``train.checkpoint_every`` steps; ``cleanup()`` stops the loader and the RSS watch. MSA and dialect
training are two jobs (:class:`arabic_llm.train.job.TrainingJob`) for the same recipe.

Its parts live beside it and are tested on their own: ``lr_at`` here, the losses (train.loss),
rows, packing and order (train.rows), memory caps (train.memory), shape fitting (train.shape),
checkpoints (train.state), what is written (train.artifacts).

Memory is the constraint this is written for (Qwen2-1.5B on a 4 GB GPU):
- base weights in 4 bit (bitsandbytes NF4, double quantisation), never upcast to fp32;
- only the LoRA matrices train (fp32 master weights), with 8-bit AdamW state (paged on CUDA);
- activation checkpointing on every decoder layer, or off when the caps allow (faster);
- the loss never holds the full (tokens x vocab) fp32 logits: Liger's fused linear cross-entropy
  on CUDA, a chunked loss elsewhere;
- the GPU cap is enforced by the allocator and the RAM cap by a watch thread, and ``auto`` shapes
  are found by probe steps at the real shapes before training starts.

On several GPUs the same recipe runs in every data-parallel rank (``train.ddp`` launches them):
each step's micro-batches are split over the ranks and DDP all-reduces the LoRA gradients.
"""

from __future__ import annotations

import contextlib
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from arabic_llm.config import TrainConfig
from arabic_llm.layout import ADAPTER_DIR, METRICS_FILE
from arabic_llm.train.artifacts import (
    ADAPTER_CONFIG,
    draw_loss_curve,
    draw_run_curves,
    metrics_line,
    save_adapter,
    save_adapter_methods,
)
from arabic_llm.train.job import TrainingJob
from arabic_llm.train.loss import IGNORE_INDEX, liger_available, make_loss

if TYPE_CHECKING:  # pragma: no cover - typing only
    from arabic_llm.train.parallel import DataParallel


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


def make_loader(dataset, order, device: str):
    """Batches of ``dataset`` in ``order`` (a batch sampler), as the training loop reads them.

    On CUDA two worker processes read and pin ahead so the GPU never waits; on CPU the batches are
    read in this process. ``benchmarks/bench_train.py`` measures this loader alone.
    """
    from torch.utils.data import DataLoader

    from arabic_llm.train.rows import collate

    workers = 2 if device == "cuda" else 0
    return iter(DataLoader(dataset, batch_sampler=order, collate_fn=collate, num_workers=workers,
                           pin_memory=device == "cuda", prefetch_factor=4 if workers else None,
                           persistent_workers=bool(workers)))


# ---------------------------------------------------------------------------------------------
# The recipe
# ---------------------------------------------------------------------------------------------


class QLoRARecipe:
    """Fine-tune LoRA adapters on a 4-bit base model over the train rows of ``job.train.dialects``.

    Args:
        job: what to train and where to write it (see :class:`TrainingJob`).
        parallel: this process's data-parallel group (``train.ddp``), or None for one process.
            Each optimiser step's ``grad_accum`` micro-batches are split over the ranks, so the
            global batch stays ``micro_batch x grad_accum``; rank 0 alone writes files.
        on_step: called with the step number after each optimiser step (and its checkpoint).
        progress: print one line every ``train.log_every`` steps.
    Raises:
        ValueError / RuntimeError / FileNotFoundError: a job that cannot run, before anything loads;
            the message names the setting and the fix.
    """

    def __init__(self, job: TrainingJob, *, parallel: DataParallel | None = None,
                 on_step: Callable[[int], None] | None = None, progress: bool = True):
        train, where = job.train, job.where
        self.rank, self.world = (parallel.rank, parallel.world) if parallel is not None else (0, 1)
        if train.grad_accum % self.world:
            raise ValueError(f"{where}: grad_accum={train.grad_accum} is not a multiple of the {self.world} training "
                             "processes; each optimiser step's micro-batches are split over them. "
                             "Fix: set grad_accum to a multiple of runtime.train_processes")
        if train.kernels == "liger" and not liger_available():
            raise RuntimeError(
                f"{where}: train.kernels=liger needs a CUDA GPU and the liger-kernel package (none usable here). "
                "Fix: pip install liger-kernel on a CUDA machine, or set kernels: auto"
            )
        if job.init_adapter is not None and not (job.init_adapter / ADAPTER_CONFIG).is_file():
            raise FileNotFoundError(f"{where}: init_adapter {job.init_adapter}: no {ADAPTER_CONFIG}; pass the "
                                    f"'{ADAPTER_DIR}' directory a previous training run wrote")
        self.job, self.parallel, self.on_step, self.progress = job, parallel, on_step, progress
        self.writer = self.rank == 0  # under data parallelism rank 0 alone writes metrics, checkpoints, adapter
        self._rss = None
        self._batches = None

    # ------------------------------------------------------------------ setup

    def setup(self) -> None:
        """Everything before the first step, in the order the RNG streams require."""
        import torch

        from arabic_llm.train.memory import RssWatch
        from arabic_llm.train.rows import TrainRows

        job, train = self.job, self.job.train
        self._start = time.perf_counter()
        if self.writer:
            job.out_dir.mkdir(parents=True, exist_ok=True)
        # Seeds first: LoRA init, dropout masks and the data order all draw from them.
        _set_seeds(job.seed)
        # Data before the model: an empty selection fails before anything loads.
        self.rows = self._setup_data(job.shards_path, job.tokenizer_dir, train)
        if job.rows is not None:  # an incremental run: its new and replayed rows only
            from arabic_llm.train.rows import keep_rows

            self.rows = keep_rows(self.rows, job.rows, job.where)
        self.model, self.device, self.compute_dtype = self._setup_model(
            job.model_dir, job.tokenizer_dir, job.quant, train.attention,
            self.parallel.device if self.parallel is not None else None)
        self.kernels, self.kernel_note = _choose_kernels(train.kernels, self.device)
        if self.kernels == "liger":
            _apply_liger(self.model)
        self.loss_fn = make_loss(self.kernels, train.loss_chunk)
        self.caps = self._setup_memory(job.memory, self.device)
        self.model = self._setup_adapters(self.model, job.lora, job.init_adapter, job.tokenizer_dir)
        if job.diacritic_attention:
            self._setup_diacritic_bias(self.model, job.tokenizer_dir, job.init_adapter)
        self.step_loss, self.trainable_named = self._setup_loss(self.model, self.loss_fn, job.lora)
        self.trainable = list(self.trainable_named.values())
        self._rss = RssWatch().__enter__()
        from arabic_llm.train.state import latest_checkpoint

        self.resume = latest_checkpoint(job.checkpoint_dir)
        self.shape = self._setup_shape(train, self.rows.seq_len, self.resume)
        from arabic_llm.train.shape import set_checkpointing

        set_checkpointing(self.model.get_base_model(), self.shape["checkpointing"])
        self.dataset = TrainRows(self.rows, self.shape["seq_len"], document_attention=train.document_attention)
        self.optimizer, self.optimizer_used, self.optimizer_note = _make_optimizer(
            train.optimizer, self.trainable, train.lr, self.device)
        # Under data parallelism each rank draws its own dropout masks (seed + rank) and takes its
        # share of every step's micro-batches; DDP (LoRA weights only) all-reduces gradients.
        if self.world > 1:
            _set_seeds(job.seed + self.rank)
            self.step_loss = self.parallel.wrap(self.step_loss)
        # The loader is made before the restore: making it draws from torch's RNG, which the
        # restore then resets to the checkpoint's.
        self.start_step = self._setup_progress_start(self.resume)
        self._batches = self._setup_loader(self.dataset, self.shape["micro_batch"], job.seed, self.start_step,
                                           train.grad_accum, self.device)
        self.records, self.measurements, self.tokens = self._setup_resume(self.resume)
        if self.writer:
            (job.out_dir / METRICS_FILE).write_text("".join(metrics_line(r) for r in self.records), encoding="utf-8")
        if self.device == "cuda":
            torch.cuda.reset_peak_memory_stats()
        self._rss.reset_peak()

    @staticmethod
    def _setup_data(shards_path: Path, tokenizer_dir: str, train: TrainConfig):
        from arabic_llm.model.modeling import load_tokenizer
        from arabic_llm.train.rows import check_eos, select_rows

        rows = select_rows(shards_path, list(train.dialects), list(train.sources) if train.sources else None)
        check_eos(shards_path, load_tokenizer(tokenizer_dir))
        return rows

    @staticmethod
    def _setup_model(model_dir: str, tokenizer_dir: str, quant, attention: str, device: str | None):
        """The frozen 4-bit base, with a `vocab` tokenizer's new rows; (model, device type, compute dtype name)."""
        from arabic_llm.model.modeling import load_base_model
        from arabic_llm.model.vocab import apply_tokenizer_rows

        model = load_base_model(model_dir, quant, for_training=True, attn_implementation=attention, device=device)
        apply_tokenizer_rows(model, tokenizer_dir)
        compute_dtype = str(model.get_input_embeddings().weight.dtype).removeprefix("torch.")
        return model, str(model.device.type), compute_dtype

    @staticmethod
    def _setup_memory(memory, device: str):
        from arabic_llm.train.memory import Caps

        caps = Caps.from_gib(memory.gpu_limit_gib, memory.ram_limit_gib, device)
        caps.enforce_gpu()
        return caps

    @staticmethod
    def _setup_adapters(model, lora, init_adapter: Path | None, tokenizer_dir: str):
        """LoRA adapters (fp32 master weights; peft casts activations to them): fresh, or continued. The
        new rows of a `vocab` tokenizer train beside them (peft trainable tokens; the rest stays frozen)."""
        from peft import LoraConfig as PeftLoraConfig
        from peft import PeftModel, get_peft_model

        from arabic_llm.model.modeling import quiet_peft_deprecations
        from arabic_llm.model.trainable_rows import split_trainable_rows, token_targets
        from arabic_llm.model.vocab import new_token_ids

        with quiet_peft_deprecations():
            if init_adapter is not None:
                model = PeftModel.from_pretrained(model, str(init_adapter), is_trainable=True)
            else:
                new_ids = new_token_ids(tokenizer_dir)
                config = PeftLoraConfig(r=lora.r, lora_alpha=lora.alpha, lora_dropout=lora.dropout,
                                        target_modules=list(lora.target_modules), bias="none", task_type="CAUSAL_LM",
                                        trainable_token_indices=token_targets(model, new_ids))
                model = get_peft_model(model, config)
        split_trainable_rows(model)  # the loss takes the head apart the same way (output_head)
        model.train()
        return model

    @staticmethod
    def _setup_diacritic_bias(model, tokenizer_dir: str, init_adapter: Path | None) -> None:
        """The zero-initialised bias (or the parent adapter's), trainable beside the adapters."""
        from arabic_llm.model.diacritic_attention import (
            BIAS_FILE,
            enable_diacritic_bias,
        )
        from arabic_llm.model.modeling import load_tokenizer

        parent = init_adapter if init_adapter is not None and (init_adapter / BIAS_FILE).is_file() else None
        state = enable_diacritic_bias(model, load_tokenizer(tokenizer_dir), bias_dir=parent)
        state.bias.requires_grad_(True)

    @staticmethod
    def _setup_loss(model, loss_fn, lora):
        """The step's loss module (decoder stack + loss on the lm_head weight, outside the HF forward)
        and the trainable parameters by name."""
        import torch

        from arabic_llm.model.trainable_rows import output_layer
        from arabic_llm.train.loss import causal_lm_loss_module

        lm_head = output_layer(model.get_base_model())
        step_loss = causal_lm_loss_module(model, loss_fn)
        if type(lm_head) is not torch.nn.Linear or lm_head.bias is not None:
            raise ValueError(
                f"lm_head is {type(lm_head).__name__}; the fused/chunked loss needs a plain bias-free Linear. "
                "Fix: remove lm_head from lora.target_modules"
            )
        trainable = {n: p for n, p in model.named_parameters() if p.requires_grad}
        if not trainable:
            raise ValueError(f"no trainable parameters; lora.target_modules={list(lora.target_modules)} matched no layer")
        return step_loss, trainable

    def _setup_shape(self, train: TrainConfig, row_len: int, resume: Path | None) -> dict:
        """Resumed as it was, else fixed or fitted to the caps by probe steps (rank 0's, on every rank)."""
        from arabic_llm.train.shape import choose_shape, make_probe
        from arabic_llm.train.state import read_progress

        if resume is not None:
            shape = read_progress(resume)["shape"]
            return {**shape, "probes": shape.get("probes", [])}
        probe = make_probe(self.model.get_base_model(), self.loss_fn, self.trainable, self.device, self._rss)
        fit = choose_shape(train, row_len, probe, self.caps, self.job.where)
        shape = {"seq_len": fit.seq_len, "micro_batch": fit.micro_batch, "checkpointing": fit.checkpointing,
                 "probes": [p.as_dict() for p in fit.probes]}
        return self.parallel.broadcast(shape) if self.parallel is not None else shape

    @staticmethod
    def _setup_progress_start(resume: Path | None) -> int:
        from arabic_llm.train.state import read_progress

        return read_progress(resume)["step"] if resume is not None else 0

    def _setup_loader(self, dataset, micro_batch: int, seed: int, start_step: int, grad_accum: int, device: str):
        from arabic_llm.train.rows import RankShare, ResumableOrder

        order = ResumableOrder(len(dataset), micro_batch, seed, start_batch=start_step * grad_accum)
        if self.world > 1:
            order = RankShare(order, grad_accum, self.rank, self.world)
        return make_loader(dataset, order, device)

    def _setup_resume(self, resume: Path | None) -> tuple[list[dict], list[dict], int]:
        """Weights, optimiser and RNG states from the checkpoint; (metrics, measurements, tokens) so far."""
        from arabic_llm.train.state import restore_checkpoint

        if resume is None:
            return [], [], 0
        state = restore_checkpoint(resume, model=self.model, optimizer=self.optimizer, device=self.device,
                                   rank=self.rank)
        return state["records"], state.get("measurements", []), state["tokens"]

    # ------------------------------------------------------------------ train

    def train(self) -> dict:
        """Steps ``start_step + 1 .. max_steps``, then the adapter and the curves; the run's summary."""
        train = self.job.train
        for step in range(self.start_step + 1, train.max_steps + 1):
            self._step(step)
            if self.job.checkpoint_dir is not None and train.checkpoint_every and step % train.checkpoint_every == 0 \
                    and step < train.max_steps:
                self.save_checkpoint(step)
            if self.on_step is not None:
                self.on_step(step)
        self._close_loader()
        if self.writer:
            save_adapter(self.model, self.job.out_dir / ADAPTER_DIR)
            save_adapter_methods(self.model, self.job.tokenizer_dir, self.job.out_dir / ADAPTER_DIR)
            draw_loss_curve(self.records, self.job.out_dir)
            if self.job.run_dir is not None:
                draw_run_curves(self.measurements, self.job.run_dir)
        return self.summary()

    def _step(self, step: int) -> None:
        """One optimiser step: grad_accum micro-batches, the loss normalised by the step's token count
        so each token weighs the same whatever micro-batch it sits in."""
        import torch

        from arabic_llm.train.memory import MemoryCapError

        train, world, device, parallel = self.job.train, self.world, self.device, self.parallel
        step_start = time.perf_counter()
        lr = lr_at(step, train)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        micro = [next(self._batches) for _ in range(train.grad_accum // world)]
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
                with parallel.no_sync(self.step_loss, i < len(micro) - 1) if world > 1 else contextlib.nullcontext():
                    nll = self.step_loss(input_ids, positions, labels)
                    (nll * world / max(1, n_targets)).backward()
                loss_sum += nll.detach()
            grad_norm = float(torch.nn.utils.clip_grad_norm_(self.trainable, train.max_grad_norm))
            self.optimizer.step()
            self.optimizer.zero_grad(set_to_none=True)
        except torch.OutOfMemoryError as exc:
            raise MemoryCapError(
                f"{self.job.where}: out of GPU memory at step {step} (seq_len {self.shape['seq_len']} x micro_batch "
                f"{self.shape['micro_batch']}, caps {self.caps.describe()}): {exc}. "
                "Fix: set micro_batch/seq_len to auto or lower them"
            ) from exc
        loss_total = float(loss_sum) if world == 1 else parallel.sum([float(loss_sum)])[0]
        loss = loss_total / max(1, n_targets)  # one sync per step, not per micro-batch
        step_seconds = time.perf_counter() - step_start
        self.tokens += step_tokens
        self._rss.current()
        record = {"step": step, "loss": loss, "perplexity": math.exp(min(loss, 700.0)),  # exp overflows past ~709
                  "lr": lr, "grad_norm": grad_norm, "tokens": step_tokens}
        measured = {"step": step, "tokens_per_s": step_tokens / step_seconds if step_seconds > 0 else 0.0,
                    "step_seconds": step_seconds, "elapsed_s": time.perf_counter() - self._start,
                    **_memory_snapshot(device), "rss_peak_bytes": self._rss.peak}
        self.records.append(record)
        self.measurements.append(measured)
        if self.writer:
            with (self.job.out_dir / METRICS_FILE).open("a", encoding="utf-8") as f:
                f.write(metrics_line(record))
        self.caps.check_ram(self._rss.peak, f"{self.job.where} step {step}")
        if self.writer and self.progress and (step % train.log_every == 0 or step == train.max_steps):
            print(f"[{self.job.where} {'+'.join(train.dialects)}] step {step}/{train.max_steps} loss {loss:.4f} "
                  f"lr {lr:.2e} grad_norm {grad_norm:.3f} {measured['tokens_per_s']:.0f} tok/s", flush=True)

    # ------------------------------------------------------------------ checkpoints

    def save_checkpoint(self, step: int) -> None:
        """Trainable weights, optimiser, every rank's RNG, the metrics so far: a resume continues bit-identically."""
        from arabic_llm.train.state import rng_state, save_checkpoint

        rank_rngs = self.parallel.gather(rng_state()) if self.world > 1 else None
        if self.writer:
            save_checkpoint(self.job.checkpoint_dir, step, trainable=self.trainable_named, optimizer=self.optimizer,
                            progress={"records": self.records, "measurements": self.measurements,
                                      "tokens": self.tokens, "shape": self.shape},
                            keep=self.job.train.keep_checkpoints, rank_rngs=rank_rngs)

    # ------------------------------------------------------------------ summary and cleanup

    def summary(self) -> dict:
        """What the run did and measured (for the stage's manifest: outside the artifact's digest).

        ``per_step`` holds the measurements of every step (times, throughput, memory), those of steps
        before a resume included, as the checkpoint kept them.
        """
        job, train, shape = self.job, self.job.train, self.shape
        run = self.measurements[self.start_step:]
        run_seconds = sum(m["step_seconds"] for m in run)
        return {
            "steps": train.max_steps,
            "tokens": self.tokens,
            "final_loss": self.records[-1]["loss"],
            "seconds": time.perf_counter() - self._start,
            "seconds_per_step": run_seconds / max(1, len(run)),
            "tokens_per_s": sum(r["tokens"] for r in self.records[self.start_step:]) / max(1e-9, run_seconds),
            "seq_len": shape["seq_len"],
            "micro_batch": shape["micro_batch"],
            "grad_accum": train.grad_accum,
            "processes": self.world,
            "gradient_checkpointing": shape["checkpointing"],
            "kernels": self.kernels,
            "kernel_note": self.kernel_note,
            "shape_probes": shape["probes"],
            "memory_caps": self.caps.describe(),
            "optimizer": self.optimizer_used,
            "optimizer_requested": train.optimizer,
            "optimizer_note": self.optimizer_note,
            "trainable_params": sum(p.numel() for p in self.trainable),
            "total_params": sum(p.numel() for p in self.model.parameters()),
            "peak_rss_bytes": max(m["rss_peak_bytes"] for m in self.measurements),
            "peak_gpu_mem_bytes": max(m["gpu_mem_peak_bytes"] for m in self.measurements),
            "device": self.device,
            "compute_dtype": self.compute_dtype,
            "train_sequences": len(self.dataset),
            "dialects": list(train.dialects),
            "sources": list(train.sources) if train.sources else None,
            "init_adapter": str(job.init_adapter) if job.init_adapter is not None else None,
            "resumed_from_step": self.start_step or None,
            "adapter_dir": str(job.out_dir / ADAPTER_DIR),
            "per_step": self.measurements,
        }

    def _close_loader(self) -> None:
        self._batches = None  # stops the loader's worker processes now, not at garbage collection

    def cleanup(self) -> None:
        """Stop the loader's workers and the RSS watch; safe after a failure at any point of setup or train."""
        self._close_loader()
        if self._rss is not None:
            self._rss.__exit__(None, None, None)
            self._rss = None


def train_qlora(job: TrainingJob, *, parallel: DataParallel | None = None,
                on_step: Callable[[int], None] | None = None, progress: bool = True) -> dict:
    """The recipe's whole life cycle for one job: construct, set up, train, clean up; the summary."""
    recipe = QLoRARecipe(job, parallel=parallel, on_step=on_step, progress=progress)
    try:
        recipe.setup()
        return recipe.train()
    finally:
        recipe.cleanup()
