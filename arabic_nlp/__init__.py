"""Arabic text utilities: cleaning, normalisation, diacritics, sentence splitting, dialect tagging.

Plain Python (plus camel-tools utils, emoji and numpy); no framework imports, so the library can be
used outside the pipeline. The names below load their module on first use, so that importing one
module (``arabic_nlp.normalize``) never runs the others.
"""

import importlib

_EXPORTS = {
    "CleanResult": "clean", "clean_text": "clean",
    "DIALECTS": "dialect", "DialectPrediction": "dialect", "DialectTagger": "dialect",
    "DEFAULT_MARK_CLASSES": "diacritics", "MARK_CLASSES": "diacritics", "diacritic_ratio": "diacritics",
    "strip_diacritics": "diacritics",
    "normalize_alef": "normalize", "normalize_alef_maksura": "normalize", "normalize_digits": "normalize",
    "normalize_persian_letters": "normalize", "normalize_teh_marbuta": "normalize", "normalize_text": "normalize",
    "normalize_unicode": "normalize", "remove_tatweel": "normalize",
    "split_sentences": "segment",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'arabic_nlp' has no attribute {name!r}")
    return getattr(importlib.import_module(f"arabic_nlp.{module}"), name)


def __dir__() -> list[str]:
    return __all__
