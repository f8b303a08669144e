"""Character sets and small character tables shared by every arabic_nlp module.

Every set of characters the library reasons about is defined here once, so the
cleaner, the normalisers, the diacritic stripper and the segmenter agree on what
an "Arabic letter" or a "diacritic" is. Sets derived from Unicode categories are
computed from :mod:`unicodedata` at import time (a few thousand code points, so
cheap) rather than typed out, which keeps them in step with the Python build.

Tables (character -> replacement) are plain dicts checked by
:func:`validate_char_table`, which raises ``ValueError`` naming the bad entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from types import MappingProxyType

__all__ = [
    "ALEF",
    "ALEF_MAKSURA",
    "ALEF_VARIANTS",
    "ARABIC_BLOCKS",
    "ARABIC_DIGITS",
    "ARABIC_FORMAT_CHARS",
    "ARABIC_LETTERS",
    "ARABIC_MARKS",
    "ARABIC_PUNCTUATION",
    "ARABIC_WORD_CHARS",
    "BIDI_CONTROLS",
    "DAGGER_ALEF",
    "DAMMA",
    "DAMMATAN",
    "DIGITS",
    "END_OF_AYAH",
    "EXTENDED_ARABIC_DIGITS",
    "FATHA",
    "FATHATAN",
    "HAMZA_MARKS",
    "HARAKAT",
    "HEH",
    "KASRA",
    "KASRATAN",
    "LATIN",
    "PERSIAN_LETTER_MAP",
    "PRESENTATION_FORM_BLOCKS",
    "PRESENTATION_FORM_FIXES",
    "PUNCTUATION",
    "QURANIC_MARKS",
    "SHADDA",
    "SUKUN",
    "TANWEEN",
    "TATWEEL",
    "TEH_MARBUTA",
    "VARIATION_SELECTORS",
    "WESTERN_DIGITS",
    "YEH",
    "ZERO_WIDTH_CHARS",
    "ZWJ",
    "ZWNJ",
    "char_class",
    "validate_char_table",
]


def _chars(*ranges: tuple[int, int]) -> frozenset[str]:
    """Expand inclusive code point ranges into a set of characters.

    Args:
        *ranges: ``(first, last)`` code point pairs, both ends included.

    Returns:
        The characters in all ranges.
    """
    return frozenset(chr(cp) for first, last in ranges for cp in range(first, last + 1))


def _by_category(chars: Iterable[str], prefixes: str | tuple[str, ...]) -> frozenset[str]:
    """Select the characters whose Unicode general category starts with a prefix.

    Args:
        chars: Candidate characters.
        prefixes: One category prefix (``"L"``, ``"Mn"``) or a tuple of them.

    Returns:
        The matching characters.
    """
    return frozenset(c for c in chars if unicodedata.category(c).startswith(prefixes))


def char_class(chars: Iterable[str]) -> str:
    """Build the body of a regex character class that matches exactly ``chars``.

    Consecutive code points are merged into ``a-b`` ranges so classes built from
    large sets stay short.

    Args:
        chars: Characters to match.

    Returns:
        A string to put between ``[`` and ``]`` (no brackets included).
    """
    points = sorted({ord(c) for c in chars})
    parts: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        first, last = re.escape(chr(points[i])), re.escape(chr(points[j]))
        parts.append(first if i == j else f"{first}-{last}")
        i = j + 1
    return "".join(parts)


# --- Blocks -------------------------------------------------------------------

# Arabic, Arabic Supplement, Arabic Extended-B and Arabic Extended-A.
ARABIC_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x089F),
    (0x08A0, 0x08FF),
)
# Presentation Forms-A and -B: legacy glyph encodings, mapped back to base letters.
PRESENTATION_FORM_BLOCKS: tuple[tuple[int, int], ...] = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))

_ARABIC_BLOCK_CHARS = _chars(*ARABIC_BLOCKS)

# --- Letters and marks --------------------------------------------------------

ARABIC_LETTERS: frozenset[str] = _by_category(_ARABIC_BLOCK_CHARS, "Lo")
"""Arabic-script letters (general category Lo); tatweel (Lm) is not a letter."""

TATWEEL = "\u0640"
ARABIC_WORD_CHARS: frozenset[str] = _by_category(_ARABIC_BLOCK_CHARS, ("L", "M"))
"""Everything that can be part of an Arabic word: letters, tatweel, small
letters (U+06E5/06E6) and all combining marks. The cleaner always keeps these."""
ARABIC_MARKS: frozenset[str] = _by_category(_ARABIC_BLOCK_CHARS, "Mn")
"""Every combining mark of the Arabic blocks (diacritics, hamza marks, Quranic marks)."""

ALEF = "\u0627"
# أ إ آ ٱ (wasla) ٲ ٳ (wavy hamza above/below).
ALEF_VARIANTS = "\u0623\u0625\u0622\u0671\u0672\u0673"
# Maddah above, hamza above, hamza below: NFD splits أ إ آ ؤ ئ into base + one of these.
HAMZA_MARKS = "\u0653\u0654\u0655"
ALEF_MAKSURA = "\u0649"
YEH = "\u064A"
TEH_MARBUTA = "\u0629"
HEH = "\u0647"

# --- Diacritics (one constant per mark, grouped into classes) -----------------

FATHATAN, DAMMATAN, KASRATAN = "\u064B", "\u064C", "\u064D"
FATHA, DAMMA, KASRA = "\u064E", "\u064F", "\u0650"
SHADDA, SUKUN = "\u0651", "\u0652"
DAGGER_ALEF = "\u0670"  # superscript alef, as in هٰذا / الرحمٰن

HARAKAT = frozenset(FATHA + DAMMA + KASRA)
TANWEEN = frozenset(FATHATAN + DAMMATAN + KASRATAN)
# U+06D6..U+06ED holds Quranic annotation marks mixed with two small letters
# (U+06E5/06E6, Lm) and two symbols (U+06DD end of ayah, U+06DE/06E9, So/Cf):
# only the combining marks are diacritics.
QURANIC_MARKS: frozenset[str] = _by_category(_chars((0x06D6, 0x06ED)), "Mn")

# --- Digits -------------------------------------------------------------------

WESTERN_DIGITS = "0123456789"
ARABIC_DIGITS = "".join(chr(cp) for cp in range(0x0660, 0x066A))  # ٠..٩
EXTENDED_ARABIC_DIGITS = "".join(chr(cp) for cp in range(0x06F0, 0x06FA))  # ۰..۹ (Persian/Urdu)
DIGITS = frozenset(WESTERN_DIGITS + ARABIC_DIGITS + EXTENDED_ARABIC_DIGITS)

# --- Punctuation --------------------------------------------------------------

END_OF_AYAH = "\u06DD"  # ۝: category Cf, but it ends a verse, so we treat it as punctuation

ARABIC_PUNCTUATION: frozenset[str] = _by_category(_ARABIC_BLOCK_CHARS, ("P", "S")) | {END_OF_AYAH}
"""Arabic-block punctuation and signs (، ؛ ؟ ٪ ٫ ٬ ۔ ۞ ...) plus ۝."""

_BMP = [chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF]
# All BMP punctuation (P*), and symbols (S*) only from blocks that carry
# ordinary text symbols: Latin-1, General Punctuation, currency, math operators.
# Other symbols (box drawing, dingbats, CJK) are noise in an Arabic corpus.
PUNCTUATION: frozenset[str] = (
    _by_category(_BMP, "P")
    | _by_category(_chars((0x0020, 0x00FF), (0x2000, 0x20CF), (0x2200, 0x22FF)), ("Sm", "Sc", "Sk", "So"))
    | ARABIC_PUNCTUATION
    | {"\uFD3E", "\uFD3F"}  # ﴾ ﴿ ornate parentheses (Quranic quotations)
)

# --- Latin --------------------------------------------------------------------

LATIN: frozenset[str] = (
    _by_category(_chars((0x0041, 0x024F), (0x1E00, 0x1EFF), (0xFB00, 0xFB06)), "L")
    | _chars((0x0300, 0x036F))  # combining accents of decomposed Latin text (e + ́)
)

# --- Invisible characters -----------------------------------------------------

ZWNJ, ZWJ = "\u200C", "\u200D"
# LRM, RLM, embeddings/overrides, isolates and the Arabic Letter Mark: they only
# steer rendering direction and break string matching when left in.
BIDI_CONTROLS = frozenset("\u200E\u200F\u061C") | _chars((0x202A, 0x202E), (0x2066, 0x2069))
# ZWSP, ZWNJ, ZWJ, word joiner, BOM and soft hyphen.
ZERO_WIDTH_CHARS = frozenset("\u200B\u200C\u200D\u2060\uFEFF\u00AD")
VARIATION_SELECTORS = _chars((0xFE00, 0xFE0F))
# Arabic number signs, pound/piastre marks, disputed end of ayah: Cf characters
# that prefix or decorate numbers and carry no text.
ARABIC_FORMAT_CHARS: frozenset[str] = _by_category(_ARABIC_BLOCK_CHARS, "Cf") - {END_OF_AYAH}


# --- Tables -------------------------------------------------------------------


def validate_char_table(name: str, table: Mapping[str, str]) -> Mapping[str, str]:
    """Check a character -> replacement table and freeze it.

    Args:
        name: Table name used in error messages.
        table: Mapping from single characters to replacement strings.

    Returns:
        A read-only view of ``table``.

    Raises:
        ValueError: If a key is not exactly one character, a value is not a
            string, or a value contains its own key (the mapping would not be
            idempotent). The message names the table and the entry.
    """
    for key, value in table.items():
        if not isinstance(key, str) or len(key) != 1:
            raise ValueError(f"{name}: key {key!r} must be a single character")
        if not isinstance(value, str):
            raise ValueError(f"{name}: value for {key!r} (U+{ord(key):04X}) must be a string, got {value!r}")
        if key in value:
            raise ValueError(f"{name}: entry {key!r} (U+{ord(key):04X}) -> {value!r} maps a character onto itself")
    return MappingProxyType(dict(table))


# Persian/Urdu code points that are only glyph variants of an Arabic letter
# (same sound, different keyboard layout). Letters for sounds Arabic lacks
# (گ /g/, چ /tʃ/, پ /p/, ڤ /v/, ژ /ʒ/, ڨ) are NOT mapped: Gulf, Iraqi and
# Maghrebi writers use them on purpose (چذي, گال, ڤيديو) and they are dialect cues.
PERSIAN_LETTER_MAP: Mapping[str, str] = validate_char_table(
    "PERSIAN_LETTER_MAP",
    {
        "\u06A9": "\u0643",  # ک keheh -> ك
        "\u06AA": "\u0643",  # ڪ swash kaf -> ك
        "\u06CC": "\u064A",  # ی Farsi yeh -> ي (camel-tools' arclean picks ى; see normalize.py)
        "\u06C1": "\u0647",  # ہ heh goal -> ه
        "\u06BE": "\u0647",  # ھ heh doachashmee -> ه
        "\u06C3": "\u0629",  # ۃ teh marbuta goal -> ة
    },
)

# Presentation forms whose NFKC result is wrong or missing; the same fixes as
# camel_tools.utils.normalize.normalize_unicode (NFKC of ﷼ yields Farsi yeh).
PRESENTATION_FORM_FIXES: Mapping[str, str] = validate_char_table(
    "PRESENTATION_FORM_FIXES",
    {
        "\uFDFC": "\u0631\u064A\u0627\u0644",  # ﷼ -> ريال
        "\uFDFD": "بسم الله الرحمن الرحيم",  # ﷽ has no decomposition at all
    },
)
