"""The content auditor: what it drops, what it must not, how the lexicon is validated and extended."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from env_settings import SHARED_DATA

from arabic_nlp.audit import (
    DEFAULT_LEXICON,
    DEFAULT_THRESHOLDS,
    AuditReport,
    AuditVerdict,
    ContentAuditor,
    LexiconError,
    fold_for_audit,
    load_lexicon,
)

HEADER = "reason\tterm\tmatch\tweight"


@pytest.fixture(scope="module")
def auditor() -> ContentAuditor:
    return ContentAuditor.default()


def write_lexicon(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "extra.tsv"
    path.write_text("\n".join(["# a comment", header, *rows]) + "\n", encoding="utf-8")
    return path


# --- the shipped lexicon ----------------------------------------------------------------------------


def test_the_shipped_lexicon_loads_and_covers_every_default_reason(auditor):
    reasons = {term.reason for term in auditor.terms}
    assert reasons == set(DEFAULT_THRESHOLDS)
    assert {term.match for term in auditor.terms} == {"word", "prefix", "regex"}
    assert len(auditor.terms) > 150


def test_default_thresholds_are_one_for_hard_reasons_and_two_for_soft_ones():
    assert {r for r, t in DEFAULT_THRESHOLDS.items() if t == 1} == {
        "hate_religion", "hate_ethnic", "hate_gender", "threat"}
    assert {r for r, t in DEFAULT_THRESHOLDS.items() if t == 2} == {"insult", "profanity", "spam"}


# --- what is dropped --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, reason", [
    ("والله سأقتلك إذا رأيتك مرة أخرى", "threat"),           # MSA threat, one token
    ("هقتلك لو شفتك تاني", "threat"),                        # Egyptian future ha-
    ("رح اقتلك انت واهلك", "threat"),                         # Levantine, verb in its own token
    ("غادي نقتلك", "threat"),                                 # Maghrebi
    ("عباد الصليب لا عهد لهم", "hate_religion"),
    ("اليهود كلاب ولا يستحقون الحياة", "hate_religion"),       # group + dehumanising noun (regex)
    ("السود عبيد ولن يتغيروا", "hate_ethnic"),
    ("النسوان كلهم شراميط", "hate_gender"),
])
def test_one_hit_of_a_hard_reason_drops(auditor, text, reason):
    verdict = auditor.check(text)
    assert not verdict.keep
    assert reason in verdict.triggered and verdict.reasons[reason] >= 1


def test_one_insult_is_kept_but_counted_two_different_insults_drop(auditor):
    one = auditor.check("اسكت يا حمار")
    assert one == AuditVerdict(keep=True, reasons={"insult": 1}, triggered=())
    two = auditor.check("اسكت يا حمار يا كلب")
    assert not two.keep and two.reasons == {"insult": 2} and two.triggered == ("insult",)


def test_repeating_one_insult_counts_its_hits_but_scores_once(auditor):
    verdict = auditor.check("يا حمار يا حمار يا حمار")
    assert verdict.keep and verdict.reasons == {"insult": 3}


def test_the_strongest_profanity_drops_alone(auditor):
    verdict = auditor.check("كس امك")
    assert not verdict.keep and verdict.triggered == ("profanity",)


def test_insult_and_profanity_are_scored_separately(auditor):
    verdict = auditor.check("يا حمار، طيز")  # one weight-1 insult + one weight-1 profanity
    assert verdict.keep and verdict.reasons == {"insult": 1, "profanity": 1}


def test_a_long_phrase_counts_once_not_once_per_sub_phrase(auditor):
    # "يا ابن الكلب" contains the entries "ابن الكلب" and, attached, "يابن الكلب": one hit.
    assert auditor.check("يا ابن الكلب").reasons == {"insult": 1}
    assert auditor.check("يابن الكلب").reasons == {"insult": 1}


def test_an_ad_with_a_phone_number_and_contact_boilerplate_is_spam(auditor):
    verdict = auditor.check("للطلب واتس 0504226607 توصيل مجاني لجميع المدن")
    assert not verdict.keep and verdict.triggered == ("spam",)


def test_a_news_item_about_whatsapp_is_not_spam_however_often_it_names_it(auditor):
    text = "أعلنت شركة واتساب تحديثا جديدا. وقال متحدث باسم واتساب إن واتساب سيدعم المكالمات الجماعية."
    assert auditor.check(text).keep


# --- spelling variants match ------------------------------------------------------------------------


@pytest.mark.parametrize("variant", [
    "يَا حِمَارُ يَا كَلْبُ",           # diacritics
    "يا حمـــار يا كلـــب",             # tatweel
    "يا حماااااار يا كلللللب",          # letters stretched
    "ياحمار ياكلب",                     # vocative written attached
    "يا\u200cحمار يا ك\u200dلب",        # zero-width joiners hidden inside
])
def test_spelling_variants_match_the_plain_entries(auditor, variant):
    assert auditor.check(variant).reasons == {"insult": 2}


@pytest.mark.parametrize("variant", [
    "الشرموطة", "والشرموطه", "شرموطة", "يا شراميط",   # teh marbuta, clitics, prefix entry
    "كس أمك", "کس امک",                              # hamza on alef; Persian kaf
])
def test_folded_forms_of_profanity_match(auditor, variant):
    assert auditor.check(variant).reasons.get("profanity", 0) >= 1


def test_folding_is_the_pipelines_orthographic_normalisation_plus_teh_marbuta_and_lowercase():
    assert fold_for_audit("إِلَى المدرسـة ﻻ FUCK ٣") == "الي المدرسه لا fuck 3"


# --- what must not be flagged -----------------------------------------------------------------------


@pytest.mark.parametrize("word", [
    "كسر", "عكس", "انعكاس", "كسب", "المكسيك", "كسوف",     # contain كس
    "فخرا", "بخراطيم", "خرائط",                           # contain خرا (ف + خرا is "proudly")
    "زبون", "زبيب", "زبادي", "زبدة",                      # contain زب
    "نيكل", "نيكولا", "تكنيك",                            # contain نيك
    "الحمار الوحشي", "كلب الحراسة", "الكلاب البوليسية",   # animals, not vocatives
    "القواد العسكريين", "خول القانون الوزير",             # قواد = leaders, خول = authorised
    "التحقير", "أسفل السافلين", "الطيزان",                 # longer words around entries
    "ياسر", "ياسمين",                                     # names starting with يا
    "فيالوطى",                                            # في الوطى glued: not ف + يا لوطي
    "fuchsia", "shitake",                                 # Latin words around entries
])
def test_words_that_contain_a_term_are_not_flagged(auditor, word):
    assert auditor.check(word).reasons == {}


NEWS = [
    "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في العاصمة بتكلفة بلغت مليار ريال.",
    "قتل ثلاثة أشخاص وأصيب عشرة آخرون في حادث سير على الطريق السريع صباح الثلاثاء.",
    "ذبح المسلمون الأضاحي في أول أيام عيد الأضحى المبارك.",
    "قال الرئيس إن الحكومة ستعمل على كسر الجمود في المفاوضات مع الدول المجاورة.",
    "وصف الوزير الهجوم بأنه عمل إرهابي جبان، وتعهد بملاحقة المسؤولين عنه.",
    "تراجعت أسعار النفط بنسبة اثنين في المئة بعد ارتفاع المخزونات الأمريكية.",
    "فاز المنتخب الوطني على نظيره المكسيكي بهدفين مقابل هدف في المباراة الودية.",
    "يعد الكلب من أقدم الحيوانات التي استأنسها الإنسان، واستخدم في الحراسة والصيد.",
    "تحدث الباحث عن تاريخ الحروب الصليبية وأثرها في العلاقات بين الشرق والغرب.",
    "أطلقت الشركة خدمة التوصيل في ثلاث مدن جديدة، ويمكن للعملاء الطلب عبر التطبيق.",
    "وقعت الدولتان اتفاقية لتسهيل حركة اللاجئين السوريين والعراقيين عبر الحدود.",
    "التدخين سيقتلك ببطء، هكذا حذرت حملة التوعية الجديدة.",
    "حصل اللاعب على بطاقة حمراء بعد تدخل عنيف في الدقيقة الثمانين.",
    "وقد خول القانون الوزير صلاحية إصدار اللوائح التنفيذية.",
]


@pytest.mark.parametrize("sentence", NEWS)
def test_ordinary_news_sentences_have_no_hits(auditor, sentence):
    assert auditor.check(sentence) == AuditVerdict(keep=True, reasons={}, triggered=())


def test_scripture_with_weighted_terms_is_kept(auditor):
    # Terms that also occur in the Quran or hadith weigh 0.5: alone they never drop a text.
    assert auditor.check("وَاقْتُلُوهُمْ حَيْثُ ثَقِفْتُمُوهُمْ وَأَخْرِجُوهُم مِّنْ حَيْثُ أَخْرَجُوكُمْ").keep
    assert auditor.check("وجعل منهم القردة والخنازير وعبد الطاغوت").reasons == {}


@pytest.mark.skipif(not (SHARED_DATA / "sib200").is_dir(), reason="../shared/data/sib200 is absent")
def test_real_msa_sentences_are_all_kept(auditor):
    # FLORES-200 MSA (news, travel, science): 800 sentences, none abusive.
    rows = []
    for name in ("train.tsv", "dev.tsv"):
        with open(SHARED_DATA / "sib200" / "arb_Arab" / name, encoding="utf-8") as f:
            rows += [row["text"] for row in csv.DictReader(f, delimiter="\t")]
    assert len(rows) >= 700
    dropped = [text for text in rows if not auditor.check(text).keep]
    assert dropped == []


# --- thresholds, extension, files -------------------------------------------------------------------


def test_thresholds_are_configurable_and_none_disables_a_reason():
    strict = ContentAuditor.default(thresholds={"insult": 1})
    assert not strict.check("يا حمار").keep
    lenient = ContentAuditor.default(thresholds={"threat": None})
    verdict = lenient.check("سأقتلك")
    assert verdict.keep and verdict.reasons == {"threat": 1}


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), True])
def test_a_bad_threshold_is_an_error_naming_the_reason(bad):
    with pytest.raises(ValueError, match="insult"):
        ContentAuditor.default(thresholds={"insult": bad})


def test_extend_returns_a_new_auditor_with_word_prefix_and_regex_terms(auditor):
    extended = auditor.extend({"insult": ["يا فاشل", "منافق*", r"re:(?<!\w)يا\s+جبان(?!\w)"]})
    assert extended is not auditor and len(extended.terms) == len(auditor.terms) + 3
    assert extended.check("يا فاشل يا جبان").reasons == {"insult": 2}
    assert extended.check("المنافقين").reasons == {"insult": 1}
    assert auditor.check("يا فاشل").reasons == {}  # the original is unchanged


def test_extending_with_an_unknown_reason_needs_a_threshold_first(auditor):
    with pytest.raises(LexiconError, match="unknown reason 'politics'"):
        auditor.extend({"politics": ["انتخابات"]})
    custom = ContentAuditor.default(thresholds={"politics": 1}).extend({"politics": ["انتخابات"]})
    assert custom.check("الانتخابات").triggered == ("politics",)


def test_a_string_instead_of_a_list_of_terms_is_an_error(auditor):
    with pytest.raises(LexiconError, match=r"extra_terms\['insult'\]: expected a list"):
        auditor.extend({"insult": "يا فاشل"})


def test_from_files_adds_to_the_shipped_lexicon_only_when_asked(tmp_path):
    extra = write_lexicon(tmp_path, "insult\tيا فاشل\tword\t2")
    alone = ContentAuditor.from_files([extra])
    assert len(alone.terms) == 1 and not alone.check("يا فاشل").keep
    both = ContentAuditor.from_files([DEFAULT_LEXICON, extra])
    assert not both.check("يا فاشل").keep and not both.check("كس امك").keep
    assert len(ContentAuditor.build(["builtin", extra], {"spam": ["اشتر الان"]}).terms) == len(both.terms) + 1


def test_the_weight_column_is_optional(tmp_path):
    terms = load_lexicon([HEADER, "insult\tيا فاشل\tword", "insult\tيا جبان\tword\t"], "x.tsv")
    assert [t.weight for t in terms] == [1.0, 1.0]
    assert load_lexicon(["reason\tterm\tmatch", "insult\tيا فاشل\tword"], "y.tsv")[0].folded == "يا فاشل"


@pytest.mark.parametrize("row, message", [
    ("insult\tيا فاشل", "expected 3 or 4 tab-separated columns"),
    ("insult\tيا فاشل\tsubstring", "match 'substring' must be one of word, prefix, regex"),
    ("insult\tيا فاشل\tword\theavy", "weight 'heavy' is not a number"),
    ("insult\tيا فاشل\tword\t0", "must be a positive finite number"),
    ("Insult\tيا فاشل\tword", "reason 'Insult' must be lowercase"),
    ("insult\tيا فاشل!\tword", "may only hold letters, digits and spaces"),
    ("insult\tفش\tprefix", "shorter than 3"),
    ("insult\tف\tword", "single character"),
    ("insult\t(?<!\\w)يا (\tregex", "does not compile"),
    ("insult\t(يا)?\tregex", "matches the empty string"),
    ("politics\tانتخابات\tword", "unknown reason 'politics'"),
])
def test_a_bad_lexicon_row_is_reported_with_file_and_line(tmp_path, row, message):
    path = write_lexicon(tmp_path, "insult\tيا جبان\tword", row)
    with pytest.raises(LexiconError, match=rf"extra\.tsv:4: .*{message}"):
        ContentAuditor.from_files([path])


def test_duplicates_after_folding_are_reported_with_both_lines(tmp_path):
    path = write_lexicon(tmp_path, "insult\tيا غبى\tword", "insult\tيَا غَبِي\tword")
    with pytest.raises(LexiconError, match=r"extra\.tsv:4: duplicate .* line 3"):
        ContentAuditor.from_files([path])


def test_a_missing_header_or_file_is_named(tmp_path):
    path = write_lexicon(tmp_path, "insult\tيا جبان\tword", header="reason\tword\tkind")
    with pytest.raises(LexiconError, match=r"extra\.tsv:2: expected header"):
        ContentAuditor.from_files([path])
    with pytest.raises(LexiconError, match=r"nope\.tsv: cannot read"):
        ContentAuditor.from_files([tmp_path / "nope.tsv"])


# --- reporting and speed ----------------------------------------------------------------------------


def test_filter_documents_keeps_the_clean_ones_and_counts_by_reason(auditor):
    docs = [{"id": 1, "text": NEWS[0]}, {"id": 2, "text": "يا حمار يا كلب"}, {"id": 3, "text": "سأقتلك يا حمار"},
            {"id": 4, "text": "اسكت يا حمار"}]
    report = AuditReport()
    kept = list(auditor.filter_documents(docs, report))
    assert [d["id"] for d in kept] == [1, 4]
    assert report.as_dict() == {
        "documents": 4, "kept": 2, "dropped": 2,
        "dropped_by_reason": {"insult": 1, "threat": 1},
        "flagged_by_reason": {"insult": 3, "threat": 1},
        "hits_by_reason": {"insult": 4, "threat": 1},
    }


def test_explain_names_the_entries_that_matched(auditor):
    assert [t.term for t in auditor.explain("اسكت يا حمار، كس امك")] == ["كس امك", "يا حمار"]


def test_auditing_a_megabyte_takes_well_under_a_few_seconds(auditor):
    text = " ".join(NEWS) * 600  # ~ 1 MB of UTF-8, ~150k words
    assert len(text.encode()) > 900_000
    started = time.perf_counter()
    verdict = auditor.check(text)
    assert verdict.keep
    assert time.perf_counter() - started < 5.0  # ~1 s on one slow core
