"""The noise model of the robustness test."""

from __future__ import annotations

import pytest

from arabic_llm.eval.noise import (
    ARABIC_LETTERS,
    CODE_SWITCH,
    DIACRITICS,
    KEYBOARD,
    NOISE_KINDS,
    add_noise,
)

TEXT = "ذهب الطالب إلى المكتبة في الصباح لأنه يريد أن يقرأ كتابا جديدا عن تاريخ المدينة القديمة " * 4


def letters(text: str) -> int:
    return sum(ch in ARABIC_LETTERS for ch in text)


def test_level_zero_is_identity_and_noise_is_deterministic():
    assert add_noise(TEXT, 0.0, NOISE_KINDS, seed=1) == TEXT
    assert add_noise(TEXT, 0.3, NOISE_KINDS, seed=1) == add_noise(TEXT, 0.3, NOISE_KINDS, seed=1)
    assert add_noise(TEXT, 0.3, NOISE_KINDS, seed=1) != add_noise(TEXT, 0.3, NOISE_KINDS, seed=2)


def test_deletion_rate_follows_the_level():
    n = letters(TEXT)
    assert letters(add_noise(TEXT, 1.0, ("delete",))) == 0
    kept = letters(add_noise(TEXT, 0.3, ("delete",), seed=3))
    assert 0.6 * n < kept < 0.8 * n  # about 30% of the letters dropped (binomial, n > 250)


def test_each_kind_does_what_it_says():
    word = "كتب"
    assert sorted(add_noise(word, 1.0, ("swap",))) == sorted(word)
    inserted = add_noise(word, 1.0, ("insert",))
    assert len(inserted) == 2 * len(word) and inserted[::2] == word
    marked = add_noise(word, 1.0, ("diacritics",))
    assert marked[::2] == word and all(ch in DIACRITICS for ch in marked[1::2])
    typed = add_noise(word, 1.0, ("keyboard",))
    assert all(t in KEYBOARD[c] for c, t in zip(word, typed))
    assert "ج" in KEYBOARD["ح"] and "ش" in KEYBOARD["ض"]  # same row and the row below
    assert add_noise("على", 1.0, ("alif_ya",)) == "علي"
    assert add_noise("أحمد", 1.0, ("alif_ya",))[0] in "اإ"
    assert add_noise("سمك", 1.0, ("alif_ya",)) == "سمك"  # no variant letters: unchanged
    switched = add_noise("ماذا تريد الآن", 1.0, ("code_switch",)).split()
    assert switched[0] in CODE_SWITCH["ماذا"] and switched[1] == "تريد" and switched[2] in CODE_SWITCH["الان"]
    assert add_noise("hello 123", 1.0, NOISE_KINDS) == "hello 123"  # only Arabic letters are hit


def test_bad_arguments_are_errors():
    with pytest.raises(ValueError, match="outside"):
        add_noise(TEXT, 1.5)
    with pytest.raises(ValueError, match="typo"):
        add_noise(TEXT, 0.1, ("typo",))
