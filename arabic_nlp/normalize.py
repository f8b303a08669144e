"""Orthographic normalisation of Arabic text.

Each ``normalize_*`` function is a small, pure ``str -> str`` step;
:func:`normalize_text` chains them with switches. None of them touches
diacritics (see :mod:`arabic_nlp.diacritics`) or removes characters other than
tatweel.

Where camel-tools does exactly the right thing (Alif Maksura, Teh Marbuta) the
single-step functions call it directly; where it covers less than we need (Alef:
no wavy-hamza forms, no decomposed input; Persian letters: arclean maps far more
than letters) the step is our own. ``tests/test_arabic_nlp_normalize.py`` and
``tests/test_arabic_nlp_parity.py`` (real SIB-200 and Shami text) check parity
with camel-tools on the overlap.

Speed: every letter step is a single-character replacement, so
:func:`normalize_text` composes the selected steps into one list of
``(character, replacement)`` pairs per option combination and applies it as
``if char in text: text = text.replace(char, replacement)``. Both operations
run in C at several GB/s, and most pairs are absent from any given text, so
the chain costs little more than the Unicode normalisation itself
(``str.translate`` with a dict, by contrast, does a Python-level lookup per
character and is some 20x slower). The Unicode normalisation is checked
first (``unicodedata.is_normalized``, about 1.5 ns a character); text that
is not normalised, typically a vocalised line with a shadda typed before its
fatha, goes through ``unicodedata.normalize`` (some 60 ns a character) only
line by line, and word by word in long lines (:func:`_normalized`).
``benchmarks/bench_throughput.py`` compares the chain with camel-tools'.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from camel_tools.utils.normalize import (
    normalize_alef_maksura_ar,
    normalize_teh_marbuta_ar,
)

from arabic_nlp.charsets import (
    ALEF,
    ALEF_MAKSURA,
    ALEF_VARIANTS,
    ARABIC_DIGITS,
    DAGGER_ALEF,
    EXTENDED_ARABIC_DIGITS,
    HAMZA_MARKS,
    HEH,
    PERSIAN_LETTER_MAP,
    PRESENTATION_FORM_FIXES,
    TATWEEL,
    TEH_MARBUTA,
    WESTERN_DIGITS,
    YEH,
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

# A bare alef followed by the combining maddah/hamza marks that NFD splits off,
# possibly with harakat/tanween/shadda/sukun/dagger alef in between: canonical
# ordering puts those (combining classes 27-35) before the hamza marks (220/230),
# so NFD("أَ") is "ا" + fatha + hamza above. The hamza marks are dropped, the
# other marks kept (see _drop_hamza_marks).
_HAMZA_OR_HARAKA = f"[\u064B-\u0652{DAGGER_ALEF}{char_class(HAMZA_MARKS)}]"
_DECOMPOSED_ALEF_RE = re.compile(f"{ALEF}{_HAMZA_OR_HARAKA}*[{char_class(HAMZA_MARKS)}]")
_HAMZA_DELETE = str.maketrans(dict.fromkeys(HAMZA_MARKS))
_MADDAH, _HAMZA_ABOVE, _HAMZA_BELOW = HAMZA_MARKS  # as constants: indexing makes a new string each time
_is_normalized = unicodedata.is_normalized
_ALEF_PAIRS = tuple((variant, ALEF) for variant in ALEF_VARIANTS)
_PERSIAN_PAIRS = tuple(PERSIAN_LETTER_MAP.items())
_PRESENTATION_FIX_PAIRS = tuple(PRESENTATION_FORM_FIXES.items())
# Extended (Persian/Urdu) digits are folded too: ۴ ۵ ۶ differ in shape from ٤ ٥ ٦
# but mean the same digit.
_DIGIT_PAIRS = {
    "western": tuple(zip(ARABIC_DIGITS + EXTENDED_ARABIC_DIGITS, WESTERN_DIGITS * 2)),
    "arabic-indic": tuple(zip(WESTERN_DIGITS + EXTENDED_ARABIC_DIGITS, ARABIC_DIGITS * 2)),
}

Pairs = Sequence[tuple[str, str]]


def _replace_chars(text: str, pairs: Pairs) -> str:
    """Apply single-character replacements, skipping characters the text lacks.

    Args:
        text: Input text.
        pairs: ``(character, replacement)`` pairs; no replacement may contain
            a character that is replaced later in the list (checked by
            :func:`_compose`), so the order of application does not matter.

    Returns:
        The text with every pair applied.
    """
    for char, replacement in pairs:
        if char in text:
            text = text.replace(char, replacement)
    return text


def _compose(steps: Sequence[Pairs]) -> tuple[tuple[str, str], ...]:
    """Compose several single-character steps into one set of pairs.

    Args:
        steps: Lists of pairs, applied in this order.

    Returns:
        Pairs mapping each affected character straight to its final form
        (identity pairs dropped).

    Raises:
        ValueError: If a final form still contains a replaced character (the
            composed steps would not be a fixed point and order would matter).
    """
    keys: dict[str, None] = {}
    for pairs in steps:
        keys.update((char, None) for char, _ in pairs)
    composed = {}
    for char in keys:
        value = char
        for pairs in steps:
            value = "".join(dict(pairs).get(c, c) for c in value)
        if value != char:
            composed[char] = value
    for char, value in composed.items():
        bad = set(value) & composed.keys()
        if bad:
            raise ValueError(f"composed normalisation maps {char!r} to {value!r}, which still contains {sorted(bad)}")
    return tuple(composed.items())


def normalize_alef(text: str) -> str:
    """Map hamzated, madda, wasla and wavy-hamza alefs to bare alef (ا).

    Covers أ إ آ ٱ ٲ ٳ and the decomposed spellings ا + U+0653/0654/0655
    (also with harakat between the alef and the hamza mark, the canonical
    NFD order of a vocalised hamzated alef, e.g. ا + fatha + U+0654 -> اَ).

    Args:
        text: Input text.

    Returns:
        Text with every alef variant replaced by U+0627.
    """
    text = _replace_chars(text, _ALEF_PAIRS)
    return _strip_decomposed_alef_hamza(text)


def _strip_decomposed_alef_hamza(text: str) -> str:
    """Drop the combining maddah/hamza marks that follow a bare alef (decomposed أ إ آ).

    Args:
        text: Input text.

    Returns:
        The text; marks between the alef and the hamza mark are kept.
    """
    if _MADDAH in text or _HAMZA_ABOVE in text or _HAMZA_BELOW in text:
        return _DECOMPOSED_ALEF_RE.sub(_drop_hamza_marks, text)
    return text


def _drop_hamza_marks(match: re.Match[str]) -> str:
    """Replacement for :data:`_DECOMPOSED_ALEF_RE`: the match without its hamza marks.

    Args:
        match: Alef + marks, ending in a hamza mark.

    Returns:
        The alef and the non-hamza marks, in their order.
    """
    return match.group(0).translate(_HAMZA_DELETE)


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
    return _replace_chars(text, _PERSIAN_PAIRS)


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
        pairs = _DIGIT_PAIRS[to]
    except KeyError:
        raise ValueError(f"normalize_digits: unknown target {to!r}; expected one of {DIGIT_TARGETS}") from None
    return _replace_chars(text, pairs)


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
        text = _replace_chars(text, _PRESENTATION_FIX_PAIRS)
    # Most text is already normalised; this check is about twice as fast as
    # normalize()'s own shortcut, which gives up at the first "maybe" character.
    return text if _is_normalized(form, text) else _normalized(form, text)


# Below this length a line that is not normalised is normalised whole; a longer one word by word.
_SHORT_LINE = 200


def _normalized(form: str, text: str) -> str:
    """``unicodedata.normalize(form, text)`` for text that is not normalised, done line by line.

    Where text is not normalised (typically a shadda typed before its fatha),
    ``unicodedata.normalize`` costs some 60 ns a character, while
    ``unicodedata.is_normalized`` tells a normalised line at about 1.5 ns; so
    only the lines, and in long lines the words, that are not normalised go
    through it. Splitting at line breaks and spaces is exact in every form:
    both are starters that never compose with anything, so no reordering or
    composition crosses them (``tests/test_arabic_nlp_normalize.py`` compares
    with ``unicodedata.normalize`` on fuzzed text).

    Args:
        form: A Unicode normalisation form.
        text: Input text.

    Returns:
        The normalised text.
    """
    if len(text) < _SHORT_LINE:
        return unicodedata.normalize(form, text)
    return "\n".join([_normalized_line(form, line) for line in text.split("\n")])


def _normalized_line(form: str, line: str) -> str:
    """:func:`_normalized` for one line.

    Args:
        form: A Unicode normalisation form.
        line: Text without line breaks.

    Returns:
        The normalised line.
    """
    if unicodedata.is_normalized(form, line):
        return line
    if len(line) < _SHORT_LINE:
        return unicodedata.normalize(form, line)
    is_normalized, normalize = unicodedata.is_normalized, unicodedata.normalize
    return " ".join([word if is_normalized(form, word) else normalize(form, word) for word in line.split(" ")])


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
    key = (alef, alef_maksura, teh_marbuta, tatweel, persian_letters, digits, unicode_form)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _make_plan(*key)
        if len(_PLANS) < 1024:
            _PLANS[key] = plan
    form, compatibility, before, after, whole = plan
    if form is not None:
        if compatibility:
            text = _replace_chars(text, _PRESENTATION_FIX_PAIRS)
        if not _is_normalized(form, text):
            text = _normalized(form, text)
    if alef and (_MADDAH in text or _HAMZA_ABOVE in text or _HAMZA_BELOW in text):
        text = _replace_chars(text, before)
        text = _DECOMPOSED_ALEF_RE.sub(_drop_hamza_marks, text)
        return _replace_chars(text, after)
    # Without hamza marks the decomposed-alef rule does nothing, so one composed pass does it all.
    for char, replacement in whole:
        if char in text:
            text = text.replace(char, replacement)
    return text


_Pairs = tuple[tuple[str, str], ...]
_Plan = tuple[str | None, bool, _Pairs, _Pairs, _Pairs]  # form, compatibility, before, after, whole
_PLANS: dict[tuple, _Plan] = {}


def _make_plan(
    alef: bool,
    alef_maksura: bool,
    teh_marbuta: bool,
    tatweel: bool,
    persian_letters: bool,
    digits: str,
    unicode_form: str | None,
) -> _Plan:
    """Validate the options of :func:`normalize_text` and compose its letter steps.

    The steps run in the documented order; the only multi-character rule (the
    decomposed alef + hamza mark) sits between the ``before`` and ``after``
    groups, so the result is exactly that of running the single-step functions
    one by one. ``whole`` composes both groups, for text without hamza marks.

    Args:
        alef: See :func:`normalize_text`.
        alef_maksura: See :func:`normalize_text`.
        teh_marbuta: See :func:`normalize_text`.
        tatweel: See :func:`normalize_text`.
        persian_letters: See :func:`normalize_text`.
        digits: See :func:`normalize_text`.
        unicode_form: See :func:`normalize_text`.

    Returns:
        ``(form, compatibility, before, after, whole)``.

    Raises:
        ValueError: On an unknown ``digits`` target or ``unicode_form``.
    """
    if digits != "keep" and digits not in DIGIT_TARGETS:
        raise ValueError(f"normalize_text: unknown digits {digits!r}; expected 'keep' or one of {DIGIT_TARGETS}")
    if unicode_form is not None and unicode_form not in UNICODE_FORMS:
        raise ValueError(f"normalize_text: unknown unicode_form {unicode_form!r}; expected one of {UNICODE_FORMS}")
    before: list[Pairs] = []
    if persian_letters:
        before.append(_PERSIAN_PAIRS)
    if alef:
        before.append(_ALEF_PAIRS)
    after: list[Pairs] = []
    if alef_maksura:
        after.append(((ALEF_MAKSURA, YEH),))
    if teh_marbuta:
        after.append(((TEH_MARBUTA, HEH),))
    if tatweel:
        after.append(((TATWEEL, ""),))
    if digits != "keep":
        after.append(_DIGIT_PAIRS[digits])
    compatibility = unicode_form is not None and unicode_form.startswith("NFK")
    return unicode_form, compatibility, _compose(before), _compose(after), _compose(before + after)
