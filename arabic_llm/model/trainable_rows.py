"""New token rows trained beside a frozen embedding matrix, without a dense gradient of the matrix.

peft's trainable tokens (``trainable_token_indices``) train a few thousand rows of the embedding (and of a
tied lm_head) by merging them into a copy of the whole matrix on every forward: autograd then makes a
(vocab x hidden) gradient of that copy to keep the new rows of it, on the input side and again on the
output side. Here the frozen matrix and the trainable rows are looked up (input) and scored (output)
apart, with the same values and the same gradients for the rows; tests prove it against peft's path.
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, NamedTuple

from arabic_llm.model.vocab import is_tied

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch


def token_targets(causal_lm, ids: list[int]) -> dict[str, list[int]] | None:
    """peft's ``trainable_token_indices`` for new rows ``ids``: the input embedding's, and an untied
    lm_head's too (a tied head shares the input rows; peft ties its adapter to theirs). None: no rows."""
    if not ids:
        return None
    names = {id(m): name.rsplit(".", 1)[-1] for name, m in causal_lm.named_modules()}
    targets = {names[id(causal_lm.get_input_embeddings())]: list(ids)}
    head = causal_lm.get_output_embeddings()
    if head is not None and not is_tied(causal_lm):
        targets[names[id(head)]] = list(ids)
    return targets


def output_layer(causal_lm):
    """The model's plain lm_head Linear, under peft's trainable-tokens wrapper where there is one."""
    head = causal_lm.get_output_embeddings()
    adapter = getattr(head, "token_adapter", None)
    return head if adapter is None else adapter.base_layer


def output_weight(causal_lm) -> "torch.Tensor":
    """The lm_head weight the model computes logits with: with trainable new tokens (a tied head
    shares them), the rows being trained replace the frozen ones (differentiably)."""
    head = output_head(causal_lm)
    return head.merged() if isinstance(head, SplitHead) else head


class SplitHead(NamedTuple):
    """An lm_head whose trainable rows are kept apart from the frozen matrix."""

    frozen: "torch.Tensor"  # (vocab, hidden), no grad; its rows at ``ids`` are the originals, unused
    ids: "torch.Tensor"  # (new,) the trainable rows' token ids
    rows: "torch.Tensor"  # (new, hidden) trainable
    start: int | None  # ids[0] when the ids are one ascending run (a `vocab` stage's are), else None

    @property
    def requires_grad(self) -> bool:  # as a weight tensor answers it, for the losses that ask
        return self.rows.requires_grad or self.frozen.requires_grad

    def merged(self) -> "torch.Tensor":
        return self.frozen.index_copy(0, self.ids, self.rows.to(self.frozen))

    def logits(self, hidden: "torch.Tensor") -> "torch.Tensor":
        """``hidden @ merged().T`` without the merged matrix (same values; gradients for ``rows`` only)."""
        import torch
        import torch.nn.functional as F

        rows = F.linear(hidden, self.rows.to(self.frozen))
        if self.start is None:
            return F.linear(hidden, self.frozen).index_copy(-1, self.ids, rows)
        end = self.start + len(self.ids)  # slices of a row-major matrix are views: no copy of the matrix
        return torch.cat([F.linear(hidden, self.frozen[: self.start]), rows, F.linear(hidden, self.frozen[end:])], -1)


def _one_adapter(adapter) -> str | None:
    """The single active trainable-tokens adapter's name, or None (none, several, disabled or merged)."""
    if adapter is None or adapter.disable_adapters or adapter.merged or len(adapter.active_adapters) != 1:
        return None
    return adapter.active_adapters[0]


def output_head(causal_lm) -> "torch.Tensor | SplitHead":
    """The lm_head for a loss: its weight, or a :class:`SplitHead` while peft trains new token rows
    (one active trainable-tokens adapter; several fall back to peft's merged weight)."""
    import torch

    adapter = getattr(causal_lm.get_output_embeddings(), "token_adapter", None)
    if adapter is None or adapter.disable_adapters or adapter.merged:
        return output_layer(causal_lm).weight
    name = _one_adapter(adapter)
    if name is None:
        return adapter.get_merged_weights(adapter.active_adapters)
    frozen = adapter.base_layer.weight
    indices = list(adapter.token_indices[name])
    run = indices == list(range(indices[0], indices[0] + len(indices)))
    ids = torch.as_tensor(indices, dtype=torch.long, device=frozen.device)
    return SplitHead(frozen, ids, adapter.trainable_tokens_delta[name], indices[0] if run else None)


def _split_lookup(adapter, x, active_adapters, *args, **kwargs):
    """peft's embedding forward, with the trainable rows looked up apart from the frozen matrix."""
    import torch
    import torch.nn.functional as F

    name = _one_adapter(adapter)
    if name is None or list(active_adapters) != [name]:
        return type(adapter).forward_adapters(adapter, x, active_adapters, *args, **kwargs)
    base = adapter.base_layer
    rows = adapter.trainable_tokens_delta[name].to(base.weight)
    slot = torch.full((base.weight.shape[0],), -1, dtype=torch.long, device=x.device)
    slot[torch.as_tensor(adapter.token_indices[name], device=x.device)] = torch.arange(len(rows), device=x.device)
    at = slot[x]
    frozen = F.embedding(x, base.weight, padding_idx=base.padding_idx)
    return torch.where((at >= 0)[..., None], F.embedding(at.clamp(min=0), rows), frozen)


def split_trainable_rows(peft_model) -> bool:
    """Let the input embedding of ``peft_model`` look its trainable new rows up apart from the frozen
    matrix (the output side is :func:`output_head`, for losses that take the head themselves). Only a
    plain nn.Embedding without peft's extra options or scaling; anything else keeps peft's path.
    Returns whether it did."""
    import torch

    embed = peft_model.get_input_embeddings()
    adapter = getattr(embed, "token_adapter", None)
    if adapter is None or type(adapter.base_layer) is not torch.nn.Embedding:
        return False
    base = adapter.base_layer
    if base.max_norm is not None or base.scale_grad_by_freq or base.sparse or adapter._get_embed_scale() is not None:
        return False
    adapter.forward_adapters = types.MethodType(_split_lookup, adapter)
    return True
