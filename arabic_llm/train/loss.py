"""Next-token losses that never hold (tokens x vocab) fp32 logits.

Qwen2's vocabulary has 151,936 rows: at 2048 tokens the full fp32 logits alone are 1.2 GB, more
than the rest of a 4-bit 1.5B model. Two ways around it, one per device:
- ``chunked_causal_lm_loss``: plain PyTorch, any device; positions are scored a chunk at a time
  and each chunk's logits are recomputed in backward instead of kept.
- ``liger``: Liger Kernel's fused linear cross-entropy (Triton, CUDA only), which fuses the lm_head
  matmul, the softmax and the gradient into blocks.
Both take final hidden states and the (frozen, never upcast) lm_head weight, or a ``SplitHead`` (frozen
matrix + the new token rows being trained, scored apart so that no dense gradient of the matrix is made).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch

IGNORE_INDEX = -100  # label value that the loss skips (padding); the HF / PyTorch convention


def _chunk_nll_sum(hidden: torch.Tensor, weight: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    import torch.nn.functional as F

    from arabic_llm.model.trainable_rows import SplitHead

    # Matmul in the model's dtype (no fp32 copy of the vocab x hidden weight), softmax in fp32.
    logits = weight.logits(hidden) if isinstance(weight, SplitHead) else F.linear(hidden, weight)
    return F.cross_entropy(logits.float(), targets, reduction="sum")


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
        weight: (vocab, hidden) lm_head weight (tied to the embedding in Qwen2), or a ``SplitHead``.
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
    h, y = shifted_targets(hidden, labels)
    n = y.numel()
    if n == 0:
        return hidden.sum().float() * 0.0

    needs_grad = torch.is_grad_enabled() and (h.requires_grad or weight.requires_grad)
    total = torch.zeros((), dtype=torch.float32, device=h.device)
    for start in range(0, n, chunk):
        h_c, y_c = h[start : start + chunk], y[start : start + chunk]
        if needs_grad:  # non-reentrant checkpointing takes a SplitHead (a tuple of tensors) as it takes a weight
            total = total + checkpoint(_chunk_nll_sum, h_c, weight, y_c, use_reentrant=False)
        else:
            total = total + _chunk_nll_sum(h_c, weight, y_c)
    return total / n if reduction == "mean" else total


def shifted_targets(hidden: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(positions x hidden, targets): position i predicts token i+1; ignored positions dropped."""
    h = hidden[:, :-1, :].reshape(-1, hidden.shape[-1])
    y = labels[:, 1:].reshape(-1).to(h.device)
    keep = y != IGNORE_INDEX
    return h[keep], y[keep]


def liger_available() -> bool:
    """Liger's Triton kernels import and a CUDA device is there to run them."""
    try:
        import torch

        if not torch.cuda.is_available():
            return False
        import liger_kernel.transformers  # noqa: F401
    except ImportError:
        return False
    return True


def make_loss(kind: str, chunk: int) -> Callable:
    """``loss(hidden, weight, labels) -> summed NLL`` over the scored positions.

    Args:
        kind: ``"liger"`` (fused linear cross-entropy, CUDA) or ``"chunked"``.
        chunk: positions per chunk for the chunked loss.
    """
    if kind == "chunked":
        return lambda hidden, weight, labels: chunked_causal_lm_loss(hidden, weight, labels, chunk, reduction="sum")
    if kind != "liger":
        raise ValueError(f"loss kind {kind!r}: expected 'liger' or 'chunked'")
    from liger_kernel.transformers import LigerFusedLinearCrossEntropyLoss

    fused = LigerFusedLinearCrossEntropyLoss(ignore_index=IGNORE_INDEX, reduction="sum")

    def liger_loss(hidden, weight, labels):
        from arabic_llm.model.trainable_rows import SplitHead

        if isinstance(weight, SplitHead):  # the fused kernel takes one matrix
            weight = weight.merged()
        h, y = shifted_targets(hidden, labels)
        if y.numel() == 0:
            return hidden.sum().float() * 0.0
        return fused(weight, h, y).float()

    return liger_loss


def causal_lm_loss_module(peft_model, loss_fn: Callable):
    """``module(input_ids, position_ids, labels) -> summed NLL``: the decoder and the loss in one forward.

    The loss is computed outside the HF forward (no full logits), so the training step calls the
    decoder stack and takes the lm_head weight itself. Putting both in one module's forward is what
    DistributedDataParallel needs: it prepares its gradient all-reduce in ``forward``.
    """
    import torch

    from arabic_llm.model.trainable_rows import output_head

    class CausalLmLoss(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.peft_model = peft_model

        def forward(self, input_ids, position_ids, labels):
            causal_lm = self.peft_model.get_base_model()
            # attention_mask=None, no cache, restarting position_ids: transformers masks per
            # document; right padding needs no mask under causal attention (labels -100).
            hidden = causal_lm.model(input_ids=input_ids, position_ids=position_ids, use_cache=False).last_hidden_state
            return loss_fn(hidden, output_head(causal_lm), labels)

    return CausalLmLoss()
