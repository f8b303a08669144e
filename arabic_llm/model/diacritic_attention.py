"""Diacritic-aware attention: a learned additive bias on the attention scores towards key positions
whose tokens carry Arabic diacritics.

    score[b, h, q, k] += bias[layer, h] * has_diacritic[b, k]

``bias`` is ``[layers, heads]``, initialised at zero: until trained, the model computes exactly the
base model's attention. The hook is transformers' own: an attention function registered with
``AttentionInterface`` that calls ``sdpa_attention_forward`` with a ``position_bias`` (added to the
causal, padding or packed-document mask the model built). The same name is registered with
``AttentionMaskInterface`` as ``sdpa_mask``: for an unknown name transformers builds no mask at all,
and padding and packed documents would leak. Which keys carry diacritics comes from the token ids,
looked up by a forward pre-hook on the decoder (in a byte-level BPE a shadda or tanween is often split
over two tokens: it counts at its second byte's token); during cached generation the flags of earlier
steps, and the last token, are kept. Works for models whose attention modules call the registered function with their
``layer_idx`` (Llama, Qwen2, Mistral ... in transformers 5). Liger's kernels replace RMSNorm, RoPE,
SwiGLU and the loss, not attention, so they compose. A float mask keeps SDPA off the flash kernel.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import torch
from torch import nn

from arabic_llm.layout import BIAS_FILE

ATTENTION_NAME = "diacritic_sdpa"
DIACRITICS = frozenset(map(chr, [*range(0x064B, 0x0653), 0x0670]))  # tanween, harakat, shadda, sukun, dagger alif


HOLDS, COMPLETES, ENDS_LEAD = 1, 2, 4  # bits of a token's code in the table
DIACRITIC_LEAD = 0xD9  # UTF-8: every diacritic above is 0xD9 followed by one of these bytes
DIACRITIC_TAILS = frozenset(ch.encode("utf-8")[1] for ch in DIACRITICS)


def _byte_level_pieces(tokenizer) -> list[bytes] | None:
    """Each token's raw bytes, for a byte-level BPE (GPT-2, Qwen2, SmolLM2), else None. There a shadda or
    tanween often falls into two tokens (its lead byte ending one, its second byte starting the next),
    and neither decodes to the mark on its own."""
    from tokenizers import decoders

    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None or not isinstance(backend.decoder, decoders.ByteLevel):
        return None
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    to_byte = {char: byte for byte, char in bytes_to_unicode().items()}
    pieces = []
    for piece in tokenizer.convert_ids_to_tokens(list(range(len(tokenizer)))):
        pieces.append(bytes(to_byte[c] for c in piece) if piece and all(c in to_byte for c in piece) else b"")
    return pieces


def diacritic_token_table(tokenizer, size: int | None = None) -> torch.Tensor:
    """uint8[size]: each token's code: HOLDS a whole Arabic diacritic; COMPLETES one (starts with its
    second UTF-8 byte); ENDS_LEAD (ends with the lead byte 0xD9). ``size`` defaults to the tokenizer's."""
    size = size or len(tokenizer)
    table = torch.zeros(size, dtype=torch.uint8)
    pieces = _byte_level_pieces(tokenizer)
    for i in range(min(size, len(tokenizer))):
        text = unicodedata.normalize("NFD", tokenizer.decode([i]))  # a partial UTF-8 piece decodes to U+FFFD
        code = HOLDS if any(ch in DIACRITICS for ch in text) else 0
        if pieces is not None and pieces[i]:
            raw = pieces[i]
            code |= HOLDS if any(ch.encode("utf-8") in raw for ch in DIACRITICS) else 0
            code |= COMPLETES if raw[0] in DIACRITIC_TAILS else 0
            code |= ENDS_LEAD if raw[-1] == DIACRITIC_LEAD else 0
        table[i] = code
    return table


def diacritic_flags(codes: torch.Tensor, previous: torch.Tensor | None = None) -> torch.Tensor:
    """Bool[batch, T]: which positions carry a diacritic, from their tokens' codes [batch, T] (and the
    code of the token before the first position, [batch, 1], when continuing a sequence)."""
    before = torch.zeros_like(codes[:, :1]) if previous is None else previous
    before = torch.cat([before, codes[:, :-1]], 1)
    return (codes & HOLDS).bool() | ((codes & COMPLETES).bool() & (before & ENDS_LEAD).bool())


class DiacriticBias(nn.Module):
    """The bias, and the current batch's per-key diacritic flags (set by the decoder's pre-hook)."""

    def __init__(self, n_layers: int, n_heads: int, table: torch.Tensor):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(n_layers, n_heads))
        self.register_buffer("table", table.to(torch.uint8), persistent=False)
        self.key_flags: torch.Tensor | None = None  # [batch, keys], float
        self.last_codes: torch.Tensor | None = None  # [batch, 1]: the last token's code, for cached generation

    def set_ids(self, input_ids: torch.Tensor | None, continuing: bool) -> None:
        if input_ids is None:  # inputs_embeds: no ids, no bias
            self.key_flags = self.last_codes = None
            return
        codes = self.table.to(input_ids.device)[input_ids.clamp(0, len(self.table) - 1)]
        same_batch = continuing and self.key_flags is not None and self.key_flags.shape[0] == codes.shape[0]
        flags = diacritic_flags(codes, self.last_codes if same_batch else None).to(self.bias.dtype)
        self.key_flags = torch.cat([self.key_flags, flags], 1) if same_batch else flags
        self.last_codes = codes[:, -1:]

    def position_bias(self, layer: int, n_keys: int, dtype: torch.dtype) -> torch.Tensor:
        """[batch, heads, 1, n_keys]: the scores' additive bias for one layer."""
        flags = self.key_flags[:, -n_keys:]
        if flags.shape[1] < n_keys:
            flags = nn.functional.pad(flags, (n_keys - flags.shape[1], 0))
        return self.bias[layer].to(dtype).view(1, -1, 1, 1) * flags.to(dtype)[:, None, None, :]


def _attention(module, query, key, value, attention_mask, **kwargs):
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    state = getattr(module, "_diacritic_bias", (None,))[0]
    if state is not None and state.key_flags is not None:
        kwargs["position_bias"] = state.position_bias(module.layer_idx, key.shape[2], query.dtype)
    return sdpa_attention_forward(module, query, key, value, attention_mask, **kwargs)


def _register() -> None:
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

    AttentionInterface.register(ATTENTION_NAME, _attention)
    AttentionMaskInterface.register(ATTENTION_NAME, sdpa_mask)


def _decoder_pre_hook(state: DiacriticBias):
    def hook(_module, args, kwargs):
        ids = kwargs.get("input_ids", args[0] if args else None)
        cache = kwargs.get("past_key_values")
        position = kwargs.get("cache_position")
        continuing = cache is not None and hasattr(cache, "get_seq_length") and cache.get_seq_length() > 0
        continuing = continuing or (position is not None and position.numel() > 0 and int(position.view(-1)[0]) > 0)
        state.set_ids(ids, bool(continuing))
    return hook


def enable_diacritic_bias(model, tokenizer, bias_dir: Path | None = None) -> DiacriticBias:
    """Give ``model`` (a transformers causal LM, or a peft model around one) diacritic-aware attention.

    The bias is registered as ``model.diacritic_bias`` (the optimiser sees it; train it beside the
    adapters) and loaded from ``bias_dir`` when given (a directory :func:`save_diacritic_bias` wrote).
    """
    _register()
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    cfg = base.config
    table = diacritic_token_table(tokenizer, base.get_input_embeddings().weight.shape[0])
    state = DiacriticBias(cfg.num_hidden_layers, cfg.num_attention_heads, table)
    if bias_dir is not None:
        from safetensors.torch import load_file

        state.bias.data.copy_(load_file(str(Path(bias_dir) / BIAS_FILE))["bias"])
    state.to(base.get_input_embeddings().weight.device)
    attention_modules = [m for m in base.modules() if hasattr(m, "layer_idx") and hasattr(m, "o_proj")]
    if len(attention_modules) != cfg.num_hidden_layers:
        raise ValueError(f"diacritic attention: found {len(attention_modules)} attention modules for "
                         f"{cfg.num_hidden_layers} layers in {type(base).__name__}")
    for module in attention_modules:
        module._diacritic_bias = (state,)  # a tuple: not a submodule, so the parameter is listed once
    state.hook = base.get_decoder().register_forward_pre_hook(_decoder_pre_hook(state), with_kwargs=True)
    state.previous_attention = base.config._attn_implementation
    base.set_attn_implementation(ATTENTION_NAME)
    base.diacritic_bias = state
    return state


def disable_diacritic_bias(model) -> None:
    """Back to the attention implementation the model had before :func:`enable_diacritic_bias`."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    state = getattr(base, "diacritic_bias", None)
    if state is None:
        return
    state.hook.remove()
    del base.diacritic_bias
    for module in base.modules():
        if hasattr(module, "_diacritic_bias"):
            del module._diacritic_bias
    base.set_attn_implementation(state.previous_attention)


def save_diacritic_bias(model, out_dir: Path) -> Path:
    from safetensors.torch import save_file

    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    path = Path(out_dir) / BIAS_FILE
    save_file({"bias": base.diacritic_bias.bias.detach().float().cpu().contiguous()}, str(path))
    return path


def use_adapter_bias(model, tokenizer, adapter_dir: Path | None) -> bool:
    """Switch ``model``'s diacritic bias to the one saved in ``adapter_dir``, or off when it has none
    (or for None: the base model). Returns whether a bias is on."""
    saved = adapter_dir is not None and (Path(adapter_dir) / BIAS_FILE).is_file()
    disable_diacritic_bias(model)
    if saved:
        enable_diacritic_bias(model, tokenizer, bias_dir=adapter_dir)
    return saved
