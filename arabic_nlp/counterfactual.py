"""Counterfactual gender swap, for fairness-aware augmentation (Arabic and English).

Whole words from curated two-way lists are swapped: pronouns, titles, kinship terms and professions,
and names swapped within the Arab list or within the Western list (never across). Arabic words may
carry the proclitics و ف ب ل ك. Verb and adjective agreement changes only where the lists cover the
form (هو/هي, إنه/إنها); the rest stays, the known limit of list-based augmentation. English ``her``
(his or him) becomes ``his``.
"""

from __future__ import annotations

import re

__all__ = ["swap_gender", "PAIRS_AR", "PAIRS_EN", "NAMES_ARAB", "NAMES_WESTERN"]

PAIRS_AR = (
    ("هو", "هي"), ("هم", "هن"), ("أنتَ", "أنتِ"), ("له", "لها"), ("إنه", "إنها"), ("أنه", "أنها"),
    ("رجل", "امرأة"), ("الرجل", "المرأة"), ("رجال", "نساء"), ("الرجال", "النساء"), ("ولد", "بنت"),
    ("الولد", "البنت"), ("أب", "أم"), ("الأب", "الأم"), ("ابن", "ابنة"), ("الابن", "الابنة"), ("أخ", "أخت"),
    ("الأخ", "الأخت"), ("زوج", "زوجة"), ("الزوج", "الزوجة"), ("السيد", "السيدة"), ("الأستاذ", "الأستاذة"),
    ("الطبيب", "الطبيبة"), ("المهندس", "المهندسة"), ("المدير", "المديرة"), ("المعلم", "المعلمة"),
    ("الملك", "الملكة"),
)
PAIRS_EN = (
    ("he", "she"), ("him", "her"), ("his", "her"), ("himself", "herself"), ("man", "woman"), ("men", "women"),
    ("boy", "girl"), ("boys", "girls"), ("father", "mother"), ("son", "daughter"), ("brother", "sister"),
    ("husband", "wife"), ("mr", "mrs"), ("king", "queen"), ("uncle", "aunt"), ("sir", "madam"),
    ("gentleman", "lady"),
)
NAMES_ARAB = (("محمد", "فاطمة"), ("أحمد", "عائشة"), ("خالد", "نورة"), ("عمر", "زينب"), ("يوسف", "سارة"),
              ("حسن", "ليلى"), ("إبراهيم", "خديجة"), ("مصطفى", "هدى"), ("سعيد", "سعاد"))
NAMES_WESTERN = (("john", "mary"), ("james", "emma"), ("david", "sarah"), ("michael", "anna"),
                 ("robert", "linda"), ("peter", "susan"), ("thomas", "laura"))


def _two_way(pairs) -> dict[str, str]:
    table: dict[str, str] = {}
    for a, b in pairs:
        table.setdefault(a, b)
        table.setdefault(b, a)
    return table


def _alternation(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # longest first


_EN = {**_two_way(PAIRS_EN + NAMES_WESTERN), "her": "his"}
_AR = _two_way(PAIRS_AR + NAMES_ARAB)
_EN_RE = re.compile(rf"\b({_alternation(_EN)})\b", re.IGNORECASE)
_AR_RE = re.compile(rf"(?<![\u0600-\u06ff])([وف]?[بلك]?)({_alternation(_AR)})(?![\u0600-\u06ff])")


def _same_case(src: str, dst: str) -> str:
    if src.isupper() and len(src) > 1:
        return dst.upper()
    return dst[:1].upper() + dst[1:] if src[:1].isupper() else dst


def swap_gender(text: str) -> tuple[str, int]:
    """(``text`` with every listed gendered word swapped, the number of swaps)."""
    swaps = 0

    def english(m: re.Match) -> str:
        nonlocal swaps
        swaps += 1
        return _same_case(m.group(1), _EN[m.group(1).lower()])

    def arabic(m: re.Match) -> str:
        nonlocal swaps
        swaps += 1
        return m.group(1) + _AR[m.group(2)]

    text = _AR_RE.sub(arabic, _EN_RE.sub(english, text))
    return text, swaps
