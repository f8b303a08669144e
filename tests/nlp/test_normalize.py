"""Tests for arabic_nlp.normalize and the tables in arabic_nlp.charsets."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest
from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)
from camel_tools.utils.normalize import normalize_unicode as camel_normalize_unicode

from arabic_nlp import charsets
from arabic_nlp.normalize import (
    normalize_alef,
    normalize_alef_maksura,
    normalize_digits,
    normalize_persian_letters,
    normalize_teh_marbuta,
    normalize_text,
    normalize_unicode,
    remove_tatweel,
)

# Ordinary sentences (news, dialect, vocalised, Quranic) used for parity checks.
SENTENCES = [
    "أعلنت الحكومة إطلاق مشروع جديد لتحلية مياه البحر في آخر العام.",
    "إنّ الاستثمار في التعليم أولى من أيّ شيء آخر، قال المدير.",
    "ذهب مصطفى إلى المستشفى على عجل ليرى أخاه الصغير.",
    "بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ ٱلْحَمْدُ لِلَّهِ رَبِّ ٱلْعَٰلَمِينَ",
    "أنا عايز أروح البيت دلوقتي عشان تعبان أوي",
    "شلونك؟ وايد مشتاق لك، أبي أشوفك الحين",
    "المدرسة الكبيرة في القريـــــة مغلقة منذ ٢٠١٩ م.",
    "يُعَدُّ القُرْآنُ الكَرِيمُ أَعْظَمَ كِتَابٍ فِي اللُّغَةِ العَرَبِيَّةِ",
]


def test_normalize_alef_maps_all_variants():
    assert normalize_alef("أإآٱٲٳ") == "اااااا"
    assert normalize_alef("أحمد وإبراهيم وآدم") == "احمد وابراهيم وادم"


def test_normalize_alef_handles_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "أإآ")
    assert decomposed != "أإآ"
    assert normalize_alef(decomposed) == "ااا"


def test_normalize_alef_leaves_other_hamzas():
    assert normalize_alef("سؤال وسائل وشيء") == "سؤال وسائل وشيء"


@pytest.mark.parametrize("sentence", SENTENCES)
def test_normalize_alef_parity_with_camel(sentence):
    # camel-tools lacks U+0672/0673 and decomposed forms; on ordinary text (NFC, no wavy hamza) they agree.
    assert normalize_alef(sentence) == normalize_alef_ar(sentence)


def test_normalize_alef_maksura_keeps_ala_from_becoming_alaa():
    assert normalize_alef_maksura("على") == "علي"
    assert normalize_alef_maksura("على") != "علا"
    assert normalize_text("على") == "علي"
    assert "علا" not in normalize_text("سلّم على مصطفى في المستشفى")


def test_normalize_alef_maksura_and_teh_marbuta():
    assert normalize_alef_maksura("مستشفى ومصطفى") == "مستشفي ومصطفي"
    assert normalize_teh_marbuta("مدرسة جميلة") == "مدرسه جميله"


@pytest.mark.parametrize("sentence", SENTENCES)
def test_maksura_teh_parity_with_camel(sentence):
    assert normalize_alef_maksura(sentence) == normalize_alef_maksura_ar(sentence)
    assert normalize_teh_marbuta(sentence) == normalize_teh_marbuta_ar(sentence)


def test_remove_tatweel():
    assert remove_tatweel("القريـــــة جمـيلة") == "القرية جميلة"


def test_normalize_persian_letters():
    assert normalize_persian_letters("کتاب یوم ہذا ھو زکاۃ") == "كتاب يوم هذا هو زكاة"
    # Letters for sounds Arabic lacks are kept on purpose (dialect cues).
    assert normalize_persian_letters("چذي گال پيتزا ڤيديو") == "چذي گال پيتزا ڤيديو"


def test_persian_letters_parity_with_camel_arclean():
    arclean = CharMapper.builtin_mapper("arclean")
    for char, target in charsets.PERSIAN_LETTER_MAP.items():
        if char == "\u06cc":
            # Deliberate difference: arclean maps Farsi yeh to ى, we map it to ي.
            assert arclean(char) == "\u0649"
            continue
        assert normalize_persian_letters(char) == arclean(char) == target


def test_normalize_digits_both_directions():
    assert normalize_digits("عام ٢٠٢٤ و۱۴۰۳", to="western") == "عام 2024 و1403"
    assert normalize_digits("عام 2024 و۱۴۰۳", to="arabic-indic") == "عام ٢٠٢٤ و١٤٠٣"
    assert normalize_digits("٣٫١٤", to="western") == "3٫14"  # separators untouched


def test_normalize_digits_rejects_unknown_target():
    with pytest.raises(ValueError, match="roman"):
        normalize_digits("1", to="roman")


def test_normalize_unicode_forms():
    composed = "أ"
    assert normalize_unicode(unicodedata.normalize("NFD", composed), "NFC") == composed
    assert normalize_unicode(composed, "NFD") == "\u0627\u0654"
    assert normalize_unicode("ﻻ ﷲ ﷼ ﷽", "NFKC") == "لا الله ريال بسم الله الرحمن الرحيم"
    with pytest.raises(ValueError, match="NFX"):
        normalize_unicode("x", "NFX")


@pytest.mark.parametrize("sentence", [*SENTENCES, "ﻻ إله إلا ﷲ ﷼ ﷽ ﻣﺮﺣﺒﺎ"])
def test_normalize_unicode_parity_with_camel(sentence):
    assert normalize_unicode(sentence, "NFKC") == camel_normalize_unicode(sentence)
    assert normalize_unicode(sentence, "NFC") == camel_normalize_unicode(sentence, compatibility=False)


def test_normalize_text_defaults():
    text = "أحمد ذهب إلى المدرسة في القريـــة ی ک ٢٠٢٤"
    assert normalize_text(text) == "احمد ذهب الي المدرسة في القرية ي ك ٢٠٢٤"


def test_normalize_text_switches():
    text = "إلى المدرسة ٢٠"
    assert normalize_text(text, alef=False, alef_maksura=False) == "إلى المدرسة ٢٠"
    assert normalize_text(text, teh_marbuta=True, digits="western") == "الي المدرسه 20"
    assert normalize_text("ـ", tatweel=False) == "ـ"
    assert normalize_text("ی", persian_letters=False, alef_maksura=False) == "ی"
    decomposed = unicodedata.normalize("NFD", "آ")
    assert normalize_text(decomposed, unicode_form=None, alef=False) == decomposed


def test_normalize_text_keeps_diacritics():
    assert normalize_text("كَتَبَ") == "كَتَبَ"


def test_normalize_text_rejects_bad_options():
    with pytest.raises(ValueError, match="digits"):
        normalize_text("x", digits="hex")
    with pytest.raises(ValueError, match="NFQ"):
        normalize_text("x", unicode_form="NFQ")


@pytest.mark.parametrize("sentence", SENTENCES)
def test_normalize_text_is_idempotent(sentence):
    once = normalize_text(sentence, teh_marbuta=True, digits="western")
    assert normalize_text(once, teh_marbuta=True, digits="western") == once


def test_char_table_validation_names_bad_entry():
    with pytest.raises(ValueError, match="T: key 'ab'"):
        charsets.validate_char_table("T", {"ab": "x"})
    with pytest.raises(ValueError, match="U\\+0643"):
        charsets.validate_char_table("T", {"ك": "كك"})
    with pytest.raises(ValueError, match="must be a string"):
        charsets.validate_char_table("T", {"ك": None})


def test_charsets_basic_membership():
    assert "ب" in charsets.ARABIC_LETTERS and "ـ" not in charsets.ARABIC_LETTERS
    assert charsets.QURANIC_MARKS.isdisjoint({"\u06dd", "\u06de", "\u06e5", "\u06e6", "\u06e9"})
    assert {"؟", "،", "؛", "۝"} <= charsets.PUNCTUATION


def test_library_has_no_framework_imports():
    code = "import sys, arabic_nlp; print(sorted(m for m in ('torch', 'prefect') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- hard cases -----------------------------------------------------------------


def test_decomposed_vocalised_hamza_alef():
    # Canonical order puts the fatha/kasra before the hamza mark: NFD("أَ") is ا + fatha + U+0654.
    for word, expected in (("أَحمد", "اَحمد"), ("إِبراهيم", "اِبراهيم"), ("آدم", "ادم"), ("أُّ", "اُّ")):
        decomposed = unicodedata.normalize("NFD", word)
        assert normalize_alef(decomposed) == unicodedata.normalize("NFD", expected)
        assert normalize_text(decomposed, unicode_form=None) == normalize_text(word)
        assert normalize_text(word, unicode_form="NFD") == unicode_form_nfd(expected)


def unicode_form_nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_hamza_marks_on_other_letters_are_kept():
    # Only alef loses its hamza mark; waw/yeh/heh + hamza mark (decomposed ؤ ئ ۀ) stay.
    text = "\u0648\u0654 \u064a\u0654 \u0647\u0654 \u0627\u0654"
    assert normalize_alef(text) == "\u0648\u0654 \u064a\u0654 \u0647\u0654 \u0627"


def test_normalize_alef_is_idempotent_on_stacked_marks():
    text = "\u0623\u0654 \u0627\u0653\u0654"
    once = normalize_alef(text)
    assert once == "\u0627 \u0627" and normalize_alef(once) == once


def test_steps_compose_in_order():
    # ۃ (teh marbuta goal) -> ة (Persian step) -> ه (teh marbuta step); ی -> ي never becomes ى.
    assert normalize_text("زکاۃ", teh_marbuta=True) == "زكاه"
    assert normalize_text("زکاۃ") == "زكاة"
    assert normalize_text("علی", alef_maksura=False) == "علي"
    assert normalize_text("۱۲۳ ٤٥", digits="western") == "123 45"
    assert normalize_text("ـأـ", tatweel=True) == "ا"


def test_compose_rejects_steps_that_do_not_settle():
    from arabic_nlp.normalize import _compose

    assert _compose([(("a", "b"),), (("b", "c"),)]) == (("a", "c"), ("b", "c"))
    with pytest.raises(ValueError, match="still contains"):
        _compose([(("a", "xa"),)])


def test_nfkc_keeps_arabic_ligatures_and_digits_right():
    assert normalize_text("ﷺ ﻷ ²", unicode_form="NFKC") == "صلي الله عليه وسلم لا 2"
    already = "نص عادي"
    assert normalize_unicode(already, "NFKC") is already  # fast path: nothing to do, nothing copied


# Pieces that exercise every step of Unicode normalisation: reordering (shadda typed before its
# fatha), composition (alef + hamza mark, Hangul jamo, e + acute), compatibility mappings that yield
# spaces (NBSP, isolated diacritic forms, ﷺ), singletons, a mark after a space or line break, astral text.
_NORMALIZATION_PIECES = [
    "ب", "ا", " ", "\n", "\u0651", "\u064e", "\u0650", "\u0653", "\u0654", "\u0655", "\u0670", "\u06e1",
    "\u1100", "\u1161", "\u11a8", "e", "\u0301", "\u0327", "\u00a0", "\ufe76", "\ufdfa", "\ufefb", "\u212b",
    "\u1e9b", "\u0323", "\U0001d15e", "\U0001f600", "ﷲ", "١", "x" * 30, "نص عربي طويل " * 4,
]


@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKC", "NFKD"])
def test_piecewise_normalisation_equals_unicodedata(form):
    import random

    from arabic_nlp.normalize import _SHORT_LINE

    rng = random.Random(form)
    texts = ["", "بَّ", "ب\u0651\u064e " * 100, ("ا\u0654 " * 120 + "\n") * 3]
    for _ in range(400):
        texts.append("".join(rng.choice(_NORMALIZATION_PIECES) for _ in range(rng.randint(1, 120))))
    assert any(len(line) >= _SHORT_LINE for text in texts for line in text.split("\n"))  # word-by-word path runs
    for text in texts:
        assert normalize_unicode(text, form) == unicodedata.normalize(form, text), repr(text)
        if form == "NFC":
            assert normalize_text(text) == normalize_text(unicodedata.normalize("NFC", text), unicode_form=None)
