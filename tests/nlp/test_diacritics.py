"""Tests for arabic_nlp.diacritics, including parity with camel_tools' dediac_ar."""

from __future__ import annotations

import pytest
from camel_tools.utils.dediac import dediac_ar

from arabic_nlp.diacritics import (
    DEFAULT_MARK_CLASSES,
    MARK_CLASSES,
    diacritic_ratio,
    strip_diacritics,
)

VOCALISED = [
    "ذَهَبَ الوَلَدُ إِلَى المَدْرَسَةِ صَبَاحًا",
    "كِتَابٌ جَدِيدٌ فِي مَكْتَبَةٍ كَبِيرَةٍ",
    "إِنَّ اللَّهَ غَفُورٌ رَحِيمٌ",
    "هٰذَا الرَّحْمٰنُ",
    "شُكْرًا جَزِيلًا يَا صَدِيقِي",
    "قَالَ المُعَلِّمُ: اُكْتُبُوا الدَّرْسَ.",
]
# Quranic text with annotation marks (small high meem U+06E2, small high seen U+06DC, ...).
QURANIC = [
    "ذَٰلِكَ ٱلْكِتَٰبُ لَا رَيْبَ ۛ فِيهِ ۛ هُدًى لِّلْمُتَّقِينَ",
    "وَمِمَّا رَزَقْنَٰهُمْ يُنفِقُونَ \u06da ۝٣",
    "مِنۢ بَعْدِ مَا جَآءَهُمُ ۖ",
]
CAMEL_CLASSES = ("harakat", "tanween", "shadda", "sukun", "dagger_alef")


def test_classes_are_data_with_expected_members():
    assert DEFAULT_MARK_CLASSES == ("harakat", "tanween", "shadda", "sukun", "dagger_alef", "quranic")
    assert MARK_CLASSES["harakat"] == frozenset("\u064e\u064f\u0650")
    assert MARK_CLASSES["tanween"] == frozenset("\u064b\u064c\u064d")
    assert MARK_CLASSES["shadda"] == frozenset("\u0651")
    assert MARK_CLASSES["sukun"] == frozenset("\u0652")
    assert MARK_CLASSES["dagger_alef"] == frozenset("\u0670")
    quranic = MARK_CLASSES["quranic"]
    assert "\u06d6" in quranic and "\u06ed" in quranic
    # Letters and symbols inside U+06D6..06ED are not marks.
    assert quranic.isdisjoint({"\u06dd", "\u06de", "\u06e5", "\u06e6", "\u06e9"})


def test_strip_diacritics_default():
    assert strip_diacritics("ذَهَبَ الوَلَدُ") == "ذهب الولد"
    assert strip_diacritics("كِتَابٌ") == "كتاب"
    assert strip_diacritics("هٰذَا") == "هذا"


def test_strip_selected_classes_only():
    word = "مُدَرِّسٌ"
    assert strip_diacritics(word, ["shadda"]) == "مُدَرِسٌ"
    assert strip_diacritics(word, ["harakat"]) == "مدرّسٌ"
    assert strip_diacritics(word, ["tanween"]) == "مُدَرِّس"
    assert strip_diacritics(word, []) == word
    assert strip_diacritics(word, "sukun") == word  # a single name is accepted


def test_strip_keeps_hamza_marks_and_letters():
    # U+0654 (hamza above) is part of the letter in decomposed text: never stripped.
    assert strip_diacritics("\u0627\u0654\u064e") == "\u0627\u0654"
    assert strip_diacritics("سؤال ۝٣ ۞") == "سؤال ۝٣ ۞"


def test_unknown_class_is_named():
    with pytest.raises(ValueError, match="'tashkeel'"):
        strip_diacritics("x", ["harakat", "tashkeel"])


@pytest.mark.parametrize("sentence", VOCALISED)
def test_default_parity_with_camel_on_ordinary_text(sentence):
    assert strip_diacritics(sentence) == dediac_ar(sentence)


@pytest.mark.parametrize("sentence", VOCALISED + QURANIC)
def test_camel_classes_parity_everywhere(sentence):
    assert strip_diacritics(sentence, CAMEL_CLASSES) == dediac_ar(sentence)


@pytest.mark.parametrize("sentence", QURANIC)
def test_quranic_marks_are_the_only_difference(sentence):
    ours = strip_diacritics(sentence)
    camel = dediac_ar(sentence)
    assert ours == strip_diacritics(camel, ["quranic"])
    assert ours != camel  # each sample carries at least one annotation mark


def test_diacritic_ratio():
    assert diacritic_ratio("") == 0.0
    assert diacritic_ratio("hello 123") == 0.0
    assert diacritic_ratio("كتب") == 0.0
    assert diacritic_ratio("كَتَبَ") == pytest.approx(1.0)
    assert diacritic_ratio("مُدَرِّسٌ") == pytest.approx(5 / 4)  # shadda + kasra on one letter
    assert 0 < diacritic_ratio("ذَهَبَ الولد") < 1


def test_diacritic_ratio_ignores_tatweel_and_latin():
    assert diacritic_ratio("كـَتـَبَ abc") == pytest.approx(1.0)


def test_camel_classes_are_exactly_camels_charset():
    from camel_tools.utils.charsets import AR_DIAC_CHARSET

    assert frozenset().union(*(MARK_CLASSES[name] for name in CAMEL_CLASSES)) == frozenset(AR_DIAC_CHARSET)


def test_marks_outside_the_classes_are_kept():
    # Extended-A open tanween (U+08F0) and small high letters in Urdu are not in any class.
    assert strip_diacritics("ب\u08f0") == "ب\u08f0"
    assert strip_diacritics("الرحمٰن") == "الرحمن"


def test_strip_accepts_any_iterable_of_classes():
    word = "مُدَرِّسٌ"
    assert strip_diacritics(word, ("harakat", "shadda")) == "مدرسٌ"
    assert strip_diacritics(word, iter(["tanween"])) == "مُدَرِّس"
    assert strip_diacritics(word, frozenset(DEFAULT_MARK_CLASSES)) == "مدرس"


def test_diacritic_ratio_edge_cases():
    assert diacritic_ratio("َُ") == 0.0  # marks but no letter
    assert diacritic_ratio("كَتَبَ 😀 𝐀") == pytest.approx(1.0)  # astral characters count as nothing
    assert diacritic_ratio("ۖ كتب") == pytest.approx(1 / 3)  # Quranic marks count too
    assert diacritic_ratio("پَ") == pytest.approx(1.0)  # Persian letters are Arabic-script letters


@pytest.mark.parametrize("classes", [DEFAULT_MARK_CLASSES, CAMEL_CLASSES, ("quranic",), ()])
def test_short_and_long_texts_take_different_paths_with_the_same_result(classes):
    # Under 120 characters one regex substitution runs, above it per-mark str.replace; stripping is
    # per character, so stripping a joined text must equal joining the stripped parts.
    parts = VOCALISED + QURANIC
    assert all(len(p) < 120 for p in parts)
    long_text = " ".join(parts * 3)
    assert len(long_text) > 120
    assert strip_diacritics(long_text, classes) == " ".join(strip_diacritics(p, classes) for p in parts * 3)


def test_diacritic_ratio_equals_counting_characters():
    import random

    from arabic_nlp.charsets import ARABIC_LETTERS
    from arabic_nlp.diacritics import _ALL_MARKS

    def reference(text: str) -> float:
        letters = sum(c in ARABIC_LETTERS for c in text)
        marks = sum(c in _ALL_MARKS for c in text)
        return marks / letters if letters and marks else 0.0

    rng = random.Random(11)
    pool = "كتب اَلْعَرَبِيَّة abc ١٢ ۆ ـ \u0670ۖ\u0653😀𝐀"
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 60)))
        assert diacritic_ratio(text) == reference(text), repr(text)
    for text in VOCALISED + QURANIC:
        assert diacritic_ratio(text) == reference(text)
