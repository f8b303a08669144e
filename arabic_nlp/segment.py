"""Rule-based Arabic sentence splitting.

Rules, in the order :func:`split_sentences` applies them:

1. A line break always ends a sentence, and so does an inline list bullet
   (• ● ▪ ◦ ‣ ⁃): the text is cut before the bullet.
2. End marks: ``. ! ? ؟ … ۔ ۝``. A run of them (``؟!``, ``...``, ``!!``) is
   one boundary; ``۝`` takes the verse number written after it (``۝١``).
3. Nothing inside a matched pair of « » “ ” ( ) [ ] ﴿ ﴾ or ASCII "…" is a
   boundary, and a quote that ends with an end mark does not end the
   sentence that contains it (``قال «نعم.» ثم خرج.`` is one sentence).
   Unmatched brackets are ignored, so one stray "(" cannot swallow a line.
4. A single period is *not* a boundary when it
   - sits between digits (3.14, ٣.١٤, 1.5);
   - is glued to a following digit or Latin letter (URLs, file names);
   - ends an abbreviation from ``data/abbreviations.txt`` (د. أ.د. ق.م. ...);
   - ends a single letter (initials: ``ع. محمود``, ``J. Smith``);
   - ends a one- or two-digit number (list numbering such as ``1. البند``;
     years and larger numbers do end sentences: ``عام 2020. ثم``).
   A period glued to a following Arabic letter (``ذهبت.ثم``, common in
   informal text) is a boundary unless the word before it is one letter or
   an abbreviation (``أ.د`` ``ص.ب``).
   An ellipsis (``...``/``…``) glued to the next word is not a boundary.
5. The Arabic semicolon ``؛`` (like ``;`` and ``،``) is *not* an end mark: in
   Arabic it joins a clause to its cause or consequence inside one sentence.

Sentences are returned stripped, empty ones dropped; each is a contiguous
slice of the input.
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

_BRACKET_RE = re.compile(f"[{re.escape(_OPENERS + _CLOSERS)}]")
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


def _period_ends_sentence(line: str, pos: int) -> bool:
    """Apply the single-period rules (module docstring, rule 4).

    Args:
        line: The line.
        pos: Index of a lone ``.``.

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
    if word.isdigit() and len(word) <= 2 and len(token) == len(word) + 1:
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
    cuts = [m.start() for m in _BULLET_RE.finditer(line)]
    for match in _END_RUN_RE.finditer(line):
        start, end = match.span()
        if _inside(spans, starts, start):
            continue
        run = match.group()
        nxt = line[end] if end < len(line) else ""
        glued = bool(nxt) and not nxt.isspace() and nxt not in _CLOSERS
        if run == ".":
            if not _period_ends_sentence(line, start):
                continue
        elif set(run) <= {".", "…"} and glued:
            continue  # "كنت هناك...ثم": a pause, not an end
        if run.endswith(END_OF_AYAH):
            end = _VERSE_NUMBER_RE.match(line, end).end()
        # A stray (unmatched) closer right after the end mark belongs to this sentence.
        while end < len(line) and line[end] in _CLOSERS and not _inside(spans, starts, end):
            end += 1
        cuts.append(end)
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
