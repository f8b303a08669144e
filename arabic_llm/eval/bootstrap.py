"""Document-level paired bootstrap for bits-per-character differences.

Two models are scored on the *same* held-out documents. For document i we have the summed negative
log-likelihood of each model in nats (``nll_a[i]``, ``nll_b[i]``) and its character count ``chars[i]``.
A set's bits per character is a ratio of sums, pooled over documents as ``evaluation._Totals`` does:

    bpc(M) = sum_i nll_M[i] / (ln 2 * sum_i chars[i])

and the difference reported is ``delta = bpc(B) - bpc(A)`` (negative: B models the text better).

Uncertainty comes from which documents happened to be held out, so the resampling unit is the
document, not the token (tokens of one document are strongly correlated). Each bootstrap replicate
draws n documents with replacement (multinomial counts, so a document drawn twice weighs twice) and
recomputes *both* models' pooled bpc on the same draw: the pairing cancels the document-difficulty
variance that the two models share, which is most of it. The interval is the percentile interval
of the replicate deltas. Everything is seeded (``numpy.random.default_rng(seed)``): the same inputs
and seed give the same interval, bit for bit.

numpy only; no torch.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

LN2 = math.log(2.0)
NO_CLEAR = "no clear difference"


@dataclass(frozen=True)
class BpcDelta:
    """bpc of A and B on the same documents, their difference B - A and its bootstrap interval."""

    n_docs: int
    n_chars: int
    bpc_a: float
    bpc_b: float
    delta: float  # bpc_b - bpc_a
    low: float | None  # percentile interval of delta; None when there are fewer than 2 documents
    high: float | None
    confidence: float
    n_boot: int
    p_not_lower: float | None  # share of replicates with delta >= 0: small = B is reliably lower

    @property
    def relative(self) -> float:
        """delta as a fraction of bpc_a (-0.05: B needs 5% fewer bits per character)."""
        return self.delta / self.bpc_a if self.bpc_a else math.nan

    def verdict(self) -> str:
        """What a report table prints: "lower" / "higher" when the interval excludes 0, else
        "no clear difference" (also with fewer than 2 documents: nothing to resample)."""
        if self.low is None or self.high is None:
            return NO_CLEAR
        if self.high < 0:
            return "lower"
        if self.low > 0:
            return "higher"
        return NO_CLEAR

    def as_dict(self) -> dict:
        return {**asdict(self), "relative": self.relative, "verdict": self.verdict()}


def _as_arrays(nll_a, nll_b, chars) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    a = np.asarray(nll_a, dtype=np.float64)
    b = np.asarray(nll_b, dtype=np.float64)
    c = np.asarray(chars, dtype=np.float64)
    if not (a.ndim == b.ndim == c.ndim == 1) or not (len(a) == len(b) == len(c)):
        raise ValueError(f"nll_a, nll_b and chars must be 1-d and of equal length (got {a.shape}, {b.shape}, {c.shape})")
    if len(c) and (c <= 0).any():
        raise ValueError("every document needs at least one character (chars > 0)")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("nll values must be finite")
    return a, b, c


def resample_counts(n: int, n_boot: int, seed: int) -> np.ndarray:
    """(n_boot, n) int matrix: how often each document is drawn in each replicate (rows sum to n)."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, np.full(n, 1.0 / n), size=n_boot)


def paired_bpc_delta(nll_a, nll_b, chars, *, n_boot: int = 2000, confidence: float = 0.95,
                     seed: int = 0) -> BpcDelta:
    """Paired document bootstrap of ``bpc(B) - bpc(A)``.

    Args:
        nll_a: per-document summed NLL of model A in nats (``DocScore.nll_sum``), e.g. the base model.
        nll_b: the same documents, same order, scored by model B (e.g. the adapter).
        chars: characters per document (``DocScore.n_chars``).
        n_boot: bootstrap replicates (2000 takes ~10 ms for 100 documents).
        confidence: two-sided level of the percentile interval.
        seed: seeds the resampling.
    Returns:
        ``BpcDelta``; with fewer than 2 documents the interval is None (nothing to resample).
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence={confidence}: expected 0 < confidence < 1")
    if n_boot < 1:
        raise ValueError(f"n_boot={n_boot}: expected at least 1")
    a, b, c = _as_arrays(nll_a, nll_b, chars)
    n = len(c)
    if n == 0:
        raise ValueError("no documents to compare")
    total_chars = float(c.sum())
    bpc_a = float(a.sum() / (LN2 * total_chars))
    bpc_b = float(b.sum() / (LN2 * total_chars))
    delta = bpc_b - bpc_a
    if n < 2:
        return BpcDelta(n, int(total_chars), bpc_a, bpc_b, delta, None, None, confidence, 0, None)
    counts = resample_counts(n, n_boot, seed).astype(np.float64)
    boot_chars = counts @ c
    boot = (counts @ (b - a)) / (LN2 * boot_chars)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])
    return BpcDelta(n, int(total_chars), bpc_a, bpc_b, delta, float(low), float(high), confidence, n_boot,
                    float(np.mean(boot >= 0.0)))


def bpc_interval(nll, chars, *, n_boot: int = 2000, confidence: float = 0.95, seed: int = 0
                 ) -> tuple[float, float | None, float | None]:
    """(bpc, low, high) of one model over documents, by the same document bootstrap (unpaired)."""
    a, _, c = _as_arrays(nll, nll, chars)
    if len(c) == 0:
        raise ValueError("no documents")
    bpc = float(a.sum() / (LN2 * c.sum()))
    if len(c) < 2:
        return bpc, None, None
    counts = resample_counts(len(c), n_boot, seed).astype(np.float64)
    boot = (counts @ a) / (LN2 * (counts @ c))
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(boot, [tail, 1.0 - tail])
    return bpc, float(low), float(high)
