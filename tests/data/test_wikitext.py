"""Wikitext to plain text: the gold set's scores (those benchmarks/bench_wikitext.py reports) and
the concrete output of the chosen converter on each construct."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from wikitext_gold import gold_snippets, normalized, score

from arabic_llm.data import wikipedia
from arabic_llm.data.wikitext import (
    CONVERTERS,
    DEFAULT_CONVERTER,
    mwparserfromhell_text,
    wikitext_to_text,
)

ROOT = Path(__file__).resolve().parents[2]


def test_chosen_converter_matches_every_gold_snippet():
    result = score(CONVERTERS[DEFAULT_CONVERTER])
    assert DEFAULT_CONVERTER == "mwparserfromhell"
    assert (result["snippets"], result["heldout"]) == (13, 3)
    assert result["failed"] == []
    assert (result["exact"], result["exact_heldout"]) == (13, 3)
    assert result["chrf"] == pytest.approx(100.0) and result["edit_similarity"] == pytest.approx(1.0)


def test_wikiextractor_scores_what_the_benchmark_reports():
    pytest.importorskip("wikiextractor", reason="wikiextractor (AGPL) is in the test/bench extras only")
    result = score(CONVERTERS["wikiextractor"])
    assert (result["exact"], result["exact_heldout"]) == (4, 1)
    assert result["chrf"] == pytest.approx(87.5, abs=0.05)
    outputs = result["outputs"]
    # What it loses: list items, labels of interwiki and category-page links, <small> text; what it adds:
    # a period after headings, quotes around italics, a placeholder for <math>.
    assert "صيف طويل وجاف" not in outputs["headings_and_lists"]
    assert outputs["headings_and_lists"].startswith("الجغرافيا.\n")
    assert "وتجد المزيد في وفي." in outputs["links"]
    assert '"شهرزاد"' in outputs["inline_formatting"]
    assert "formula_1" in outputs["comments_math_magic_words"]


def test_corpus_delegates_to_the_chosen_converter():
    for snippet in gold_snippets():
        assert wikipedia.wikitext_to_text(snippet["wikitext"]) == wikitext_to_text(snippet["wikitext"])


def test_references_go_with_their_text():
    text = mwparserfromhell_text(
        'تأسست سنة 1908<ref name="أ">{{استشهاد ويب|مسار=https://example.org|عنوان=تاريخ}}</ref> باسم الجامعة،'
        '<ref name=ب>كانت جامعة أهلية.</ref> ثم صارت حكومية.<ref name="أ" /><ref group="ملاحظة">اسم آخر.</ref>\n'
        "== المراجع ==\n<references />")
    assert text == "تأسست سنة 1908 باسم الجامعة، ثم صارت حكومية.\nالمراجع"


def test_templates_nested_ones_and_infoboxes_are_dropped():
    text = mwparserfromhell_text(
        "{{صندوق معلومات|الاسم=ابن خلدون|الوفاة={{تاريخ الوفاة|1406|{{مع|1332}}}}}}"
        "'''ابن خلدون''' مؤرخ،{{مصدر|تاريخ=2023}} ولد في [[تونس]].{{DEFAULTSORT:خلدون}}")
    assert text == "ابن خلدون مؤرخ، ولد في تونس."


def test_links_keep_their_labels_and_trails():
    text = mwparserfromhell_text(
        "[[إثيوبيا|الحبشة]] و[[السودان]] و[[مصر]]يون، [[البحر المتوسط#الشرق|الحوض]] "
        "[[:تصنيف:أنهار|قائمة الأنهار]] [[ويكاموس:نهر|كلمة نهر]]\n[[en:Nile]]")
    assert text == "الحبشة والسودان ومصريون، الحوض قائمة الأنهار كلمة نهر"


def test_files_captions_galleries_and_categories_are_dropped():
    text = mwparserfromhell_text(
        "[[ملف:Petra.jpg|تصغير|الخزنة في [[البتراء]]]]'''البتراء''' مدينة.\n[[صورة:x.png|خريطة]]"
        "[[File:y.jpg|thumb|Siq]]\n<gallery>\nملف:z.jpg|الدير\n</gallery>\n[[تصنيف:مدن|بتراء]]\n[[Category:Sites]]")
    assert text == "البتراء مدينة."


def test_headings_lists_and_definitions_are_kept_as_text():
    text = mwparserfromhell_text(
        "__TOC__\n== الجغرافيا ==\nنص.\n=== المناخ ===\n* صيف جاف\n** أمطار [[يناير]]\n# زراعة\n"
        "; الكوفي\n: خط قديم.")
    assert text == "الجغرافيا\nنص.\nالمناخ\nصيف جاف\nأمطار يناير\nزراعة\nالكوفي\nخط قديم."


def test_tables_math_comments_and_formatting():
    text = mwparserfromhell_text(
        "قبل الجدول.\n{| class=\"wikitable\"\n! السنة !! السكان\n|-\n| 1960 || 120\n|}\n"
        "تنص على أن <math>a^2+b^2=c^2</math> حيث<!-- تعليق --> '''''ألف''''' و''باء''<br />جيم&nbsp;دال.")
    assert normalized(text) == "قبل الجدول.\nتنص على أن حيث ألف وباء جيم دال."


def test_external_links_keep_labels_only():
    text = mwparserfromhell_text(
        "الموقع [https://example.org/a موقع المكتبة] وتقاريرها [https://example.org/b].\n"
        "* [http://example.org الرسمي]")
    assert text == "الموقع موقع المكتبة وتقاريرها.\nالرسمي"


def test_prepass_changes_no_output_on_the_sample_and_the_gold_set():
    from fake_dumps import sample_pages

    texts = [p["text"] for p in sample_pages() if p["ns"] == 0] + [s["wikitext"] for s in gold_snippets()]
    assert len(texts) > 90
    assert [mwparserfromhell_text(t) for t in texts] == [mwparserfromhell_text(t, prepass=False) for t in texts]


def test_prepass_cuts_references_and_comments_as_mediawiki_does():
    # A quoted ">" inside a ref name does not end the tag; a ref ends at its first </ref>; an unclosed
    # comment hides the rest of the page.
    assert mwparserfromhell_text("أ<ref name=\"x>y\" />ب<REF Name='z'>مرجع</REF >ج.") == "أبج."
    assert mwparserfromhell_text("أ<ref>مرجع <ref>داخل</ref> ب") == "أ ب"
    assert mwparserfromhell_text("نص ظاهر.\n<!-- تعليق لم يُغلق\nنص مخفي") == "نص ظاهر."


def test_bold_or_italic_left_open_leaves_no_quotes():
    # (One line each: mwparserfromhell pairs quotes across lines, which MediaWiki never does.)
    assert mwparserfromhell_text("نص '''عريض لم يُغلق") == "نص عريض لم يُغلق"
    assert mwparserfromhell_text("'''''عريض مائل لم يُغلق") == "عريض مائل لم يُغلق"


def test_unknown_converter_is_named():
    with pytest.raises(ValueError, match=r"unknown wikitext converter 'pandoc'; one of mwparserfromhell, wikiext"):
        wikitext_to_text("نص", converter="pandoc")


def test_benchmark_reference_keeps_the_gold_letters():
    # The pages' reference (regexes, no converter) is what the gold set expects, letter for letter.
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_wikitext import letters, reference_prose

    for snippet in gold_snippets():
        assert letters(reference_prose(snippet["wikitext"])) == letters(snippet["expected"]), snippet["name"]


def test_benchmark_runs_on_a_few_pages():
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_wikitext.py"), "--pages", "30"],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert "exact match" in out and "pages/s" in out
    assert "13/13" in out  # the chosen converter on the gold set
