"""Rule-based Arabic sentence splitting.

Rules, in the order :func:`split_sentences` applies them:

1. A line break always ends a sentence, and so does an inline list bullet
   (• ● ▪ ◦ ‣ ⁃): the text is cut before the bullet.
2. End marks: ``. ! ? ؟ … ۔ ۝``. A run of them (``؟!``, ``...``, ``!!``) is
   one boundary; ``۝`` takes the verse number written after it (``۝١``).
3. Nothing inside a matched pair of « » “ ” ( ) [ ] ﴿ ﴾ or ASCII "…" is a
   boundary: quotations and brackets stay whole. A quotation that *ends*
   with an end mark (``قال: «سأعود غدا.» ثم خرج``) ends the sentence after
   its closing quote, unless ، ؛ , ; : or another end mark follows, or the
   quotation sits inside brackets; in real text (SIB-200/FLORES) a closing
   quote after an end mark ends the sentence ten times as often as not.
   Brackets never end a sentence on their own (``(انظر الفصل ٣.) ثم`` is one).
   Unmatched brackets and quotes are ignored, so one stray "(" cannot
   swallow a line.
4. A single period is *not* a boundary when it
   - sits between digits (3.14, ٣.١٤, 1.5);
   - is glued to a following digit or Latin letter (URLs, file names);
   - ends an abbreviation from ``data/abbreviations.txt`` (د. أ.د. ق.م. ...);
   - ends a single letter (initials: ``ع. محمود``, ``J. Smith``);
   - ends a list number: a one- or two-digit number that opens its line or
     sentence (``1. البند``) or follows a colon (``الخطوات: 1. افتح``), or
     that follows the previous list number of the line (``1. افتح 2. أدخل``).
     Any other number ends the sentence (``حصل على المركز 3. ثم``,
     ``عام 2020. ثم``).
   A period glued to a following Arabic letter (``ذهبت.ثم``, common in
   informal text) is a boundary unless the word before it is one letter or
   an abbreviation (``أ.د`` ``ص.ب``).
   An ellipsis (``...``/``…``) glued to the next word is not a boundary.
5. The Arabic semicolon ``؛`` (like ``;`` and ``،``) is *not* an end mark: in
   Arabic it joins a clause to its cause or consequence inside one sentence
   (in SIB-200, 127 of 134 semicolons sit inside a sentence).

Sentences are returned stripped, empty ones dropped; each is a contiguous
slice of the input. ``benchmarks/bench_segment.py`` scores the rules against
gold-segmented text and other segmenters.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from arabic_nlp._data import DATA_DIR
from arabic_nlp.charsets import ARABIC_LETTERS, DIGITS, END_OF_AYAH, LATIN, char_class
from arabic_nlp.normalize import normalize_alef, remove_tatweel

__all__ = ["ABBREVIATIONS", "load_abbreviations", "split_sentences"]

_PAIRS = {"«": "»", "“": "”", "(": ")", "[": "]", "\uFD3F": "\uFD3E"}  # ﴿ opens, ﴾ closes (Arabic order)
_OPENERS = "".join(_PAIRS) + '"'
_CLOSERS = "".join(_PAIRS.values()) + '"'
_BULLETS = "•●▪◦‣⁃"
_END_MARKS = ".!?؟…۔" + END_OF_AYAH

_QUOTE_CLOSERS = "»”\""
# After a quotation that ends with an end mark, these keep the sentence going.
_CONTINUATIONS = "،,؛;:" + _END_MARKS

_BRACKET_RE = re.compile(f"[{re.escape(_OPENERS + _CLOSERS)}]")
_QUOTE_CLOSE_RUN_RE = re.compile(f"[{re.escape(_QUOTE_CLOSERS)}]*")
_END_RUN_RE = re.compile(f"[{re.escape(_END_MARKS)}]+")
_VERSE_NUMBER_RE = re.compile(f"[{char_class(DIGITS)}]*")
_BULLET_RE = re.compile(f"(?<=\\s)(?=[{_BULLETS}])")
_LETTERS = ARABIC_LETTERS | {c for c in LATIN if c.isalpha()}
_ENTRY_RE = re.compile(r"^[^\s.]+(?:\.[^\s.]+)*\.$")


def _fold_abbreviation(token: str) -> str:
    """Canonical form for abbreviation lookup (alef variants and tatweel folded).

    Args:
        token: A token ending in a period.

    Returns:
        The folded token.
    """
    return normalize_alef(remove_tatweel(token))


def load_abbreviations(lines: Iterable[str], source: str = "<abbreviations>") -> frozenset[str]:
    """Parse and validate an abbreviation list (one entry per line, ``#`` comments).

    Args:
        lines: Lines of the list.
        source: File name used in error messages.

    Returns:
        The folded entries.

    Raises:
        ValueError: Naming ``source`` and the line number of an entry that is
            not letters separated/terminated by periods, has no letter, or
            repeats an earlier entry.
    """
    entries: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        folded = _fold_abbreviation(entry)
        if not _ENTRY_RE.match(folded) or not any(c in _LETTERS for c in folded):
            raise ValueError(f"{source}:{number}: bad abbreviation {entry!r} (letters, ending with '.')")
        if folded in entries:
            raise ValueError(f"{source}:{number}: duplicate abbreviation {entry!r} (first on line {entries[folded]})")
        entries[folded] = number
    return frozenset(entries)


def _load_default_abbreviations() -> frozenset[str]:
    """Load ``arabic_nlp/data/abbreviations.txt``.

    Returns:
        The folded entries.
    """
    path = DATA_DIR / "abbreviations.txt"
    return load_abbreviations(path.read_text(encoding="utf-8").splitlines(), source=str(path))


ABBREVIATIONS: frozenset[str] = _load_default_abbreviations()


def _protected_spans(line: str) -> list[tuple[int, int]]:
    """Find the interiors of matched bracket/quote pairs.

    Args:
        line: One line of text.

    Returns:
        Sorted, merged ``(start, end)`` index ranges (opener excluded, closer
        included) in which no boundary may fall.
    """
    stacks: dict[str, list[int]] = {opener: [] for opener in _PAIRS}
    closer_to_opener = {closer: opener for opener, closer in _PAIRS.items()}
    open_quote: int | None = None
    spans: list[tuple[int, int]] = []
    for match in _BRACKET_RE.finditer(line):
        char, pos = match.group(), match.start()
        if char == '"':  # ASCII quotes pair up in order of appearance
            if open_quote is None:
                open_quote = pos
            else:
                spans.append((open_quote + 1, pos + 1))
                open_quote = None
        elif char in stacks:
            stacks[char].append(pos)
        elif stacks[closer_to_opener[char]]:
            spans.append((stacks[closer_to_opener[char]].pop() + 1, pos + 1))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], starts: list[int], pos: int) -> bool:
    """Tell whether ``pos`` lies in one of the merged ``spans``.

    Args:
        spans: From :func:`_protected_spans`.
        starts: ``[start for start, _ in spans]`` (for bisection).
        pos: Character index.

    Returns:
        True if a boundary at ``pos`` is forbidden.
    """
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos < spans[i][1]


def _period_ends_sentence(line: str, pos: int, sentence_start: int, list_numbers: set[int]) -> bool:
    """Apply the single-period rules (module docstring, rule 4).

    Args:
        line: The line.
        pos: Index of a lone ``.``.
        sentence_start: Index where the current sentence starts.
        list_numbers: List numbers seen so far in the line; updated when the
            period ends another one.

    Returns:
        True if the period is a sentence boundary.
    """
    prev = line[pos - 1] if pos else ""
    nxt = line[pos + 1] if pos + 1 < len(line) else ""
    start = pos
    while start and not line[start - 1].isspace():  # walk back to the token start (O(token), not O(line))
        start -= 1
    token = line[start : pos + 1].lstrip(_OPENERS)
    word = token[:-1].rsplit(".", 1)[-1]  # the part after any inner period: "أ.د." -> "د"
    if _fold_abbreviation(token) in ABBREVIATIONS or (len(word) == 1 and word in _LETTERS):
        return False
    if nxt and not nxt.isspace() and nxt not in _CLOSERS:
        # Glued to what follows: only a word followed by an Arabic letter ends here.
        return nxt in ARABIC_LETTERS and prev in _LETTERS
    if word.isdecimal() and len(word) <= 2 and len(token) == len(word) + 1:
        number = int(word)
        before = line[sentence_start:start].rstrip()
        if not before.strip(_BULLETS + " -–—") or before.endswith(":") or number - 1 in list_numbers:
            list_numbers.add(number)
            return False  # list numbering "1. ..."
    return True


def _boundaries(line: str) -> list[int]:
    """Compute the indices at which ``line`` is cut.

    Args:
        line: One line of text.

    Returns:
        Sorted cut positions (exclusive ends of sentences).
    """
    spans = _protected_spans(line)
    starts = [start for start, _ in spans]
    bullet_cuts = [m.start() for m in _BULLET_RE.finditer(line)]
    cuts = list(bullet_cuts)
    last_cut = 0
    list_numbers: set[int] = set()
    for match in _END_RUN_RE.finditer(line):
        start, end = match.span()
        quote_end = None
        if _inside(spans, starts, start):
            # Only a quotation that ends with this run (and is not inside brackets) can end here.
            closing = _QUOTE_CLOSE_RUN_RE.match(line, end).end()
            if closing == end or _inside(spans, starts, closing):
                continue
            following = line[closing:].lstrip()
            if following and following[0] in _CONTINUATIONS:
                continue
            quote_end = closing
        run = match.group()
        nxt = line[end] if end < len(line) else ""
        glued = bool(nxt) and not nxt.isspace() and nxt not in _CLOSERS
        if run == ".":
            bullet = bisect.bisect_right(bullet_cuts, start)
            sentence_start = max(last_cut, bullet_cuts[bullet - 1] if bullet else 0)
            if not _period_ends_sentence(line, start, sentence_start, list_numbers):
                continue
        elif set(run) <= {".", "…"} and glued:
            continue  # "كنت هناك...ثم": a pause, not an end
        if quote_end is not None:
            end = quote_end
        elif run.endswith(END_OF_AYAH):
            end = _VERSE_NUMBER_RE.match(line, end).end()
        # Closing quotes/brackets right after the end mark belong to this sentence.
        while end < len(line) and line[end] in _CLOSERS and not _inside(spans, starts, end):
            end += 1
        cuts.append(end)
        last_cut = end
    return sorted(set(cuts))


def split_sentences(text: str) -> list[str]:
    """Split Arabic text into sentences with the rules in the module docstring.

    Args:
        text: Input text (any number of lines).

    Returns:
        Stripped, non-empty sentences in input order.
    """
    sentences: list[str] = []
    for line in text.splitlines():
        start = 0
        for cut in _boundaries(line) + [len(line)]:
            piece = line[start:cut].strip()
            if piece:
                sentences.append(piece)
            start = cut
    return sentences
