"""Masked-word accuracy for a causal LM: hide one word of a held-out sentence and rank the true word
among K candidates (the true word and K-1 words of similar corpus frequency) by the model's likelihood
of the whole sentence. Whole-sentence likelihoods are compared (never per-token averages), so models
with different tokenizers are scored alike. Diacritic disambiguation (eval/diacritics.py) is scored
the same way: one right sentence among wrong variants.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

_ARABIC_WORD = re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u064b-\u065f\u0670]{2,}")


@dataclass(frozen=True)
class Choice:
    """One test: ``texts[answer]`` is the real sentence, the others are its variants."""

    texts: tuple[str, ...]
    answer: int


class FrequencyBands:
    """Words ranked by corpus frequency; a word's distractors come from a window of ranks around it."""

    def __init__(self, counts: Counter, min_count: int = 3):
        self.ranked = [w for w, c in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))
                       if c >= min_count and _ARABIC_WORD.fullmatch(w)]
        self.rank = {w: i for i, w in enumerate(self.ranked)}

    def distractors(self, word: str, k: int, rng: random.Random, window: int = 50) -> list[str] | None:
        """``k`` other words within ``window`` ranks of ``word``; None when it is unranked or the window is short."""
        rank = self.rank.get(word)
        if rank is None:
            return None
        pool = [w for w in self.ranked[max(0, rank - window): rank + window + 1] if w != word]
        return rng.sample(pool, k) if len(pool) >= k else None


def masked_word_choices(sentences: Iterable[str], bands: FrequencyBands, k: int = 5, seed: int = 0,
                        window: int = 50) -> list[Choice]:
    """At most one test per sentence (a ranked word chosen at random), deterministic for a seed."""
    rng = random.Random(seed)
    choices = []
    for sentence in sentences:
        words = sentence.split()
        slots = [i for i, w in enumerate(words) if w in bands.rank]
        if not slots:
            continue
        i = rng.choice(slots)
        others = bands.distractors(words[i], k - 1, rng, window)
        if others is None:
            continue
        candidates = [words[i], *others]
        rng.shuffle(candidates)
        texts = tuple(" ".join([*words[:i], c, *words[i + 1:]]) for c in candidates)
        choices.append(Choice(texts, candidates.index(words[i])))
    return choices


def choice_accuracy(choices: Sequence[Choice], logprob: Callable[[list[str]], list[float]]) -> float | None:
    """Share of tests where the real sentence is strictly the most likely (a tie is wrong); None if no tests.

    Every test's texts go to ``logprob`` in one call, so it can batch texts of similar length across tests.
    """
    if not choices:
        return None
    flat = logprob([text for choice in choices for text in choice.texts])
    hits, start = 0, 0
    for choice in choices:
        scores = flat[start:start + len(choice.texts)]
        start += len(choice.texts)
        right = scores[choice.answer]
        hits += all(right > s for n, s in enumerate(scores) if n != choice.answer)
    return hits / len(choices)


def sentence_logprobs(model, tokenizer, texts: list[str], batch_size: int = 32) -> list[float]:
    """Sum of token log-probabilities of each text after one end-of-text token (so its first token
    is scored too), right-padded batches of texts of similar length (little padding to compute)."""
    import torch

    start = tokenizer.eos_token_id if tokenizer.bos_token_id is None else tokenizer.bos_token_id
    device = model.get_input_embeddings().weight.device
    all_ids = [[start, *tokenizer(t, add_special_tokens=False)["input_ids"]] for t in texts]
    order = sorted(range(len(texts)), key=lambda i: len(all_ids[i]))
    out: list[float] = [0.0] * len(texts)
    for b in range(0, len(order), batch_size):
        rows = order[b:b + batch_size]
        ids = [all_ids[i] for i in rows]
        width = max(map(len, ids))
        batch = torch.tensor([x + [start] * (width - len(x)) for x in ids], device=device)
        mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x in ids], device=device)
        with torch.no_grad():
            logits = model(input_ids=batch, attention_mask=mask, use_cache=False).logits[:, :-1].float()
        token_lp = torch.log_softmax(logits, -1).gather(-1, batch[:, 1:, None])[..., 0]
        for i, value in zip(rows, (token_lp * mask[:, 1:]).sum(1).tolist()):
            out[i] = value
    return out
