"""Noisy Arabic input for the robustness test: the noise model.

At noise level p every Arabic letter is, with probability p, hit by one operation drawn uniformly
from the enabled character kinds, and every word that has a dialect equivalent is, with
probability p, replaced by it (``code_switch``):

- ``swap``: the letter and the next character trade places;
- ``delete``: the letter is dropped;
- ``insert``: a random Arabic letter is inserted after it;
- ``keyboard``: the letter becomes a neighbour on the Arabic (101) keyboard;
- ``diacritics``: a random short-vowel / tanween / shadda / sukun mark is added after it;
- ``alif_ya``: Alif forms, Alif Maksura / Ya and Teh Marbuta / Heh are swapped for a variant;
- ``code_switch``: an MSA word is replaced by its Egyptian, Gulf, Levantine or Maghrebi form.

The RNG is seeded from (seed, level, text), so the same text gets the same noise in every run and
for every model.
"""

from __future__ import annotations

import random

CHAR_KINDS = ("swap", "delete", "insert", "keyboard", "diacritics", "alif_ya")
NOISE_KINDS = (*CHAR_KINDS, "code_switch")

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى"
DIACRITICS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"  # tanween x3, fatha, damma, kasra, shadda, sukun
KEYBOARD_ROWS = ("ضصثقفغعهخحجد", "شسيبلاتنمكط", "ئءؤرىةوزظ")
VARIANTS = {
    "ا": "أإآ", "أ": "اإ", "إ": "اأ", "آ": "اأ",
    "ي": "ى", "ى": "ي", "ة": "ه", "ه": "ة",
}
# MSA word -> (EGY, GLF, LEV, MGR) forms, matched after Alif folding (the corpus is normalised).
CODE_SWITCH = {
    "ماذا": ("ايه", "شنو", "شو", "اشنو"),
    "الان": ("دلوقتي", "الحين", "هلق", "دابا"),
    "كثيرا": ("اوي", "وايد", "كتير", "بزاف"),
    "جدا": ("اوي", "وايد", "كتير", "بزاف"),
    "جيد": ("كويس", "زين", "منيح", "مزيان"),
    "اريد": ("عايز", "ابي", "بدي", "بغيت"),
    "هذا": ("ده", "هذا", "هاد", "هادا"),
    "هذه": ("دي", "هذي", "هاي", "هادي"),
    "ليس": ("مش", "مب", "مش", "ماشي"),
    "الذي": ("اللي", "اللي", "اللي", "لي"),
    "التي": ("اللي", "اللي", "اللي", "لي"),
    "اين": ("فين", "وين", "وين", "فين"),
    "كيف": ("ازاي", "شلون", "كيف", "كيفاش"),
    "فقط": ("بس", "بس", "بس", "غير"),
    "غدا": ("بكرة", "باكر", "بكرا", "غدا"),
    "لماذا": ("ليه", "ليش", "ليش", "علاش"),
}


def _keyboard_neighbours() -> dict[str, str]:
    neighbours: dict[str, set[str]] = {}
    for r, row in enumerate(KEYBOARD_ROWS):
        for c, ch in enumerate(row):
            near = {row[c - 1]} if c > 0 else set()
            near |= {row[c + 1]} if c + 1 < len(row) else set()
            for other in (r - 1, r + 1):
                if 0 <= other < len(KEYBOARD_ROWS) and c < len(KEYBOARD_ROWS[other]):
                    near.add(KEYBOARD_ROWS[other][c])
            neighbours[ch] = near - {ch}
    return {ch: "".join(sorted(near)) for ch, near in neighbours.items()}


KEYBOARD = _keyboard_neighbours()


def _fold(word: str) -> str:
    return word.translate(str.maketrans("أإآ", "ااا"))


def add_noise(text: str, level: float, kinds: tuple[str, ...] = NOISE_KINDS, seed: int = 0) -> str:
    """``text`` with noise at ``level`` (0 returns it unchanged); see the module docstring."""
    if not 0.0 <= level <= 1.0:
        raise ValueError(f"noise level {level} is outside [0, 1]")
    unknown = set(kinds) - set(NOISE_KINDS)
    if unknown:
        raise ValueError(f"unknown noise kind(s) {sorted(unknown)}; known: {', '.join(NOISE_KINDS)}")
    if level == 0.0 or not kinds:
        return text
    rng = random.Random(f"{seed}:{level}:{text}")
    if "code_switch" in kinds:
        words = text.split(" ")
        for i, word in enumerate(words):
            forms = CODE_SWITCH.get(_fold(word))
            if forms and rng.random() < level:
                words[i] = rng.choice(forms)
        text = " ".join(words)
    char_kinds = [k for k in kinds if k in CHAR_KINDS]
    if not char_kinds:
        return text
    chars, out, i = list(text), [], 0
    while i < len(chars):
        ch = chars[i]
        if ch not in ARABIC_LETTERS or rng.random() >= level:
            out.append(ch)
            i += 1
            continue
        kind = rng.choice(char_kinds)
        if kind == "swap" and i + 1 < len(chars):
            out += [chars[i + 1], ch]
            i += 2
            continue
        if kind == "insert":
            out += [ch, rng.choice(ARABIC_LETTERS)]
        elif kind == "keyboard" and KEYBOARD.get(ch):
            out.append(rng.choice(KEYBOARD[ch]))
        elif kind == "diacritics":
            out += [ch, rng.choice(DIACRITICS)]
        elif kind == "alif_ya" and ch in VARIANTS:
            out.append(rng.choice(VARIANTS[ch]))
        elif kind != "delete":
            out.append(ch)  # the kind does not apply to this letter (no neighbour, no variant, last letter)
        i += 1
    return "".join(out)
