"""The held-out split: a stable hash of the id, stratified by dialect with a minimum per dialect."""

from __future__ import annotations

from collections import Counter

import pytest

from arabic_llm.data.split import EvalSplit, is_eval_doc, unit_hash


def corpus(sizes: dict[str, int]) -> list[tuple[str, str]]:
    return [(f"{dialect}-{i}", dialect) for dialect, n in sizes.items() for i in range(n)]


def held(split: EvalSplit, pairs) -> Counter:
    return Counter(d for doc_id, d in pairs if split.is_eval(doc_id, d))


def test_every_dialect_gets_its_minimum_and_a_large_one_keeps_the_plain_hash_rule():
    pairs = corpus({"MSA": 2000, "EGY": 37, "GLF": 37, "LEV": 5})
    split = EvalSplit.build(pairs, 0.1, seed=1234, min_docs=12, max_share=0.4)
    counts = held(split, pairs)
    assert counts["EGY"] >= 12 and counts["GLF"] >= 12
    assert counts["LEV"] == 2  # floor(0.4 * 5): at least 60% of a dialect stays for training
    # The large dialect: exactly the unstratified membership (u < fraction), as before stratification.
    msa = [doc_id for doc_id, d in pairs if d == "MSA"]
    assert [split.is_eval(i, "MSA") for i in msa] == [is_eval_doc(i, 0.1, 1234) for i in msa]
    # The small ones: the documents with the smallest hashes.
    egy = sorted((unit_hash(i, 1234), i) for i, d in pairs if d == "EGY")
    assert {i for _, i in egy[:12]} <= {i for i, d in pairs if d == "EGY" and split.is_eval(i, d)}


def test_adding_a_document_moves_at_most_one_across_the_line():
    pairs = corpus({"EGY": 30})
    before = EvalSplit.build(pairs, 0.05, seed=7, min_docs=8)
    after = EvalSplit.build(pairs + [("EGY-new", "EGY")], 0.05, seed=7, min_docs=8)
    moved = [i for i, d in pairs if before.is_eval(i, d) != after.is_eval(i, d)]
    assert len(moved) <= 1


def test_the_split_is_deterministic_and_depends_on_the_seed():
    pairs = corpus({"MSA": 100, "EGY": 20})
    a = EvalSplit.build(pairs, 0.1, seed=1, min_docs=5)
    assert a == EvalSplit.build(list(reversed(pairs)), 0.1, seed=1, min_docs=5)
    assert a != EvalSplit.build(pairs, 0.1, seed=2, min_docs=5)
    assert a.describe()["thresholds"] == a.thresholds


def test_an_unseen_dialect_falls_back_to_the_fraction_and_bad_share_fails():
    split = EvalSplit.build(corpus({"MSA": 10}), 0.3, seed=1, min_docs=2)
    assert split.is_eval("x", "EGY") == is_eval_doc("x", 0.3, 1)
    with pytest.raises(ValueError, match="max_share"):
        EvalSplit.build([], 0.1, seed=1, max_share=1.0)
