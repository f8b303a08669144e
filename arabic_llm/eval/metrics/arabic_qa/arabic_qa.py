"""Exact match and F1 of generated Arabic answers, after Arabic answer normalisation.

The SQuAD v1.1 scoring that ARCD's evaluation uses (best score over the reference answers, token
F1 on white space, both in percent), with the normalisation made Arabic: diacritics and tatweel
removed, Alif forms (أ إ آ ٱ) to ا, Alif Maksura ى to ي, Arabic and Latin punctuation removed, the
article ال removed from the start of words (also after the conjunctions و ف and the prepositions
ب ل ك), Latin lower-cased, white space collapsed.
"""

import re
import string
import unicodedata
from collections import Counter

import datasets
import evaluate

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # marks + tatweel
_ALEF = re.compile("[\u0622\u0623\u0625\u0671]")
_PUNCT = set(string.punctuation) | set("،؛؟«»…“”‘’–—٪٫٬·")
# A clitic (و ف ب ك ل) may precede the article; words of three letters or fewer keep their ال.
_ARTICLE = re.compile(r"^([وفبكل]?)ال(?=\S{2,})")


def normalize_answer(text: str) -> str:
    """The normalised form two answers are compared in."""
    text = unicodedata.normalize("NFC", text)
    text = _DIACRITICS.sub("", text)
    text = _ALEF.sub("ا", text).replace("ى", "ي")
    text = "".join(" " if ch in _PUNCT or unicodedata.category(ch).startswith("P") else ch for ch in text)
    words = [_ARTICLE.sub(r"\1", w) for w in text.lower().split()]
    return " ".join(words)


def exact_match(prediction: str, reference: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(reference))


def f1(prediction: str, reference: str) -> float:
    pred, ref = normalize_answer(prediction).split(), normalize_answer(reference).split()
    if not pred or not ref:
        return float(pred == ref)  # both empty: 1; one empty: 0
    same = sum((Counter(pred) & Counter(ref)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred), same / len(ref)
    return 2 * precision * recall / (precision + recall)


class ArabicQA(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=__doc__,
            citation="Mozannar et al. 2019, Neural Arabic Question Answering (ARCD); Rajpurkar et al. 2016 (SQuAD)",
            inputs_description="predictions: list of answers; references: list of lists of gold answers",
            features=datasets.Features(
                {"predictions": datasets.Value("string"), "references": datasets.Sequence(datasets.Value("string"))}
            ),
        )

    def _compute(self, predictions, references):
        if not predictions:
            return {"exact_match": None, "f1": None, "n": 0}
        em = sum(max(exact_match(p, r) for r in refs) for p, refs in zip(predictions, references))
        f = sum(max(f1(p, r) for r in refs) for p, refs in zip(predictions, references))
        n = len(predictions)
        return {"exact_match": 100.0 * em / n, "f1": 100.0 * f / n, "n": n}
