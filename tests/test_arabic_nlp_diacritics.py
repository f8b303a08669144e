"""Tests for arabic_nlp.diacritics, including parity with camel_tools' dediac_ar."""

from __future__ import annotations

import pytest
from camel_tools.utils.dediac import dediac_ar

from arabic_nlp.diacritics import DEFAULT_MARK_CLASSES, MARK_CLASSES, diacritic_ratio, strip_diacritics

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
