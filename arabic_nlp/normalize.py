"""Orthographic normalisation of Arabic text.

Each ``normalize_*`` function is a small, pure ``str -> str`` step;
:func:`normalize_text` chains them with switches. None of them touches
diacritics (see :mod:`arabic_nlp.diacritics`) or removes characters other than
tatweel.

Where camel-tools does exactly the right thing (Alif Maksura, Teh Marbuta) it is
called directly; where it covers less than we need (Alef: no wavy-hamza forms,
no decomposed input; Persian letters: arclean maps far more than letters) the
step is our own and ``tests/test_arabic_nlp_normalize.py`` checks parity with
camel-tools on the overlap.
"""

from __future__ import annotations

import re
import unicodedata

from camel_tools.utils.normalize import normalize_alef_maksura_ar, normalize_teh_marbuta_ar

from arabic_nlp.charsets import (
    ALEF,
    ALEF_VARIANTS,
    ARABIC_DIGITS,
    EXTENDED_ARABIC_DIGITS,
    HAMZA_MARKS,
    PERSIAN_LETTER_MAP,
    PRESENTATION_FORM_FIXES,
    TATWEEL,
    WESTERN_DIGITS,
    char_class,
)

__all__ = [
    "DIGIT_TARGETS",
    "UNICODE_FORMS",
    "normalize_alef",
    "normalize_alef_maksura",
    "normalize_digits",
    "normalize_persian_letters",
    "normalize_teh_marbuta",
    "normalize_text",
    "normalize_unicode",
    "remove_tatweel",
]

UNICODE_FORMS = ("NFC", "NFD", "NFKC", "NFKD")
DIGIT_TARGETS = ("western", "arabic-indic")

# A precomposed alef variant, or a bare alef followed by the combining
# maddah/hamza that NFD splits off (so decomposed input is handled too).
_ALEF_RE = re.compile(f"[{char_class(ALEF_VARIANTS)}]|{ALEF}[{char_class(HAMZA_MARKS)}]")
_PERSIAN_TABLE = str.maketrans(dict(PERSIAN_LETTER_MAP))
_PRESENTATION_FIX_TABLE = str.maketrans(dict(PRESENTATION_FORM_FIXES))
# Extended (Persian/Urdu) digits are folded too: ۴ ۵ ۶ differ in shape from ٤ ٥ ٦
# but mean the same digit.
_TO_WESTERN = str.maketrans(ARABIC_DIGITS + EXTENDED_ARABIC_DIGITS, WESTERN_DIGITS * 2)
_TO_ARABIC_INDIC = str.maketrans(WESTERN_DIGITS + EXTENDED_ARABIC_DIGITS, ARABIC_DIGITS * 2)
_DIGIT_TABLES = {"western": _TO_WESTERN, "arabic-indic": _TO_ARABIC_INDIC}


def normalize_alef(text: str) -> str:
    """Map hamzated, madda, wasla and wavy-hamza alefs to bare alef (ا).

    Covers أ إ آ ٱ ٲ ٳ and the decomposed spellings ا + U+0653/0654/0655.

    Args:
        text: Input text.

    Returns:
        Text with every alef variant replaced by U+0627.
    """
    return _ALEF_RE.sub(ALEF, text)


def normalize_alef_maksura(text: str) -> str:
    """Map Alif Maksura (ى) to Yeh (ي), via camel-tools.

    The target is Yeh, never Alef: على becomes علي (same as most Arabic IR
    normalisers), never علا, which would be a different word.

    Args:
        text: Input text.

    Returns:
        Text with U+0649 replaced by U+064A.
    """
    return normalize_alef_maksura_ar(text)


def normalize_teh_marbuta(text: str) -> str:
    """Map Teh Marbuta (ة) to Heh (ه), via camel-tools.

    Lossy (مدرسة/مدرسه merge, but so do ه/ة-final words), hence off by default
    in :func:`normalize_text`.

    Args:
        text: Input text.

    Returns:
        Text with U+0629 replaced by U+0647.
    """
    return normalize_teh_marbuta_ar(text)


def remove_tatweel(text: str) -> str:
    """Delete tatweel/kashida (ـ), a purely typographic stretch.

    Args:
        text: Input text.

    Returns:
        Text without U+0640.
    """
    return text.replace(TATWEEL, "")


def normalize_persian_letters(text: str) -> str:
    """Map Persian/Urdu glyph variants to the Arabic letter they stand for.

    ک ڪ -> ك, ی -> ي, ہ ھ -> ه, ۃ -> ة (table: ``charsets.PERSIAN_LETTER_MAP``).
    گ چ پ ڤ ژ are kept: they spell sounds Arabic letters lack and dialect
    writers use them deliberately (Gulf چ in چذي, گ for /g/), so folding them
    would erase dialect evidence. Farsi yeh always becomes ي: in final position
    it could also be read as ى, but ي is right everywhere else and
    :func:`normalize_alef_maksura` merges the two by default anyway.

    Args:
        text: Input text.

    Returns:
        Text with the variants replaced.
    """
    return text.translate(_PERSIAN_TABLE)


def normalize_digits(text: str, to: str) -> str:
    """Convert digits between Western (0-9) and Arabic-Indic (٠-٩) shapes.

    Extended Arabic-Indic digits (۰-۹, Persian/Urdu) are converted in both
    directions. Decimal/thousands separators (٫ ٬ . ,) are left alone.

    Args:
        text: Input text.
        to: ``"western"`` or ``"arabic-indic"``.

    Returns:
        Text with every digit in the target shape.

    Raises:
        ValueError: If ``to`` is not one of ``DIGIT_TARGETS``.
    """
    try:
        table = _DIGIT_TABLES[to]
    except KeyError:
        raise ValueError(f"normalize_digits: unknown target {to!r}; expected one of {DIGIT_TARGETS}") from None
    return text.translate(table)


def normalize_unicode(text: str, form: str = "NFC") -> str:
    """Apply a Unicode normalisation form.

    For the compatibility forms the two presentation forms NFKC gets wrong are
    fixed first (﷼ -> ريال, ﷽ -> بسم الله الرحمن الرحيم), exactly as
    ``camel_tools.utils.normalize.normalize_unicode`` does.

    Args:
        text: Input text.
        form: One of ``"NFC"``, ``"NFD"``, ``"NFKC"``, ``"NFKD"``.

    Returns:
        The normalised text.

    Raises:
        ValueError: If ``form`` is not a known form.
    """
    if form not in UNICODE_FORMS:
        raise ValueError(f"normalize_unicode: unknown form {form!r}; expected one of {UNICODE_FORMS}")
    if form.startswith("NFK"):
        text = text.translate(_PRESENTATION_FIX_TABLE)
    return unicodedata.normalize(form, text)


def normalize_text(
    text: str,
    *,
    alef: bool = True,
    alef_maksura: bool = True,
    teh_marbuta: bool = False,
    tatweel: bool = True,
    persian_letters: bool = True,
    digits: str = "keep",
    unicode_form: str | None = "NFC",
) -> str:
    """Run the selected normalisation steps in a fixed, safe order.

    Order: Unicode form first (so decomposed hamza/madda sequences are
    composed before letter rules look at them), then Persian letters (ی must
    become ي before the Yeh/Maksura rule), Alef, Alif Maksura, Teh Marbuta,
    tatweel, digits.

    Args:
        text: Input text.
        alef: Apply :func:`normalize_alef`.
        alef_maksura: Apply :func:`normalize_alef_maksura`.
        teh_marbuta: Apply :func:`normalize_teh_marbuta` (lossy, off by default).
        tatweel: Apply :func:`remove_tatweel`.
        persian_letters: Apply :func:`normalize_persian_letters`.
        digits: ``"keep"``, ``"western"`` or ``"arabic-indic"``.
        unicode_form: A form for :func:`normalize_unicode`, or ``None`` to skip.

    Returns:
        The normalised text.

    Raises:
        ValueError: On an unknown ``digits`` target or ``unicode_form``
            (checked before any work is done).
    """
    if digits != "keep" and digits not in DIGIT_TARGETS:
        raise ValueError(f"normalize_text: unknown digits {digits!r}; expected 'keep' or one of {DIGIT_TARGETS}")
    if unicode_form is not None:
        text = normalize_unicode(text, unicode_form)
    if persian_letters:
        text = normalize_persian_letters(text)
    if alef:
        text = normalize_alef(text)
    if alef_maksura:
        text = normalize_alef_maksura(text)
    if teh_marbuta:
        text = normalize_teh_marbuta(text)
    if tatweel:
        text = remove_tatweel(text)
    if digits != "keep":
        text = normalize_digits(text, digits)
    return text
