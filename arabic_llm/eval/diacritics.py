"""Diacritic disambiguation: on diacritised text, does the model prefer the real diacritisation of a
sentence to the same sentence with one word given another attested reading?

Another reading of a word is a different diacritisation of the same letters seen elsewhere in the
diacritised text (``عَلِمَ`` / ``عُلِمَ`` / ``عِلْمٌ``): attested, so valid Arabic, with no lexicon needed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Iterable

from arabic_llm.eval.masked_word import Choice
from arabic_nlp.morphology import normalize_word


def attested_readings(sentences: Iterable[str]) -> dict[str, set[str]]:
    """Letters of a word -> the diacritised forms it was seen in (words without diacritics skipped)."""
    readings: dict[str, set[str]] = defaultdict(set)
    for sentence in sentences:
        for word in sentence.split():
            bare = normalize_word(word)
            if bare != word and bare:
                readings[bare].add(word)
    return readings


def disambiguation_choices(sentences: list[str], readings: dict[str, set[str]], seed: int = 0,
                           max_alternatives: int = 3) -> list[Choice]:
    """At most one test per sentence: a word with other attested readings, each a wrong variant."""
    rng = random.Random(seed)
    choices = []
    for sentence in sentences:
        words = sentence.split()
        slots = [i for i, w in enumerate(words) if len(readings.get(normalize_word(w), ())) > 1]
        if not slots:
            continue
        i = rng.choice(slots)
        others = sorted(readings[normalize_word(words[i])] - {words[i]})
        others = rng.sample(others, min(max_alternatives, len(others)))
        texts = [" ".join([*words[:i], w, *words[i + 1:]]) for w in [words[i], *others]]
        order = list(range(len(texts)))
        rng.shuffle(order)
        choices.append(Choice(tuple(texts[j] for j in order), order.index(0)))
    return choices
