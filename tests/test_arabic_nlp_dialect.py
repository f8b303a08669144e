"""Tests for arabic_nlp.dialect (cue lexicon, tagger, Naive Bayes training)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from arabic_nlp._data import DATA_DIR
from arabic_nlp.dialect import DIALECTS, CueLexicon, DialectPrediction, DialectTagger, fold_text, tokenize

CLEAR_EXAMPLES = {
    "MSA": [
        "ذهب الرئيس إلى المؤتمر الذي عقد في العاصمة لمناقشة القضايا الاقتصادية.",
        "لقد أعلنت الوزارة أنها سوف تبدأ المشروع الذي تأخر منذ سنوات.",
    ],
    "EGY": [
        "انا عايز اروح البيت دلوقتي عشان تعبان اوي",
        "ازاي تعمل كده؟ ده مش كويس خالص",
    ],
    "GLF": [
        "شلونك يا خوي؟ وايد مشتاق لك والله، ابي اشوفك الحين",
        "وش تسوي الحين؟ ابغى اروح السوق",
    ],
    "LEV": [
        "شو بدك تعمل هلق؟ كتير منيح هيك",
        "هاد الشي مش منيح، ليش عم تحكي هيك؟",
    ],
    "MGR": [
        "واش نتا مزيان؟ بغيت نمشي دابا للدار",
        "كيفاش داير؟ بزاف ديال الخدمة اليوم",
    ],
}


@pytest.fixture(scope="module")
def tagger() -> DialectTagger:
    return DialectTagger.default()


@pytest.mark.parametrize("label,text", [(label, text) for label, texts in CLEAR_EXAMPLES.items() for text in texts])
def test_clear_examples(tagger, label, text):
    assert tagger.predict(text).label == label


def test_prediction_shape(tagger):
    prediction = tagger.predict("شو بدك؟")
    assert isinstance(prediction, DialectPrediction)
    assert tuple(prediction.scores) == DIALECTS
    assert math.isclose(sum(prediction.scores.values()), 1.0, abs_tol=1e-9)
    assert all(0.0 <= p <= 1.0 for p in prediction.scores.values())
    assert prediction.scores[prediction.label] == max(prediction.scores.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        prediction.label = "EGY"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "hello world 123", "كتاب على الطاولة"])
def test_no_evidence_is_msa(tagger, text):
    assert tagger.predict(text).label == "MSA"


def test_ties_broken_by_dialect_order():
    lexicon = CueLexicon.from_lines(["dialect\tcue\tweight", "LEV\tفلان\t2", "GLF\tفلان\t2"])
    tagger = DialectTagger(lexicon, msa_prior=0.0)
    prediction = tagger.predict("فلان")
    assert prediction.scores["GLF"] == prediction.scores["LEV"]
    assert prediction.label == "GLF"  # GLF precedes LEV in DIALECTS


def test_deterministic_and_batch_matches_single(tagger):
    texts = [t for texts in CLEAR_EXAMPLES.values() for t in texts]
    first = tagger.predict_batch(texts)
    assert first == tagger.predict_batch(texts)
    assert first == [tagger.predict(t) for t in texts]


def test_folding_and_tokens():
    assert fold_text("عايزةةة") == "عايزه"
    assert tokenize("كتيييير أوووي! #ده_مش_كده") == ["كتير", "اوي", "ده", "مش", "كده"]
    assert tokenize("ﻋﺎﻭﺯ") == ["عاوز"]  # presentation forms


def test_conjunction_and_affix_cues(tagger):
    assert tagger.predict("ومش فاهم حاجة").label == "EGY"  # و + مش
    assert tagger.predict("ماعرفتش ماكانش").label == "EGY"  # ما...ش circumfix
    assert tagger.predict("چان ايام").label == "GLF"  # چ letter cue


def test_elongation_does_not_hide_cues(tagger):
    assert tagger.predict("حلو اوووووي").label == "EGY"


def test_shipped_lexicon_is_valid_and_covers_all_dialects():
    lexicon = CueLexicon.from_path(DATA_DIR / "dialect_cues.tsv")
    dialects = {d for entry in lexicon.words.values() for d in entry} | {c.dialect for c in lexicon.affixes}
    assert dialects == set(DIALECTS)


@pytest.mark.parametrize(
    "lines,message",
    [
        (["dialect\tcue"], r"cues.tsv:1: expected header"),
        (["dialect\tcue\tweight", "EGY\tده"], r"cues.tsv:2: expected 3 tab-separated columns"),
        (["dialect\tcue\tweight", "# c", "IRQ\tاكو\t1"], r"cues.tsv:3: unknown dialect 'IRQ'"),
        (["dialect\tcue\tweight", "EGY\tده\tmuch"], r"cues.tsv:2: weight 'much' is not a number"),
        (["dialect\tcue\tweight", "EGY\tده\t-1"], r"cues.tsv:2: weight '-1' must be a positive"),
        (["dialect\tcue\tweight", "EGY\tde\t1"], r"cues.tsv:2: cue 'de' may only contain Arabic letters"),
        (["dialect\tcue\tweight", "EGY\t**\t1"], r"cues.tsv:2: cue '\*\*'"),
        (
            ["dialect\tcue\tweight", "EGY\tده\t1", "EGY\tدهـ\t2"],  # same cue once folded
            r"cues.tsv:3: duplicate cue 'دهـ' for EGY \(first on line 2\)",
        ),
        ([], r"cues.tsv: no header"),
    ],
)
def test_lexicon_validation_names_file_and_line(lines, message):
    with pytest.raises(ValueError, match=message):
        CueLexicon.from_lines(lines, source="cues.tsv")


def test_affix_cue_needs_a_real_stem():
    lexicon = CueLexicon.from_lines(["dialect\tcue\tweight", "EGY\tبي*\t1", "MGR\t*ش\t1", "LEV\tما*ش\t1"])
    assert lexicon.evidence(["بيت"]).sum() == 0  # stem "ت" is too short
    assert lexicon.evidence(["بيقول"])[DIALECTS.index("EGY")] == 1
    assert lexicon.evidence(["ماكانش"])[DIALECTS.index("LEV")] == 1
    assert lexicon.evidence(["ماكانش"])[DIALECTS.index("MGR")] == 1


def test_train_naive_bayes_on_toy_data():
    texts = [t for texts in CLEAR_EXAMPLES.values() for t in texts]
    labels = [label for label, texts in CLEAR_EXAMPLES.items() for _ in texts]
    trained = DialectTagger.train(texts, labels)
    assert trained.model is not None
    assert [p.label for p in trained.predict_batch(texts)] == labels
    again = DialectTagger.train(texts, labels)
    assert trained.predict(texts[3]).scores == again.predict(texts[3]).scores  # deterministic


def test_train_rejects_bad_input():
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        DialectTagger.train(["a", "b"], ["MSA"])
    with pytest.raises(ValueError, match="unknown labels"):
        DialectTagger.train(["a"], ["egypt"])
    with pytest.raises(ValueError, match="no examples for"):
        DialectTagger.train(["a", "b"], ["MSA", "EGY"])
