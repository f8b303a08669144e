"""Rule-based Arabic clitic segmentation (MSA and dialects), checked against word frequencies.

A word is split into proclitics + stem + enclitics. Candidate splits come from closed clitic lists;
the stem of a candidate must have at least ``min_stem`` letters and be attested in a word-frequency
lexicon learned from raw text (as a word, with the article, or with a feminine/maqsura ending
restored: ``حيات+ي`` counts the evidence of ``حياة``). The candidate with the highest
``log(1 + evidence) + clitic_bonus * clitics - weak_penalty * weak clitics`` wins; the unsplit word
competes with its own evidence.

Only clitics are split (conjunctions, prepositions, the article, future/progressive/negation
particles, pronoun and subject suffixes, negation ش); the feminine ة and plural suffixes stay on the
stem, as a tokenizer wants. Segments are surface strings whose concatenation is the (diacritic-free)
word: ``للناس`` -> ``ل ل ناس`` (the article's alif is not written after ل).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

__all__ = ["CliticSegmenter", "normalize_word", "word_counts", "ARABIC_WORD_RE"]

_MARKS_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # diacritics and tatweel
ARABIC_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u064b-\u065f\u0670\u0640]+")

# Proclitic slots, outermost first; each optional.
CONJ = ("و", "ف")
PREP_OR_PARTICLE = ("ب", "ل", "ك", "س", "ه", "ح", "ع")  # ه ح: EGY/LEV future; ع: LEV/MGR "على"
VERBAL_PARTICLES = ("س", "ه", "ح")  # never before the article
NEG_PREFIX = ("ما", "م")  # EGY/LEV negation circumfix ما...ش
DET = ("ال",)
# Enclitic slots, innermost first: subject suffix, dialect dative ل, pronoun, negation ش.
SUBJ = ("وا", "و", "ت", "تو", "تي", "ين", "ون", "نا")
DATIVE = ("ل",)
PRON = ("ه", "ها", "هم", "هن", "هما", "كم", "كن", "كما", "نا", "ني", "ي", "ك", "كي", "كو")
NEG_SUFFIX = ("ش",)
# Closed-class words that look like clitic + stem but are one morpheme (pronouns, demonstratives,
# relatives, interrogatives, كان): general Arabic knowledge, not fitted to any gold data.
UNSPLIT = frozenset("""
الله اللي اللى الذي التي الذين اللذين اللتين اللاتي الى إلى الا إلا الان الآن لما لكن لكنه
انت أنت انتي أنتي انتو انتوا انتم أنتم انتما أنتما انا أنا هو هي هم هما هن نحن احنا حنا
كان كانت كانوا كانو كاين كاينة كاينين كنا
كده كدا كدة كذا كذلك هيك هكذا هيكا هنا هناك هنيك هون
ايه إيه ليه ليش كيف كيفاش علاش واش شو شنو شكون وين فين فاين
هذا هذه هذي هاذا هاذي هاي هاد هادي هادا هاذ هذول هدول ذلك تلك هذاك هذيك
بس بدي بدك بده بدها بدنا بدكم بدهم كل كلها كلهم
""".split())
# One-letter (or rare) clitics that collide with word-initial/final letters: they need more evidence.
WEAK_PROCLITICS = frozenset(("ك", "ف", "س", "ه", "ح", "ع", "م", "ما"))
WEAK_ENCLITICS = frozenset(("ه", "ك", "ت", "و", "وا", "تو", "تي", "ين", "ون", "ش"))


def normalize_word(word: str) -> str:
    """NFC, without diacritics and tatweel (the form the segmenter sees)."""
    return _MARKS_RE.sub("", unicodedata.normalize("NFC", word))


def word_counts(lines: Iterable[str]) -> Counter:
    """Counts of normalised Arabic words in raw text lines."""
    counts: Counter = Counter()
    for line in lines:
        counts.update(normalize_word(w) for w in ARABIC_WORD_RE.findall(line))
    counts.pop("", None)
    return counts


def _prefix_chains() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(clitics, their written form) for every proclitic chain, longest written form first."""
    chains = set()
    for conj in ("",) + CONJ:
        for particle in ("",) + PREP_OR_PARTICLE + NEG_PREFIX:
            for det in ("",) + DET:
                if det and particle in VERBAL_PARTICLES + NEG_PREFIX:
                    continue
                chain = tuple(x for x in (conj, particle, det) if x)
                if chain:
                    chains.add(chain)
    written = [(chain, tuple("ل" if x == "ال" and i and chain[i - 1] == "ل" else x for i, x in enumerate(chain)))
               for chain in chains]
    return sorted(written, key=lambda pair: (-len("".join(pair[1])), pair[1]))


def _suffix_chains() -> list[tuple[str, ...]]:
    chains = {()}
    for subj in ("",) + SUBJ:
        for dative in ("",) + DATIVE:
            for pron in ("",) + PRON:
                if dative and not pron:
                    continue
                for neg in ("",) + NEG_SUFFIX:
                    chain = tuple(x for x in (subj, dative, pron, neg) if x)
                    if chain:
                        chains.add(chain)
    return sorted(chains, key=lambda chain: (-len("".join(chain)), chain))


_PREFIXES = _prefix_chains() + [((), ())]
_SUFFIXES = _suffix_chains()


@dataclass
class CliticSegmenter:
    """Segment Arabic words at clitic boundaries.

    Args:
        counts: word -> frequency in raw text (:func:`word_counts`).
        min_stem: fewest letters a stem keeps.
        clitic_bonus: score per split clitic (the prior for splitting).
        min_count: evidence below this counts as unattested.
        max_clitics: most clitics split from one word.
        weak_penalty: score taken off per weak clitic.
    """

    counts: Mapping[str, int]
    min_stem: int = 2
    clitic_bonus: float = 1.0
    min_count: int = 2
    max_clitics: int = 4
    weak_penalty: float = 1.0
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_lines(cls, lines: Iterable[str], **kwargs) -> "CliticSegmenter":
        return cls(word_counts(lines), **kwargs)

    def evidence(self, stem: str, word: str) -> int:
        c = self.counts
        ev = c.get(stem, 0) + (c.get("ال" + stem, 0) if "ال" + stem != word else 0)
        if stem.endswith("ت"):  # ة/ه written ت before a suffix
            ev += c.get(stem[:-1] + "ة", 0) + c.get(stem[:-1] + "ه", 0)
        if stem.endswith("ا"):  # ى written ا before a suffix: علا+ه <- على
            ev += c.get(stem[:-1] + "ى", 0)
        return ev

    def _score(self, word: str, stem: str, pre: tuple[str, ...], suf: tuple[str, ...]) -> float | None:
        evidence = self.evidence(stem, word)
        if evidence < self.min_count:
            return None
        weak = sum(x in WEAK_PROCLITICS for x in pre) + sum(x in WEAK_ENCLITICS for x in suf)
        return math.log1p(evidence) + self.clitic_bonus * (len(pre) + len(suf)) - self.weak_penalty * weak

    def _allowed(self, word: str, pre: tuple[str, ...], suf: tuple[str, ...], stem_len: int) -> bool:
        n = len(pre) + len(suf)
        if n == 0 or n > self.max_clitics or stem_len < self.min_stem:
            return False
        negated, neg_suffix = bool(set(pre) & set(NEG_PREFIX)), "ش" in suf
        if negated and not neg_suffix:  # م/ما only as the circumfix م...ش
            return False
        return negated or not neg_suffix or stem_len >= 3  # a lone ش only after a verb-sized stem

    def segment(self, word: str) -> list[str]:
        """Surface segments of one word; their concatenation is the normalised word."""
        w = normalize_word(word)
        hit = self._cache.get(w)
        if hit is None:
            hit = self._cache[w] = self._best(w)
        return list(hit)

    def _best(self, w: str) -> tuple[str, ...]:
        best_score, best = math.log1p(self.counts.get(w, 0)), (w,)
        if w in UNSPLIT or not ARABIC_WORD_RE.fullmatch(w) or len(w) <= self.min_stem:
            return best
        for pre, written in _PREFIXES:
            p = "".join(written)
            if not w.startswith(p):
                continue
            for suf in _SUFFIXES:
                s = "".join(suf)
                stem_len = len(w) - len(p) - len(s)
                if not w.endswith(s) or not self._allowed(w, pre, suf, stem_len):
                    continue
                stem = w[len(p): len(w) - len(s)]
                score = self._score(w, stem, pre, suf)
                if score is not None and score > best_score:
                    best_score, best = score, written + (stem,) + suf
        return best

    def boundaries(self, word: str) -> set[int]:
        """Character offsets (in the normalised word) of its clitic boundaries."""
        out, pos = set(), 0
        for seg in self.segment(word)[:-1]:
            pos += len(seg)
            out.add(pos)
        return out
