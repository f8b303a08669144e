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
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True)
class CleanResult:
    """Output of :func:`clean_text`.

    Attributes:
        text: The cleaned text.
        removed: Category -> count, for every name in ``REMOVED_CATEGORIES``.
    """

    text: str
    removed: dict[str, int]


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
# Line/paragraph separators and vertical tab/form feed/NEL become "\n" before
# control characters are dropped (several of them are C0/C1 controls).
_LINE_BREAK_RE = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_SPACES_RE = re.compile(r"[^\S\n]+")  # any white space except "\n"
_NEWLINE_RUN_RE = re.compile(r" ?\n[\n ]*")
# Cheap pre-check: text without any of these cannot hold an emoji, so the
# (slow, per-character) emoji scanner is skipped for most Arabic prose.
_MAYBE_EMOJI_RE = re.compile("[\u00a9\u00ae\u203c-\u3299\U0001F000-\U0001FAFF\U000E0020-\U000E007F]")


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


# (pattern, replacement, nested) in application order; nested patterns are
# re-applied until nothing matches ({{a|{{b}}}}, links inside file captions).
_WIKITEXT_STEPS: tuple[tuple[re.Pattern[str], _Replacement, bool], ...] = (
    (_REF_RE, "", False),
    (_TEMPLATE_RE, "", True),
    (_TABLE_RE, "", False),
    (_WIKILINK_RE, _wikilink_label, True),
    (_EXTLINK_RE, lambda m: m.group(1) or "", False),
    (_HEADING_RE, r"\2", False),
    (_BOLD_ITALIC_RE, "", False),
    (_MAGIC_WORD_RE, "", False),
)


def _strip_wikitext(text: str) -> tuple[str, int]:
    """Remove MediaWiki markup, counting constructs (see :func:`strip_wikitext`).

    Args:
        text: Input text.

    Returns:
        The text and the number of constructs removed or unwrapped.
    """
    total = 0
    for pattern, repl, nested in _WIKITEXT_STEPS:
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
    text, comments = _counted(_HTML_COMMENT_RE, "", text)
    text, blocks = _counted(_SCRIPT_STYLE_RE, " ", text)
    text, tags = _counted(_TAG_RE, _tag_replacement, text)
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
    return _EMAIL_RE.sub(" ", text)


def strip_urls(text: str) -> str:
    """Replace URLs (scheme, ``www.`` or ``host.tld/path``) with a space.

    Args:
        text: Input text (run :func:`strip_emails` first).

    Returns:
        Text without URLs; punctuation right after a URL is kept.
    """
    return _URL_RE.sub(" ", text)


def _presentation_replacement(match: re.Match[str]) -> str:
    """Map one presentation-form character to its base letters.

    Args:
        match: A single-character :data:`_PRESENTATION_RE` match.

    Returns:
        The fixed or NFKC form; isolated diacritic forms (U+FE70..) decompose
        to "space + mark", and the space is dropped so the mark stays a mark.
    """
    char = match.group(0)
    if char in PRESENTATION_FORM_FIXES:
        return PRESENTATION_FORM_FIXES[char]
    return unicodedata.normalize("NFKC", char).lstrip(" ")


def _map_presentation_forms(text: str) -> tuple[str, int]:
    """Map presentation forms, counting characters that changed.

    Args:
        text: Input text.

    Returns:
        The text and the number of characters replaced (﴾ ﴿ and the BOM have
        no mapping and are not counted).
    """
    changed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal changed
        new = _presentation_replacement(match)
        changed += new != match.group(0)
        return new

    return _PRESENTATION_RE.sub(replace, text), changed


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
    keep = set(ARABIC_WORD_CHARS) | {" ", "\n"}
    if keep_latin:
        keep |= LATIN
    if keep_digits:
        keep |= DIGITS
    if keep_punctuation:
        keep |= PUNCTUATION
    return re.compile(f"[^{char_class(keep)}]+")


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
    dropped = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal dropped
        dropped += len(match.group(0))
        return " "

    return pattern.sub(replace, text), control, dropped


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
    spans = emoji.emoji_list(text) if _MAYBE_EMOJI_RE.search(text) else []
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
        Text whose only white space characters are spaces and newlines
        (runs are not collapsed).
    """
    return _SPACES_RE.sub(" ", _LINE_BREAK_RE.sub("\n", text))


def normalize_whitespace(text: str) -> str:
    """Collapse white space: runs with a line break become one newline, others one space.

    Args:
        text: Input text.

    Returns:
        Text whose lines are stripped and separated by exactly one newline.
    """
    text = _NEWLINE_RUN_RE.sub("\n", unify_whitespace(text))
    return text.strip(" \n")


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
    removed = dict.fromkeys(REMOVED_CATEGORIES, 0)
    text, removed["wikitext"] = _strip_wikitext(text)
    text, removed["html"] = _strip_html(text)
    text, removed["emails"] = _counted(_EMAIL_RE, " ", text)  # before URLs: a host rule could eat half
    text, removed["urls"] = _counted(_URL_RE, " ", text)
    text, removed["presentation_forms"] = _map_presentation_forms(text)
    # White space is unified first so NBSP & co. are not counted as non-Arabic.
    text, counts = _filter_characters(
        unify_whitespace(text),
        keep_latin=keep_latin,
        keep_digits=keep_digits,
        keep_punctuation=keep_punctuation,
        keep_emoji=keep_emoji,
    )
    removed.update(counts)
    return CleanResult(text=normalize_whitespace(text), removed=removed)
