"""Tests for arabic_nlp.segment.split_sentences (and a comparison with pysbd)."""

from __future__ import annotations

import pysbd
import pytest

from arabic_nlp.segment import ABBREVIATIONS, load_abbreviations, split_sentences

CASES = {
    "basic": ("ذهب الولد إلى المدرسة. ثم عاد إلى البيت.", ["ذهب الولد إلى المدرسة.", "ثم عاد إلى البيت."]),
    "question_exclamation_ellipsis": (
        "هل أنت بخير؟ نعم! شكرا… إلى اللقاء.",
        ["هل أنت بخير؟", "نعم!", "شكرا…", "إلى اللقاء."],
    ),
    "runs_of_end_marks": ("يا سلام؟! معقول!!! طيب...", ["يا سلام؟!", "معقول!!!", "طيب..."]),
    "urdu_full_stop": ("جملة أولى۔ جملة ثانية", ["جملة أولى۔", "جملة ثانية"]),
    "end_of_ayah_with_number": (
        "بسم الله الرحمن الرحيم ۝١ الحمد لله رب العالمين ۝٢",
        ["بسم الله الرحمن الرحيم ۝١", "الحمد لله رب العالمين ۝٢"],
    ),
    "doctor": ("قال د. أحمد إن الوضع مستقر. ثم غادر.", ["قال د. أحمد إن الوضع مستقر.", "ثم غادر."]),
    "professor_doctor": (
        "حاضر أ.د. محمد في الجامعة. وكان الحضور كبيرا.",
        ["حاضر أ.د. محمد في الجامعة.", "وكان الحضور كبيرا."],
    ),
    "bc_era": ("ولد عام ٥٠٠ ق.م. في أثينا.", ["ولد عام ٥٠٠ ق.م. في أثينا."]),
    "hijri_and_engineer": ("توفي سنة ٦٥٦ هـ. في بغداد وحضر م. خالد.", ["توفي سنة ٦٥٦ هـ. في بغداد وحضر م. خالد."]),
    "page_and_part": ("انظر ج. ٢ ص. ٤٥ من الكتاب. انتهى.", ["انظر ج. ٢ ص. ٤٥ من الكتاب.", "انتهى."]),
    "po_box": ("أرسل إلى ص.ب. ١٢٣ القاهرة. شكرا.", ["أرسل إلى ص.ب. ١٢٣ القاهرة.", "شكرا."]),
    "initial": ("كتبه ع. محمود في القاهرة.", ["كتبه ع. محمود في القاهرة."]),
    "decimals": (
        "قيمة π هي ٣٫١٤ أو 3.14 تقريبا. والنسبة 1.5 بالمئة و٢.٥ أيضا.",
        ["قيمة π هي ٣٫١٤ أو 3.14 تقريبا.", "والنسبة 1.5 بالمئة و٢.٥ أيضا."],
    ),
    "dates": ("ولد في ١٢/٥/٢٠٢٤ في القاهرة. ثم انتقل.", ["ولد في ١٢/٥/٢٠٢٤ في القاهرة.", "ثم انتقل."]),
    "year_ends_sentence": ("حدث ذلك في عام 2020. ثم تغير كل شيء.", ["حدث ذلك في عام 2020.", "ثم تغير كل شيء."]),
    "small_number_ends_sentence": (
        "حصل الفريق على المركز 3. وكان ذلك إنجازا.",
        ["حصل الفريق على المركز 3.", "وكان ذلك إنجازا."],
    ),
    "inline_numbered_list": ("الخطوات: 1. افتح الموقع 2. أدخل بياناتك", ["الخطوات: 1. افتح الموقع 2. أدخل بياناتك"]),
    "arabic_indic_list_numbers": (
        "خطوات التسجيل:\n١. افتح الموقع.\n٢. أدخل بياناتك.",
        ["خطوات التسجيل:", "١. افتح الموقع.", "٢. أدخل بياناتك."],
    ),
    "percent_version_and_time": (
        "بلغت النسبة ٧.٢٪ في الربع الأول. صدر الإصدار 2.1.3 أمس. يبدأ الاجتماع الساعة 10.30 صباحا.",
        ["بلغت النسبة ٧.٢٪ في الربع الأول.", "صدر الإصدار 2.1.3 أمس.", "يبدأ الاجتماع الساعة 10.30 صباحا."],
    ),
    "url_and_email_not_split": (
        "زوروا www.example.com أو راسلوا info@example.com للمزيد. شكرا.",
        ["زوروا www.example.com أو راسلوا info@example.com للمزيد.", "شكرا."],
    ),
    "latin_sentences": (
        "Welcome to Cairo. هذه الجملة بالعربية. And this one is English again!",
        ["Welcome to Cairo.", "هذه الجملة بالعربية.", "And this one is English again!"],
    ),
    "dialect_questions": (
        "شو عم تعمل هلق؟ تعا نطلع نشرب قهوة! إنت فين يا عم؟ أنا مستنيك.",
        ["شو عم تعمل هلق؟", "تعا نطلع نشرب قهوة!", "إنت فين يا عم؟", "أنا مستنيك."],
    ),
    "verse_mark_without_number": ("آية أولى ۝ آية ثانية ۝", ["آية أولى ۝", "آية ثانية ۝"]),
    "comma_never_splits": (
        "أولا، نحدد المشكلة، ثم نحلها، وأخيرا نختبر الحل",
        ["أولا، نحدد المشكلة، ثم نحلها، وأخيرا نختبر الحل"],
    ),
    # A quotation is never split inside; one that ends with an end mark ends the sentence.
    "guillemets": ("قال: «ذهبت إلى السوق. ثم عدت!» وانتهى الأمر.", ["قال: «ذهبت إلى السوق. ثم عدت!»", "وانتهى الأمر."]),
    "quote_without_end_mark_continues": (
        "وصف الخبر بأنه «مفاجأة كبرى» ولم يعلق أحد. انتهى.",
        ["وصف الخبر بأنه «مفاجأة كبرى» ولم يعلق أحد.", "انتهى."],
    ),
    "quote_followed_by_comma_continues": (
        "قال: «سنبدأ غدا.»، ثم غادر. انتهى.",
        ["قال: «سنبدأ غدا.»، ثم غادر.", "انتهى."],
    ),
    "quote_inside_brackets_does_not_end": ("رد (وقال: «نعم.») ثم خرج. انتهى.", ["رد (وقال: «نعم.») ثم خرج.", "انتهى."]),
    "ascii_quote_ends_sentence": (
        'وقال المتحدث: "لن نتراجع عن قرارنا." وأضاف أن المفاوضات مستمرة.',
        ['وقال المتحدث: "لن نتراجع عن قرارنا."', "وأضاف أن المفاوضات مستمرة."],
    ),
    "question_in_quote": ('سألني: "هل أنت متأكد؟" فأجبته بنعم.', ['سألني: "هل أنت متأكد؟"', "فأجبته بنعم."]),
    "abbreviation_inside_quote": (
        'لم توضح شركة "HK Management Inc." سبب الإلغاء. ثم اعتذرت.',
        ['لم توضح شركة "HK Management Inc." سبب الإلغاء.', "ثم اعتذرت."],
    ),
    "ellipsis_inside_quote": (
        "كتب: «الحياة قصيرة… فلا تضيعها»، ثم نام. انتهى.",
        ["كتب: «الحياة قصيرة… فلا تضيعها»، ثم نام.", "انتهى."],
    ),
    "parentheses": (
        "الأسباب (انظر الفصل ٣. والفصل ٤؟) كثيرة. والنتائج واضحة.",
        ["الأسباب (انظر الفصل ٣. والفصل ٤؟) كثيرة.", "والنتائج واضحة."],
    ),
    "unmatched_bracket_does_not_block": ("قال (كذا. ثم ذهب.", ["قال (كذا.", "ثم ذهب."]),
    "newlines_and_list_items": (
        "المقدمة\n\n- بند أول\n- بند ثان\n1. الخطوة الأولى\n2. الخطوة الثانية",
        ["المقدمة", "- بند أول", "- بند ثان", "1. الخطوة الأولى", "2. الخطوة الثانية"],
    ),
    "inline_bullets": ("المكونات: • دقيق • سكر • زبدة", ["المكونات:", "• دقيق", "• سكر", "• زبدة"]),
    "semicolon_does_not_split": (
        "تأخر القطار؛ لأن الثلج كان كثيفا. ووصلنا متأخرين.",
        ["تأخر القطار؛ لأن الثلج كان كثيفا.", "ووصلنا متأخرين."],
    ),
    "glued_period_between_words": ("ذهبت.ثم عدت", ["ذهبت.", "ثم عدت"]),
    "glued_ellipsis_is_a_pause": ("كنت هناك...ثم رجعت. انتهى", ["كنت هناك...ثم رجعت.", "انتهى"]),
    "latin_abbreviation_and_url_like": (
        "قال Dr. Smith إن ملف data.csv جاهز. تمام.",
        ["قال Dr. Smith إن ملف data.csv جاهز.", "تمام."],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_split_sentences(name):
    text, expected = CASES[name]
    assert split_sentences(text) == expected


def test_known_limitation_era_abbreviation_at_sentence_end():
    # "ق.م." is an abbreviation, so its period never ends a sentence, even where it does
    # (telling the two apart needs more than local rules; see benchmarks/bench_segment.py).
    assert split_sentences("شُيّد المعبد في القرن الخامس ق.م. وما زالت أطلاله قائمة.") == [
        "شُيّد المعبد في القرن الخامس ق.م. وما زالت أطلاله قائمة."
    ]


def test_line_break_always_splits_even_inside_quotes():
    assert split_sentences("قال: «أهلا\nوسهلا»") == ["قال: «أهلا", "وسهلا»"]


def test_superscripts_and_odd_digits_do_not_crash():
    assert split_sentences("المساحة ٣ م². ثم ². انتهى") == ["المساحة ٣ م².", "ثم ².", "انتهى"]


def test_strips_and_drops_empty():
    assert split_sentences("") == []
    assert split_sentences("  \n \n ") == []
    assert split_sentences("  جملة.   ") == ["جملة."]
    assert split_sentences("...") == ["..."]


def test_sentences_are_slices_of_the_input():
    text = " ".join(t for t, _ in CASES.values())
    sentences = split_sentences(text)
    assert len(sentences) > len(CASES)
    position = 0
    for sentence in sentences:
        found = text.find(sentence, position)
        assert found >= 0, sentence  # in order, unmodified
        position = found + len(sentence)


def test_abbreviation_data_loaded_and_folded():
    assert {"د.", "ا.د.", "ق.م.", "ه.", "ج.", "م.", "ص."} <= ABBREVIATIONS  # أ.د. folds to ا.د., هـ. to ه.


def test_abbreviation_validation_names_line():
    with pytest.raises(ValueError, match=r"abbr.txt:2: bad abbreviation"):
        load_abbreviations(["د.", "بدون نقطة"], source="abbr.txt")
    with pytest.raises(ValueError, match=r"abbr.txt:3: duplicate abbreviation 'أ.د.' \(first on line 1\)"):
        load_abbreviations(["ا.د.", "# comment", "أ.د."], source="abbr.txt")


# «د.»-style abbreviations: the rule-based splitter must get all right and beat pysbd.
ABBREVIATION_CASES = [
    ("قال د. أحمد إن الوضع مستقر.", 1),
    ("حاضر أ.د. محمد في الجامعة.", 1),
    ("ولد عام ٥٠٠ ق.م. في أثينا.", 1),
    ("زار د. خالد المستشفى. ثم غادر.", 2),
    ("اتصل بـ م. سامي و د. ليلى أمس.", 1),
    ("أرسل إلى ص.ب. ١٢٣ القاهرة.", 1),
]


def test_beats_pysbd_on_abbreviations():
    segmenter = pysbd.Segmenter(language="ar", clean=False)
    ours = sum(len(split_sentences(text)) == n for text, n in ABBREVIATION_CASES)
    theirs = sum(len([s for s in segmenter.segment(text) if s.strip()]) == n for text, n in ABBREVIATION_CASES)
    assert ours == len(ABBREVIATION_CASES)
    assert theirs < ours


def test_fuzz_never_crashes_and_keeps_every_character():
    import random

    rng = random.Random(5)
    pool = list(".!?؟…۔۝،؛:«»“”()[]﴿﴾\"'•-\n ١2²x") + ["د.", "أ.د.", "ق.م.", "3.14", "١٢/٥", "كلمة", "Dr.", "...", "1.", "www.x.com"]
    for _ in range(5000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 25)))
        sentences = split_sentences(text)
        position = 0
        for sentence in sentences:
            assert sentence and sentence == sentence.strip()
            found = text.find(sentence, position)
            assert found >= 0, (text, sentences)
            position = found + len(sentence)
        assert "".join(sentences).replace(" ", "") == "".join(text.split())
