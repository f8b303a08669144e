"""Arabic text utilities: cleaning, normalisation, diacritics, sentence splitting, dialect tagging.

Plain Python (plus camel-tools utils, emoji and numpy); no framework imports,
so the library can be used outside the pipeline.
"""

from arabic_nlp.clean import CleanResult, clean_text
from arabic_nlp.dialect import DIALECTS, DialectPrediction, DialectTagger
from arabic_nlp.diacritics import DEFAULT_MARK_CLASSES, MARK_CLASSES, diacritic_ratio, strip_diacritics
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
from arabic_nlp.segment import split_sentences

__all__ = [
    "DEFAULT_MARK_CLASSES",
    "DIALECTS",
    "MARK_CLASSES",
    "CleanResult",
    "DialectPrediction",
    "DialectTagger",
    "clean_text",
    "diacritic_ratio",
    "normalize_alef",
    "normalize_alef_maksura",
    "normalize_digits",
    "normalize_persian_letters",
    "normalize_teh_marbuta",
    "normalize_text",
    "normalize_unicode",
    "remove_tatweel",
    "split_sentences",
    "strip_diacritics",
]
