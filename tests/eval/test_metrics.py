"""The project's `evaluate` metric modules, loaded by path, against hand-computed values."""

from __future__ import annotations

import math

import evaluate
import pytest
import sacrebleu
from sklearn.metrics import f1_score

from arabic_llm.eval.metrics import METRICS, METRICS_DIR, compute, load_metric


def test_every_metric_loads_by_path_as_an_evaluate_module():
    for name in METRICS:
        module = load_metric(name)
        assert isinstance(module, evaluate.EvaluationModule)
        assert (METRICS_DIR / name / f"{name}.py").is_file()
    with pytest.raises(KeyError, match="squad"):
        load_metric("squad")  # never a hub name


@pytest.mark.parametrize(
    ("prediction", "reference", "normalised_equal"),
    [
        ("الْقَاهِرَةُ", "القاهرة", True),  # diacritics
        ("أحمد", "احمد", True),  # Alif forms
        ("إلى مصر", "الى مصر", True),
        ("مستشفى", "مستشفي", True),  # Alif Maksura
        ("القاهرة.", "قاهرة", True),  # punctuation and the article
        ("والكتاب، ", "وكتاب", True),  # article after the conjunction wa
        ("  بغداد   القديمة ", "بغداد قديمة", True),  # white space
        ("ال", "ال", True),  # a bare ال is not stripped to nothing
        ("The Nile", "nile", False),  # Latin articles are not Arabic ones: only lower-casing
        ("بغداد", "دمشق", False),
    ],
)
def test_arabic_answer_normalisation(prediction, reference, normalised_equal):
    result = compute("arabic_qa", [prediction], [[reference]])
    assert (result["exact_match"] == 100.0) == normalised_equal


def test_qa_f1_and_em_by_hand():
    preds = ["في مدينة فاس", "الأنباط", "عام 2015 تقريبا"]
    refs = [["فاس", "مدينة فاس"], ["الأنباط"], ["2015"]]
    # 1: best ref "مدينة فاس": pred tokens [في, مدينه?] -> normalised [في, مدينة, فاس] vs [مدينة, فاس]:
    #    common 2, precision 2/3, recall 1 -> F1 0.8; EM 0.  2: EM 1, F1 1.
    # 3: [عام, 2015, تقريبا] vs [2015]: precision 1/3, recall 1 -> F1 0.5; EM 0.
    result = compute("arabic_qa", preds, refs)
    assert result["n"] == 3
    assert result["exact_match"] == pytest.approx(100 / 3)
    assert result["f1"] == pytest.approx(100 * (0.8 + 1 + 0.5) / 3)
    assert compute("arabic_qa", [""], [["فاس"]])["f1"] == 0.0


def test_classification_by_hand_and_against_scikit_learn():
    preds = ["pos", "pos", "neg", "neu", "pos", "neg"]
    refs = ["pos", "neg", "neg", "neg", "pos", "neu"]
    result = compute("classification", preds, refs)
    assert result["accuracy"] == pytest.approx(3 / 6)
    # per class F1: pos tp2 fp1 fn0 -> 4/5; neg tp1 fp1 fn2 -> 2/5; neu tp0 -> 0. Mean = 0.4.
    assert result["macro_f1"] == pytest.approx((0.8 + 0.4 + 0.0) / 3)
    assert result["macro_f1"] == pytest.approx(f1_score(refs, preds, average="macro", zero_division=0))


def test_translation_bleu_by_hand_and_against_sacrebleu():
    hyp, ref = "the cat sat on the mat", "the cat sat on a mat"
    # clipped n-gram precisions 5/6, 3/5, 2/4, 1/3; equal lengths -> no brevity penalty.
    by_hand = 100 * math.exp(sum(math.log(p) for p in (5 / 6, 3 / 5, 2 / 4, 1 / 3)) / 4)
    result = compute("translation", [hyp], [ref])
    assert result["bleu"] == pytest.approx(by_hand)
    assert result["chrf"] == pytest.approx(sacrebleu.corpus_chrf([hyp], [[ref]]).score)
    sentence = "ذهب الطالب إلى المكتبة صباحا"  # >= 4 words: BLEU needs a 4-gram
    same = compute("translation", [sentence], [sentence])
    assert same["bleu"] == pytest.approx(100.0) and same["chrf"] == pytest.approx(100.0)
