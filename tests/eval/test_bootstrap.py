"""Tests of the document bootstrap on data whose answer is known ."""

import math

import numpy as np
import pytest

from arabic_llm.eval.bootstrap import (
    LN2,
    NO_CLEAR,
    bpc_interval,
    paired_bpc_delta,
    resample_counts,
)


def test_constant_per_char_gain_gives_a_point_interval():
    # B saves exactly 0.25 bits on every character of every document: every replicate's delta is -0.25.
    rng = np.random.default_rng(1)
    chars = rng.integers(50, 2000, size=30)
    nll_a = chars * LN2 * rng.uniform(1.5, 3.0, size=30)
    nll_b = nll_a - 0.25 * LN2 * chars
    r = paired_bpc_delta(nll_a, nll_b, chars, n_boot=500, seed=7)
    assert r.delta == pytest.approx(-0.25)
    assert r.low == pytest.approx(-0.25) and r.high == pytest.approx(-0.25)
    assert r.verdict() == "lower" and r.p_not_lower == 0.0
    assert r.n_docs == 30 and r.n_chars == int(chars.sum())


def test_pooled_bpc_is_a_ratio_of_sums():
    r = paired_bpc_delta([10 * LN2, 30 * LN2], [5 * LN2, 35 * LN2], [10, 30], n_boot=10)
    assert r.bpc_a == pytest.approx(1.0)  # (10 + 30) bits / 40 chars
    assert r.bpc_b == pytest.approx(1.0)  # (5 + 35) / 40
    assert r.delta == pytest.approx(0.0)


def test_two_documents_exact_bootstrap_distribution():
    # Two equal-length documents with per-char deltas -1 and +1: replicates are {1,1}: -1, {2,2}: +1 and
    # {1,2}: 0, with probabilities 1/4, 1/4, 1/2. The 95% percentile interval is therefore [-1, 1] and
    # P(delta >= 0) = 3/4.
    chars = [100, 100]
    nll_a = [100 * LN2, 100 * LN2]
    nll_b = [0.0, 200 * LN2]
    r = paired_bpc_delta(nll_a, nll_b, chars, n_boot=20000, seed=3)
    assert (r.low, r.high) == (pytest.approx(-1.0), pytest.approx(1.0))
    assert r.p_not_lower == pytest.approx(0.75, abs=0.01)
    assert r.verdict() == NO_CLEAR


def test_matches_a_plain_loop_with_the_same_draws():
    rng = np.random.default_rng(5)
    n = 12
    chars = rng.integers(20, 400, size=n)
    nll_a = chars * LN2 * rng.uniform(2, 3, size=n)
    nll_b = nll_a * rng.uniform(0.85, 1.05, size=n)
    counts = resample_counts(n, 300, seed=11)
    loop = []
    for row in counts:
        idx = np.repeat(np.arange(n), row)  # the documents of this replicate, repeats included
        loop.append((nll_b[idx].sum() - nll_a[idx].sum()) / (LN2 * chars[idx].sum()))
    r = paired_bpc_delta(nll_a, nll_b, chars, n_boot=300, seed=11)
    assert r.low == pytest.approx(np.quantile(loop, 0.025))
    assert r.high == pytest.approx(np.quantile(loop, 0.975))


def test_seeded_and_deterministic():
    args = ([3.0, 5.0, 4.0, 9.0], [2.5, 5.5, 3.0, 8.0], [3, 4, 4, 8])
    assert paired_bpc_delta(*args, seed=1) == paired_bpc_delta(*args, seed=1)
    assert paired_bpc_delta(*args, seed=1) != paired_bpc_delta(*args, seed=2)


def test_coverage_near_nominal_on_simulated_documents():
    # Documents with a true per-char improvement of 0.1 bit plus document-level noise: the 90%
    # interval should contain the true pooled delta in about 90% of independent samples.
    true_delta, hits, trials = -0.1, 0, 300
    master = np.random.default_rng(2024)
    for t in range(trials):
        chars = master.integers(100, 1500, size=40)
        per_char_a = master.uniform(1.8, 3.2, size=40)
        per_char_gain = true_delta + master.normal(0, 0.15, size=40)
        nll_a = chars * LN2 * per_char_a
        nll_b = chars * LN2 * (per_char_a + per_char_gain)
        # the population delta is the char-weighted mean gain; sample noise around true_delta
        r = paired_bpc_delta(nll_a, nll_b, chars, n_boot=400, confidence=0.90, seed=t)
        hits += r.low <= true_delta <= r.high
    assert 0.82 <= hits / trials <= 0.96


def test_single_document_has_no_interval_and_bad_input_fails():
    r = paired_bpc_delta([10.0], [9.0], [10])
    assert r.low is None and r.verdict() == NO_CLEAR
    with pytest.raises(ValueError, match="equal length"):
        paired_bpc_delta([1.0, 2.0], [1.0], [1, 2])
    with pytest.raises(ValueError, match="at least one character"):
        paired_bpc_delta([1.0], [1.0], [0])


def test_single_model_interval_brackets_the_estimate():
    bpc, low, high = bpc_interval([10 * LN2, 20 * LN2, 15 * LN2], [10, 10, 10], seed=0)
    assert bpc == pytest.approx(1.5)
    assert low <= bpc <= high
    assert math.isclose(low, 1.0, abs_tol=0.34) and math.isclose(high, 2.0, abs_tol=0.34)
