"""Tests for arabic_nlp.clean.clean_text."""

from __future__ import annotations

import dataclasses

import pytest
from camel_tools.utils.charmap import CharMapper
from camel_tools.utils.normalize import normalize_unicode as camel_normalize_unicode

from arabic_nlp.clean import (
    REMOVED_CATEGORIES,
    CleanResult,
    clean_text,
    map_presentation_forms,
    normalize_whitespace,
    strip_control_chars,
    strip_emails,
    strip_html,
    strip_urls,
    strip_wikitext,
)


def test_result_shape_and_all_counters_present():
    result = clean_text("نص عربي بسيط")
    assert isinstance(result, CleanResult)
    assert result.text == "نص عربي بسيط"
    assert set(result.removed) == set(REMOVED_CATEGORIES)
    assert sum(result.removed.values()) == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.text = "x"  # type: ignore[misc]


def test_empty_and_whitespace_only():
    assert clean_text("").text == ""
    assert clean_text(" \n\t \u00a0").text == ""


def test_urls_removed_and_counted():
    result = clean_text("شاهد https://t.co/hrBeHbkBNu والرابط www.example.com/a?b=1 وأيضا pic.twitter.com/xYz")
    assert result.text == "شاهد والرابط وأيضا"
    assert result.removed["urls"] == 3


def test_url_keeps_trailing_punctuation_and_arabic_path():
    result = clean_text("انظر https://ar.wikipedia.org/wiki/مصر. ثم عد")
    assert result.text == "انظر . ثم عد"
    assert result.removed["urls"] == 1


def test_emails_removed_before_urls():
    result = clean_text("راسلنا على info@example.com.eg أو a.b@x.org")
    assert result.text == "راسلنا على أو"
    assert result.removed["emails"] == 2
    assert result.removed["urls"] == 0


def test_html_tags_and_entities():
    result = clean_text("<p>نص <b>مهم</b></p><div>فقرة&nbsp;ثانية &amp; ثالثة</div><!-- تعليق --><script>x=1</script>")
    assert result.text == "نص مهم\nفقرة ثانية & ثالثة"
    assert result.removed["html"] == 10  # 6 tags, 2 entities, 1 comment, 1 script block
    assert result.removed["non_arabic"] == 0  # NBSP became a plain space


def test_less_than_in_prose_is_not_a_tag():
    assert clean_text("إذا كان س < ٥ و ص > ٣").text == "إذا كان س < ٥ و ص > ٣"


def test_wikitext():
    raw = (
        "'''مصر''' هي [[دولة عربية|دولة]] {{مرجع|{{متداخل}}}} تقع في [[أفريقيا]]."
        "<ref name=a>مصدر</ref><ref name=b/> [[ملف:Nile.jpg|تصغير|صورة [[النيل]]]]"
        " [[تصنيف:دول]] [https://x.org الموقع الرسمي]\n\n\n== التاريخ ==\nنص"
    )
    result = clean_text(raw)
    assert result.text == "مصر هي دولة تقع في أفريقيا. الموقع الرسمي\nالتاريخ\nنص"
    assert result.removed["wikitext"] > 0
    assert result.removed["urls"] == 0  # the external link was unwrapped as wikitext first


def test_wiki_table_removed():
    assert clean_text("قبل\n{| class=wikitable\n|-\n| خلية\n|}\nبعد").text == "قبل\nبعد"


def test_presentation_forms_mapped_to_base_letters():
    result = clean_text("ﻻ إله إلا ﷲ ﷺ ﷼ ﻣﺮﺣﺒﺎ")
    assert result.text == "لا إله إلا الله صلى الله عليه وسلم ريال مرحبا"
    assert result.removed["presentation_forms"] == 9


def test_presentation_forms_parity_with_camel():
    # On presentation forms of letters, our per-character NFKC agrees with camel-tools' NFKC and arclean map.
    arclean = CharMapper.builtin_mapper("arclean")
    for cp in range(0xFE80, 0xFEFD):
        char = chr(cp)
        ours = clean_text(char).text
        assert ours == camel_normalize_unicode(char), hex(cp)
        assert ours == arclean(char), hex(cp)


def test_isolated_diacritic_forms_become_marks():
    # U+FE76 (fatha isolated form) decomposes to "space + fatha"; the space must not split the word.
    assert clean_text("ك\ufe76تب").text == "كَتب"


def test_control_and_bidi_characters():
    raw = "\u200fنص\u202b عربي\u202c\u200c هنا\u200d\ufeff\u2066ok\u2069\u200e\x00\u061c\u00ad"
    result = clean_text(raw)
    assert result.text == "نص عربي هناok"
    assert result.removed["control"] == 12


def test_zwnj_inside_word_is_removed_without_space():
    assert clean_text("عر\u200cبي").text == "عربي"


def test_whitespace_and_paragraphs():
    raw = "  سطر   أول\t\tهنا \r\n\r\n\n  سطر ثان\u2029ثالث\u00a0\u2003نهاية  "
    assert clean_text(raw).text == "سطر أول هنا\nسطر ثان\nثالث نهاية"


def test_never_removes_diacritics():
    vocalised = "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ ۝١ مِنۢ بَعْدِ ۖ"
    assert clean_text(vocalised).text == vocalised
    for flags in ({"keep_latin": False}, {"keep_digits": False}, {"keep_punctuation": False}):
        assert "ِ" in clean_text(vocalised, **flags).text


def test_non_arabic_removed_with_counts():
    result = clean_text("مرحبا мир 你好 שלום بكم")
    assert result.text == "مرحبا بكم"
    assert result.removed["non_arabic"] == 3 + 2 + 4


def test_keep_flags():
    raw = "قال Ahmed: السعر 25 ريالا، أو ٢٥!"
    assert clean_text(raw).text == raw
    assert clean_text(raw, keep_latin=False).text == "قال : السعر 25 ريالا، أو ٢٥!"
    assert clean_text(raw, keep_digits=False).text == "قال Ahmed: السعر ريالا، أو !"
    assert clean_text(raw, keep_punctuation=False).text == "قال Ahmed السعر 25 ريالا أو ٢٥"
    only_arabic = clean_text(raw, keep_latin=False, keep_digits=False, keep_punctuation=False)
    assert only_arabic.text == "قال السعر ريالا أو"


def test_persian_digits_and_arabic_punctuation_kept():
    assert clean_text("سنة ۱۴۰۳؛ ما رأيك؟ «نعم»").text == "سنة ۱۴۰۳؛ ما رأيك؟ «نعم»"


def test_emoji_removed_by_default_and_counted_as_sequences():
    result = clean_text("رائع😍جدا 👨\u200d👩\u200d👧 ❤️ 👍🏽 🇪🇬")
    assert result.text == "رائع جدا"
    assert result.removed["emoji"] == 5
    assert result.removed["control"] == 0  # ZWJ / VS16 went with their emoji


def test_keep_emoji_keeps_sequences_intact():
    raw = "رائع😍جدا 👨\u200d👩\u200d👧 ❤️"
    result = clean_text(raw, keep_emoji=True)
    assert result.text == raw
    assert result.removed["emoji"] == 0


def test_symbols_that_are_not_punctuation_are_non_arabic():
    result = clean_text("نجمة ★ ومربع ▓")
    assert result.text == "نجمة ومربع"
    assert result.removed["non_arabic"] == 2


def test_clean_is_idempotent():
    raw = "<b>ﻻ</b> https://x.org نص\u200f عربي 😍 Hello\n\n\nسطر"
    once = clean_text(raw).text
    again = clean_text(once)
    assert again.text == once
    assert sum(again.removed.values()) == 0


def test_step_functions_are_pure_str_to_str():
    assert strip_urls("أ https://x.org/a، ب") == "أ  ، ب"
    assert strip_emails("راسل a@b.com") == "راسل  "
    assert strip_html("<i>مائل</i>&amp;") == "مائل&"
    assert strip_wikitext("[[أ|ب]] {{ج}}'''د'''") == "ب د"
    assert map_presentation_forms("ﻻ ﷲ") == "لا الله"
    assert strip_control_chars("أ\u200fب\tج") == "أب\tج"
    assert normalize_whitespace(" أ \u00a0 ب \n\n ج ") == "أ ب\nج"
