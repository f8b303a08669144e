"""Held-out evaluation: perplexity, bits per character and next-word prediction, per dialect.

Every model (the base and each LoRA adapter) scores the same held-out documents the same way:

- each document is scored as ``<|endoftext|> + text``: the EOS stands for "start of a document",
  exactly as documents follow an EOS in the packed training shards; every text token is predicted
  once, the EOS itself never is;
- documents longer than ``seq_len`` are cut into windows of ``seq_len`` tokens that overlap by one
  token, so every token is scored exactly once with up to ``seq_len - 1`` tokens of context;
- **perplexity** = exp(total NLL / number of scored tokens), pooled over the documents of a group
  (a token-weighted mean, not a mean of per-document perplexities);
- **bits per character** = total NLL in bits / number of characters (Python code points) of the
  scored texts. It does not depend on the tokenizer, so it compares models with different
  vocabularies, and dialects that one tokenizer splits into more pieces;
- **next-word prediction**: for every word after the first (words = maximal runs of non-space
  characters), the target is the first token of that word as the tokenizer splits the full text
  (with byte-level BPE it carries the preceding space). A top-1 hit is when the model's most likely
  next token, given everything before it, is that token; a top-k hit is when it is among the k most
  likely. Accuracy = hits / words. It measures whether the model "knows what comes next" at word
  boundaries; it does not require predicting the whole word.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from arabic_llm.model.modeling import model_device

if TYPE_CHECKING:  # pragma: no cover - typing only
    pass

_WORD = re.compile(r"\S+")


# ---------------------------------------------------------------------------------------------
# Pure metric helpers
# ---------------------------------------------------------------------------------------------


def perplexity(nll_sum_nats: float, n_tokens: int) -> float:
    """Token-level perplexity: exp(mean negative log-likelihood in nats).

    Args:
        nll_sum_nats: sum of -ln p(token) over the scored tokens.
        n_tokens: number of scored tokens.
    Returns:
        The perplexity; NaN when no token was scored; +inf if it overflows a float.
    """
    if n_tokens <= 0:
        return math.nan
    mean = nll_sum_nats / n_tokens
    return math.exp(mean) if mean < 709.0 else math.inf


def bits_per_char(nll_sum_nats: float, n_chars: int) -> float:
    """Bits per character: total NLL converted to bits (/ ln 2), divided by the character count.

    Args:
        nll_sum_nats: sum of -ln p(token) over all tokens of the texts.
        n_chars: number of characters of those texts.
    Returns:
        Bits per character; NaN when there are no characters.
    """
    if n_chars <= 0:
        return math.nan
    return nll_sum_nats / math.log(2) / n_chars


def word_start_tokens(text: str, offsets: list[tuple[int, int]]) -> list[int]:
    """Indices of the tokens that begin each word after the first.

    Args:
        text: the text the tokenizer split.
        offsets: (start, end) character span of every token (``return_offsets_mapping``).
    Returns:
        For each word but the first, the index of the first token whose span ends after the
        word's first character (the token carrying that character); words that no token covers
        (possible only with a lossy tokenizer) are skipped.
    """
    starts = [m.start() for m in _WORD.finditer(text)][1:]
    result: list[int] = []
    j = 0
    for s in starts:
        while j < len(offsets) and offsets[j][1] <= s:
            j += 1
        if j == len(offsets):
            break
        result.append(j)
    return result


@dataclass
class DocScore:
    """Per-token scores of one document (text tokens only, the EOS prefix excluded)."""

    nll: list[float]  # -ln p(token_i | tokens before), nats
    top1: list[bool]  # token_i was the most likely next token
    topk: list[bool]  # token_i was among the top-k
    word_starts: list[int]  # indices (into the lists above) of next-word target tokens
    n_chars: int

    @property
    def nll_sum(self) -> float:
        return float(sum(self.nll))


@dataclass
class Totals:
    n_docs: int = 0
    n_tokens: int = 0
    n_chars: int = 0
    nll_nats: float = 0.0
    n_words: int = 0
    top1_hits: int = 0
    topk_hits: int = 0

    def add(self, score: DocScore) -> None:
        self.n_docs += 1
        self.n_tokens += len(score.nll)
        self.n_chars += score.n_chars
        self.nll_nats += score.nll_sum
        self.n_words += len(score.word_starts)
        self.top1_hits += sum(score.top1[j] for j in score.word_starts)
        self.topk_hits += sum(score.topk[j] for j in score.word_starts)

    def metrics(self, top_k: int) -> dict:
        """Pooled metrics; undefined ones (no tokens / words) are None, so the dict is strict JSON."""
        values = {
            "n_docs": self.n_docs,
            "n_tokens": self.n_tokens,
            "n_chars": self.n_chars,
            "n_words": self.n_words,
            "nll_nats": self.nll_nats,
            "mean_nll": self.nll_nats / self.n_tokens if self.n_tokens else math.nan,
            "perplexity": perplexity(self.nll_nats, self.n_tokens),
            "bits_per_char": bits_per_char(self.nll_nats, self.n_chars),
            "next_word_top1": self.top1_hits / self.n_words if self.n_words else math.nan,
            "next_word_topk": self.topk_hits / self.n_words if self.n_words else math.nan,
            "top_k": top_k,
        }
        return _none_if_nan(values)


def _none_if_nan(metrics: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in metrics.items()}


# ---------------------------------------------------------------------------------------------
# Scoring with a model
# ---------------------------------------------------------------------------------------------


def score_token_ids(
    model, ids: list[int], eos_id: int, seq_len: int, top_k: int, *, chunk: int = 256
) -> tuple[list[float], list[bool], list[bool]]:
    """Score ``ids`` as a document that follows an EOS, in windows of ``seq_len`` overlapping by one.

    Args:
        model: a transformers causal LM or a PeftModel over one (its decoder runs once per window
            and the lm_head is applied ``chunk`` positions at a time, so a 2048-token window of
            Qwen2's 152k vocabulary never needs its 1.2 GB of fp32 logits at once); or any module
            called as ``model(input_ids=LongTensor[1, L])`` returning ``.logits`` (1, L, vocab).
        ids: the document's token ids (no special tokens).
        eos_id: the EOS id put in front.
        seq_len: window length (>= 2), the training sequence length.
        top_k: k of the top-k hit flags.
        chunk: positions per lm_head chunk (memory only; no effect on the values).
    Returns:
        (nll, top1, topk) per token of ``ids``.
    """
    import torch

    if seq_len < 2:
        raise ValueError(f"seq_len={seq_len}: need at least 2 tokens per window (context + target)")
    device = model_device(model)
    parts = _decoder_and_head(model)
    seq = [eos_id, *ids]
    nll: list[float] = []
    top1: list[bool] = []
    topk: list[bool] = []
    # Window w covers seq[w*(L-1) : w*(L-1)+L] and scores its tokens 1..; consecutive windows share
    # one token, so each token of ``ids`` is scored exactly once.
    stride = seq_len - 1
    for start in range(0, len(seq) - 1, stride):
        window = torch.tensor([seq[start : start + seq_len]], dtype=torch.long, device=device)
        targets = window[0, 1:]
        if parts is not None:
            decoder, head = parts
            hidden = decoder(input_ids=window).last_hidden_state[0, :-1]
            pieces = ((head(hidden[i : i + chunk]), targets[i : i + chunk]) for i in range(0, len(targets), chunk))
        else:
            pieces = iter([(model(input_ids=window).logits[0, :-1], targets)])
        for logits, tgt in pieces:
            logits = logits.float()
            logp = torch.log_softmax(logits, dim=-1)
            nll.extend((-logp.gather(1, tgt[:, None])[:, 0]).tolist())
            best = logits.topk(min(top_k, logits.shape[-1]), dim=-1).indices
            top1.extend((best[:, 0] == tgt).tolist())
            topk.extend((best == tgt[:, None]).any(dim=-1).tolist())
    return nll, top1, topk


def _decoder_and_head(model):
    """(decoder stack, lm_head) of a transformers causal LM (or a PeftModel over one), else None.

    Valid where logits = lm_head(final hidden state) with no scaling or soft-capping (Qwen2, Llama);
    training computes its loss the same way (``qlora.chunked_causal_lm_loss``).
    """
    import torch

    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    decoder = getattr(inner, "model", None)
    get_head = getattr(inner, "get_output_embeddings", None)
    head = get_head() if callable(get_head) else None
    if decoder is None or not isinstance(head, torch.nn.Linear):
        return None
    return decoder, head


def score_text(model, tokenizer, text: str, seq_len: int, top_k: int) -> DocScore:
    """Tokenise and score one text (see the module docstring for the definitions).

    Args:
        model: causal LM (see ``score_token_ids``).
        tokenizer: a fast tokenizer (offsets are needed for word boundaries).
        text: the document text.
        seq_len: window length.
        top_k: k for the top-k next-word accuracy.
    Returns:
        The document's ``DocScore``.
    """
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids = list(enc["input_ids"])
    nll, top1, topk = score_token_ids(model, ids, tokenizer.eos_token_id, seq_len, top_k) if ids else ([], [], [])
    return DocScore(
        nll=nll,
        top1=top1,
        topk=topk,
        word_starts=word_start_tokens(text, [tuple(o) for o in enc["offset_mapping"]]),
        n_chars=len(text),
    )


def score_texts(model, tokenizer, texts: list[str], seq_len: int, top_k: int, batch_size: int = 32) -> list[DocScore]:
    """``score_text`` for many texts: the same windows, run in right-padded batches of ``batch_size``.

    Every window of every text is scored as ``score_token_ids`` scores it (same windows, same
    targets); padding only adds masked positions after a window's end, so the values agree with
    one window at a time up to floating-point noise. Models without a separate decoder and head
    go one text at a time through ``score_token_ids``.
    """
    import torch

    encs = [tokenizer(t, add_special_tokens=False, return_offsets_mapping=True) for t in texts]
    parts = _decoder_and_head(model)
    if parts is None or seq_len < 2:
        return [score_text(model, tokenizer, t, seq_len, top_k) for t in texts]
    decoder, head = parts
    device = model_device(model)
    windows: list[tuple[int, list[int]]] = []  # (text index, window ids); windows of a text stay in order
    for n, enc in enumerate(encs):
        seq = [tokenizer.eos_token_id, *enc["input_ids"]]
        windows += [(n, seq[s : s + seq_len]) for s in range(0, len(seq) - 1, seq_len - 1)] if enc["input_ids"] else []
    per_window: list[tuple[list[float], list[bool], list[bool]]] = [([], [], [])] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: -len(windows[i][1]))
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        width = len(windows[batch[0]][1])
        ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, i in enumerate(batch):
            ids[row, : len(windows[i][1])] = torch.tensor(windows[i][1])
            mask[row, : len(windows[i][1])] = 1
        hidden = decoder(input_ids=ids.to(device), attention_mask=mask.to(device)).last_hidden_state
        for row, i in enumerate(batch):
            n = len(windows[i][1])
            targets = ids[row, 1:n].to(device)
            logits = head(hidden[row, : n - 1]).float()
            logp = torch.log_softmax(logits, dim=-1)
            best = logits.topk(min(top_k, logits.shape[-1]), dim=-1).indices
            per_window[i] = ((-logp.gather(1, targets[:, None])[:, 0]).tolist(), (best[:, 0] == targets).tolist(),
                             (best == targets[:, None]).any(dim=-1).tolist())
    scores = [DocScore(nll=[], top1=[], topk=[], word_starts=word_start_tokens(t, [tuple(o) for o in enc["offset_mapping"]]),
                       n_chars=len(t)) for t, enc in zip(texts, encs)]
    for (n, _), (nll, top1, topk) in zip(windows, per_window):
        scores[n].nll += nll
        scores[n].top1 += top1
        scores[n].topk += topk
    return scores
