"""Clean raw web/wiki text down to Arabic prose.

:func:`clean_text` runs these steps, in this order (each later step assumes
the earlier ones ran):

1. wikitext: ``<ref>`` notes, ``{{templates}}`` (nested), ``{| tables |}``,
   ``[[target|label]]`` -> label (file/category links dropped),
   ``[http://x label]`` -> label, ``'''bold'''``/``''italic''`` quotes,
   ``== headings ==`` -> heading text;
2. HTML: comments, ``<script>``/``<style>`` blocks, tags (block tags become a
   line break, inline tags vanish, others a space), entities decoded;
3. e-mail addresses, then URLs (e-mails first, so a domain rule cannot eat
   half an address);
4. presentation forms (U+FB50-FDFF, U+FE70-FEFF) -> base letters via NFKC on
   those characters only (ﻻ -> لا, ﷲ -> الله);
5. white space unified (NBSP, tabs, line/paragraph separators -> " " / "\\n");
6. emoji sequences are located first (via the ``emoji`` package) and kept
   whole with ``keep_emoji`` or removed whole; in the text between them:
   control characters are removed -- C0/C1 controls, bidi controls (U+200E/F,
   U+202A-202E, U+2066-2069, U+061C), zero-width characters, soft hyphen,
   stray variation selectors, Arabic number signs. ZWNJ and ZWJ are removed
   too: Arabic spelling never needs them (they only force or block glyph
   joining, which changes no letter), and left in they make identical-looking
   words compare unequal; a ZWJ *inside* an emoji sequence (family emoji) is
   part of the emoji and follows it. Then every character outside
   the kept set is dropped: Arabic letters and marks are always kept
   (diacritics are never removed), Latin letters / digits / punctuation per
   the ``keep_*`` flags. Removed visible runs and emoji become a space so
   neighbouring words are not glued; removed invisible characters leave
   nothing;
7. white space: any run containing a line break -> one ``"\\n"`` (paragraph
   breaks survive as single newlines), other runs -> one space, lines
   stripped.

``CleanResult.removed`` always has the same eight keys. URLs, e-mails, HTML
(tags, comments, entities), wikitext constructs and emoji count matches;
control, presentation_forms and non_arabic count characters.

Speed (the result is exactly that of running every step; a test compares
the two on fuzzed text): the checks work on an 8-bit code, a variant of
Windows-1256 (which holds Arabic, its diacritics, Western digits, ASCII and
the common punctuation) that also holds Arabic-Indic and Persian digits
(``_FAST_DECODING_TABLE``), through ``codecs.charmap_encode`` with errors
"ignore" (handled in C: a character outside a code is dropped, and the
result is shorter than the text). The common case, text whose every
character is "clean" (plain for the ``keep_*`` flags: kept as is, not white
space other than space and newline, not the start of an emoji; and none of
the characters a markup pattern needs, ``< { [ = ' _ & @ / w W``), is told by
one encoding with that code restricted to clean characters: nothing is
dropped. It then only has its white space collapsed. Otherwise the markup
characters present (from the text's ASCII encoding) decide which of steps
1-3 run (wikitext needs one of ``< { [ = ' _``, HTML ``<`` or ``&``, e-mails
``@``, URLs ``/`` or ``w``; after an HTML entity is decoded every later step
runs), and each step is still skipped unless its own trigger is present
(``@`` plus a domain for e-mails, ``://``, ``www.`` or a ``/`` after two
letters for URLs, ``{{`` ``[[`` ``''`` ... for wikitext); the URL pattern only
runs on the white-space-delimited tokens that hold a URL hint. Steps 4-6 are
skipped as a whole when every character is plain, and steps 5-6 when the
text is plain once its presentation forms are mapped (``ﻻ`` is often all
there is). The emoji scanner only runs around emoji candidates.
``benchmarks/bench_throughput.py`` measures the effect.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from collections.abc import Callable
from encodings import cp1256 as _cp1256
from functools import lru_cache, partial
from typing import Any, NamedTuple

import emoji

from arabic_nlp.charsets import (
    ARABIC_FORMAT_CHARS,
    ARABIC_WORD_CHARS,
    BIDI_CONTROLS,
    DIGITS,
    LATIN,
    PRESENTATION_FORM_BLOCKS,
    PRESENTATION_FORM_FIXES,
    PUNCTUATION,
    VARIATION_SELECTORS,
    ZERO_WIDTH_CHARS,
    char_class,
)

__all__ = [
    "REMOVED_CATEGORIES",
    "CleanResult",
    "clean_text",
    "map_presentation_forms",
    "normalize_whitespace",
    "strip_control_chars",
    "strip_emails",
    "strip_html",
    "strip_urls",
    "strip_wikitext",
    "unify_whitespace",
]

REMOVED_CATEGORIES = ("urls", "emails", "html", "wikitext", "control", "presentation_forms", "non_arabic", "emoji")
_NO_REMOVALS = dict.fromkeys(REMOVED_CATEGORIES, 0)  # copied for each result (a copy beats dict.fromkeys)


class CleanResult(NamedTuple):
    """Output of :func:`clean_text`.

    A named tuple rather than a frozen dataclass: one is built per document,
    and a frozen dataclass costs three times as much to build.

    Attributes:
        text: The cleaned text.
        removed: Category -> count, for every name in ``REMOVED_CATEGORIES``.
    """

    text: str
    removed: dict[str, int]


# CleanResult((text, removed)) without the Python-level __new__ a named tuple adds.
_new_result = partial(tuple.__new__, CleanResult)


# --- wikitext -----------------------------------------------------------------

_REF_RE = re.compile(r"<ref\b[^>]*/>|<ref\b[^>]*>.*?</ref\s*>", re.IGNORECASE | re.DOTALL)
_TEMPLATE_RE = re.compile(r"\{\{[^{}]*\}\}")  # innermost template; applied until none left
_TABLE_RE = re.compile(r"\{\|.*?\|\}", re.DOTALL)
_WIKILINK_RE = re.compile(r"\[\[([^\[\]]*)\]\]")  # innermost link; captions may nest links
_EXTLINK_RE = re.compile(r"\[(?:https?|ftp)://[^\s\]]+(?:\s+([^\]]*))?\]")
_BOLD_ITALIC_RE = re.compile(r"'{2,5}")
_HEADING_RE = re.compile(r"^[ \t]*(={1,6})[ \t]*(.*?)[ \t]*\1[ \t]*$", re.MULTILINE)
_MAGIC_WORD_RE = re.compile(r"__[A-Z]+__")
# Links into these namespaces are media or categories, not prose: drop them.
_DROPPED_NAMESPACES = frozenset(
    ("file", "image", "media", "category", "ملف", "صورة", "وسائط", "تصنيف")
)

# --- HTML ---------------------------------------------------------------------

_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_SCRIPT_STYLE_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# Strict tag shape (letter right after "<") so "a < b" in prose is not a tag.
_TAG_RE = re.compile(r"</?([A-Za-z][A-Za-z0-9:-]*)\b[^<>]*>")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
_INLINE_TAGS = frozenset("a abbr b bdi bdo big cite code em font i kbd mark q s small span strong sub sup u".split())

# --- e-mails and URLs -----------------------------------------------------------

_EMAIL_RE = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Every e-mail contains this; it starts with a literal, so the scan is fast
# (the full pattern tries a match at every word start). Mentions (@user) fail it.
_EMAIL_HINT_RE = re.compile(r"[A-Za-z0-9._%+-]@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A URL runs to the next space/quote/bracket but never ends on punctuation, so
# "انظر https://x.org/a." keeps its full stop. Non-ASCII is allowed in the path
# because Arabic Wikipedia links are written unescaped.
_URL_TAIL = r"[^\s<>\"'«»()\[\]{}]*[^\s<>\"'«»()\[\]{}.,;:!?؟،؛]"
_URL_RE = re.compile(
    rf"(?:(?:https?|ftp)://|www\.){_URL_TAIL}"
    # bare host + path (t.co/xyz, pic.twitter.com/abc): needs the "/" to avoid
    # eating abbreviations such as "e.g"
    rf"|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{{2,}}/{_URL_TAIL}",
    re.IGNORECASE,
)

# --- presentation forms, controls, white space ------------------------------------

_PRESENTATION_RE = re.compile(
    "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in PRESENTATION_FORM_BLOCKS) + "]"
)
_CONTROL_CHARS = (
    frozenset(chr(cp) for cp in range(0x20) if chr(cp) not in "\t\n\r")
    | frozenset(chr(cp) for cp in range(0x7F, 0xA0))
    | BIDI_CONTROLS
    | ZERO_WIDTH_CHARS
    | VARIATION_SELECTORS
    | ARABIC_FORMAT_CHARS
)
_CONTROL_RE = re.compile(f"[{char_class(_CONTROL_CHARS)}]+")
_CONTROL_HINT_RE = re.compile(f"[{char_class(_CONTROL_CHARS)}]")
# Line/paragraph separators and vertical tab/form feed/NEL become "\n" before
# control characters are dropped (several of them are C0/C1 controls).
_LINE_BREAKS = "\r\x0b\x0c\x85\u2028\u2029"
# White space other than " " and "\n" (tab, CR, NBSP, line separators, ...).
_OTHER_WHITESPACE = frozenset(c for c in map(chr, range(0x10000)) if c.isspace()) - {" ", "\n"}  # all are BMP
# CRLF first, then each line break -> "\n" and each other white space character -> " ".
_WHITESPACE_PAIRS: tuple[tuple[str, str], ...] = (
    ("\r\n", "\n"),
    *((c, "\n") for c in _LINE_BREAKS),
    *((c, " ") for c in sorted(_OTHER_WHITESPACE - set(_LINE_BREAKS))),
)


def _coarse_class(chars: frozenset[str], gap: int = 256) -> str:
    """A regex class covering ``chars`` with few ranges (neighbours closer than ``gap`` merged).

    A class of a thousand scattered astral characters is tested range by range
    and is slow; a few wide ranges are fast, and the few extra characters they
    admit are filtered out by a set lookup.

    Args:
        chars: Characters to cover.
        gap: Merge two code points this close.

    Returns:
        A regex character class (with brackets).
    """
    points = sorted(map(ord, chars))
    ranges = [[points[0], points[0]]]
    for cp in points[1:]:
        if cp - ranges[-1][1] < gap:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]"


# --- emoji ----------------------------------------------------------------------

# The emoji package's scanner is slow (Python, per character), so it only runs
# where an emoji can be. Every emoji it knows contains its "signature": its
# first character, or for keycaps (#️⃣ 1⃣, which start with an ASCII
# character) the first non-ASCII one (U+FE0F or U+20E3). Around each
# signature the scanner runs on the maximal run of characters that occur in
# some emoji (plus ZWJ and the text-style selector U+FE0E): its matches never
# cross a character outside that set, so the runs give exactly the matches of
# a scan of the whole text (tests/test_arabic_nlp_clean.py checks this).
_EMOJI_SIGNATURES = frozenset(next(c for c in e if not c.isascii()) for e in emoji.EMOJI_DATA)
_EMOJI_CHARS = frozenset("".join(emoji.EMOJI_DATA)) | {"\u200d", "\ufe0e"}
_EMOJI_SIGNATURE_RE = re.compile(_coarse_class(_EMOJI_SIGNATURES))
_EMOJI_CHARS_RE = re.compile(f"[{char_class(_EMOJI_CHARS)}]*")

# --- fast paths -----------------------------------------------------------------

# An 8-bit code for the byte-level checks: Windows-1256 (Windows Arabic: Arabic letters and
# diacritics, ASCII, common punctuation), with 26 symbols that are never plain or rare in
# Arabic text (ƒ © ² ½ ZWNJ LRM ...) swapped for Arabic-Indic and Persian digits, ٪ ٫ ٬, ی ڤ ٱ,
# so that text using those encodes too. Encoding calls codecs.charmap_encode directly.
_FAST_FREED = "ƒˆŒœ\u200c\u200d¤¦¨©\xad®¯²³´µ¶¸¹¼½¾\u200e\u200f™"
_FAST_ADDED = "٠١٢٣٤٥٦٧٨٩٪٫٬۰۱۲۳۴۵۶۷۸۹یڤٱ"
_FAST_DECODING_TABLE = "".join(
    _FAST_ADDED[_FAST_FREED.index(c)] if c in _FAST_FREED else c for c in _cp1256.decoding_table
)
_FAST_ENCODING_TABLE = codecs.charmap_build(_FAST_DECODING_TABLE)
_charmap_encode = codecs.charmap_encode
# Every wikitext, HTML, e-mail and URL pattern needs one of these ASCII characters
# (the same bytes in the fast code); text without any skips steps 1-3.
_MARKUP_CHARS = "<{[='_&@/wW"
_NOT_MARKUP_BYTES = bytes(b for b in range(256) if chr(b) not in _MARKUP_CHARS)
_MARKUP_BYTES = _MARKUP_CHARS.encode("ascii")
# The markup characters (as byte values, ASCII in the fast code too) each group of steps needs one of.
_WIKITEXT_TRIGGERS = frozenset(b"<{[='_")
_HTML_TRIGGERS = frozenset(b"<&")
_EMAIL_TRIGGER = ord("@")
_URL_TRIGGERS = frozenset(b"/wW")


_Replacement = str | Callable[[re.Match[str]], str]


def _counted(pattern: re.Pattern[str], repl: _Replacement, text: str) -> tuple[str, int]:
    """Substitute and report how many matches were replaced.

    Args:
        pattern: Compiled regex.
        repl: _Replacement string or function, as for :meth:`re.Pattern.sub`.
        text: Input text.

    Returns:
        The new text and the number of matches.
    """
    return pattern.subn(repl, text)


def _counted_until_stable(pattern: re.Pattern[str], repl: _Replacement, text: str) -> tuple[str, int]:
    """Substitute repeatedly, for constructs that nest (templates, links in captions).

    Args:
        pattern: Regex matching one innermost construct.
        repl: _Replacement.
        text: Input text.

    Returns:
        The new text and the total number of matches.
    """
    total = 0
    while True:
        text, n = pattern.subn(repl, text)
        if not n:
            return text, total
        total += n


def _wikilink_label(match: re.Match[str]) -> str:
    """Replace an innermost ``[[target|label]]`` link with its visible text.

    Args:
        match: A :data:`_WIKILINK_RE` match.

    Returns:
        The label (last ``|`` part), the target if there is no label, or ""
        for file/category links.
    """
    parts = match.group(1).split("|")
    target = parts[0].strip()
    namespace = target.split(":", 1)[0].strip().lower() if ":" in target else ""
    if namespace in _DROPPED_NAMESPACES:
        return ""
    return parts[-1].strip()


# (pattern, replacement, nested, hints) in application order; nested patterns
# are re-applied until nothing matches ({{a|{{b}}}}, links inside file
# captions). A step is skipped unless the text holds all its hints: substrings
# that every match of its pattern contains (a single character first, because
# a one-character test is a memchr and far cheaper than a longer one).
_WIKITEXT_STEPS: tuple[tuple[re.Pattern[str], _Replacement, bool, str, str], ...] = (
    (_REF_RE, "", False, "<", "<"),
    (_TEMPLATE_RE, "", True, "{", "{{"),
    (_TABLE_RE, "", False, "{", "{|"),
    (_WIKILINK_RE, _wikilink_label, True, "[", "[["),
    (_EXTLINK_RE, lambda m: m.group(1) or "", False, "[", "://"),
    (_HEADING_RE, r"\2", False, "=", "="),
    (_BOLD_ITALIC_RE, "", False, "'", "''"),
    (_MAGIC_WORD_RE, "", False, "_", "__"),
)


def _strip_wikitext(text: str) -> tuple[str, int]:
    """Remove MediaWiki markup, counting constructs (see :func:`strip_wikitext`).

    Args:
        text: Input text.

    Returns:
        The text and the number of constructs removed or unwrapped.
    """
    total = 0
    for pattern, repl, nested, char_hint, hint in _WIKITEXT_STEPS:
        if char_hint in text and hint in text:
            text, n = (_counted_until_stable if nested else _counted)(pattern, repl, text)
            total += n
    return text, total


def strip_wikitext(text: str) -> str:
    """Remove leftover MediaWiki markup, keeping the visible prose.

    Drops ``<ref>`` notes, templates, tables, file/category links and magic
    words; unwraps ``[[target|label]]``, ``[url label]``, bold/italic quotes
    and ``== headings ==``.

    Args:
        text: Input text.

    Returns:
        Text without wiki markup.
    """
    return _strip_wikitext(text)[0]


def _tag_replacement(match: re.Match[str]) -> str:
    """Choose what an HTML tag turns into so words are neither glued nor split.

    Args:
        match: A :data:`_TAG_RE` match.

    Returns:
        A line break for block tags, "" for inline tags, " " otherwise.
    """
    name = match.group(1).lower()
    if name in _BLOCK_TAGS:
        return "\n"
    return "" if name in _INLINE_TAGS else " "


def _strip_html(text: str) -> tuple[str, int]:
    """Remove HTML, counting comments, script/style blocks, tags and entities.

    Args:
        text: Input text.

    Returns:
        The text and the number of constructs removed or decoded.
    """
    comments = blocks = tags = entities = 0
    if "<" in text:
        if "<!--" in text:
            text, comments = _counted(_HTML_COMMENT_RE, "", text)
        text, blocks = _counted(_SCRIPT_STYLE_RE, " ", text)
        text, tags = _counted(_TAG_RE, _tag_replacement, text)
    if "&" in text:
        text, entities = _counted(_ENTITY_RE, lambda m: html.unescape(m.group(0)), text)
    return text, comments + blocks + tags + entities


def strip_html(text: str) -> str:
    """Remove HTML comments, script/style blocks and tags; decode entities.

    Args:
        text: Input text.

    Returns:
        Text without markup (block tags become line breaks).
    """
    return _strip_html(text)[0]


def strip_emails(text: str) -> str:
    """Replace e-mail addresses with a space.

    Args:
        text: Input text.

    Returns:
        Text without e-mail addresses.
    """
    return _strip_emails(text)[0]


def _strip_emails(text: str) -> tuple[str, int]:
    """Replace e-mail addresses with a space, counting them.

    Args:
        text: Input text.

    Returns:
        The text and the number of addresses.
    """
    if "@" in text and _EMAIL_HINT_RE.search(text):
        return _EMAIL_RE.subn(" ", text)
    return text, 0


def strip_urls(text: str) -> str:
    """Replace URLs (scheme, ``www.`` or ``host.tld/path``) with a space.

    Args:
        text: Input text (run :func:`strip_emails` first).

    Returns:
        Text without URLs; punctuation right after a URL is kept.
    """
    return _strip_urls(text)[0]


# Every URL contains "://", "www." (any case) or ".tld/". This hint pattern
# starts with a character class, so the regex engine skips straight to ":",
# "w", "W" and "." (the full URL pattern, an alternation, is tried at every
# position and is slow on long text).
# (With IGNORECASE, [A-Za-z] also matches İ ı ſ K, so the hint's TLD class holds them too.)
_URL_HINT_RE = re.compile(r"[:wW.](?:(?<=:)//|(?<=[wW])[wW][wW]\.|(?<=\.)[A-Za-z\u0130\u0131\u017f\u212a]{2,}/)")
_WWW_RE = re.compile(r"[wW][wW][wW]\.")
# Each ".tld/" hint holds a "/" after two of the hint's TLD letters; the pattern starts with
# the literal "/", so the engine jumps from slash to slash.
_TLD_SLASH_RE = re.compile(r"/(?<=[A-Za-z\u0130\u0131\u017f\u212a]{2}/)")
_TOKEN_TAIL_RE = re.compile(r"\S*")


def _strip_urls(text: str) -> tuple[str, int]:
    """Replace URLs with a space, counting them.

    A URL never contains white space, so the full pattern only has to run on
    the white-space-delimited tokens that hold a hint: its matches there are
    exactly its matches in the whole text (``\\b`` behaves the same at a
    token edge as next to the white space around it).

    Args:
        text: Input text.

    Returns:
        The text and the number of URLs.
    """
    # No hint without "://", "www." or a "/" after two letters (dates, "و/أو" and "50/50" have none).
    if not (("w" in text or "W" in text) and _WWW_RE.search(text)) and (
        "/" not in text or ("://" not in text and not _TLD_SLASH_RE.search(text))
    ):
        return text, 0
    pieces: list[str] = []
    last = total = 0
    for hint in _URL_HINT_RE.finditer(text):
        pos = hint.start()
        if pos < last:
            continue  # inside a token already handled
        start = pos
        while start > last and not text[start - 1].isspace():
            start -= 1
        end = _TOKEN_TAIL_RE.match(text, pos).end()
        token, n = _URL_RE.subn(" ", text[start:end])
        pieces += (text[last:start], token)
        last = end
        total += n
    if not pieces:
        return text, 0
    pieces.append(text[last:])
    return "".join(pieces), total


def _presentation_form_base(char: str) -> str:
    """The base letters of one presentation-form character.

    Args:
        char: A character of ``PRESENTATION_FORM_BLOCKS``.

    Returns:
        The fixed or NFKC form; isolated diacritic forms (U+FE70..) decompose
        to "space + mark", and the space is dropped so the mark stays a mark.
    """
    if char in PRESENTATION_FORM_FIXES:
        return PRESENTATION_FORM_FIXES[char]
    return unicodedata.normalize("NFKC", char).lstrip(" ")


# Every character of the blocks -> its base letters, computed once (some 800 NFKC calls at import).
_PRESENTATION_BASE = {
    char: _presentation_form_base(char)
    for first, last in PRESENTATION_FORM_BLOCKS
    for char in map(chr, range(first, last + 1))
}


def _map_presentation_forms(text: str) -> tuple[str, int]:
    """Map presentation forms, counting characters that changed.

    A text holds few distinct forms (ﻻ ﻷ ...), so each is replaced with one
    ``str.replace`` rather than a regex substitution with a Python callback
    per occurrence; no base form is itself a presentation form, so the order
    does not matter.

    Args:
        text: Input text.

    Returns:
        The text and the number of characters replaced (﴾ ﴿ and the BOM have
        no mapping and are not counted).
    """
    found = _PRESENTATION_RE.findall(text)
    changed = 0
    for char in set(found):
        base = _PRESENTATION_BASE[char]
        if base != char:
            text = text.replace(char, base)
            changed += found.count(char)
    return text, changed


def map_presentation_forms(text: str) -> str:
    """Replace Arabic presentation forms with base letters (NFKC on those characters only).

    Args:
        text: Input text.

    Returns:
        Text with ﻻ -> لا, ﷲ -> الله, ﻣ -> م and so on; other characters untouched.
    """
    return _map_presentation_forms(text)[0]


def _strip_control_chars(text: str) -> tuple[str, int]:
    """Remove control/bidi/zero-width characters, counting them.

    Args:
        text: Input text.

    Returns:
        The text and the number of characters removed.
    """
    if not _CONTROL_HINT_RE.search(text):
        return text, 0
    stripped = _CONTROL_RE.sub("", text)
    return stripped, len(text) - len(stripped)


def strip_control_chars(text: str) -> str:
    """Remove control, bidi, zero-width and format characters (see the module docstring).

    Nothing is put in their place: they are invisible, so removing them must
    not add a space. Tab, CR and LF are kept (white space is handled later).

    Args:
        text: Input text.

    Returns:
        Text without those characters.
    """
    return _strip_control_chars(text)[0]


def _kept_chars(keep_latin: bool, keep_digits: bool, keep_punctuation: bool) -> frozenset[str]:
    """The characters step 6 keeps for a flag combination.

    Args:
        keep_latin: Keep Latin letters.
        keep_digits: Keep Western, Arabic-Indic and Persian digits.
        keep_punctuation: Keep punctuation and common symbols.

    Returns:
        Arabic letters and marks, space, newline and the selected extras.
    """
    keep = set(ARABIC_WORD_CHARS) | {" ", "\n"}
    if keep_latin:
        keep |= LATIN
    if keep_digits:
        keep |= DIGITS
    if keep_punctuation:
        keep |= PUNCTUATION
    return frozenset(keep)


@lru_cache(maxsize=16)
def _removal_re(keep_latin: bool, keep_digits: bool, keep_punctuation: bool) -> re.Pattern[str]:
    """Compile (once per flag combination) a regex matching runs of characters to drop.

    Args:
        keep_latin: Keep Latin letters.
        keep_digits: Keep Western, Arabic-Indic and Persian digits.
        keep_punctuation: Keep punctuation and common symbols.

    Returns:
        A compiled negated character class matching one or more characters.
    """
    return re.compile(f"[^{char_class(_kept_chars(keep_latin, keep_digits, keep_punctuation))}]+")


class _Checks(NamedTuple):
    """The byte-level and regex tests :func:`clean_text` runs, for one flag combination.

    A character is *plain* when steps 4-6 leave it alone: it is kept, is not
    white space other than " " and "\\n", is no control character and cannot
    start an emoji sequence made only of kept characters (© ® ‼ ⁉ 〰 〽).
    Presentation forms are not kept, so they are never plain (except ﴾ ﴿,
    which map to themselves). A character is *clean* when it is plain and no
    markup pattern needs it (``_MARKUP_CHARS``): text of clean characters
    only has its white space collapsed.

    Attributes:
        clean_encoding: The fast code restricted to clean characters, plus
            NUL (which ``codecs.charmap_build`` needs to build a fast table):
            text whose ``"ignore"`` encoding loses no character and holds no
            0 byte is clean.
        not_clean_re: Matches one character that is not clean (for the
            characters outside the fast code).
        plain_bytes: Fast-code bytes of plain characters.
        not_plain_re: Matches one character that is not plain.
    """

    clean_encoding: Any
    not_clean_re: re.Pattern[str]
    plain_bytes: bytes
    not_plain_re: re.Pattern[str]


# (keep_latin, keep_digits, keep_punctuation) -> what :func:`_build_checks` builds.
_CHECKS: dict[tuple[bool, bool, bool], _Checks] = {}


def _build_checks(keep_latin: bool, keep_digits: bool, keep_punctuation: bool) -> _Checks:
    """Build (once per flag combination) the tests of :class:`_Checks`.

    Args:
        keep_latin: As for :func:`clean_text`.
        keep_digits: As for :func:`clean_text`.
        keep_punctuation: As for :func:`clean_text`.

    Returns:
        The tests, also stored in ``_CHECKS``.
    """
    key = (keep_latin, keep_digits, keep_punctuation)
    if key not in _CHECKS:
        kept = _kept_chars(keep_latin, keep_digits, keep_punctuation)
        plain = kept - _EMOJI_SIGNATURES - _OTHER_WHITESPACE - _CONTROL_CHARS
        clean = plain - set(_MARKUP_CHARS)
        clean_decoding = "".join(c if c in clean or c == "\0" else "\ufffe" for c in _FAST_DECODING_TABLE)
        _CHECKS[key] = _Checks(
            codecs.charmap_build(clean_decoding),
            re.compile(f"[^{char_class(clean)}]"),
            bytes(b for b in range(256) if _FAST_DECODING_TABLE[b] in plain),
            re.compile(f"[^{char_class(plain)}]"),
        )
    return _CHECKS[key]


def _encode_known(text: str) -> bytes:
    """Encode the characters the fast code holds (``_FAST_DECODING_TABLE``), dropping the others.

    "ignore" is handled inside the C encoder (no exception, no Python call),
    so this costs the same whether or not every character is in the code.
    One byte per encoded character: the result is as long as ``text`` exactly
    when nothing was dropped. Every markup character is ASCII, so the result
    always shows which of them the text holds.

    Args:
        text: Input text.

    Returns:
        The bytes of the characters in the fast code, in text order.
    """
    return _charmap_encode(text, "ignore", _FAST_ENCODING_TABLE)[0]


def _is_plain(text: str, checks: _Checks) -> bool:
    """Tell whether steps 4-6 of :func:`clean_text` would leave ``text`` unchanged.

    Args:
        text: Input text.
        checks: For the flags of the call.

    Returns:
        True if every character is plain.
    """
    encoded = _encode_known(text)
    if encoded.translate(None, checks.plain_bytes):
        return False
    return len(encoded) == len(text) or checks.not_plain_re.search(text) is None


# A line break with a space before it, or a space or line break after it: some line needs stripping
# or dropping. The pattern starts with the literal "\n", so the engine jumps from line break to line
# break (three separate two-character searches would each scan the whole text).
_PADDED_LINE_RE = re.compile(r"\n(?:(?<= \n)|[ \n])").search


def _collapse_plain_whitespace(text: str) -> str:
    """:func:`normalize_whitespace` for text whose only white space is " " and "\\n".

    Args:
        text: Input text.

    Returns:
        The same result as :func:`normalize_whitespace`: space runs become one
        space, lines are stripped, empty lines dropped.
    """
    if "  " in text:
        text = text.replace("  ", " ")
        while "  " in text:  # str.replace beats a " {2,}" regex, which stops at every space
            text = text.replace("  ", " ")
    if "\n" not in text:
        return text.strip(" ")
    if _PADDED_LINE_RE(text) is None:
        return text.strip(" \n")  # no line to strip or drop inside: only the ends
    # With no white space but " " and "\n", str.strip() strips spaces only; map() and filter() keep the
    # per-line loop in C.
    return "\n".join(filter(None, map(str.strip, text.split("\n"))))


def _filter_chunk(text: str, pattern: re.Pattern[str]) -> tuple[str, int, int]:
    """Strip controls from an emoji-free chunk, then drop characters outside the kept set.

    Args:
        text: Input text without emoji.
        pattern: From :func:`_removal_re`.

    Returns:
        The text (each dropped visible run becomes one space), the number of
        control characters and the number of other characters removed.
    """
    text, control = _strip_control_chars(text)
    filtered, runs = pattern.subn(" ", text)
    # Each dropped run of n characters became one space.
    return filtered, control, len(text) - len(filtered) + runs


def _emoji_spans(text: str) -> list[dict[str, int | str]]:
    """Locate emoji sequences: ``emoji.emoji_list(text)``, computed run by run.

    Args:
        text: Input text.

    Returns:
        ``{"match_start", "match_end", "emoji"}`` dicts in text order, the
        same as ``emoji.emoji_list`` returns for the whole text.
    """
    spans: list[dict[str, int | str]] = []
    signature = _EMOJI_SIGNATURE_RE.search(text)
    while signature:
        if signature.group() not in _EMOJI_SIGNATURES:  # admitted by the coarse class only
            signature = _EMOJI_SIGNATURE_RE.search(text, signature.end())
            continue
        start = signature.start()
        while start and text[start - 1] in _EMOJI_CHARS:
            start -= 1
        end = _EMOJI_CHARS_RE.match(text, signature.end()).end()
        for span in emoji.emoji_list(text[start:end]):
            span["match_start"] += start
            span["match_end"] += start
            spans.append(span)
        signature = _EMOJI_SIGNATURE_RE.search(text, end)
    return spans


def _filter_characters(
    text: str, *, keep_latin: bool, keep_digits: bool, keep_punctuation: bool, keep_emoji: bool
) -> tuple[str, dict[str, int]]:
    """Remove controls and emoji, keep Arabic letters/marks and the configured extras.

    Emoji sequences are located first, so their ZWJs, variation selectors and
    skin-tone modifiers are kept (with ``keep_emoji``) or removed together
    with the emoji; control stripping only sees the text between them.

    Args:
        text: Input text (white space already unified).
        keep_latin: Keep Latin letters.
        keep_digits: Keep digits.
        keep_punctuation: Keep punctuation and symbols.
        keep_emoji: Keep emoji sequences intact.

    Returns:
        The text and counts for ``control``, ``non_arabic`` and ``emoji``.
    """
    pattern = _removal_re(keep_latin, keep_digits, keep_punctuation)
    spans = _emoji_spans(text)
    counts = {"control": 0, "non_arabic": 0, "emoji": 0}
    pieces: list[str] = []
    start = 0
    for span in spans:
        chunk, control, dropped = _filter_chunk(text[start : span["match_start"]], pattern)
        pieces.append(chunk)
        counts["control"] += control
        counts["non_arabic"] += dropped
        if keep_emoji:
            pieces.append(span["emoji"])
        else:
            counts["emoji"] += 1
            pieces.append(" ")
        start = span["match_end"]
    chunk, control, dropped = _filter_chunk(text[start:], pattern)
    pieces.append(chunk)
    counts["control"] += control
    counts["non_arabic"] += dropped
    return "".join(pieces), counts


def unify_whitespace(text: str) -> str:
    """Turn every line break into a newline and every other white space character into a space.

    Args:
        text: Input text.

    Returns:
        Text whose only white space characters are spaces and newlines;
        runs of spaces are collapsed to one, newlines are left alone.
    """
    text = _unify_whitespace_chars(text)
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _unify_whitespace_chars(text: str) -> str:
    """Map CRLF and each line break to "\n", each other white space character to " ".

    Args:
        text: Input text.

    Returns:
        Text whose only white space characters are spaces and newlines.
    """
    for old, new in _WHITESPACE_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


def normalize_whitespace(text: str) -> str:
    """Collapse white space: runs with a line break become one newline, others one space.

    Args:
        text: Input text.

    Returns:
        Text whose lines are stripped and separated by exactly one newline.
    """
    return _collapse_plain_whitespace(_unify_whitespace_chars(text))


def clean_text(
    text: str,
    *,
    keep_latin: bool = True,
    keep_digits: bool = True,
    keep_punctuation: bool = True,
    keep_emoji: bool = False,
) -> CleanResult:
    """Clean raw web or wiki text into Arabic prose (see the module docstring for the steps).

    Arabic diacritics are never removed, and no letter normalisation is done
    (that is :func:`arabic_nlp.normalize.normalize_text`'s job).

    Args:
        text: Raw input text.
        keep_latin: Keep Latin letters (names, code, loanwords).
        keep_digits: Keep Western, Arabic-Indic and Persian digits.
        keep_punctuation: Keep punctuation (Arabic and other) and common symbols.
        keep_emoji: Keep emoji sequences.

    Returns:
        The cleaned text and per-category removal counts.
    """
    checks = _CHECKS.get((keep_latin, keep_digits, keep_punctuation))
    if checks is None:
        checks = _build_checks(keep_latin, keep_digits, keep_punctuation)
    # Fast path: clean text (no markup characters, every character plain) only needs its white space collapsed.
    # One encoding tells: every character is clean if the code restricted to them loses none (and no NUL).
    encoded = _charmap_encode(text, "ignore", checks.clean_encoding)[0]
    if len(encoded) == len(text) and b"\0" not in encoded:
        return _new_result((_collapse_plain_whitespace(text), _NO_REMOVALS.copy()))
    removed = _NO_REMOVALS.copy()
    # The markup characters in the text, as bytes (all are ASCII).
    present = text.encode("ascii", "ignore").translate(None, _NOT_MARKUP_BYTES)
    # Markup steps 1-3 only when a character they need is present.
    if present:
        if not _WIKITEXT_TRIGGERS.isdisjoint(present):
            text, removed["wikitext"] = _strip_wikitext(text)
        if not _HTML_TRIGGERS.isdisjoint(present):
            text, removed["html"] = _strip_html(text)
            if removed["html"]:
                present = _MARKUP_BYTES  # a decoded entity can be any character
        if _EMAIL_TRIGGER in present:
            text, removed["emails"] = _strip_emails(text)  # before URLs: a host rule could eat half
        if not _URL_TRIGGERS.isdisjoint(present):
            text, removed["urls"] = _strip_urls(text)
        changed = removed["wikitext"] or removed["html"] or removed["emails"] or removed["urls"]
        if not changed and len(text) - len(encoded) == len(present) and b"\0" not in encoded:
            # Unchanged, and the markup characters were all the clean encoding dropped ("w" in a
            # Latin word, "/" in a date): plain exactly when they are.
            plain = not present.translate(None, checks.plain_bytes)
        else:
            plain = _is_plain(text, checks)
    elif checks.not_clean_re.search(text):
        plain = False  # without markup characters, plain is clean
    else:  # clean characters outside the fast code
        return _new_result((_collapse_plain_whitespace(text), removed))
    if not plain:
        text, removed["presentation_forms"] = _map_presentation_forms(text)
        # Presentation forms are often all there was (ﻻ): then steps 5-6 have nothing to do.
        if not (removed["presentation_forms"] and _is_plain(text, checks)):
            # White space is unified first so NBSP & co. are not counted as non-Arabic.
            text, counts = _filter_characters(
                _unify_whitespace_chars(text),
                keep_latin=keep_latin,
                keep_digits=keep_digits,
                keep_punctuation=keep_punctuation,
                keep_emoji=keep_emoji,
            )
            removed.update(counts)
    # Only " " and "\n" are left as white space either way.
    return _new_result((_collapse_plain_whitespace(text), removed))
