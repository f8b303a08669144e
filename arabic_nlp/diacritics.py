"""Arabic diacritic (tashkeel) classes, stripping and density.

Mark classes are data (:data:`MARK_CLASSES`), built from the sets in
:mod:`arabic_nlp.charsets` and validated on import.

Relation to camel-tools: ``camel_tools.utils.dediac.dediac_ar`` removes
U+064B-0652 and U+0670, which is exactly the union of the classes harakat,
tanween, shadda, sukun and dagger_alef. Our default additionally strips the
Quranic annotation marks (U+06D6-06ED minus the small letters and symbols in
that range), a deliberate difference: they are pause/recitation signs, not
part of the spelling. Hamza/madda marks (U+0653-0655) are never stripped,
because in decomposed text they are part of the letters أ إ آ ؤ ئ.

Speed: a text holds few distinct marks (most hold none), so stripping checks
each mark with ``mark in text`` and calls ``str.replace`` only for the marks
present; both run in C at GB/s, several times faster than a regex
substitution on a paragraph (a text under 120 characters, where the fixed
cost of some 30 tests dominates, gets the one regex substitution instead).
:func:`diacritic_ratio` returns 0.0 straight away for text without any mark
(``in`` tests again) and otherwise counts letters and marks with numpy table
lookups over the UTF-16 code units (all letters and marks are in the BMP;
surrogates count as neither).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from arabic_nlp.charsets import (
    ARABIC_LETTERS,
    DAGGER_ALEF,
    HARAKAT,
    QURANIC_MARKS,
    SHADDA,
    SUKUN,
    TANWEEN,
    char_class,
)

__all__ = ["DEFAULT_MARK_CLASSES", "MARK_CLASSES", "diacritic_ratio", "strip_diacritics"]


def _validate_mark_classes(classes: Mapping[str, frozenset[str]]) -> Mapping[str, frozenset[str]]:
    """Check that every class is a non-empty set of combining marks, disjoint from the others.

    Args:
        classes: Class name -> set of mark characters.

    Returns:
        A read-only view of ``classes``.

    Raises:
        ValueError: Naming the class and character that break a rule.
    """
    seen: dict[str, str] = {}
    for name, marks in classes.items():
        if not marks:
            raise ValueError(f"mark class {name!r} is empty")
        for mark in sorted(marks):
            if unicodedata.category(mark) != "Mn":
                raise ValueError(f"mark class {name!r}: U+{ord(mark):04X} is not a combining mark")
            if mark in seen:
                raise ValueError(f"mark class {name!r}: U+{ord(mark):04X} is already in class {seen[mark]!r}")
            seen[mark] = name
    return MappingProxyType(dict(classes))


MARK_CLASSES: Mapping[str, frozenset[str]] = _validate_mark_classes(
    {
        "harakat": HARAKAT,  # fatha, damma, kasra
        "tanween": TANWEEN,  # fathatan, dammatan, kasratan
        "shadda": frozenset(SHADDA),
        "sukun": frozenset(SUKUN),
        "dagger_alef": frozenset(DAGGER_ALEF),
        "quranic": QURANIC_MARKS,
    }
)
DEFAULT_MARK_CLASSES: tuple[str, ...] = ("harakat", "tanween", "shadda", "sukun", "dagger_alef", "quranic")

_ALL_MARKS: tuple[str, ...] = tuple(sorted(frozenset().union(*MARK_CLASSES.values())))
# UTF-16 code unit -> is an Arabic letter / is a diacritic of any class.
_IS_LETTER = np.zeros(0x10000, dtype=bool)
_IS_LETTER[[ord(c) for c in ARABIC_LETTERS]] = True
_IS_MARK = np.zeros(0x10000, dtype=bool)
_IS_MARK[[ord(c) for c in _ALL_MARKS]] = True
if max(map(ord, ARABIC_LETTERS | set(_ALL_MARKS))) >= 0xD800:  # pragma: no cover - a charsets change
    raise RuntimeError("diacritic_ratio counts UTF-16 units: letters and marks must be below U+D800")

# Below this length one regex substitution beats the per-mark ``in`` tests
# (their fixed cost, about 30 tests, dominates a short sentence).
_SHORT_TEXT = 120

_Marks = tuple[tuple[str, ...], re.Pattern[str]]


@lru_cache(maxsize=64)
def _marks(classes: frozenset[str]) -> _Marks:
    """The marks of ``classes`` and a regex matching them (cached per class combination).

    Args:
        classes: Validated class names.

    Returns:
        The marks sorted by code point, and a one-character-class regex.
    """
    marks = tuple(sorted(frozenset().union(*(MARK_CLASSES[name] for name in classes))))
    return marks, re.compile(f"[{char_class(marks)}]" if marks else "(?!)")


def _validated(mark_classes: Iterable[str] | str) -> frozenset[str]:
    """Check class names.

    Args:
        mark_classes: Class names, or one name.

    Returns:
        The names as a set.

    Raises:
        ValueError: If a class name is unknown (the message names it).
    """
    classes = frozenset((mark_classes,)) if isinstance(mark_classes, str) else frozenset(mark_classes)
    unknown = sorted(classes - MARK_CLASSES.keys())
    if unknown:
        raise ValueError(f"strip_diacritics: unknown mark class(es) {unknown}; known: {sorted(MARK_CLASSES)}")
    return classes


@lru_cache(maxsize=64)
def _marks_of_tuple(mark_classes: tuple[str, ...]) -> _Marks:
    """:func:`_marks` for a tuple of names, validated and cached by the tuple itself.

    Args:
        mark_classes: Class names.

    Returns:
        As :func:`_marks`.
    """
    return _marks(_validated(mark_classes))


_DEFAULT_MARKS = _marks_of_tuple(DEFAULT_MARK_CLASSES)


def strip_diacritics(text: str, mark_classes: Iterable[str] = DEFAULT_MARK_CLASSES) -> str:
    """Remove the diacritics of the given classes.

    Args:
        text: Input text.
        mark_classes: Names from :data:`MARK_CLASSES`; an empty iterable
            strips nothing.

    Returns:
        Text without those marks; all other characters untouched.

    Raises:
        ValueError: If a class name is unknown (the message names it).
    """
    if mark_classes is DEFAULT_MARK_CLASSES:
        marks, marks_re = _DEFAULT_MARKS
    elif isinstance(mark_classes, tuple):  # e.g. the pipeline's config: resolved once, cached
        marks, marks_re = _marks_of_tuple(mark_classes)
    else:
        marks, marks_re = _marks(_validated(mark_classes))
    if len(text) < _SHORT_TEXT:
        return marks_re.sub("", text)
    for mark in marks:
        if mark in text:
            text = text.replace(mark, "")
    return text


def diacritic_ratio(text: str) -> float:
    """Diacritic density: marks of all classes divided by Arabic letters.

    A fully vocalised text is around 0.8-1.0 (can exceed 1 where shadda and a
    haraka sit on one letter); ordinary text is near 0.

    Args:
        text: Input text.

    Returns:
        ``marks / letters``, or 0.0 when the text has no Arabic letters.
    """
    for mark in _ALL_MARKS:
        if mark in text:
            break
    else:
        return 0.0  # no mark, whether or not there are letters
    units = np.frombuffer(text.encode("utf-16-le"), dtype=np.uint16)
    letters = int(np.count_nonzero(_IS_LETTER.take(units)))
    marks = int(np.count_nonzero(_IS_MARK.take(units)))
    return marks / letters if letters else 0.0
