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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType

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

_ALL_MARKS_RE = re.compile(f"[{char_class(frozenset().union(*MARK_CLASSES.values()))}]")
_LETTER_RE = re.compile(f"[{char_class(ARABIC_LETTERS)}]")


@lru_cache(maxsize=64)
def _marks_re(classes: frozenset[str]) -> re.Pattern[str]:
    """Compile (once per class combination) a regex matching the marks of ``classes``.

    Args:
        classes: Validated class names.

    Returns:
        A compiled character-class regex.
    """
    marks = frozenset().union(*(MARK_CLASSES[name] for name in classes))
    return re.compile(f"[{char_class(marks)}]")


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
    classes = frozenset(mark_classes) if not isinstance(mark_classes, str) else frozenset((mark_classes,))
    unknown = sorted(classes - MARK_CLASSES.keys())
    if unknown:
        raise ValueError(f"strip_diacritics: unknown mark class(es) {unknown}; known: {sorted(MARK_CLASSES)}")
    if not classes:
        return text
    return _marks_re(classes).sub("", text)


def diacritic_ratio(text: str) -> float:
    """Diacritic density: marks of all classes divided by Arabic letters.

    A fully vocalised text is around 0.8-1.0 (can exceed 1 where shadda and a
    haraka sit on one letter); ordinary text is near 0.

    Args:
        text: Input text.

    Returns:
        ``marks / letters``, or 0.0 when the text has no Arabic letters.
    """
    letters = len(_LETTER_RE.findall(text))
    if not letters:
        return 0.0
    return len(_ALL_MARKS_RE.findall(text)) / letters
