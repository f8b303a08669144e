"""Downstream tasks of the evaluation: QA, classification, translation, the dialect table, dialect ID.

Two batched primitives serve every task:

- ``continuation_logprobs``: ln p(continuation | EOS + context) summed over the continuation's
  tokens; context and continuation are tokenised separately and joined, so the label tokens are
  the same whatever precedes them. Classification scores each label word this way and picks the
  most likely (zero-shot, or k-shot with k solved examples before the item); the sum, not the
  mean per token, as lm-evaluation-harness's ``acc``.
- ``greedy_generate``: left-padded batches through ``model.generate`` (greedy, KV cache on),
  cut at the first new line. QA and translation use it.

Prompts are plain text (a base model has no chat template): ``السياق: ...\\nالسؤال: ...\\nالجواب:``
for QA, ``Arabic: ...\\nEnglish:`` for translation, ``النص: ...\\nالموضوع:`` for classification.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from arabic_llm.config import DIALECTS
from arabic_llm.eval.metrics import compute
from arabic_llm.model.modeling import model_device

# The word each label is scored as (``evaluate.label_words`` adds or replaces entries).
LABEL_WORDS = {
    "positive": "إيجابي", "negative": "سلبي", "neutral": "محايد",
    "POS": "إيجابي", "NEG": "سلبي", "NEU": "محايد",
    "sports": "رياضة", "travel": "سفر", "health": "صحة", "science/technology": "علوم",
    "politics": "سياسة", "entertainment": "ترفيه", "geography": "جغرافيا",
    "MSA": "فصحى", "EGY": "مصرية", "GLF": "خليجية", "LEV": "شامية", "MGR": "مغاربية",
}
LANGUAGE_NAMES = {"ar": "Arabic", "en": "English"}


# ---------------------------------------------------------------------------------------------- primitives


def _max_len(model) -> int:
    config = getattr(model, "config", None)
    return int(getattr(config, "max_position_embeddings", 2048) or 2048)


def _cache_argument(model) -> str:
    """``cache`` (transformers >= 5.2x) or ``past_key_values`` (earlier 5.x), whichever forward takes."""
    import inspect

    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    return "cache" if "cache" in inspect.signature(inner.forward).parameters else "past_key_values"


def continuation_logprobs(model, tokenizer, pairs: Sequence[tuple[str, str]], batch_size: int) -> list[float]:
    """Sum of ln p(token) over each continuation's tokens, given EOS + its context.

    Each distinct context runs once (left-padded, ``batch_size`` contexts at a time, explicit
    position ids so padding changes nothing); its KV cache is then repeated for every continuation
    of that context, which runs on top of it. Classification scores every label after the same
    prompt, so the prompt is not recomputed per label.

    Args:
        model: a transformers causal LM (or PeftModel over one).
        tokenizer: its tokenizer.
        pairs: (context, continuation); the continuation must tokenise to at least one token.
        batch_size: contexts per forward pass.
    Returns:
        One log-probability (nats, <= 0) per pair, in input order. A context longer than the
        model's positions allow (with the continuation) is cut from the left.
    """
    import torch

    device = model_device(model)
    targets = [tokenizer(c, add_special_tokens=False)["input_ids"] for _, c in pairs]
    for (_, continuation), ids in zip(pairs, targets):
        if not ids:
            raise ValueError(f"continuation {continuation!r} tokenises to nothing")
    by_context: dict[str, list[int]] = {}
    for i, (context, _) in enumerate(pairs):
        by_context.setdefault(context, []).append(i)
    longest = max((len(t) for t in targets), default=0)
    limit = _max_len(model) - longest
    context_ids = {c: [tokenizer.eos_token_id, *tokenizer(c, add_special_tokens=False)["input_ids"]][-limit:] for c in by_context}
    scores = [0.0] * len(pairs)
    contexts = sorted(by_context, key=lambda c: -len(context_ids[c]))
    for start in range(0, len(contexts), batch_size):
        batch = contexts[start : start + batch_size]
        width = len(context_ids[batch[0]])
        ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, c in enumerate(batch):
            ids[row, width - len(context_ids[c]) :] = torch.tensor(context_ids[c])
            mask[row, width - len(context_ids[c]) :] = 1
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        out = model(input_ids=ids.to(device), attention_mask=mask.to(device), position_ids=positions.to(device),
                    use_cache=True, logits_to_keep=1)
        first = torch.log_softmax(out.logits[:, -1].float(), dim=-1)
        rows = [(row, i) for row, c in enumerate(batch) for i in by_context[c]]
        for row, i in rows:
            scores[i] += float(first[row, targets[i][0]])
        rest = [(row, i) for row, i in rows if len(targets[i]) > 1]
        if not rest:
            continue
        # Every continuation with more than one token: its tokens 1.. are predicted on top of the cache.
        cache = getattr(out, "cache", None) or out.past_key_values
        cache.reorder_cache(torch.tensor([row for row, _ in rest], device=device))
        span = max(len(targets[i]) for _, i in rest) - 1
        step_ids = torch.full((len(rest), span), tokenizer.pad_token_id, dtype=torch.long)
        step_mask = torch.zeros_like(step_ids)
        for n, (_, i) in enumerate(rest):
            step_ids[n, : len(targets[i]) - 1] = torch.tensor(targets[i][:-1])
            step_mask[n, : len(targets[i]) - 1] = 1
        full_mask = torch.cat([mask[[row for row, _ in rest]], step_mask], dim=1)
        step_pos = positions[[row for row, _ in rest], -1:] + 1 + torch.arange(span)[None, :]
        logits = model(input_ids=step_ids.to(device), attention_mask=full_mask.to(device), position_ids=step_pos.to(device),
                       use_cache=True, **{_cache_argument(model): cache}).logits.float()
        logp = torch.log_softmax(logits, dim=-1)
        for n, (_, i) in enumerate(rest):
            tail = torch.tensor(targets[i][1:], device=device)
            scores[i] += float(logp[n, : len(tail)].gather(1, tail[:, None]).sum())
    return scores


def greedy_generate(model, tokenizer, prompts: Sequence[str], max_new_tokens: int, batch_size: int) -> list[str]:
    """Greedy continuations (KV cache on), decoded and cut at the first new line, stripped.

    Prompts are prefixed with EOS (a document start, as in training) and left-padded.
    """
    import torch

    device = model_device(model)
    limit = _max_len(model) - max_new_tokens
    encoded = [[tokenizer.eos_token_id, *tokenizer(p, add_special_tokens=False)["input_ids"]][-limit:] for p in prompts]
    outputs = [""] * len(prompts)
    order = sorted(range(len(prompts)), key=lambda i: -len(encoded[i]))
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        width = len(encoded[batch[0]])
        ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, i in enumerate(batch):
            ids[row, width - len(encoded[i]) :] = torch.tensor(encoded[i])
            mask[row, width - len(encoded[i]) :] = 1
        generated = model.generate(
            input_ids=ids.to(device), attention_mask=mask.to(device), max_new_tokens=max_new_tokens,
            do_sample=False, num_beams=1, use_cache=True, pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
        )
        for row, i in enumerate(batch):
            text = tokenizer.decode(generated[row, width:], skip_special_tokens=True)
            outputs[i] = text.split("\n", 1)[0].strip()
    return outputs


# ---------------------------------------------------------------------------------------------- prompts


def qa_prompt(item: dict) -> str:
    return f"السياق: {item['context']}\nالسؤال: {item['question']}\nالجواب:"


def translation_prompt(source: str, src: str, tgt: str, shots: Sequence[tuple[str, str]] = ()) -> str:
    s, t = LANGUAGE_NAMES[src], LANGUAGE_NAMES[tgt]
    demos = "".join(f"{s}: {a}\n{t}: {b}\n\n" for a, b in shots)
    return f"{demos}{s}: {source}\n{t}:"


def classification_prompt(text: str, field: str, shots: Sequence[tuple[str, str]] = ()) -> str:
    demos = "".join(f"النص: {t}\n{field}: {w}\n\n" for t, w in shots)
    return f"{demos}النص: {text}\n{field}:"


def balanced_subset(items: Sequence[dict], n: int, key: str) -> list[dict]:
    """Up to ``n`` items taken round-robin over the values of ``key`` (in order of first appearance),
    so a file sorted by label still gives every label its share; file order within each label."""
    by_value: dict[str, list[dict]] = {}
    for item in items:
        by_value.setdefault(item[key], []).append(item)
    out: list[dict] = []
    queues = [list(v) for v in by_value.values()]
    while len(out) < n and any(queues):
        for queue in queues:
            if queue and len(out) < n:
                out.append(queue.pop(0))
    return out


def pick_shots(pool: Sequence[dict], k: int, exclude_id: str, seed: str) -> list[dict]:
    """``k`` examples of ``pool`` other than ``exclude_id``, chosen by a seeded RNG (same seed, same shots)."""
    candidates = [ex for ex in pool if ex["id"] != exclude_id]
    return random.Random(seed).sample(candidates, min(k, len(candidates)))


# ---------------------------------------------------------------------------------------------- batching


class Batch:
    """Collects every generation prompt and scored continuation of one model, runs them in few big
    batches (generation steps cost the same for 1 or 32 sequences), and hands back the results.

    Register with ``generate`` / ``score`` (each returns a ticket), call ``run`` once, then read the
    results with ``generated(ticket)`` / ``scores(ticket)``.
    """

    def __init__(self) -> None:
        self._prompts: list[str] = []
        self._pairs: list[tuple[str, str]] = []
        self._generated: list[str] | None = None
        self._scores: list[float] | None = None

    def generate(self, prompts: Sequence[str]) -> slice:
        start = len(self._prompts)
        self._prompts += prompts
        return slice(start, len(self._prompts))

    def score(self, pairs: Sequence[tuple[str, str]]) -> slice:
        start = len(self._pairs)
        self._pairs += pairs
        return slice(start, len(self._pairs))

    def run(self, model, tokenizer, max_new_tokens: int, batch_size: int) -> None:
        self._generated = greedy_generate(model, tokenizer, self._prompts, max_new_tokens, batch_size) if self._prompts else []
        self._scores = continuation_logprobs(model, tokenizer, self._pairs, batch_size) if self._pairs else []

    def generated(self, ticket: slice) -> list[str]:
        if self._generated is None:
            raise RuntimeError("Batch.run has not been called")
        return self._generated[ticket]

    def scores(self, ticket: slice) -> list[float]:
        if self._scores is None:
            raise RuntimeError("Batch.run has not been called")
        return self._scores[ticket]


# ---------------------------------------------------------------------------------------------- tasks


def label_words(labels: Sequence[str], overrides: dict[str, str]) -> dict[str, str]:
    words = {label: overrides.get(label, LABEL_WORDS.get(label, label)) for label in labels}
    if len(set(words.values())) < len(words):
        raise ValueError(f"labels {sorted(words)} share a label word ({words}); set evaluate.label_words")
    return words


def classification_pairs(items: Sequence[dict], *, labels: Sequence[str], field: str, words: dict[str, str], k: int,
                         pool: Sequence[dict], seed: int, text_key: str = "text", label_key: str = "label") -> list[tuple[str, str]]:
    """(prompt, " " + label word) for every item and label, item-major (k solved examples before each item)."""
    pairs = []
    for n, item in enumerate(items):
        item_id = item.get("id", str(n))
        shots = pick_shots(pool, k, item_id, f"{seed}:{field}:{item_id}") if k else []
        prompt = classification_prompt(item[text_key], field, [(s[text_key], words[s[label_key]]) for s in shots])
        pairs += [(prompt, " " + words[label]) for label in labels]
    return pairs


def pick_labels(scores: Sequence[float], labels: Sequence[str]) -> list[str]:
    """The most likely label of each item from item-major scores (ties: the first label)."""
    width = len(labels)
    return [labels[max(range(width), key=lambda j: scores[n + j])] for n in range(0, len(scores), width)]


def classification_scores(predictions: list[str], references: list[str]) -> dict:
    return compute("classification", predictions, references)


def translation_prompts(items: Sequence[dict], src: str, tgt: str, *, k: int, pool: Sequence[dict], seed: int) -> list[str]:
    """Prompts translating ``items`` ({id, text (Arabic), en}) from ``src`` to ``tgt`` ("ar" / "en")."""
    side = {"ar": "text", "en": "en"}
    prompts = []
    for item in items:
        shots = pick_shots(pool, k, item["id"], f"{seed}:mt:{item['id']}") if k else []
        prompts.append(translation_prompt(item[side[src]], src, tgt, [(s[side[src]], s[side[tgt]]) for s in shots]))
    return prompts


def dialect_id(predicted: Sequence[str], gold: Sequence[str]) -> dict:
    """Accuracy and macro-F1 of dialect predictions, with per-dialect accuracy."""
    result = classification_scores(list(predicted), list(gold))
    result["per_dialect"] = {
        d: sum(p == g for p, g in zip(predicted, gold) if g == d) / gold.count(d) for d in DIALECTS if d in gold
    }
    return result


def dialect_id_examples(parallel: dict[str, list[dict]], max_examples: int) -> tuple[list[str], list[str]]:
    """Texts of known dialect (the parallel sets) and their dialects."""
    texts, gold = [], []
    for dialect, rows in parallel.items():
        for row in rows[:max_examples]:
            texts.append(row["text"])
            gold.append(dialect)
    return texts, gold
