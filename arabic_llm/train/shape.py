"""The training batch shape: sequence length, micro-batch and activation checkpointing, fixed or fitted.

``auto`` settings are fitted to the memory caps by probe steps at the real shapes
(:func:`arabic_llm.train.memory.fit_shape`); a probe never moves the RNGs training draws from, so a
fitted run trains exactly like a run given the fitted shape.
"""

from __future__ import annotations

from typing import Callable

from arabic_llm.config import TrainConfig


def set_checkpointing(causal_lm, on: bool) -> None:
    """Activation checkpointing on every decoder layer, non-reentrant (frozen inputs, same dropout masks)."""
    # transformers 5 renamed gradient_ -> activation_checkpointing_*; older 5.x only has the first.
    if on:
        enable = getattr(causal_lm, "activation_checkpointing_enable", None) or causal_lm.gradient_checkpointing_enable
        enable({"use_reentrant": False})
    else:
        disable = getattr(causal_lm, "activation_checkpointing_disable", None) or causal_lm.gradient_checkpointing_disable
        disable()


class _PreservedRng:
    """Run a probe without moving any RNG the training itself draws from."""

    def __enter__(self):
        from arabic_llm.train.state import rng_state

        self.state = rng_state()

    def __exit__(self, *exc):
        from arabic_llm.train.state import set_rng_state

        set_rng_state(self.state)


def make_probe(causal_lm, loss_fn, trainable: list, device: str, rss) -> Callable:
    """probe(seq_len, micro_batch, checkpointing) -> (GPU peak, RSS peak) of one forward + backward."""
    import torch

    from arabic_llm.model.trainable_rows import output_head, output_layer

    decoder = causal_lm.model
    vocab = output_layer(causal_lm).weight.shape[0]

    def probe(seq_len: int, micro_batch: int, checkpointing: bool):
        set_checkpointing(causal_lm, checkpointing)
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
                loss_fn(hidden, output_head(causal_lm), ids).backward()
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


def choose_shape(train: TrainConfig, row_len: int, probe, caps, where: str):
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
