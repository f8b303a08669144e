"""What adaptation did, per dialect, with its uncertainty: bits per character of every model on the same
held-out documents, each model against the base (and the dialect adapter against the MSA adapter), with
paired document-bootstrap intervals (``arabic_llm.eval.bootstrap``) and a verdict in words.
"""

from __future__ import annotations

import math

from arabic_llm.eval.bootstrap import LN2, bpc_interval, paired_bpc_delta


def comparisons(models: list[str]) -> list[tuple[str, str]]:
    """(reference, model) pairs: every model against the base, then each later adapter against the one before."""
    if "base" not in models:
        return []
    pairs = [("base", name) for name in models if name != "base"]
    adapters = [name for name in models if name != "base"]
    pairs += list(zip(adapters, adapters[1:]))
    return pairs


def adaptation(per_document: dict[str, dict[str, list[float]]], documents: dict[str, list[dict]], *,
               n_boot: int, confidence: float, seed: int) -> dict:
    """Per dialect: each model's bits/char and perplexity with an interval, and each comparison's difference.

    Args:
        per_document: model -> dialect -> summed NLL (nats) of each held-out document, in ``documents``' order.
        documents: dialect -> [{"id", "n_chars", "n_tokens"}] (the same documents for every model).
        n_boot, confidence, seed: the bootstrap's replicates, level and seed (one seed per dialect row, so
            a row's interval does not depend on which other dialects were scored).
    Returns:
        {"dialects": {D: {"n_docs", "n_chars", "n_tokens", "models": {name: {"bits_per_char", "low", "high",
        "perplexity"}}, "differences": [{"reference", "model", "delta", "low", "high", "relative", "verdict",
        "p_not_lower"}]}}, "confidence", "n_boot", "method"}
    """
    names = list(per_document)
    out: dict = {"confidence": confidence, "n_boot": n_boot,
                 "method": "paired bootstrap over documents: each replicate redraws the held-out documents of a "
                           "dialect with replacement and recomputes every model's pooled bits/char on that draw",
                 "dialects": {}}
    for index, (dialect, docs) in enumerate(documents.items()):
        if not docs:
            continue
        chars = [d["n_chars"] for d in docs]
        tokens = sum(d["n_tokens"] for d in docs)
        row_seed = seed + index
        row: dict = {"n_docs": len(docs), "n_chars": sum(chars), "n_tokens": tokens, "models": {}, "differences": []}
        for name in names:
            nll = per_document[name][dialect]
            bpc, low, high = bpc_interval(nll, chars, n_boot=n_boot, confidence=confidence, seed=row_seed)
            total = sum(nll)
            row["models"][name] = {"bits_per_char": bpc, "low": low, "high": high,
                                   "perplexity": math.exp(min(total / tokens, 700.0)) if tokens else None,
                                   "nll_nats": total}
        for ref, name in comparisons(names):
            d = paired_bpc_delta(per_document[ref][dialect], per_document[name][dialect], chars, n_boot=n_boot,
                                 confidence=confidence, seed=row_seed)
            row["differences"].append({"reference": ref, "model": name, "delta": d.delta, "low": d.low, "high": d.high,
                                       "relative": d.relative, "verdict": d.verdict(), "p_not_lower": d.p_not_lower})
        out["dialects"][dialect] = row
    return out


__all__ = ["LN2", "adaptation", "comparisons"]
