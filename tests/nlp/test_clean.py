"""Tests for arabic_nlp.clean.clean_text."""

from __future__ import annotations

import random
import re
import unicodedata

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
    with pytest.raises(AttributeError):  # immutable
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


def test_presentation_form_table_equals_per_character_nfkc():
    from arabic_nlp.charsets import PRESENTATION_FORM_BLOCKS, PRESENTATION_FORM_FIXES
    from arabic_nlp.clean import _PRESENTATION_RE, _map_presentation_forms

    def reference(match: re.Match[str]) -> str:
        char = match.group(0)
        return PRESENTATION_FORM_FIXES.get(char) or unicodedata.normalize("NFKC", char).lstrip(" ")

    forms = [chr(cp) for first, last in PRESENTATION_FORM_BLOCKS for cp in range(first, last + 1)]
    rng = random.Random(5)
    texts = ["".join(forms), *forms]
    texts += ["".join(rng.choice(forms + ["ب", " ", "\n", "ﻻ", "ﻻ"]) for _ in range(40)) for _ in range(300)]
    for text in texts:
        changed = sum(reference(m) != m.group(0) for m in _PRESENTATION_RE.finditer(text))
        assert _map_presentation_forms(text) == (_PRESENTATION_RE.sub(reference, text), changed), repr(text)


def test_plain_whitespace_collapse_equals_the_regex_rule():
    from arabic_nlp.clean import _collapse_plain_whitespace

    rng = random.Random(9)
    pieces = [" ", "  ", "\n", "\n\n", " \n ", "ب", "نص", "x"]
    texts = ["", " ", "\n", "أ ب\nج", " أ\nب ", "أ\nب\n", "\nأ"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    for text in texts:
        expected = re.sub(r" ?\n[\n ]*", "\n", re.sub(" +", " ", text)).strip(" \n")
        assert _collapse_plain_whitespace(text) == expected, repr(text)


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


# --- hard cases -----------------------------------------------------------------


def test_slash_dates_and_mentions_are_not_urls_or_emails():
    raw = "ولد في ١٢/٥/٢٠٢٤ و 12/5/2024، تابعوا @user_1 والنسبة 50/50"
    result = clean_text(raw)
    assert result.text == raw
    assert result.removed["urls"] == result.removed["emails"] == 0


def test_url_variants_any_case_and_inside_quotes():
    result = clean_text("«https://x.org/a» WWW.Example.COM/path و(ftp://f.net/x) نهاية")
    assert result.text == "« » و( ) نهاية"
    assert result.removed["urls"] == 3


def test_currency_kept_trademark_and_arrows_dropped():
    result = clean_text("السعر 5€ أو 7$ أو ٣٪ ™ → ←")
    assert result.text == "السعر 5€ أو 7$ أو ٣٪"
    assert result.removed["non_arabic"] == 2  # the arrows
    assert result.removed["emoji"] == 1  # ™ is an emoji (™️) for the emoji package


def test_keycap_and_flag_emoji_removed_whole():
    result = clean_text("رقم #️⃣ و1️⃣ وعلم 🇵🇸 ثم ©")
    assert result.text == "رقم و وعلم ثم"
    assert result.removed["emoji"] == 4
    assert result.removed["control"] == 0  # FE0F / U+20E3 left with their emoji


def test_emoji_glued_to_words_and_digits():
    assert clean_text("جميل😍😍2024👍🏽جدا").text == "جميل 2024 جدا"


def test_arabic_number_signs_and_alm_removed_invisibly():
    # U+0600 (Arabic number sign) and U+061C (Arabic letter mark) carry no text.
    result = clean_text("\u0600١٢٣ كت\u061cاب")
    assert result.text == "١٢٣ كتاب"
    assert result.removed["control"] == 2


def test_crlf_form_feed_and_nel_are_line_breaks():
    assert clean_text("أ\r\nب\x0cج\x85د\u2028هـ").text == "أ\nب\nج\nد\nهـ"


def test_whitespace_only_lines_and_space_runs_collapse():
    assert clean_text("  أ   ب \n \n\t\n   ج  ").text == "أ ب\nج"


def test_public_whitespace_helpers():
    from arabic_nlp.clean import unify_whitespace

    assert unify_whitespace("أ\t\u00a0 ب\r\nج") == "أ ب\nج"
    assert normalize_whitespace("\n\n أ  \u2003 ب \u2028 ج \n") == "أ ب\nج"


# --- fast paths = full path -------------------------------------------------------

_PIECES = [
    "نص", "عربي", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\u00a0", "\u2003", "\u200f", "\u200c", "\u200d", "\ufeff",
    "\u0600", "ﻻ", "ﷲ", "﷼", "\ufe76", "﴾", "﴿", ".", "،", "؟", "!", "«", "»", "<b>", "</p>", "<br/>", "<!--x-->",
    "&amp;", "&nbsp;", "[[أ|ب]]", "{{قالب}}", "'''", "== ع ==", "__TOC__", "https://x.org/a", "www.y.com",
    "t.co/z", "a@b.com", "@user", "/", "١٢/٥", "3.14", "٣٫١٤", "😍", "👍🏽", "❤️", "#️⃣", "🇪🇬", "©", "€", "™", "★",
    "мир", "你好", "Hello", "é", "\x00", "\x85", "ـ", "ًٌٍَُِّْ", "ۖ", "۝", "گ", "ی",
    "&#64;", "&#47;", "&#119;", "٢٠٢٤", "۱۴", "w", "W", "x.com/", "x.ſs/", "://", "=", "_",
    "ۆ", "ā", "‽",  # kept, but outside the fast code
]


def _reference_clean(text: str, **flags) -> tuple[str, dict[str, int]]:
    """clean_text's steps run without any fast path or gate (the specification)."""
    import re

    import emoji

    from arabic_nlp import clean as c

    removed = dict.fromkeys(REMOVED_CATEGORIES, 0)
    for pattern, repl, nested, _, _ in c._WIKITEXT_STEPS:
        fn = c._counted_until_stable if nested else c._counted
        text, n = fn(pattern, repl, text)
        removed["wikitext"] += n
    for pattern, repl in ((c._HTML_COMMENT_RE, ""), (c._SCRIPT_STYLE_RE, " "), (c._TAG_RE, c._tag_replacement)):
        text, n = pattern.subn(repl, text)
        removed["html"] += n
    text, n = c._ENTITY_RE.subn(lambda m: __import__("html").unescape(m.group(0)), text)
    removed["html"] += n
    text, removed["emails"] = c._EMAIL_RE.subn(" ", text)
    text, removed["urls"] = c._URL_RE.subn(" ", text)
    text, removed["presentation_forms"] = c._map_presentation_forms(text)
    text = re.sub(r"[^\S\n]+", " ", re.sub(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]", "\n", text))
    removal = c._removal_re(flags.get("keep_latin", True), flags.get("keep_digits", True),
                            flags.get("keep_punctuation", True))
    pieces, start = [], 0

    def chunk(part: str) -> str:
        stripped = c._CONTROL_RE.sub("", part)
        removed["control"] += len(part) - len(stripped)
        kept = removal.sub(lambda m: removed.__setitem__("non_arabic", removed["non_arabic"] + len(m.group())) or " ",
                           stripped)
        return kept

    for span in emoji.emoji_list(text):
        pieces.append(chunk(text[start : span["match_start"]]))
        if flags.get("keep_emoji", False):
            pieces.append(span["emoji"])
        else:
            removed["emoji"] += 1
            pieces.append(" ")
        start = span["match_end"]
    pieces.append(chunk(text[start:]))
    text = re.sub(r" ?\n[\n ]*", "\n", re.sub(r"[^\S\n]+", " ", "".join(pieces))).strip(" \n")
    return text, removed


@pytest.mark.parametrize(
    "flags", [{}, {"keep_latin": False}, {"keep_digits": False, "keep_punctuation": False}, {"keep_emoji": True}]
)
def test_fast_paths_give_the_reference_result(flags):
    import random

    rng = random.Random(1234)
    texts = ["", "نص عربي بسيط.", "سطر\nسطر آخر  ", *_PIECES]
    texts += ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 30))) for _ in range(1500)]
    for text in texts:
        result = clean_text(text, **flags)
        assert (result.text, result.removed) == _reference_clean(text, **flags), repr(text)


def test_emoji_scan_by_runs_equals_whole_text_scan():
    import random

    import emoji

    from arabic_nlp.clean import _emoji_spans

    rng = random.Random(7)
    keys = sorted(emoji.EMOJI_DATA)
    pool = ["\u200d", "\ufe0f", "\ufe0e", "1", "#", "*", "a", "ب", " ", "🏽", "\u20e3", "\U0001f1ea", "\U000e0067", "€"]
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 8)):
            key = rng.choice(keys)
            parts.append(rng.choice([key, key[: rng.randint(1, 3)], rng.choice(pool)]))
        text = "".join(parts)
        assert _emoji_spans(text) == emoji.emoji_list(text), [hex(ord(c)) for c in text]


def test_url_scan_by_tokens_equals_whole_text_scan():
    import random

    from arabic_nlp.clean import _URL_RE, _strip_urls

    rng = random.Random(3)
    pool = ["http://", "https://", "ftp://", "www.", "WwW.", "x.com/", "a.b.co/", "t.co/ab", "/", ".", ",", "«", "»",
            " ", "\n", "\u00a0", "ب", "e.g", "x", "1", "-", "?", "؟", ":", "//", "(", ")", "ٌ", "HTTP://", "\u2003",
            "\u0131o", "\u212a", "ſ"]  # letters that IGNORECASE [a-z] also matches
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        assert _strip_urls(text) == _URL_RE.subn(" ", text), repr(text)


@pytest.mark.parametrize(
    "text",
    [
        "راسل a&#64;b.com الآن",  # the entity decodes to "@": e-mail steps must still run
        "انظر https&#58;//x.org/a الآن",  # decodes to ":"
        "موقع &#119;ww.example.com/a",  # decodes to "w"
        "&lt;b&gt;نص&lt;/b&gt;",
        "التاريخ ١٢/٥/٢٠٢٤ و 12/5/2024 و/أو 50/50",  # slashes without a URL hint
        "ﻻ إله ١٢٣ ۱۴۰۳ پ",  # presentation forms, then text outside Windows-1256
        "ﻻ\u200f نص",  # presentation form, then a control character
        "نص ١٢٣ <b>غامق</b> www.x.com",  # outside Windows-1256, with markup
        "word www and w/o slash",
    ],
)
@pytest.mark.parametrize("flags", [{}, {"keep_latin": False}, {"keep_digits": False, "keep_punctuation": False}])
def test_markup_gates_give_the_reference_result(text, flags):
    result = clean_text(text, **flags)
    assert (result.text, result.removed) == _reference_clean(text, **flags)


def test_tld_slash_gate_never_hides_a_url_hint():
    from arabic_nlp.clean import _TLD_SLASH_RE, _URL_HINT_RE, _WWW_RE

    for text in ["x.com/", "a.b.co/z", "x.\u0131o/", "x.\u212aa/", "x.ſs/", "1.2/3", "ب.ت/", "x.c/", "://"]:
        if _URL_HINT_RE.search(text):
            assert "://" in text or _WWW_RE.search(text) or _TLD_SLASH_RE.search(text), repr(text)


def test_fast_code_is_a_one_to_one_8_bit_code():
    from arabic_nlp.clean import (
        _FAST_ADDED,
        _FAST_DECODING_TABLE,
        _FAST_FREED,
        _encode_known,
    )

    assert len(_FAST_DECODING_TABLE) == len(set(_FAST_DECODING_TABLE)) == 256
    assert _FAST_DECODING_TABLE[:128] == "".join(map(chr, range(128)))  # markup bytes are ASCII
    assert _encode_known(_FAST_DECODING_TABLE) == bytes(range(256))
    assert _encode_known("ب" + _FAST_FREED + "😍ب") == _encode_known("بب")  # the others are dropped
    assert len(_encode_known(_FAST_ADDED)) == len(_FAST_ADDED)
    # The clean-character code is a C encoding map (a dict would be a slow per-character lookup).
    from arabic_nlp.clean import _build_checks

    assert type(_build_checks(True, True, True).clean_encoding).__name__ == "EncodingMap"
    # Text outside the code still gets the same result, via the regex checks.
    for text in ["نص \u200c عربي", "© ٢٠٢٤ نص", "ƒ نص"]:
        assert (clean_text(text).text, clean_text(text).removed) == _reference_clean(text)
