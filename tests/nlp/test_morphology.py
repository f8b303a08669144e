from collections import Counter

import pytest

from arabic_nlp.morphology import CliticSegmenter, word_counts

LEXICON = Counter({"كتاب": 50, "بيت": 40, "قلب": 30, "مدرسة": 20, "ناس": 25, "يحب": 10, "كتب": 5, "الله": 100,
                   "اللي": 80, "حياة": 15, "عرف": 9})


@pytest.mark.parametrize("word,segments", [
    ("والكتاب", ["و", "ال", "كتاب"]),
    ("بيتك", ["بيت", "ك"]),
    ("قلبها", ["قلب", "ها"]),
    ("للناس", ["ل", "ل", "ناس"]),  # ل + ال is written لل
    ("وبيتهم", ["و", "بيت", "هم"]),
    ("بالمدرسة", ["ب", "ال", "مدرسة"]),
    ("حياتي", ["حيات", "ي"]),  # حياة's evidence through the ة/ت alternation
    ("ماعرفش", ["ما", "عرف", "ش"]),  # the negation circumfix
    ("كتاب", ["كتاب"]),
    ("الله", ["الله"]),  # closed-class word, never ال + له
    ("اللي", ["اللي"]),
    ("زقزق", ["زقزق"]),  # unattested stem: never split
])
def test_segments_at_clitic_boundaries(word, segments):
    segmenter = CliticSegmenter(LEXICON, min_count=1)
    assert segmenter.segment(word) == segments
    assert "".join(segments) == word


def test_diacritics_ignored_and_boundaries_are_offsets():
    segmenter = CliticSegmenter(LEXICON, min_count=1)
    assert segmenter.segment("وَالْكِتَابُ") == ["و", "ال", "كتاب"]
    assert segmenter.boundaries("والكتاب") == {1, 3}


def test_negation_prefix_needs_its_suffix():
    segmenter = CliticSegmenter(LEXICON, min_count=1)
    assert segmenter.segment("مكتاب") == ["مكتاب"]  # م alone is no clitic


def test_word_counts_from_text():
    counts = word_counts(["الكِتابُ هنا، and English", "الكتاب"])
    assert counts == Counter({"الكتاب": 2, "هنا": 1})
    assert CliticSegmenter.from_lines(["قلب قلب قلبها"]).segment("قلبها") == ["قلب", "ها"]
