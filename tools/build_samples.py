#!/usr/bin/env python3
"""Build the embedded sample corpora that ship with ``arabic_llm`` (stdlib only, deterministic).

Every text in this file was written for this project (no text is taken from Wikipedia, Bactrian-X,
OpenAssistant or any other dataset); it is licensed like the project (Apache-2.0). The files are
written in the *real* source formats so that the real parsers run on them:

    arwiki-sample-pages-articles.xml.bz2  MediaWiki XML export, schema 0.11 (what dumps.wikimedia.org ships)
    bactrian-x-ar.jsonl                   Bactrian-X records {"instruction", "input", "id", "output"}
    oasst1-ar.jsonl                       oasst1 messages, one JSON object per line, forming message trees
    dialect-labels.json                   intended dialect of every document a parser keeps (ground truth)

Running the script twice gives byte-identical files: no timestamps are read from the clock, bz2 uses a
fixed compresslevel (bz2 streams carry no header date), ids are derived with uuid5/sha1 from fixed names.

Usage:
    python tools/build_samples.py           # write into arabic_llm/sample_data
    python tools/build_samples.py --out DIR # write into DIR (tests use a tmp dir)
    python tools/build_samples.py --stats   # print the per-source / per-dialect table for README.md
"""

from __future__ import annotations

import argparse
import bz2
import datetime as _dt
import hashlib
import json
import os
import sys
import tempfile
import urllib.parse
import uuid
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

WIKI_FILE = "arwiki-sample-pages-articles.xml.bz2"
BACTRIAN_FILE = "bactrian-x-ar.jsonl"
OASST_FILE = "oasst1-ar.jsonl"
LABELS_FILE = "dialect-labels.json"
OUTPUT_FILES = (WIKI_FILE, BACTRIAN_FILE, OASST_FILE, LABELS_FILE)

DIALECTS = ("MSA", "EGY", "GLF", "LEV", "MGR")
BZ2_LEVEL = 9
# Minimum length (characters) of every dialect document, so that dialect identification has real work.
MIN_DIALECT_CHARS = 60
# Fixed namespace for the deterministic oasst1 message / user ids.
OASST_UUID_NAMESPACE = uuid.UUID("6f1c2a3e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")

# ---------------------------------------------------------------------------------------------------
# MediaWiki XML export
# ---------------------------------------------------------------------------------------------------

MW_SCHEMA = "http://www.mediawiki.org/xml/export-0.11/"
# (key, name) of the namespaces of Arabic Wikipedia that the sample declares in <siteinfo>.
MW_NAMESPACES = (
    (-2, "ميديا"),
    (-1, "خاص"),
    (0, ""),
    (1, "نقاش"),
    (2, "مستخدم"),
    (3, "نقاش المستخدم"),
    (4, "ويكيبيديا"),
    (5, "نقاش ويكيبيديا"),
    (6, "ملف"),
    (7, "نقاش الملف"),
    (8, "ميدياويكي"),
    (9, "نقاش ميدياويكي"),
    (10, "قالب"),
    (11, "نقاش القالب"),
    (12, "مساعدة"),
    (13, "نقاش المساعدة"),
    (14, "تصنيف"),
    (15, "نقاش التصنيف"),
    (100, "بوابة"),
    (101, "نقاش البوابة"),
)
MW_CONTRIBUTORS = (
    ("محرر عينة", 101),
    ("Sample Editor", 102),
    ("كاتب المقالات", 103),
    ("مدقق لغوي", 104),
    ("بوت الصيانة", 105),
)
MW_COMMENTS = ("", "تدقيق لغوي", "إضافة مصادر", "", "تحديث صندوق المعلومات", "توسيع المقالة")
# MediaWiki escapes double quotes in <text> as &quot; (besides & < >).
_TEXT_ENTITIES = {'"': "&quot;"}
MW_BASE_TIME = _dt.datetime(2024, 1, 3, 8, 15, 0, tzinfo=_dt.timezone.utc)


def mediawiki_sha1(text: str) -> str:
    """SHA-1 of a revision text the way MediaWiki stores it (<sha1> of an XML dump).

    Args:
        text: the wikitext.
    Returns:
        The SHA-1 of the UTF-8 bytes as a lowercase base-36 number left-padded with 0 to 31 digits.
    """
    number = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = []
    while number:
        number, rem = divmod(number, 36)
        out.append(digits[rem])
    return "".join(reversed(out)).rjust(31, "0")


def _ns_name(key: int) -> str:
    for ns_key, name in MW_NAMESPACES:
        if ns_key == key:
            return name
    raise KeyError(f"namespace {key} is not declared in MW_NAMESPACES; add it there")


def _wiki_page_specs() -> list[dict]:
    """All pages of the dump in file order: articles, redirects, then pages of other namespaces."""
    specs = []
    for title, text in WIKI_ARTICLES:
        specs.append({"title": title, "ns": 0, "text": text.strip(), "redirect": None})
    for title, target in WIKI_REDIRECTS:
        specs.append({"title": title, "ns": 0, "text": f"#تحويل [[{target}]]", "redirect": target})
    for ns, title, text in WIKI_OTHER_NS:
        specs.append({"title": f"{_ns_name(ns)}:{title}", "ns": ns, "text": text.strip(), "redirect": None})
    return specs


def build_wiki_xml() -> bytes:
    """Render the MediaWiki XML export (uncompressed UTF-8 bytes)."""
    base = "https://ar.wikipedia.org/wiki/" + urllib.parse.quote("الصفحة_الرئيسية")
    lines = [
        f'<mediawiki xmlns="{MW_SCHEMA}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{MW_SCHEMA} http://www.mediawiki.org/xml/export-0.11.xsd" '
        'version="0.11" xml:lang="ar">',
        "  <siteinfo>",
        "    <sitename>ويكيبيديا</sitename>",
        "    <dbname>arwiki</dbname>",
        f"    <base>{_xml_escape(base)}</base>",
        "    <generator>MediaWiki 1.42.0-wmf.1</generator>",
        "    <case>first-letter</case>",
        "    <namespaces>",
    ]
    for key, name in MW_NAMESPACES:
        if name:
            lines.append(f'      <namespace key="{key}" case="first-letter">{_xml_escape(name)}</namespace>')
        else:
            lines.append(f'      <namespace key="{key}" case="first-letter" />')
    lines += ["    </namespaces>", "  </siteinfo>"]

    for index, spec in enumerate(_wiki_page_specs()):
        page_id = 1000 + 7 * index
        rev_id = 5_000_000 + 131 * index
        parent_id = rev_id - 17
        user, user_id = MW_CONTRIBUTORS[index % len(MW_CONTRIBUTORS)]
        stamp = MW_BASE_TIME + _dt.timedelta(days=3 * index, hours=index % 11, minutes=(7 * index) % 60)
        comment = MW_COMMENTS[index % len(MW_COMMENTS)]
        text = spec["text"]
        lines += [
            "  <page>",
            f"    <title>{_xml_escape(spec['title'])}</title>",
            f"    <ns>{spec['ns']}</ns>",
            f"    <id>{page_id}</id>",
        ]
        if spec["redirect"] is not None:
            lines.append(f"    <redirect title={_xml_quoteattr(spec['redirect'])} />")
        lines += [
            "    <revision>",
            f"      <id>{rev_id}</id>",
            f"      <parentid>{parent_id}</parentid>",
            f"      <timestamp>{stamp.strftime('%Y-%m-%dT%H:%M:%SZ')}</timestamp>",
            "      <contributor>",
            f"        <username>{_xml_escape(user)}</username>",
            f"        <id>{user_id}</id>",
            "      </contributor>",
        ]
        if index % 9 == 4:
            lines.append("      <minor />")
        if comment:
            lines.append(f"      <comment>{_xml_escape(comment)}</comment>")
        lines += [
            "      <model>wikitext</model>",
            "      <format>text/x-wiki</format>",
            f'      <text bytes="{len(text.encode("utf-8"))}" xml:space="preserve">{_xml_escape(text, _TEXT_ENTITIES)}</text>',
            f"      <sha1>{mediawiki_sha1(text)}</sha1>",
            "    </revision>",
            "  </page>",
        ]
    lines.append("</mediawiki>")
    return ("\n".join(lines) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------------
# Bactrian-X
# ---------------------------------------------------------------------------------------------------


def bactrian_id(index: int) -> str:
    """Id of the index-th Bactrian-X sample record (stable across runs)."""
    return f"ar-sample-{index + 1:04d}"


def build_bactrian_records() -> list[dict]:
    """Records in Bactrian-X key order: instruction, input, id, output."""
    records = []
    for index, (_dialect, instruction, input_text, output) in enumerate(BACTRIAN):
        records.append(
            {"instruction": instruction, "input": input_text, "id": bactrian_id(index), "output": output}
        )
    return records


# ---------------------------------------------------------------------------------------------------
# oasst1
# ---------------------------------------------------------------------------------------------------

OASST_BASE_TIME = _dt.datetime(2023, 2, 6, 9, 12, 31, 104_211, tzinfo=_dt.timezone.utc)


def _oasst_uuid(name: str) -> str:
    return str(uuid.uuid5(OASST_UUID_NAMESPACE, name))


def _oasst_messages() -> list[tuple[dict, str]]:
    """(message, dialect) pairs in tree order (a parent always precedes its children).

    Every tree is (dialect, lang, prompt, replies, followup): replies are the assistant answers to the
    prompt (a reply given as ("deleted", text) is marked deleted); followup is None or (prompt, answer)
    attached under the first reply.
    """
    out = []
    for t, (dialect, lang, prompt, replies, followup) in enumerate(OASST_TREES):
        tree_time = OASST_BASE_TIME + _dt.timedelta(days=t, hours=(5 * t) % 13, minutes=(11 * t) % 60)
        root_id = _oasst_uuid(f"tree{t}/root")
        counter = [0]

        def message(path, parent, role, text, rank, deleted=False):
            counter[0] += 1
            n = counter[0]
            created = tree_time + _dt.timedelta(minutes=17 * (n - 1), seconds=13 * n, microseconds=977 * n)
            is_assistant = role == "assistant"
            quality = round(0.5 + ((t * 7 + n * 3) % 5) / 10, 2)
            msg = {
                "message_id": root_id if parent is None else _oasst_uuid(f"tree{t}/{path}"),
                "parent_id": parent,
                "user_id": _oasst_uuid(f"user{(t * 3 + n) % 23}"),
                "created_date": created.isoformat(timespec="microseconds"),
                "text": text,
                "role": role,
                "lang": lang,
                "review_count": 3 + (t + n) % 3,
                "review_result": not deleted,
                "deleted": deleted,
                "rank": rank,
                "synthetic": False,
                "model_name": None,
                "detoxify": None,
                "message_tree_id": root_id,
                "tree_state": "ready_for_export",
                "emojis": {"name": ["+1", "_skip_labeling"], "count": [1 + (t + n) % 4, 1]}
                if is_assistant
                else {"name": ["_skip_reply"], "count": [1 + n % 2]},
                "labels": {
                    "name": ["spam", "lang_mismatch", "quality"],
                    "value": [1.0 if deleted else 0.0, 0.0, quality],
                    "count": [3, 3, 3],
                },
            }
            out.append((msg, dialect))
            return msg["message_id"]

        message("root", None, "prompter", prompt, None)
        reply_ids = []
        ranked = [r for r in replies if not isinstance(r, tuple)]
        for r, reply in enumerate(replies):
            deleted = isinstance(reply, tuple)
            text = reply[1] if deleted else reply
            rank = None if deleted else ranked.index(reply)  # 0 = best; deleted replies are unranked
            reply_ids.append(message(f"a{r}", root_id, "assistant", text, rank, deleted))
        if followup is not None:
            follow_prompt, follow_answer = followup
            p_id = message("a0/p", reply_ids[0], "prompter", follow_prompt, None)
            message("a0/p/a", p_id, "assistant", follow_answer, 0)
    return out


def build_oasst_messages() -> list[dict]:
    return [msg for msg, _dialect in _oasst_messages()]


# ---------------------------------------------------------------------------------------------------
# Labels, statistics, checks
# ---------------------------------------------------------------------------------------------------


def dialect_labels() -> dict[str, str]:
    """Intended dialect of every document a parser keeps, keyed by the pipeline's document id.

    Ids follow contracts.md: "wiki:<page id>", "bactrian:<id>", "oasst:<message_id>". A document is what
    arabic_llm.corpus makes of the sources: one per namespace-0 article that is not a redirect, one per
    Bactrian-X record, and one per oasst1 assistant reply (the reply with its parent prompt, id of the
    reply) whose reply and prompt are both Arabic and not deleted.
    """
    labels = {}
    for index, spec in enumerate(_wiki_page_specs()):
        if spec["ns"] == 0 and spec["redirect"] is None:
            labels[f"wiki:{1000 + 7 * index}"] = "MSA"
    for index, (dialect, *_rest) in enumerate(BACTRIAN):
        labels[f"bactrian:{bactrian_id(index)}"] = dialect
    kept = {m["message_id"]: m for m, _d in _oasst_messages() if m["lang"] == "ar" and not m["deleted"]}
    for msg, dialect in _oasst_messages():
        parent = kept.get(msg["parent_id"] or "")
        if msg["message_id"] in kept and msg["role"] == "assistant" and parent and parent["role"] == "prompter":
            labels[f"oasst:{msg['message_id']}"] = dialect
    return labels


def dialect_counts() -> dict[str, dict[str, int]]:
    """{source: {dialect: number of kept documents}} for the three sources."""
    counts = {source: {d: 0 for d in DIALECTS} for source in ("wikipedia", "bactrian-x", "oasst1")}
    prefix_source = {"wiki": "wikipedia", "bactrian": "bactrian-x", "oasst": "oasst1"}
    for doc_id, dialect in dialect_labels().items():
        counts[prefix_source[doc_id.split(":", 1)[0]]][dialect] += 1
    return counts


def stats_table() -> str:
    """Markdown table of kept documents per source and dialect (pasted into README.md)."""
    counts = dialect_counts()
    header = "| source | " + " | ".join(DIALECTS) + " | total |"
    rule = "|---" * (len(DIALECTS) + 2) + "|"
    rows = [header, rule]
    totals = {d: 0 for d in DIALECTS}
    for source, per in counts.items():
        rows.append(f"| {source} | " + " | ".join(str(per[d]) for d in DIALECTS) + f" | {sum(per.values())} |")
        for d in DIALECTS:
            totals[d] += per[d]
    rows.append("| all | " + " | ".join(str(totals[d]) for d in DIALECTS) + f" | {sum(totals.values())} |")
    return "\n".join(rows)


def check_sources() -> None:
    """Fail fast, naming the bad entry, when the hand-written data breaks the sample's promises."""
    titles = [t for t, _ in WIKI_ARTICLES]
    if len(set(titles)) != len(titles):
        dupes = sorted({t for t in titles if titles.count(t) > 1})
        raise ValueError(f"duplicate wiki titles {dupes}; rename them in WIKI_ARTICLES")
    for _title, target in WIKI_REDIRECTS:
        if target not in titles:
            raise ValueError(f"redirect target {target!r} is not an article title in WIKI_ARTICLES")
    for index, (dialect, instruction, _input, output) in enumerate(BACTRIAN):
        if dialect not in DIALECTS:
            raise ValueError(f"BACTRIAN[{index}] has unknown dialect {dialect!r}; use one of {DIALECTS}")
        if not instruction.strip() or not output.strip():
            raise ValueError(f"BACTRIAN[{index}] has an empty instruction or output")
        if dialect != "MSA" and len(output) < MIN_DIALECT_CHARS:
            raise ValueError(f"BACTRIAN[{index}] ({dialect}) output has {len(output)} < {MIN_DIALECT_CHARS} chars")
    for msg, dialect in _oasst_messages():
        if dialect not in DIALECTS + ("EN",):
            raise ValueError(f"oasst message {msg['text'][:30]!r} has unknown dialect {dialect!r}")
        if dialect not in ("MSA", "EN") and len(msg["text"]) < MIN_DIALECT_CHARS:
            raise ValueError(
                f"oasst {dialect} message {msg['text'][:30]!r} has {len(msg['text'])} < {MIN_DIALECT_CHARS} chars"
            )


# ---------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def render_files() -> dict[str, bytes]:
    """{file name: exact bytes} of every output file."""
    check_sources()
    return {
        WIKI_FILE: bz2.compress(build_wiki_xml(), compresslevel=BZ2_LEVEL),
        BACTRIAN_FILE: _jsonl(build_bactrian_records()),
        OASST_FILE: _jsonl(build_oasst_messages()),
        LABELS_FILE: (json.dumps(dialect_labels(), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode(
            "utf-8"
        ),
    }


def write_files(out_dir: Path) -> list[Path]:
    """Write every output file into out_dir (temporary name, then rename). Returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in render_files().items():
        path = out_dir / name
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the files are package data readable by everyone
        os.replace(tmp, path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "arabic_llm" / "sample_data",
                        help="output directory (default: the package's arabic_llm/sample_data)")
    parser.add_argument("--stats", action="store_true", help="only print the README table of counts")
    args = parser.parse_args(argv)
    if args.stats:
        check_sources()
        print(stats_table())
        return 0
    for path in write_files(args.out):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


# ===================================================================================================
# SOURCE TEXTS. Invisible or look-alike characters are written as escapes so that a reader sees them:
# \u200f RIGHT-TO-LEFT MARK, \ufefb ARABIC LIGATURE LAM WITH ALEF (presentation form), \ufdf2 ARABIC
# LIGATURE ALLAH (presentation form), \u06a9 KEHEH (Persian kaf), \u06cc FARSI YEH.
# ===================================================================================================

# (title, wikitext) of the namespace-0 articles. Encyclopedia-style MSA written for this sample.
WIKI_ARTICLES: list[tuple[str, str]] = [
    ("القاهرة", """
{{صندوق معلومات مدينة
| الاسم = القاهرة
| البلد = [[مصر]]
| المساحة = 3085 كم²
| الصورة = منظر القاهرة من البرج.jpg
}}
'''القاهرة''' هي عاصمة [[مصر|جمهورية مصر العربية]] وأكبر مدنها، وتقع على ضفتي [[نهر النيل]] قرب رأس الدلتا.<ref>{{استشهاد بكتاب|عنوان=مدن النيل|سنة=2019}}</ref> أسسها الفاطميون سنة 969م، وأصبحت منذ ذلك الحين مركزًا سياسيًا وثقافيًا للعالم العربي.

== التاريخ ==
ازدهرت المدينة في العصر المملوكي، فشُيّدت فيها المساجد والمدارس والأسبلة التي ما زالت قائمة في ''القاهرة التاريخية''.<ref name="تراث">تقرير التراث العمراني، ٢٠٢١.</ref> ويضم [[جامع الأزهر]] أقدم جامعة ما زالت تعمل في المدينة.

== السكان ==
يتجاوز عدد سكان القاهرة الكبرى عشرين مليون نسمة، مما يجعلها من أكبر التجمعات الحضرية في [[أفريقيا]].<ref name="تراث" />
<!-- يحتاج رقم السكان إلى تحديث بعد التعداد القادم -->

[[ملف:منظر القاهرة من البرج.jpg|تصغير|منظر عام للمدينة]]

== وصلات خارجية ==
* [http://example.org/cairo بوابة المدينة]

[[تصنيف:عواصم أفريقيا]]
[[تصنيف:مدن مصر]]
"""),
    ("الإسكندرية", """
'''الإسكندرية''' مدينة ساحلية في شمال [[مصر]] على [[البحر الأبيض المتوسط]]، أسسها [[الإسكندر الأكبر]] سنة 331 ق.م.<ref>دليل المدن الساحلية، ص ٤٥.</ref> اشتهرت قديمًا بمنارتها التي عُدّت من عجائب الدنيا السبع، وبمكتبتها الكبرى.

تُلقّب المدينة بـ'''عروس البحر المتوسط'''، وهي ثاني أكبر مدن البلاد وأهم موانئها. ويقصدها المصطافون في الصيف لشواطئها الممتدة على طول الكورنيش.

== الثقافة ==
تحتضن المدينة [[مكتبة الإسكندرية]] الحديثة التي افتُتحت سنة 2002، وعددًا من المتاحف والمسارح.

[[تصنيف:مدن مصر]]
[[تصنيف:موانئ البحر المتوسط]]
"""),
    ("دمشق", """
{{صندوق معلومات مدينة
| الاسم = دمشق
| البلد = [[سوريا]]
| اللقب = الفيحاء
}}
'''دمشق''' عاصمة [[سوريا]]، وتُعدّ من أقدم المدن المأهولة باستمرار في العالم.<ref name="قدم">موسوعة المدن القديمة، ج٢.</ref> يمرّ بها [[نهر بردى]] وتحيط بها بساتين [[الغوطة]].

== المعالم ==
من أشهر معالمها '''الجامع الأموي''' الذي بُني في عهد الخليفة الوليد بن عبد الملك، و''سوق الحميدية'' المسقوف.<ref name="قدم" /> وتضم المدينة القديمة بيوتًا دمشقية تقليدية ذات فناء داخلي ونافورة.

[[ملف:الجامع الأموي.jpg|تصغير|يسار|صحن الجامع الأموي]]
[[تصنيف:عواصم آسيا]]
[[تصنيف:مدن سوريا]]
"""),
    ("حلب", """
'''حلب''' مدينة في شمال [[سوريا]]، كانت لقرون طويلة محطة رئيسة على طرق التجارة بين [[آسيا]] و[[البحر الأبيض المتوسط]]. تتوسطها '''قلعة حلب''' القائمة على تل مرتفع.<ref>أطلس القلاع، ٢٠١٨.</ref>

اشتهرت المدينة بأسواقها المسقوفة وبخاناتها، وبصناعة [[صابون الغار]] الذي يُصدَّر إلى بلدان كثيرة. كما عُرفت بالموسيقى، ولا سيما ''القدود الحلبية''.

[[تصنيف:مدن سوريا]]
"""),
    ("بغداد", """
{{صندوق معلومات مدينة
| الاسم = بغداد
| البلد = [[العراق]]
| التأسيس = 762م
}}
'''بغداد''' عاصمة [[العراق]]، أسسها الخليفة العباسي [[أبو جعفر المنصور]] سنة 762م على ضفاف [[نهر دجلة]]، وسمّاها ''مدينة السلام''.<ref>{{استشهاد بويب|مسار=http://example.org/baghdad|عنوان=تاريخ بغداد المختصر}}</ref>

== العصر العباسي ==
كانت المدينة المدوّرة مركز الخلافة العباسية، وفيها ازدهر [[بيت الحكمة]] حيث تُرجمت كتب الفلسفة والطب والفلك. وقد بلغت بغداد في القرن التاسع الميلادي مكانة علمية لم تبلغها مدينة أخرى في عصرها.

[[تصنيف:عواصم آسيا]]
[[تصنيف:مدن العراق]]
"""),
    ("بيروت", """
'''بيروت''' عاصمة [[لبنان]] وأكبر مدنه، تقع على ساحل [[البحر الأبيض المتوسط]].<ref name="بيروت">دليل لبنان السياحي، ٢٠٢٠.</ref> وهي مركز البلاد التجاري والمصرفي والثقافي.

تشتهر بيروت بجامعاتها ودور النشر فيها، حتى قيل قديمًا: «القاهرة تكتب، وبيروت تطبع، وبغداد تقرأ».<ref name="بيروت" /> ومن معالمها '''صخرة الروشة''' و''الكورنيش البحري''.

[[تصنيف:عواصم آسيا]]
[[تصنيف:مدن لبنان]]
"""),
    ("عمان (الأردن)", """
'''عَمّان''' عاصمة [[الأردن|المملكة الأردنية الهاشمية]]، وقد بُنيت في الأصل على سبعة جبال.<ref>موسوعة المدن الأردنية، ص ١٢.</ref> عُرفت في العصر الروماني باسم ''فيلادلفيا''، وما زال [[المدرج الروماني (عمان)|مدرجها الروماني]] قائمًا وسطها.

توسعت المدينة بسرعة في القرن العشرين، وصارت اليوم أكبر مدن المملكة ومركزها الاقتصادي. وتشتهر بيوتها بالحجر الأبيض الذي يكسو واجهاتها.

[[تصنيف:عواصم آسيا]]
[[تصنيف:مدن الأردن]]
"""),
    ("الرباط", """
'''الرباط''' عاصمة [[المغرب|المملكة المغربية]]، تقع على المحيط الأطلسي عند مصب [[نهر أبي رقراق]]. <ref name="رباط">دليل المدن المغربية، ٢٠١٧.</ref>

من معالمها '''صومعة حسان''' التي بدأ بناءها الموحدون ولم تكتمل، و''قصبة الأوداية'' المطلة على البحر.<ref name="رباط" /> وقد أُدرجت المدينة على قائمة التراث العالمي سنة 2012.

[[ملف:صومعة حسان.jpg|تصغير|صومعة حسان]]
[[تصنيف:عواصم أفريقيا]]
[[تصنيف:مدن المغرب]]
"""),
    ("فاس", """
'''فاس''' من أعرق مدن [[المغرب]]، أسسها إدريس الأول ثم وسّعها ابنه إدريس الثاني في أواخر القرن الثامن الميلادي.<ref>تاريخ المدن المغربية، ج١.</ref> وتُعدّ مدينتها القديمة ''فاس البالي'' من أوسع المناطق الحضرية الخالية من السيارات في العالم.

تضم المدينة [[جامعة القرويين]] التي أسستها فاطمة الفهرية سنة 859م، ودباغات الجلود التقليدية الشهيرة.

[[تصنيف:مدن المغرب]]
"""),
    ("مراكش", """
'''مراكش''' مدينة في وسط [[المغرب]] عند سفوح [[جبال الأطلس]]، أسسها المرابطون في القرن الحادي عشر الميلادي.<ref>المدن الحمراء، ٢٠١٥.</ref> تُلقّب بـ'''المدينة الحمراء''' نسبةً إلى لون أسوارها وبيوتها.

تشتهر ساحة '''جامع الفنا''' بالحكواتيين والموسيقيين وباعة الطعام، وقد أدرجتها اليونسكو ضمن التراث الثقافي غير المادي. وتطل على الساحة صومعة جامع الكتبية.

[[تصنيف:مدن المغرب]]
"""),
    ("تونس (مدينة)", """
'''تونس''' عاصمة [[تونس|الجمهورية التونسية]]، تقع على خليج تونس قرب أطلال مدينة [[قرطاج]] القديمة.<ref name="تونس">دليل المغرب العربي، ٢٠١٩.</ref>

تضم المدينة العتيقة ''جامع الزيتونة'' وأسواقًا تقليدية متخصصة في العطور والنحاس والشاشية.<ref name="تونس" /> أما المدينة الحديثة فتمتد حول ''شارع الحبيب بورقيبة''.

[[تصنيف:عواصم أفريقيا]]
"""),
    ("الجزائر (مدينة)", """
'''الجزائر''' عاصمة [[الجزائر|الجمهورية الجزائرية]] وأكبر مدنها، وتُلقّب بـ''البهجة'' و''المحروسة''.<ref>موسوعة المدن الجزائرية، ص ٨.</ref> تتدرج بيوتها البيضاء على التلال المطلة على خليج واسع.

وتُعدّ '''القصبة''' أقدم أحيائها، وهي مدينة عثمانية متشابكة الأزقة أُدرجت ضمن التراث العالمي سنة 1992. <!-- التحقق من السنة -->

[[تصنيف:عواصم أفريقيا]]
"""),
    ("مسقط", """
'''مسقط''' عاصمة [[سلطنة عمان]]، تقع على ساحل [[بحر عمان]] وتحيط بها جبال صخرية.<ref>دليل الخليج، ٢٠٢٢.</ref> ومن معالمها '''جامع السلطان قابوس الأكبر''' و''دار الأوبرا السلطانية''.

يعتمد اقتصاد المدينة على الميناء والخدمات والسياحة، وتشتهر أسواقها، ولا سيما سوق مطرح، باللبان والفضة.

[[تصنيف:عواصم آسيا]]
"""),
    ("الدوحة", """
'''الدوحة''' عاصمة [[قطر|دولة قطر]] وأكبر مدنها، تقع على الساحل الشرقي لشبه الجزيرة القطرية المطل على [[الخليج العربي]].<ref>الخليج في أرقام، ٢٠٢٣.</ref>

نمت المدينة من قرية لصيد اللؤلؤ إلى مدينة حديثة ذات أبراج عالية. ويضم ''متحف الفن الإسلامي'' المقام على جزيرة صناعية مجموعات نادرة من المخطوطات والخزف.

[[تصنيف:عواصم آسيا]]
"""),
    ("الكويت (مدينة)", """
'''مدينة الكويت''' عاصمة [[الكويت|دولة الكويت]]، تقع على جون الكويت في شمال [[الخليج العربي]].<ref>تاريخ الخليج الحديث، ج٣.</ref> كانت في الماضي مرفأً لصناعة السفن الخشبية وللغوص على اللؤلؤ.

ومن أشهر معالمها '''أبراج الكويت''' التي افتُتحت سنة 1979 وصارت رمزًا للبلاد.

[[تصنيف:عواصم آسيا]]
"""),
    ("الرياض", """
{{صندوق معلومات مدينة
| الاسم = الرياض
| البلد = [[السعودية]]
| المنطقة = منطقة الرياض
}}
'''الرياض''' عاصمة [[السعودية|المملكة العربية السعودية]] وأكبر مدنها، تقع في قلب [[نجد]].<ref>دليل المدن السعودية، ٢٠٢١.</ref> ويعود اسمها إلى الرياض والبساتين التي كانت تحيط بها.

شهدت المدينة نموًا عمرانيًا هائلًا منذ منتصف القرن العشرين، ومن معالمها ''قصر المصمك'' و''برج المملكة''.

[[تصنيف:عواصم آسيا]]
[[تصنيف:مدن السعودية]]
"""),
    ("صنعاء", """
'''صنعاء''' عاصمة [[اليمن]] التاريخية، وتقع على هضبة مرتفعة يزيد ارتفاعها على ألفي متر.<ref>عمارة اليمن، ٢٠١٤.</ref> تشتهر مدينتها القديمة ببيوتها البرجية المبنية من الطين والآجر والمزينة بالجص الأبيض.

وقد أُدرجت صنعاء القديمة على قائمة التراث العالمي سنة 1986، وفيها أسواق عتيقة مثل ''سوق الملح''.

[[تصنيف:مدن اليمن]]
"""),
    ("الخرطوم", """
'''الخرطوم''' عاصمة [[السودان]]، تقع عند ملتقى [[النيل الأبيض]] و[[النيل الأزرق]] حيث يتكوّن [[نهر النيل]].<ref>جغرافيا السودان، ص ٣٣.</ref> ويُسمّى موضع الالتقاء ''المقرن''.

تتكون العاصمة المثلثة من الخرطوم وأم درمان والخرطوم بحري، وتربط بينها جسور عدة.

[[تصنيف:عواصم أفريقيا]]
"""),
    ("نواكشوط", """
'''نواكشوط''' عاصمة [[موريتانيا]] وأكبر مدنها، تقع على ساحل المحيط الأطلسي.<ref>موريتانيا الحديثة، ٢٠١٦.</ref> أُنشئت عاصمةً سنة 1958 تقريبًا، بعد أن كانت قرية صغيرة.

تأثرت المدينة بزحف الرمال من [[الصحراء الكبرى]]، وتنتشر فيها الأسواق الشعبية ومحاظر تعليم القرآن واللغة.

[[تصنيف:عواصم أفريقيا]]
"""),
    ("نهر النيل", """
{{صندوق معلومات نهر
| الاسم = النيل
| الطول = 6650 كم
| المصب = [[البحر الأبيض المتوسط]]
}}
'''نهر النيل''' أطول أنهار [[أفريقيا]]، ويجري من الجنوب إلى الشمال حتى يصب في [[البحر الأبيض المتوسط]].<ref name="نيل">أطلس أنهار أفريقيا، ٢٠٢٠.</ref> يتكوّن من رافدين رئيسين هما [[النيل الأبيض]] و[[النيل الأزرق]].

== الأهمية ==
قامت على ضفافه حضارة [[مصر القديمة]]، إذ كان فيضانه السنوي يجلب الطمي الخصب إلى الأراضي الزراعية.<ref name="نيل" /> وقد نظّم [[السد العالي]] هذا الفيضان منذ ستينيات القرن العشرين.

{| class="wikitable"
|+ دول حوض النيل (مختارات)
! الدولة !! العاصمة
|-
| [[مصر]] || [[القاهرة]]
|-
| [[السودان]] || [[الخرطوم]]
|-
| [[إثيوبيا]] || [[أديس أبابا]]
|}

[[تصنيف:أنهار أفريقيا]]
"""),
    ("نهر الفرات", """
'''نهر الفرات''' من أطول أنهار [[غرب آسيا]]، ينبع من مرتفعات [[تركيا]] ويجري في [[سوريا]] و[[العراق]].<ref>أنهار الهلال الخصيب، ص ٢١.</ref> يلتقي بـ[[نهر دجلة]] جنوب العراق فيكوّنان ''شط العرب''.

شكّل النهر مع دجلة ما يُعرف بـ'''بلاد الرافدين''' حيث نشأت حضارات [[سومر]] و[[بابل]] و[[آشور]]. وتعتمد عليه الزراعة في مساحات واسعة من البلدين.

[[تصنيف:أنهار آسيا]]
"""),
    ("نهر دجلة", """
'''نهر دجلة''' نهر ينبع من جبال [[طوروس]] في [[تركيا]]، ويمر بمدن عراقية كبرى مثل [[الموصل]] و[[بغداد]].<ref>أنهار الهلال الخصيب، ص ٢٧.</ref>

يتميز دجلة بسرعة جريانه مقارنةً بالفرات، ويلتقي به عند مدينة القرنة. وقد ذكره الجغرافيون العرب كثيرًا في كتبهم.

[[تصنيف:أنهار آسيا]]
"""),
    ("الصحراء الكبرى", """
'''الصحراء الكبرى''' أكبر صحراء حارة في العالم، تمتد في شمال [[أفريقيا]] من المحيط الأطلسي غربًا إلى [[البحر الأحمر]] شرقًا.<ref name="صحراء">جغرافيا الصحارى، ٢٠١٣.</ref> تبلغ مساحتها نحو تسعة ملايين كيلومتر مربع.

تتنوع تضاريسها بين الكثبان الرملية (العروق) والهضاب الصخرية (الحمادة) والجبال البركانية.<ref name="صحراء" /> وتعيش فيها قبائل رحّل منذ آلاف السنين، أشهرها [[الطوارق]].

[[تصنيف:صحارى أفريقيا]]
"""),
    ("البحر الأحمر", """
'''البحر الأحمر''' ذراع بحرية تفصل بين [[أفريقيا]] و[[شبه الجزيرة العربية]]، ويتصل بالمحيط الهندي عبر [[باب المندب]].<ref>البحار والمحيطات، ص ٦٠.</ref>

تكثر فيه الشعاب المرجانية، مما يجعله مقصدًا لهواة الغوص. وقد زادت أهميته التجارية بعد افتتاح [[قناة السويس]] سنة 1869.

[[تصنيف:بحار]]
"""),
    ("جبال الأطلس", """
'''جبال الأطلس''' سلسلة جبلية في شمال غرب [[أفريقيا]] تمتد عبر [[المغرب]] و[[الجزائر]] و[[تونس]].<ref>تضاريس المغرب العربي، ٢٠١١.</ref> أعلى قممها ''جبل توبقال'' الذي يبلغ ارتفاعه ٤١٦٧ مترًا.

تغطي الثلوج قممها العالية في الشتاء، وتنبع منها أنهار عديدة. ويسكن سفوحها الأمازيغ الذين يمارسون الزراعة والرعي.

[[تصنيف:جبال أفريقيا]]
"""),
    ("الربع الخالي", """
'''الربع الخالي''' أكبر صحراء رملية متصلة في العالم، تقع في جنوب [[شبه الجزيرة العربية]].<ref>رمال الجزيرة، ٢٠٠٩.</ref> تتجاوز بعض كثبانها ارتفاع مئتين وخمسين مترًا.

وقد عبرها عدد قليل من الرحالة في القرن العشرين، ووصفوا قسوة مناخها وندرة مياهها.

[[تصنيف:صحارى آسيا]]
"""),
    ("البحر الأبيض المتوسط", """
'''البحر الأبيض المتوسط''' بحر شبه مغلق تحيط به [[أوروبا]] و[[أفريقيا]] و[[آسيا]]، ويتصل بالمحيط الأطلسي عبر [[مضيق جبل طارق]].<ref>البحار والمحيطات، ص ١٠٢.</ref>

كان مهدًا لحضارات عديدة، منها الفينيقية والإغريقية والرومانية. ويُعرف مناخ سواحله بالمناخ المتوسطي ذي الصيف الحار الجاف والشتاء المعتدل الماطر.

[[تصنيف:بحار]]
"""),
    ("الخليج العربي", """
'''الخليج العربي''' ذراع مائية من المحيط الهندي تقع بين [[شبه الجزيرة العربية]] و[[إيران]]، ويتصل ببحر العرب عبر [[مضيق هرمز]].<ref>دليل الخليج، ٢٠٢٢.</ref>

اشتهر الخليج قديمًا بالغوص على اللؤلؤ، وهو اليوم من أهم مناطق إنتاج النفط وتصديره في العالم.

[[تصنيف:خلجان]]
"""),
    ("واحة سيوة", """
'''واحة سيوة''' واحة في الصحراء الغربية من [[مصر]] قرب الحدود الليبية.<ref>واحات مصر، ص ١٥.</ref> يعيش فيها سكان يتحدثون لغة أمازيغية إلى جانب العربية.

تشتهر الواحة بعيون الماء وبساتين النخيل والزيتون، وبمعبد الوحي الذي زاره الإسكندر الأكبر. وتُبنى بيوتها القديمة من مادة ملحية طينية تُسمّى ''الكرشيف''.

[[تصنيف:واحات مصر]]
"""),
]

WIKI_ARTICLES += [
    ("ابن سينا", """
{{صندوق معلومات عالم
| الاسم = ابن سينا
| الميلاد = 980م
| الوفاة = 1037م
| المجال = [[الطب]]، [[الفلسفة]]
}}
'''أبو علي الحسين بن عبد الله بن سينا''' (980–1037م) طبيب وفيلسوف مسلم، لُقّب بـ'''الشيخ الرئيس'''.<ref name="سينا">أعلام الطب العربي، ٢٠١٠.</ref> وُلد قرب [[بخارى]] وتنقّل بين مدن [[فارس]] حتى توفي في [[همدان]].

== مؤلفاته ==
أشهر كتبه ''القانون في الطب'' الذي ظل مرجعًا في جامعات أوروبا قرونًا، و''الشفاء'' في الفلسفة والمنطق.<ref name="سينا" /> وقد تُرجم القانون إلى اللاتينية في القرن الثاني عشر.

[[تصنيف:أطباء مسلمون]]
[[تصنيف:فلاسفة مسلمون]]
"""),
    ("الخوارزمي", """
'''محمد بن موسى الخوارزمي''' عالم رياضيات وفلك وجغرافيا عاش في [[بغداد]] في عهد الخليفة [[المأمون]]، وعمل في [[بيت الحكمة]].<ref>تاريخ الرياضيات، ج١، ص ٩٩.</ref>

ألّف كتاب ''المختصر في حساب الجبر والمقابلة'' الذي أعطى علم [[الجبر]] اسمه. ومن اسمه اشتُقّت كلمة [[الخوارزمية]] (Algorithm) في اللغات الأوروبية. كما أسهم في نشر الأرقام الهندية والنظام العشري.

[[تصنيف:علماء رياضيات مسلمون]]
"""),
    ("ابن الهيثم", """
'''الحسن بن الهيثم''' (نحو 965–1040م) عالم بصريات ورياضيات وُلد في [[البصرة]] وعاش في [[القاهرة]].<ref name="هيثم">رواد العلم، ٢٠١٢.</ref>

يُعدّ كتابه ''المناظر'' من أهم الكتب في تاريخ [[علم البصريات]]، إذ بيّن فيه أن الرؤية تحدث بدخول الضوء إلى العين لا بخروجه منها.<ref name="هيثم" /> واعتمد على التجربة المنهجية في التحقق من الفرضيات، ولذلك يراه مؤرخون كثيرون من رواد المنهج العلمي.

[[تصنيف:علماء مسلمون]]
"""),
    ("ابن خلدون", """
'''عبد الرحمن بن خلدون''' (1332–1406م) مؤرخ ومفكر وُلد في [[تونس (مدينة)|تونس]]، وتوفي في [[القاهرة]].<ref>أعلام المغرب العربي، ص ٧٧.</ref>

اشتهر بكتابه ''المقدمة''؛ وقد درس فيه أحوال العمران البشري والعصبية وقيام الدول وسقوطها. ويرى كثير من الباحثين أنه من مؤسسي [[علم الاجتماع]]. وقد تولّى القضاء في مصر مرات عدة.

[[تصنيف:مؤرخون مسلمون]]
"""),
    ("الفارابي", """
'''أبو نصر الفارابي''' فيلسوف مسلم لُقّب بـ'''المعلم الثاني''' بعد [[أرسطو]].<ref>الفلسفة الإسلامية، ٢٠٠٨.</ref> من أشهر كتبه ''آراء أهل المدينة الفاضلة''.

اهتم الفارابي بالمنطق والسياسة والموسيقى، وله في الموسيقى ''كتاب الموسيقى الكبير''. وتوفي في [[دمشق]] سنة 950م تقريبًا.

[[تصنيف:فلاسفة مسلمون]]
"""),
    ("ابن رشد", """
'''أبو الوليد محمد بن رشد''' (1126–1198م) فيلسوف وقاضٍ وطبيب أندلسي وُلد في [[قرطبة]].<ref>أعلام الأندلس، ج٢.</ref> اشتهر بشروحه على كتب [[أرسطو]]، حتى عُرف في أوروبا باسم ''الشارح''.

من كتبه ''تهافت التهافت'' الذي ردّ فيه على [[الغزالي]]، و''بداية المجتهد'' في الفقه. وقد أثّرت أفكاره في الفلسفة الأوروبية في العصور الوسطى.

[[تصنيف:فلاسفة مسلمون]]
"""),
    ("البيروني", """
'''أبو الريحان البيروني''' (973–1048م) عالم موسوعي برع في الفلك والرياضيات والجغرافيا والتاريخ.<ref>موسوعة العلماء، ص ٤٠٢.</ref>

من أشهر كتبه ''تحقيق ما للهند من مقولة'' الذي وصف فيه علوم الهند وعاداتها، و''القانون المسعودي'' في الفلك. وقد قدّر نصف قطر الأرض بطريقة تعتمد على قياس زاوية الأفق من قمة جبل.

[[تصنيف:علماء مسلمون]]
"""),
    ("الإدريسي", """
'''الشريف الإدريسي''' جغرافي ورحالة عاش في القرن الثاني عشر، وعمل في بلاط الملك روجر الثاني في [[صقلية]].<ref>الجغرافيون العرب، ٢٠٠٦.</ref>

رسم خريطة شهيرة للعالم المعروف آنذاك، وألّف كتاب ''نزهة المشتاق في اختراق الآفاق''. وقد ظلت خرائطه مرجعًا للملاحين قرونًا عدة.

[[تصنيف:جغرافيون مسلمون]]
"""),
    ("ابن بطوطة", """
'''محمد بن عبد الله بن بطوطة''' (1304–1377م) رحالة مغربي وُلد في [[طنجة]].<ref name="بطوطة">أدب الرحلة، ٢٠١٥.</ref> قضى نحو ثلاثين سنة في الترحال بين [[أفريقيا]] و[[آسيا]] و[[أوروبا]].

أملى رحلته على الكاتب ابن جُزَيّ فجاءت بعنوان ''تحفة النظار في غرائب الأمصار وعجائب الأسفار''.<ref name="بطوطة" /> وتُعدّ اليوم من أهم مصادر التاريخ الاجتماعي للعالم الإسلامي في القرن الرابع عشر.

[[تصنيف:رحالة عرب]]
"""),
    ("الجاحظ", """
'''أبو عثمان عمرو بن بحر الجاحظ''' أديب وكاتب من [[البصرة]] عاش في العصر العباسي.<ref>تاريخ الأدب العربي، ج٣.</ref> اشتهر بأسلوبه الساخر وبسعة اطلاعه.

من أشهر كتبه ''البيان والتبيين'' و''الحيوان'' و''البخلاء''، وفيها مزج بين العلم والأدب والطرفة. ويُروى أنه مات حين سقطت عليه كتبه، والله أعلم.

[[تصنيف:أدباء عرب]]
"""),
    ("المتنبي", """
'''أبو الطيب المتنبي''' (915–965م) من أعظم شعراء العربية، وُلد في [[الكوفة]].<ref name="متنبي">ديوان العرب، ٢٠٠٠.</ref> مدح سيف الدولة الحمداني في [[حلب]] سنوات، ثم انتقل إلى مصر.

يمتاز شعره بالحكمة والفخر، ومن أشهر أبياته:
: اَلْخَيْلُ وَاللَّيْلُ وَالْبَيْدَاءُ تَعْرِفُنِي ... وَالسَّيْفُ وَالرُّمْحُ وَالْقِرْطَاسُ وَالْقَلَمُ
وقد قُتل في طريق عودته إلى [[بغداد]].<ref name="متنبي" />

[[تصنيف:شعراء العصر العباسي]]
"""),
    ("أبو العلاء المعري", """
'''أبو العلاء المعري''' (973–1057م) شاعر وفيلسوف وُلد في [[معرة النعمان]] في [[سوريا]]، وفقد بصره صغيرًا.<ref>شعراء الشام، ص ٥٥.</ref>

لقّب نفسه بـ''رهين المحبسين'' لعزلته في بيته وفقده البصر. ومن أشهر كتبه ''رسالة الغفران'' وديوان ''اللزوميات''.

[[تصنيف:شعراء العصر العباسي]]
"""),
    ("الخليل بن أحمد الفراهيدي", """
'''الخليل بن أحمد الفراهيدي''' عالم لغة من [[البصرة]]، وضع [[علم العروض]] وصنّف أول معجم عربي هو ''كتاب العين''.<ref>أعلام اللغة، ٢٠٠٤.</ref>

ويُنسب إليه تطوير علامات [[التشكيل]] المستعملة اليوم، كالفتحة والضمة والكسرة والشدّة، بعد أن كانت تُكتب نقاطًا ملونة. وكان أستاذًا لـ[[سيبويه]].

[[تصنيف:علماء لغة عرب]]
"""),
    ("سيبويه", """
'''عمرو بن عثمان بن قنبر''' المعروف بـ'''سيبويه''' إمام النحاة، تتلمذ على [[الخليل بن أحمد الفراهيدي]] في [[البصرة]].<ref>مدارس النحو، ص ٣١.</ref>

ألّف ''الكتاب'' الذي يُعدّ أقدم كتاب جامع في النحو العربي وصل إلينا. وقد سُمّي قرآن النحو لمكانته عند العلماء.

[[تصنيف:نحاة عرب]]
"""),
    ("نجيب محفوظ", """
'''نجيب محفوظ''' (1911–2006) روائي مصري، وأول كاتب عربي يحصل على [[جائزة نوبل في الأدب]] سنة 1988.<ref>{{استشهاد بويب|مسار=https://example.org/nobel-1988|عنوان=جوائز الأدب}}</ref>

من أشهر أعماله ''الثلاثية'' (بين القصرين، قصر الشوق، السكرية) و''أولاد حارتنا''. وتدور معظم رواياته في أحياء [[القاهرة]] القديمة.

[[تصنيف:روائيون مصريون]]
"""),
    ("الماء", """
'''الماء''' مركّب كيميائي صيغته H₂O، يتكون من ذرتي [[هيدروجين]] وذرة [[أكسجين]].<ref name="ماء">مبادئ الكيمياء، ٢٠١٧.</ref> يغطي نحو ٧١٪ من سطح [[الأرض]].

== الخصائص ==
يغلي الماء النقي عند ١٠٠ درجة مئوية ويتجمد عند الصفر تحت الضغط الجوي المعتاد.<ref name="ماء" /> وتبلغ كثافته العظمى عند نحو ٤ درجات مئوية، ولذلك يطفو الجليد على سطح البحيرات.

{| class="wikitable"
! الحالة !! درجة الحرارة (°م)
|-
| صلبة (جليد) || أقل من ٠
|-
| سائلة || ٠ – ١٠٠
|-
| غازية (بخار) || أكثر من ١٠٠
|}

[[تصنيف:كيمياء]]
"""),
    ("الشمس", """
'''الشمس''' النجم الذي تدور حوله [[الأرض]] وسائر كواكب [[المجموعة الشمسية]].<ref>الفلك للجميع، ص ١٠.</ref> يبعد عن الأرض نحو ١٥٠ مليون كيلومتر، ويصل ضوؤه إلينا في ثماني دقائق تقريبًا.

تتكون الشمس أساسًا من [[الهيدروجين]] و[[الهيليوم]]، وتنتج طاقتها من الاندماج النووي في لبّها. وتبلغ حرارة سطحها نحو ٥٥٠٠ درجة مئوية.

[[تصنيف:فلك]]
"""),
    ("القمر", """
'''القمر''' التابع الطبيعي الوحيد لـ[[الأرض]]، يدور حولها مرة كل ٢٧٫٣ يومًا تقريبًا.<ref>الفلك للجميع، ص ٣٣.</ref> ويبلغ متوسط بعده عن الأرض نحو ٣٨٤ ألف كيلومتر.

تعتمد الأشهر القمرية، ومنها أشهر [[التقويم الهجري]]، على دورة أطوار القمر من الهلال إلى البدر. وقد هبط الإنسان على سطحه أول مرة سنة 1969.

[[تصنيف:فلك]]
"""),
    ("الجاذبية", """
'''الجاذبية''' قوة تجاذب بين الأجسام ذات الكتلة، وهي التي تُبقي الكواكب في مداراتها حول [[الشمس]].<ref>الفيزياء العامة، ٢٠١٦.</ref>

صاغ [[إسحاق نيوتن]] قانون الجذب العام في القرن السابع عشر، ثم فسّرها [[ألبرت أينشتاين]] في [[النسبية العامة]] بأنها انحناء في الزمكان. ويبلغ تسارع الجاذبية قرب سطح الأرض نحو ٩٫٨ م/ث².

[[تصنيف:فيزياء]]
"""),
    ("الخلية", """
'''الخلية''' أصغر وحدة بنائية ووظيفية في الكائنات الحية.<ref>علم الأحياء، ج١.</ref> بعض الكائنات وحيدة الخلية كالبكتيريا، وبعضها متعدد الخلايا كالإنسان الذي يتكون جسمه من تريليونات الخلايا.

تحتوي الخلية حقيقية النواة على نواة تحفظ [[الحمض النووي]]، وعلى عضيات مثل [[الميتوكوندريا]] التي تنتج الطاقة.

[[تصنيف:علم الأحياء]]
"""),
    ("البرق", """
'''البرق''' تفريغ كهربائي هائل يحدث بين السحب أو بين السحابة والأرض أثناء العواصف الرعدية.<ref>الظواهر الجوية، ص ٧٢.</ref>

يسخّن البرق الهواء المحيط به تسخينًا شديدًا فيتمدد فجأة محدثًا صوت الرعد. ولأن الضوء أسرع من الصوت، نرى البرق قبل أن نسمع الرعد.

[[تصنيف:أرصاد جوية]]
"""),
    ("الزلزال", """
'''الزلزال''' اهتزاز مفاجئ لسطح [[الأرض]] ينتج عن تحرر طاقة في القشرة الأرضية، غالبًا بسبب حركة الصفائح التكتونية.<ref name="زلزال">علوم الأرض، ٢٠١٩.</ref>

تُقاس قوة الزلازل بمقاييس مثل [[مقياس ريختر]] ومقياس العزم. ويُسمّى الموضع الذي يبدأ فيه التصدع ''البؤرة''، والنقطة التي فوقها على السطح ''المركز السطحي''.<ref name="زلزال" />

[[تصنيف:جيولوجيا]]
"""),
    ("البركان", """
'''البركان''' فتحة في القشرة الأرضية تخرج منها [[الصهارة]] والغازات والرماد.<ref>علوم الأرض، ٢٠١٩، ص ٨٨.</ref> وتُسمّى الصهارة بعد خروجها إلى السطح ''الحمم''.

توجد في شبه الجزيرة العربية حقول بركانية خامدة تُعرف بـ''الحرّات''، مثل حرة رهط قرب المدينة المنورة.

[[تصنيف:جيولوجيا]]
"""),
    ("الكسوف", """
'''كسوف الشمس''' ظاهرة فلكية تحدث حين يمر [[القمر]] بين [[الأرض]] و[[الشمس]] فيحجب ضوءها كليًا أو جزئيًا.<ref>الفلك للجميع، ص ٥٠.</ref>

أما '''خسوف القمر''' فيحدث حين تقع الأرض بين الشمس والقمر فيسقط ظلها عليه. ولا يجوز النظر إلى الشمس أثناء الكسوف بالعين المجردة.

[[تصنيف:فلك]]
"""),
    ("الذرة", """
'''الذرة''' أصغر جزء من العنصر الكيميائي يحتفظ بخصائصه.<ref>مبادئ الكيمياء، ٢٠١٧، ص ١٤.</ref> تتكون من نواة تضم [[البروتون|البروتونات]] و[[النيوترون|النيوترونات]]، وتدور حولها [[الإلكترون|الإلكترونات]].

يحدد عدد البروتونات في النواة ''العدد الذري'' للعنصر. فذرة الهيدروجين مثلًا فيها بروتون واحد، وذرة الكربون فيها ستة بروتونات.

[[تصنيف:كيمياء]]
"""),
    ("العدد باي", """
'''العدد باي''' (π) ثابت رياضي يساوي نسبة محيط الدائرة إلى قطرها، وقيمته التقريبية ٣٫١٤١٥٩.<ref>الثوابت الرياضية، ص ٣.</ref>

وهو عدد غير نسبي، أي لا يمكن كتابته كسرًا عاديًا، ولا تنتهي خاناته العشرية ولا تتكرر. ويُحتفل بيوم باي في ١٤ مارس (3/14) من كل عام.<!-- صيغة التاريخ الأمريكية -->

[[تصنيف:ثوابت رياضية]]
"""),
    ("الصفر", """
'''الصفر''' (٠) عدد يدل على انعدام الكمية، ويُستعمل خانةً في نظام العدّ العشري.<ref>تاريخ الأعداد، ٢٠٠٥.</ref>

نشأ مفهوم الصفر رقمًا في [[الهند]]، ثم نقله العلماء المسلمون ومنهم [[الخوارزمي]] إلى العالم، ومنه انتقل إلى أوروبا. وكلمة ''cipher'' الإنجليزية مأخوذة من الكلمة العربية ''صِفْر''.

[[تصنيف:أعداد]]
"""),
    ("الجبر", """
'''الجبر''' فرع من [[الرياضيات]] يدرس الرموز والقواعد التي تحكم العمليات عليها، مثل حل المعادلات.<ref>تاريخ الرياضيات، ج١، ص ١٠٤.</ref>

يعود اسمه إلى كتاب [[الخوارزمي]] ''المختصر في حساب الجبر والمقابلة''. فمثلًا، حل المعادلة س + ٣ = ٧ هو س = ٤.

[[تصنيف:رياضيات]]
"""),
    ("الحاسوب", """
'''الحاسوب''' آلة إلكترونية تعالج البيانات وفق تعليمات مخزنة تُسمّى [[برنامج حاسوبي|البرامج]].<ref>مدخل إلى الحوسبة، ٢٠٢٠.</ref>

يتكون الحاسوب من عتاد مثل [[المعالج]] والذاكرة ووحدات الإدخال والإخراج، ومن برمجيات كنظام التشغيل والتطبيقات. وقد تطورت الحواسيب من آلات ضخمة تملأ غرفًا كاملة إلى أجهزة تُحمل في الجيب.

[[تصنيف:حوسبة]]
"""),
    ("الإنترنت", """
'''الإنترنت''' شبكة عالمية تربط ملايين الحواسيب والشبكات باستعمال مجموعة بروتوكولات تُعرف بـ''TCP/IP''.<ref>{{استشهاد بويب|مسار=https://example.org/internet-history|عنوان=تاريخ الشبكة}}</ref>

من أشهر خدماتها [[الشبكة العنكبوتية العالمية]] و[[البريد الإلكتروني]]. ويصل عدد مستخدمي الإنترنت اليوم إلى مليارات الأشخاص حول العالم.

== انظر أيضًا ==
* [[الحاسوب]]
* [[البريد الإلكتروني]]

[[تصنيف:حوسبة]]
"""),
    ("الذكاء الاصطناعي", """
'''الذكاء الاصطناعي''' فرع من [[علم الحاسوب]] يهتم بتصميم أنظمة تؤدي مهامَّ تتطلب عادةً ذكاءً بشريًا، كفهم اللغة والتعرف على الصور واتخاذ القرارات.<ref name="ذكاء">مدخل إلى الذكاء الاصطناعي، ٢٠٢٣.</ref>

== النماذج اللغوية ==
تتدرّب '''النماذج اللغوية الكبيرة''' على كميات هائلة من النصوص، ثم تُكيَّف لمهام ولغات محددة، ومنها [[اللغة العربية]] بلهجاتها المختلفة.<ref name="ذكاء" /> وتواجه هذه النماذج تحديات مثل التحيز في البيانات وكثرة اللهجات وقلة الموارد المشكولة.

[[تصنيف:ذكاء اصطناعي]]
"""),
    ("الخوارزمية", """
'''الخوارزمية''' مجموعة من الخطوات المحددة والمرتبة لحل مسألة أو إنجاز مهمة.<ref>مدخل إلى الحوسبة، ٢٠٢٠، ص ٤٤.</ref> نُسبت التسمية إلى العالم [[الخوارزمي]].

من أمثلتها خوارزميات الترتيب والبحث، وخوارزمية إقليدس لإيجاد القاسم المشترك الأكبر لعددين. وتُقاس كفاءة الخوارزمية بالزمن والذاكرة اللذين تحتاجهما.

[[تصنيف:حوسبة]]
"""),
    ("البريد الإلكتروني", """
'''البريد الإلكتروني''' وسيلة لتبادل الرسائل الرقمية عبر [[الإنترنت]].<ref>مدخل إلى الحوسبة، ٢٠٢٠، ص ٧١.</ref> يتكون العنوان من اسم المستخدم ثم الرمز @ ثم اسم النطاق، مثل user@example.org.

انتشر البريد الإلكتروني في تسعينيات القرن العشرين، وما زال وسيلة التواصل الرسمية الأولى في المؤسسات. ويجب الحذر من رسائل التصيد التي تطلب كلمات المرور.

[[تصنيف:حوسبة]]
"""),
]

WIKI_ARTICLES += [
    ("اللغة العربية", """
{{صندوق معلومات لغة
| الاسم = العربية
| الأسرة = [[لغات سامية]]
| الكتابة = [[أبجدية عربية]]
}}
'''اللغة العربية''' لغة سامية يتحدث بها أكثر من ٤٠٠ مليون إنسان، وهي لغة رسمية في أكثر من عشرين دولة.<ref name="عربية">{{استشهاد بكتاب|عنوان=لغات العالم|سنة=2022|صفحة=١٣٠}}</ref>

== الفصحى واللهجات ==
تُستعمل '''العربية الفصحى المعاصرة''' في التعليم والإعلام والكتابة الرسمية، بينما يتحدث الناس في حياتهم اليومية [[لهجات عربية|لهجات]] محلية متعددة.<ref name="عربية" /> ويقسّم الباحثون هذه اللهجات عادةً إلى مجموعات كبرى:

{| class="wikitable sortable"
! المجموعة !! أمثلة على البلدان !! مثال («ماذا تريد؟»)
|-
| المصرية || [[مصر]] || عايز إيه؟
|-
| الخليجية || [[الكويت]]، [[قطر]]، [[الإمارات العربية المتحدة|الإمارات]] || شنو تبي؟
|-
| الشامية || [[سوريا]]، [[لبنان]]، [[الأردن]]، [[فلسطين]] || شو بدك؟
|-
| المغاربية || [[المغرب]]، [[الجزائر]]، [[تونس]] || شنو بغيتي؟
|}

== الكتابة ==
تُكتب العربية من اليمين إلى اليسار بأبجدية من ٢٨ حرفًا، وتُضاف إليها علامات [[التشكيل]] عند الحاجة.

[[تصنيف:لغات سامية]]
[[تصنيف:اللغة العربية]]
"""),
    ("التشكيل", """
'''التشكيل''' أو '''الحركات''' علامات تُوضع فوق الحروف العربية أو تحتها لبيان نطقها.<ref>قواعد الإملاء، ٢٠١٠، ص ٢٢.</ref> وأهمها: الفتحة (ـَ) والضمة (ـُ) والكسرة (ـِ) والسكون (ـْ) والشدّة (ـّ).

ومنها '''التنوين''' بأنواعه الثلاثة: كتابٌ، كتابًا، كتابٍ. وتُستعمل '''الألف الخنجرية''' (ـٰ) في كلمات مثل ''هٰذا'' و''لٰكن'' و''الرَّحْمٰن''.

لا يُكتب التشكيل كاملًا في أغلب النصوص المعاصرة، ويُقتصر فيه على ما يُزيل اللبس، لكنه يُلتزم في المصحف وكتب الأطفال والشعر. فمثلًا: ''عَلِمَ'' و''عُلِّمَ'' و''عِلْم'' تُكتب كلها «علم» بلا تشكيل.

[[تصنيف:اللغة العربية]]
"""),
    ("الهمزة", """
'''الهمزة''' (ء) حرف من حروف العربية يُكتب على صور مختلفة بحسب موقعه وحركته وحركة ما قبله.<ref name="همزة">قواعد الإملاء، ٢٠١٠، ص ٤٠.</ref>

== صورها ==
* على الألف: '''أ''' كما في ''أَخَذَ''، و'''إ''' كما في ''إِسلام''.
* الألف الممدودة '''آ''' كما في ''آمن'' و''القرآن''.
* على الواو: ''مُؤْمِن''، وعلى الياء: ''بِئْر''، وعلى السطر: ''سَماء''.

أما '''همزة الوصل''' فتُكتب في المصحف ألفًا عليها صاد صغيرة '''ٱ''' كما في ''ٱلْحَمْدُ''، وتُنطق في أول الكلام وتسقط في درجه.<ref name="همزة" />

[[تصنيف:اللغة العربية]]
"""),
    ("الألف المقصورة", """
'''الألف المقصورة''' ألف تُكتب في آخر الكلمة على صورة ياء غير منقوطة (ى)، مثل: ''على'' و''مستشفى'' و''ذكرى'' و''مصطفى''.<ref>قواعد الإملاء، ٢٠١٠، ص ٦٣.</ref>

يخلط بعض الكتّاب بينها وبين الياء (ي) فيكتبون «علي» بدل «على»، وهذا يغيّر المعنى أحيانًا. وفي المقابل تُكتب '''التاء المربوطة''' (ة) في آخر الأسماء مثل ''مدرسة'' و''مكتبة''، وتُنطق هاءً عند الوقف، ولذلك تُكتب خطأً هاءً أحيانًا: «مدرسه».

[[تصنيف:اللغة العربية]]
[[تصنيف:إملاء]]
"""),
    ("الخط العربي", """
'''الخط العربي''' فن كتابة الحروف العربية بأشكال جمالية، وهو من أبرز الفنون الإسلامية.<ref>فنون الخط، ٢٠١٣.</ref> من أشهر أنواعه: النسخ، والثلث، والكوفي، والديواني، والرقعة، والفارسي.

يستعمل الخطاطون حرف المدّ المعروف بـ'''التطويل''' أو الكشيدة لتمديد الكلمات، فتُكتب «جميل» مثلًا «جمـــيل» لتملأ السطر. وفي الحواسيب تُمثَّل بعض الحروف المركبة بأشكال عرض خاصة مثل «\ufefb» و«\ufdf2»، وهي تختلف في ترميزها عن الحروف العادية.

[[ملف:خط الثلث.png|تصغير|لوحة بخط الثلث]]
[[تصنيف:فنون إسلامية]]
"""),
    ("تجويد القرآن", """
'''التجويد''' علم يُعنى بإتقان تلاوة [[القرآن الكريم]] وإعطاء كل حرف حقه من المخارج والصفات.<ref>مبادئ التجويد، ٢٠٠٧.</ref>

يَبْدَأُ الْقَارِئُ عَادَةً بِقَوْلِ: بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ. وَيَهْتَمُّ طُلَّابُ التَّجْوِيدِ بِحِفْظِ الْقُرْآنِ وَمَعْرِفَةِ أَحْكَامِ النُّونِ السَّاكِنَةِ وَالتَّنْوِينِ، كَالْإِظْهَارِ وَالْإِدْغَامِ وَالْإِقْلَابِ وَالْإِخْفَاءِ.

وَمِنْ أَحْكَامِهِ '''الْمَدُّ'''، وَهُوَ إِطَالَةُ الصَّوْتِ بِحَرْفِ الْمَدِّ، كَمَا فِي كَلِمَةِ «ٱلضَّآلِّينَ». وتُكتب في المصاحف كلمة الجلالة أحيانًا بالحرف المركب «\ufdf2» في النصوص الرقمية القديمة.

[[تصنيف:علوم القرآن]]
"""),
    ("علم العروض", """
'''علم العروض''' علم يُعرف به صحيح أوزان الشعر العربي من فاسدها، وضعه [[الخليل بن أحمد الفراهيدي]].<ref>ميزان الشعر، ص ٩.</ref>

حصر الخليل أوزان الشعر في خمسة عشر بحرًا، وزاد عليها تلميذه الأخفش بحرًا سادس عشر هو ''المتدارك''. ومن البحور المشهورة: الطويل، والبسيط، والكامل، والوافر.

{| class="wikitable"
! البحر !! التفعيلات (في الشطر)
|-
| الطويل || فعولن مفاعيلن فعولن مفاعيلن
|-
| البسيط || مستفعلن فاعلن مستفعلن فاعلن
|-
| الكامل || متفاعلن متفاعلن متفاعلن
|}

[[تصنيف:الشعر العربي]]
"""),
    ("القهوة العربية", """
'''القهوة العربية''' مشروب يُحضَّر من حبوب البن المحمصة تحميصًا خفيفًا مع [[الهيل]]، ويُقدَّم في فناجين صغيرة بلا مقابض.<ref>{{استشهاد بويب|مسار=http://example.org/qahwa|عنوان=تقاليد الضيافة}}</ref>

تُعدّ القهوة رمزًا للكرم والضيافة في [[شبه الجزيرة العربية]]، وقد أُدرجت ضمن قائمة التراث الثقافي غير المادي سنة 2015. ويُمسك المضيف الدلّة بيده اليسرى ويصبّ بيده اليمنى. ويكتبها بعضهم بلوحة مفاتيح فارسية «قهوه عرب\u06cc» فتظهر فيها الياء الفارسية.

[[تصنيف:مشروبات]]
"""),
    ("الكسكس", """
'''الكسكس''' أو '''الكسكسي''' طبق تقليدي من بلاد [[المغرب العربي]]، يُحضَّر من سميد القمح المفتول ويُطهى بالبخار.<ref>مطبخ شمال أفريقيا، ٢٠١٦.</ref>

يُقدَّم الكسكس عادةً مع مرق الخضر واللحم أو الدجاج، ويُؤكل في كثير من البيوت يوم الجمعة. وفي سنة 2020 أُدرجت المعارف المتعلقة بإعداده ضمن التراث غير المادي بملف مشترك بين [[الجزائر]] و[[المغرب]] و[[تونس]] و[[موريتانيا]].

[[تصنيف:مطبخ مغاربي]]
"""),
    ("المنسف", """
'''المنسف''' الطبق الوطني في [[الأردن]]، ويتكوّن من لحم الضأن المطبوخ في لبن [[الجميد]] ويُقدَّم فوق الأرز وخبز الشراك.<ref>مطبخ بلاد الشام، ص ٩١.</ref>

يُقدَّم المنسف في الأعراس والمناسبات الكبرى، ويؤكل تقليديًا باليد اليمنى وقوفًا حول السدر. ويُزيَّن عادةً باللوز والصنوبر المحمّص.

[[تصنيف:مطبخ أردني]]
"""),
    ("نخلة التمر", """
'''نخلة التمر''' شجرة من الفصيلة النخلية تُزرع منذ آلاف السنين في [[الشرق الأوسط]] و[[شمال أفريقيا]].<ref name="نخل">موسوعة النبات، ج٤.</ref> تُعرف ثمارها بـ'''التمر'''، وله أصناف كثيرة مثل المجدول والسكري والخلاص ودقلة نور.

تتحمّل النخلة الحرارة والملوحة، وتُستعمل كل أجزائها تقريبًا: الجذوع في البناء، والسعف في صناعة الحصر والسلال.<ref name="نخل" />

[[تصنيف:نباتات]]
"""),
    ("جامع الأزهر", """
{{صندوق معلومات مسجد
| الاسم = الجامع الأزهر
| المدينة = [[القاهرة]]
| التأسيس = 970م
}}
'''الجامع الأزهر''' مسجد وجامعة في [[القاهرة]]، بدأ الفاطميون بناءه سنة 970م.<ref>تاريخ الأزهر، ١٩٩٨.</ref> وصار منذ القرون الوسطى مركزًا لتدريس العلوم الشرعية واللغة العربية.

تُعدّ جامعة الأزهر اليوم من أكبر الجامعات في العالم الإسلامي، ويدرس فيها طلاب من عشرات الدول. ويترأس المؤسسة '''شيخ الأزهر'''.

[[تصنيف:مساجد القاهرة]]
"""),
    ("جامعة القرويين", """
'''جامعة القرويين''' مؤسسة تعليمية في [[فاس]] بـ[[المغرب]]، أسستها فاطمة الفهرية سنة 859م مسجدًا ثم تطورت إلى جامعة.<ref>تاريخ المدن المغربية، ج١، ص ٦٦.</ref>

تُعدّ من أقدم المؤسسات التعليمية التي ما زالت تعمل في العالم. ودرس فيها علماء كثيرون، ويُقال إن [[ابن خلدون]] تردد عليها.

[[تصنيف:جامعات المغرب]]
"""),
    ("بيت الحكمة", """
'''بيت الحكمة''' مؤسسة علمية أُنشئت في [[بغداد]] في العصر العباسي، وازدهرت في عهد الخليفة [[المأمون]].<ref>{{استشهاد بويب|مسار=http://example.org/house-of-wisdom|عنوان=House of Wisdom}}</ref>

جمعت فيها الكتب وتُرجمت إلى العربية مؤلفات يونانية وفارسية وهندية في الفلسفة والطب والرياضيات. ويُعرف في المراجع الأجنبية باسم \u200f''House of Wisdom''\u200f، وقد عمل فيه علماء مثل [[الخوارزمي]].

[[تصنيف:العصر العباسي]]
"""),
    ("مكتبة الإسكندرية", """
'''مكتبة الإسكندرية''' مكتبة ومركز ثقافي في مدينة [[الإسكندرية]]، افتُتحت سنة 2002 إحياءً لذكرى المكتبة القديمة.<ref>دليل المكتبات، ٢٠١٠.</ref>

يتخذ مبناها شكل قرص مائل نحو البحر، وتتسع قاعة القراءة فيه لملايين الكتب. وتضم المكتبة متاحف وقبة سماوية ومراكز بحثية.<!-- تحتاج إلى مصدر عن السعة -->

[[تصنيف:مكتبات مصر]]
"""),
    ("التمريض", """
'''التمريض''' مهنة صحية تُعنى برعاية المرضى والحفاظ على صحة الأفراد والمجتمع.<ref name="تمريض">أساسيات التمريض، ٢٠١٨.</ref>

يعمل '''الممرض''' و'''الممرضة''' جنبًا إلى جنب مع '''الطبيب''' و'''الطبيبة''' في [[المستشفى]]، فيتابعان العلامات الحيوية ويعطيان الأدوية. وتشرف الممرضة الرئيسة في القسم على تنظيم المناوبات، كما يشارك المهندس والمهندسة الطبيّان في صيانة الأجهزة.<ref name="تمريض" />

يحتفل العالم باليوم العالمي للتمريض في ١٢/٥ من كل عام، وهو يوم ميلاد فلورنس نايتنغيل.

[[تصنيف:مهن صحية]]
"""),
    ("الجمل", """
{{صندوق معلومات كائن
| الاسم = الجمل العربي
| المملكة = [[حيوان]]
| الفصيلة = [[جمليات]]
}}
'''الجمل العربي''' أو '''الإبل''' حيوان ثديي ذو سنام واحد، يعيش في صحارى [[شبه الجزيرة العربية]] و[[شمال أفريقيا]].<ref name="إبل">{{استشهاد بكتاب|عنوان=حيوانات الصحراء|سنة=2012}}</ref> لُقّب بـ'''سفينة الصحراء''' لقدرته على قطع المسافات الطويلة في الرمال.

== التكيّف ==
يستطيع الجمل تحمّل العطش أيامًا طويلة، ويخزّن الدهون في سنامه مصدرًا للطاقة لا للماء كما يُشاع.<ref name="إبل" /> وتحميه رموشه الطويلة وقدرته على إغلاق منخريه من الرمال.

وقد اعتمد عليه العرب في التنقل والتجارة، واشتقوا من ألبانه وأوباره ما يحتاجون إليه، وما زالت سباقات الهجن تُقام في دول الخليج حتى اليوم.

[[تصنيف:ثدييات]]
"""),
    ("السد العالي", """
'''السد العالي''' سد ضخم على [[نهر النيل]] قرب [[أسوان]] في جنوب [[مصر]]، اكتمل بناؤه سنة 1970.<ref>مشاريع النيل، ص ١٤٠.</ref>

كوّن السد خلفه بحيرة ناصر، إحدى أكبر البحيرات الصناعية في العالم. ويحمي السد مصر من الفيضانات والجفاف، ويولّد كمية كبيرة من الكهرباء. وقد شارك في تصميمه وبنائه آلاف المهندسين والعمال.

[[تصنيف:سدود مصر]]
"""),
]

# (redirect title, target article title): <redirect title=...> pages whose text is "#تحويل [[target]]".
WIKI_REDIRECTS: list[tuple[str, str]] = [
    ("قاهرة المعز", "القاهرة"),
    ("الشيخ الرئيس", "ابن سينا"),
    ("النيل", "نهر النيل"),
]

# (namespace key, title without prefix, wikitext): pages outside the article namespace, to be skipped.
WIKI_OTHER_NS: list[tuple[int, str, str]] = [
    (4, "الميدان/تقنية", """
== نقاش حول قوالب المدن ==
أقترح توحيد صندوق معلومات المدن في جميع المقالات. --~~~~
: أؤيد الاقتراح، بشرط الحفاظ على الحقول القديمة. [[مستخدم:محرر عينة|محرر عينة]]
"""),
    (10, "صندوق معلومات مدينة", """
<includeonly>{| class="infobox"
! colspan="2" | {{{الاسم|{{PAGENAME}}}}}
|-
| البلد || {{{البلد|}}}
|}</includeonly><noinclude>قالب يعرض معلومات أساسية عن المدن. [[تصنيف:قوالب صناديق المعلومات]]</noinclude>
"""),
    (14, "عواصم أفريقيا", """
تضم هذه الصفحة المقالات المتعلقة بعواصم الدول الأفريقية.
[[تصنيف:مدن أفريقيا]]
"""),
]

# (dialect, instruction, input, output) of the Bactrian-X records, in file order.
BACTRIAN: list[tuple[str, str, str, str]] = [
    ("MSA", "اذكر ثلاث فوائد لممارسة الرياضة بانتظام.", "",
     "١. تقوّي القلب وتحسّن الدورة الدموية.\n٢. تساعد على التحكم في الوزن وتقلل خطر الإصابة بداء السكري.\n٣. تحسّن المزاج وتخفف التوتر والقلق، لأنها تزيد إفراز هرمونات السعادة."),
    ("MSA", "لخّص النص التالي في جملة واحدة.",
     "أعلنت وزارة التربية والتعليم أن العام الدراسي الجديد سيبدأ في الأول من سبتمبر، وأن المدارس ستعتمد نظامًا جديدًا للتقييم يركّز على المشاريع والعمل الجماعي بدل الاختبارات التقليدية وحدها.",
     "يبدأ العام الدراسي في الأول من سبتمبر بنظام تقييم جديد يعتمد على المشاريع والعمل الجماعي."),
    ("MSA", "ترجم الجملة التالية إلى اللغة الإنجليزية.", "المكتبة مفتوحة من الساعة التاسعة صباحًا حتى الخامسة مساءً.",
     "The library is open from 9 a.m. to 5 p.m."),
    ("MSA", "ما عاصمة المغرب؟", "",
     "عاصمة المملكة المغربية هي الرباط، بينما تُعدّ الدار البيضاء أكبر مدنها ومركزها الاقتصادي."),
    ("MSA", "احسب مساحة دائرة نصف قطرها ٣ سنتيمترات.", "",
     "مساحة الدائرة = π × نق².\nبالتعويض: ٣٫١٤ × ٣ × ٣ = ٢٨٫٢٦ سنتيمترًا مربعًا تقريبًا."),
    ("MSA", "أعد كتابة الجملة التالية بصيغة المؤنث.", "الطبيب ماهر في عمله ويحرص على راحة مرضاه.",
     "الطبيبة ماهرة في عملها وتحرص على راحة مرضاها."),
    ("MSA", "أعد كتابة الجملة التالية بصيغة المذكر.", "المهندسة صمّمت الجسر الجديد وأشرفت على تنفيذه.",
     "المهندس صمّم الجسر الجديد وأشرف على تنفيذه."),
    ("MSA", "اكتب فقرة قصيرة عن يوم في حياة ممرضة في قسم الطوارئ.", "",
     "تبدأ الممرضة سلمى مناوبتها في السابعة صباحًا، فتستلم تقرير الحالات من زميلها الممرض الذي أنهى نوبة الليل. تقيس العلامات الحيوية للمرضى، وتساعد الطبيب المناوب في تضميد الجروح، وتطمئن أهالي المرضى القلقين. ورغم التعب، تشعر في نهاية اليوم بالرضا لأنها خففت آلام كثيرين."),
    ("MSA", "صنّف الكلمات التالية إلى أسماء وأفعال.", "كتب، قلم، يذهب، مدرسة، استمع، شجرة",
     "الأسماء: قلم، مدرسة، شجرة.\nالأفعال: كتب، يذهب، استمع."),
    ("MSA", "اكتب بيتين من الشعر عن فصل الربيع.", "",
     "أتى الربيعُ فزانَ الأرضَ بالزَّهَرِ ... وعطّرَ الجوَّ بالأنسامِ والمطرِ\nوغرّدَ الطيرُ في الأغصانِ مبتهجًا ... كأنما الكونُ في عيدٍ من البِشَرِ"),
    ("MSA", "اشكُل الجملة التالية شكلًا تامًّا.", "حفظ الطالب القرآن في المدرسة",
     "حَفِظَ الطَّالِبُ الْقُرْآنَ فِي الْمَدْرَسَةِ."),
    ("MSA", "ما الفرق بين التاء المربوطة والهاء في آخر الكلمة؟", "",
     "التاء المربوطة (ة) تُنطق تاءً عند الوصل وهاءً عند الوقف، مثل: «مدرسة» و«شجرة». أما الهاء (ه) فتُنطق هاءً دائمًا، مثل: «وجه» و«كتابه». ومن طرق التمييز أن تضيف إلى الكلمة ضميرًا: «مدرستي» تظهر فيها التاء، أما «وجهي» فتبقى الهاء."),
    ("MSA", "اقترح عنوانًا مناسبًا للمقال التالي.",
     "تشير دراسات حديثة إلى أن القراءة قبل النوم تحسّن جودة النوم وتقلل استعمال الهواتف الذكية ليلًا، كما تنمّي الخيال لدى الأطفال.",
     "«القراءة قبل النوم: عادة بسيطة بفوائد كبيرة»"),
    ("MSA", "اكتب رسالة بريد إلكتروني رسمية لطلب إجازة.", "المرسل إليه: مدير الموارد البشرية hr@example.com",
     "إلى: hr@example.com\nالموضوع: طلب إجازة سنوية\n\nالسيد مدير الموارد البشرية المحترم،\nتحية طيبة وبعد،\nأرجو التكرم بالموافقة على منحي إجازة سنوية مدتها خمسة أيام، تبدأ من ١٢/٥/٢٠٢٤ وتنتهي في ١٦/٥/٢٠٢٤، وذلك لظروف عائلية. وسأحرص على تسليم المهام العاجلة قبل بدء الإجازة.\n\nوتفضلوا بقبول فائق الاحترام،\nأحمد سالم"),
    ("MSA", "ما هو التمثيل الضوئي؟", "",
     "التمثيل الضوئي عملية تقوم بها النباتات الخضراء، إذ تمتص ضوء الشمس بواسطة الكلوروفيل، وتستعمل طاقته في تحويل ثاني أكسيد الكربون والماء إلى سكر (غلوكوز) وأكسجين. وهي أساس السلسلة الغذائية ومصدر معظم الأكسجين في الغلاف الجوي."),
    ("MSA", "اكتب دالة بلغة بايثون تحسب مجموع الأعداد في قائمة.", "",
     "يمكن كتابة الدالة هكذا:\n\ndef total(numbers):\n    result = 0\n    for n in numbers:\n        result += n\n    return result\n\nمثال: total([1, 2, 3]) تُرجع 6. ويمكن أيضًا استعمال الدالة المدمجة sum."),
    ("MSA", "حوّل العدد التالي إلى كلمات.", "٢٠٢٤",
     "ألفان وأربعة وعشرون."),
    ("MSA", "أعطني نصيحتين لتحسين الخط العربي.", "",
     "أولًا: تدرّب يوميًا على كتابة الحروف المفردة بخط الرقعة أو النسخ، مع الالتزام بالنسب الصحيحة لكل حرف.\nثانيًا: استعمل قلمًا مناسبًا وورقًا مسطرًا، وقلّد نماذج خطاطين متقنين حتى تعتاد يدك على الحركة."),
    ("MSA", "صحّح الأخطاء الإملائية في الجملة التالية.", "ذهبت الي المستشفي لزيارة صديقي في المدرسه",
     "ذهبتُ إلى المستشفى لزيارة صديقي في المدرسة.\nالتصحيحات: «الي» ← «إلى»، «المستشفي» ← «المستشفى» (ألف مقصورة)، «المدرسه» ← «المدرسة» (تاء مربوطة)."),
    ("MSA", "اشرح معنى المثل: «من جدّ وجد».", "",
     "يعني المثل أن من يجتهد ويبذل الجهد في عمله أو دراسته يحصل على ثمرة تعبه. ويُقال لتشجيع الناس على المثابرة وعدم الاتكال على الحظ."),
    ("MSA", "قارن بين الطاقة الشمسية وطاقة الرياح.", "",
     "كلتاهما طاقة متجددة ونظيفة لا تُنتج انبعاثات أثناء التشغيل؛ غير أنهما تختلفان في المصدر والظروف. تعتمد الطاقة الشمسية على الألواح الكهروضوئية وتناسب المناطق المشمسة كالصحارى، بينما تعتمد طاقة الرياح على التوربينات وتناسب السواحل والمرتفعات. والشمسية أسهل تركيبًا على أسطح المنازل، أما الرياح فتنتج طاقة في الليل أيضًا."),
    ("MSA", "استخرج أسماء الأماكن من النص.", "سافرت ليلى من عمّان إلى القاهرة، ثم زارت الأقصر وأسوان قبل أن تعود إلى بيروت.",
     "عمّان، القاهرة، الأقصر، أسوان، بيروت."),
    ("MSA", "ما هي أركان الجملة الاسمية؟", "",
     "للجملة الاسمية ركنان: المبتدأ والخبر. مثل: «العلمُ نورٌ»، فالعلمُ مبتدأ مرفوع، ونورٌ خبر مرفوع وعلامة رفعه تنوين الضم."),
    ("MSA", "اكتب قصة قصيرة للأطفال عن سلحفاة تحب القراءة.", "",
     "كانت «سُلافة» سلحفاة صغيرة تعيش قرب بحيرة هادئة. وكانت كلما وجدت ورقة من كتاب قديم جلست تقرؤها ببطء. سخرت منها الأرانب قائلة: «لن تنهي كتابًا واحدًا أبدًا!». لكنها واصلت القراءة كل يوم صفحة، حتى صارت أعلم حيوانات الغابة، يأتيها الجميع ليسألوها عن الطقس والنجوم والنباتات. والعبرة: القليل الدائم خير من الكثير المنقطع."),
    ("MSA", "اقترح ثلاث أفكار لمشروع صغير في مدينة ساحلية.", "",
     "١. مقهى صغير على الشاطئ يقدّم مشروبات محلية.\n٢. تأجير الدراجات الهوائية وألواح التجديف للسياح.\n٣. ورشة لصناعة الهدايا التذكارية من الأصداف والمواد المعاد تدويرها."),
    ("MSA", "ما الفرق بين الطقس والمناخ؟", "",
     "الطقس هو حالة الجو في مكان معين خلال فترة قصيرة، كيوم أو أسبوع، من حيث الحرارة والرياح والأمطار. أما المناخ فهو متوسط حالة الطقس في منطقة ما على مدى سنوات طويلة، عادةً ثلاثين سنة أو أكثر."),
    ("MSA", "حلّل المشاعر في التعليق التالي: إيجابي أم سلبي أم محايد؟", "الخدمة كانت بطيئة جدًا والطعام وصل باردًا، لن أعود مرة أخرى.",
     "سلبي. يعبّر الكاتب عن استيائه من بطء الخدمة وبرودة الطعام، ويصرّح بأنه لن يعود."),
    ("MSA", "اكتب تعريفًا مختصرًا للتعلم الآلي.", "",
     "التعلم الآلي (Machine Learning) فرع من الذكاء الاصطناعي يُمكّن الحواسيب من التعلم من البيانات واكتشاف الأنماط فيها، ثم اتخاذ قرارات أو تنبؤات دون أن تُبرمَج صراحةً لكل حالة."),
    ("MSA", "رتّب الأحداث التالية ترتيبًا زمنيًا.", "اختراع الطباعة، بناء الأهرامات، اختراع الإنترنت، تأسيس بغداد",
     "١. بناء الأهرامات.\n٢. تأسيس بغداد (٧٦٢م).\n٣. اختراع الطباعة بالحروف المتحركة في أوروبا (القرن الخامس عشر).\n٤. اختراع الإنترنت (القرن العشرون)."),
    ("MSA", "ما معنى كلمة «الحاسوب»؟ وما جمعها؟", "",
     "الحاسوب آلة إلكترونية لمعالجة البيانات، وهو المقابل العربي لكلمة Computer، وجمعه «حواسيب». ويُسمّى أيضًا «الحاسب الآلي» و«الكمبيوتر»."),
    ("MSA", "اكتب إعلانًا قصيرًا لمعرض كتاب.", "",
     "📚 معرض الكتاب السنوي 📚\nمن ١٠ إلى ٢٠ مارس في قاعة المعارض الكبرى.\nأكثر من ٥٠٠ دار نشر؛ وندوات يومية، منها محاضرة الافتتاح التي يلقيها أ.د. سامر الحلبي، وورشة كتابة مع د. هالة يوسف؛ وركن خاص للأطفال.\nالدخول مجاني! للتفاصيل: https://example.org/bookfair"),
    ("MSA", "أعد صياغة الجملة بأسلوب أكثر رسمية.", "بدنا نخلص الشغل بكرا الصبح.",
     "نودّ إنجاز العمل صباح الغد."),
    ("MSA", "حوّل الجملة من المبني للمعلوم إلى المبني للمجهول.", "كتبَ الطالبُ الدرسَ.",
     "كُتِبَ الدرسُ."),
    ("MSA", "ما أهمية النوم الكافي للطلاب؟", "",
     "النوم الكافي يساعد الدماغ على تثبيت المعلومات التي تعلّمها الطالب خلال اليوم، ويحسّن التركيز والذاكرة. كما يقوّي جهاز المناعة ويقلل التوتر. ويُنصح الطلاب في سن المراهقة بالنوم من ثماني إلى عشر ساعات يوميًا."),
    ("MSA", "اكتب جملة تحتوي على ألف مقصورة وأخرى على همزة وصل.", "",
     "ألف مقصورة: سافرَ مصطفى إلى المستشفى ليزور صديقه.\nهمزة وصل: ٱستمعَ ٱلطلابُ إلى ٱلمحاضرة باهتمام."),
    ("MSA", "اذكر خمسة من أنواع الخط العربي.", "",
     "النسخ، والثلث، والرقعة، والديواني، والكوفي."),
    ("MSA", "قدّم وصفة مختصرة لتحضير الشاي بالنعناع.", "",
     "١. اغلِ كوبين من الماء.\n٢. ضع ملعقة صغيرة من الشاي الأخضر في الإبريق واشطفه بقليل من الماء الساخن.\n٣. أضف حفنة من أوراق النعناع الطازج والسكر حسب الرغبة.\n٤. صبّ الماء المغلي واتركه ثلاث دقائق ثم قدّمه ساخنًا في كؤوس صغيرة."),
    ("MSA", "اشرح ما يلي بلغة بسيطة لطفل.", "لماذا السماء زرقاء؟",
     "ضوء الشمس يبدو أبيض، لكنه في الحقيقة مكوّن من ألوان كثيرة. عندما يدخل الضوء الهواء، يتبعثر اللون الأزرق أكثر من باقي الألوان، فينتشر في كل مكان في السماء، ولذلك نراها زرقاء."),
    ("MSA", "اكتب ملخصًا لحياة ابن بطوطة في ثلاث جمل.", "",
     "وُلد ابن بطوطة في طنجة سنة ١٣٠٤م. قضى قرابة ثلاثين عامًا يرتحل بين أفريقيا وآسيا وأوروبا. ثم أملى رحلته الشهيرة «تحفة النظار» التي صارت من أهم كتب أدب الرحلة."),
    ("MSA", "صحّح النص التالي: أزل الرموز الزائدة واكتبه بشكل سليم.", "<b>مرحبا</b> بكم في موقعنا<br>نتمنى لكم تصفحاً ممتعاً!!!",
     "مرحبًا بكم في موقعنا. نتمنى لكم تصفحًا ممتعًا!"),
    ("MSA", "اكتب جملة عن كل مهنة من المهن التالية مع مراعاة التذكير والتأنيث.", "المهندس، المهندسة، الممرض، الممرضة",
     "المهندس يراجع مخططات المبنى بدقة.\nالمهندسة تشرف على تركيب الألواح الشمسية.\nالممرض يقيس ضغط الدم للمريض.\nالممرضة تشرح للمريضة مواعيد الدواء."),
    ("MSA", "ما هي أكبر دولة عربية مساحةً؟", "",
     "الجزائر هي أكبر دولة عربية وأفريقية من حيث المساحة، إذ تتجاوز مساحتها مليوني كيلومتر مربع، ويغطي جزءًا كبيرًا منها الصحراء الكبرى."),
    ("MSA", "اكتب تهنئة بمناسبة عيد الفطر.", "",
     "كل عام وأنتم بخير، تقبّل \ufdf2 منا ومنكم صالح الأعمال، وأعاده عليكم بالصحة والسعادة والمحبة. عيد فطر مبارك! 🌙✨"),
    ("MSA", "حوّل التاريخ التالي إلى صيغة مكتوبة بالكلمات.", "١٢/٥/٢٠٢٤",
     "الثاني عشر من مايو (أيار) سنة ألفين وأربعة وعشرين."),
    ("MSA", "ما الفرق بين «ضَلَّ» و«ظَلَّ»؟", "",
     "«ضَلَّ» بالضاد تعني تاه وانحرف عن الطريق، مثل: ضلَّ المسافر طريقه. أما «ظَلَّ» بالظاء فتعني استمرّ وبقي، وهي من أخوات كان، مثل: ظلَّ الجوُّ حارًّا طوال اليوم."),
    ("MSA", "اكتب فقرة عن أهمية المحافظة على الماء.", "",
     "الماء أساس الحياة، وتعاني كثير من الدول العربية من شحّ الموارد المائية. لذلك ينبغي ترشيد الاستهلاك في البيوت بإغلاق الصنبور أثناء تنظيف الأسنان، وإصلاح التسربات، واستعمال أساليب الري بالتنقيط في الزراعة. فكل قطرة نوفّرها اليوم تحمي حق الأجيال القادمة."),
    ("MSA", "اشرح الفرق بين «إن» و«أن».", "",
     "«إنّ» بكسر الهمزة تأتي في أول الكلام وبعد القول، مثل: إنّ العلمَ نافعٌ، وقال: إنّ الطقسَ جميلٌ. أما «أنّ» بفتح الهمزة فتأتي في وسط الكلام ويمكن تأويلها مع ما بعدها بمصدر، مثل: علمتُ أنّ الامتحانَ غدًا، أي: علمتُ موعدَ الامتحانِ."),
    ("MSA", "أنشئ قائمة تسوّق لوجبة كسكس لأربعة أشخاص.", "",
     "- نصف كيلو من سميد الكسكس.\n- نصف كيلو من لحم الضأن أو دجاجة صغيرة.\n- جزر وكوسا ولفت وقرع.\n- بصلتان وطماطم.\n- حمص مسلوق.\n- زيت زيتون وزبدة وتوابل (الكركم، الزنجبيل، الفلفل)."),
    ("MSA", "صف مدينة القدس في ثلاث جمل.", "",
     "القدس مدينة تاريخية عريقة تقع على مرتفعات وسط فلسطين. تضم البلدة القديمة المحاطة بالأسوار معالم دينية مقدسة لدى المسلمين والمسيحيين واليهود، منها المسجد الأقصى وقبة الصخرة وكنيسة القيامة. وتشتهر أسواقها القديمة بالحِرف التقليدية والأطعمة الشعبية."),
    ("MSA", "صنّف الخبر التالي: رياضة، سياسة، اقتصاد، أم تقنية؟", "أطلقت شركة ناشئة تطبيقًا يعتمد على الذكاء الاصطناعي لتعليم الأطفال القراءة بالعربية.",
     "تقنية."),
    ("MSA", "اكتب ثلاث عبارات شكر لمعلم.", "",
     "١. شكرًا لك يا أستاذي على صبرك وعطائك الذي لا ينضب.\n٢. علّمتنا أن المعرفة نور، فكنت لنا أجمل منارة.\n٣. مهما قلنا فلن نوفيك حقك، جزاك \ufdf2 خيرًا."),
    ("MSA", "ما هو الرقم الذي يلي ٩٩٩؟ اكتبه بالأرقام العربية المشرقية والغربية.", "",
     "الرقم الذي يلي ٩٩٩ هو ١٠٠٠ (بالأرقام المشرقية)، ويُكتب 1000 بالأرقام الغربية، ويُقرأ «ألف»."),
    ("MSA", "اكتب تغريدة قصيرة عن اليوم العالمي للغة العربية.", "",
     "في ١٨ ديسمبر نحتفل باليوم العالمي للغة العربية 🌍، لغة الضاد التي حملت العلوم والشعر عبر القرون. اكتبوا اليوم جملة فصيحة واحدة على الأقل! #اليوم_العالمي_للغة_العربية"),
    ("MSA", "اشرح لماذا لا تُكتب «لا» في بعض النصوص الرقمية بشكل صحيح.", "",
     "قد تُخزَّن «لا» في بعض النصوص القديمة بالحرف المركب «\ufefb» بدل حرفي اللام والألف المنفصلين. يبدو الشكل متطابقًا على الشاشة، لكنه يختلف في الترميز، فيفشل البحث عن الكلمة أو معالجتها. ولذلك تُطبَّع النصوص بتحويل أشكال العرض إلى الحروف الأساسية (تطبيع NFKC)."),
]

BACTRIAN += [
    ("EGY", "عايز أعرف أعمل إيه لو الموبايل وقع في المية؟", "",
     "أول حاجة طفيه فورًا ومتحاولش تشغله خالص. نشّفه من بره بفوطة، وشيل الجراب والشريحة. وبعدين حطه في كيس رز أو جنب مروحة يوم كامل على الأقل. ولو مش عايز يشتغل بعد كده، وديه لمحل صيانة كويس ومتفتحوش بنفسك."),
    ("EGY", "عايز أعرف ازاي أعمل كشري في البيت؟", "",
     "بص يا سيدي، الكشري سهل اوي. هتسلق الرز والعدس مع بعض، وتسلق المكرونة لوحدها. بعد كده تعمل صلصة طماطم بالتوم والخل، وتحمّر بصل لحد ما يبقى مقرمش. في الآخر حط طبقة رز وعدس، وفوقها مكرونة وحمص، وغرّق الطبق بالصلصة والبصل. بالهنا والشفا!"),
    ("EGY", "إزيك؟ ممكن تقولي إيه أحسن وقت أزور فيه أسوان؟", "",
     "أنا كويس الحمد لله! بص، أحسن وقت لأسوان هو الشتا، من نوفمبر لحد فبراير، عشان الجو بيبقى دافي ومش حر خالص. في الصيف الحرارة بتوصل لـ٤٥ درجة ومش هتقدر تتمشى بره. ومتنساش تركب فلوكة في النيل وتزور القرية النوبية، حاجة تجنن."),
    ("EGY", "أنا مش عارف أذاكر خالص، أعمل إيه؟", "",
     "متقلقش، دي حاجة بتحصل لناس كتير. جرّب تقسم المذاكرة لحتت صغيرة، يعني نص ساعة مذاكرة وبعدها خمس دقايق راحة. اقفل الموبايل وحطه في أوضة تانية عشان مايشتتكش. وكمان نام كويس، لأن السهر بيخلي المخ تعبان ومش بيستوعب."),
    ("EGY", "اكتبلي بوست فيسبوك أهنّي بيه صاحبي على الجواز.", "",
     "ألف مبروك يا صاحبي يا أجدع واحد فيكي يا مصر! 🎉💍 ربنا يتمملك على خير ويسعدك انت والعروسة، وتعيشوا أيام حلوة اوي مع بعض. والله فرحتلك من قلبي، وعقبال ما نشيل عيالك كده. بالرفاء والبنين يا عريس!"),
    ("EGY", "هو ايه الفرق بين الطبيب العام والاستشاري؟", "",
     "بص، الطبيب العام ده اللي بتروحله الأول، بيكشف عليك كشف عام ولو الحالة محتاجة تخصص بيحوّلك. أما الاستشاري فده دكتور أخد سنين خبرة كتير في تخصص معين، زي القلب أو العظام، وبقى يعتبر مرجع فيه. وفيه دكاترة ستات شاطرين اوي برضه، يعني الطبيبة الاستشارية بتبقى ليها نفس المكانة بالظبط."),
    ("EGY", "ممكن تشرحلي يعني إيه ذكاء اصطناعي بكلام بسيط؟", "",
     "بص يا سيدي، الذكاء الاصطناعي ده برامج كمبيوتر بتتعلم من بيانات كتير اوي، زي ما الطفل بيتعلم من اللي حواليه. يعني لو وريت البرنامج آلاف الصور بتاعة قطط، هيعرف يفرّق القطة من الكلب لوحده. ومن ضمنه البرامج اللي بتكلمك وترد عليك كده زيي دلوقتي 😄."),
    ("EGY", "عايز أكتب رسالة لمديري إني هتأخر النهارده.", "",
     "صباح الخير يا أستاذ محمود، معلش أنا آسف جدًا بس هتأخر النهارده حوالي ساعة، عشان في عطل في المترو والدنيا زحمة اوي. هخلّص الشغل المتأخر وهفضل بعد المواعيد لو احتاجت. شكرًا لتفهّم حضرتك."),
    ("EGY", "إيه أحلى أكلة مصرية للفطار؟", "",
     "من غير تفكير: الفول والطعمية! فول مدمس بالزيت الحار والكمون والليمون، وجنبه طعمية سخنة طالعة من الطاسة، ومعاهم عيش بلدي وجرجير وطماطم. وفي ناس بتحب البيض بالبسطرمة أو الفطير المشلتت بالعسل والجبنة القديمة. فطار ملوكي بجد."),
    ("EGY", "صاحبي زعلان مني عشان نسيت عيد ميلاده، أعمل إيه؟", "",
     "بسيطة، متكبّرش الموضوع. كلمه واعتذرله بصراحة وقوله إنك كنت مضغوط ومش قصدك خالص. وبعدين اعمله مفاجأة صغيرة، هاتله تورتة أو خده يتعشى في مكان بيحبه. الصحاب الحلوين بيسامحوا بسرعة لما يحسوا إنك فعلًا مهتم."),
    ("EGY", "ازاي أحافظ على الموبايل بتاعي من الفيروسات؟", "",
     "أول حاجة متنزلش أي برنامج غير من المتجر الرسمي. تاني حاجة متدوسش على أي لينك غريب جايلك في رسالة، حتى لو شكله زي https://example.com/prize وبيقولك كسبت جايزة. وكمان حدّث السيستم على طول، وحط باسوورد قوي ومتكررهوش في كل حتة. كده هتبقى في أمان إن شاء الله."),
    ("EGY", "قولي نكتة مصرية.", "",
     "مرة واحد بخيل اوي راح يشتري ساعة، البياع قاله: دي ساعة ضد المية. قاله: طب مفيش واحدة ضد الفلوس؟ 😂 وبيقولك كمان مرة واحد صعيدي اشترى تلاجة، حط فيها عيش عشان يبقى عيش بارد... خلاص، كفاية كده النهارده."),
    ("EGY", "إيه الفرق بين المهندس المدني والمهندس المعماري؟", "",
     "المهندس المعماري هو اللي بيصمم شكل المبنى من بره وجوه، يعني الأوض فين والشبابيك شكلها إيه. أما المهندس المدني فبيحسب الخرسانة والحديد عشان المبنى يستحمل ومايقعش. والمهندسة المدنية في موقع الشغل بتعمل نفس الحاجة بالظبط، ماحدش أحسن من حد، كله بالشطارة."),
    ("EGY", "اكتبلي كلام أقوله لماما في عيد الأم.", "",
     "كل سنة وانتي طيبة يا أحلى ماما في الدنيا ❤️. انتي اللي تعبتي وسهرتي عشانا، ومهما عملنا مش هنوفّي حقك. ربنا يخليكي لينا وتفضلي منوّرة البيت بضحكتك. بحبك اوي اوي، ومن غيرك الدنيا مالهاش طعم."),
    ("EGY", "هو ينفع أتعلم برمجة لوحدي من النت؟", "",
     "طبعًا ينفع، وفي ناس كتير اتعلمت كده. ابدأ بلغة سهلة زي Python، وفي كورسات مجانية كتير على النت. المهم تطبّق بإيدك، يعني متفضلش تتفرج على فيديوهات وبس. اعمل مشاريع صغيرة زي آلة حاسبة أو لعبة بسيطة، وكل ما تقع في مشكلة دوّر على حلها. الموضوع عايز صبر بس يستاهل."),
    ("EGY", "ليه الناس في مصر بتشرب شاي كتير كده؟", "",
     "الشاي في مصر ده مش مجرد مشروب، ده طقس يومي! الناس بتشربه الصبح مع الفطار، وبعد الغدا، وعلى القهوة مع الصحاب بالليل. وفيه ناس بتحبه تقيل اوي بسكر كتير، واللي بيسموه «شاي كشري»، وفيه اللي بيحبه بالنعناع. وكمان بيعتبر حاجة من كرم الضيافة، أول ما حد يجيلك البيت تقوله: تشرب شاي؟"),
    ("EGY", "عايز أسافر الساحل الشمالي الصيف ده، تنصحني بإيه؟", "",
     "الساحل جميل اوي في الصيف بس زحمة نار في أغسطس، فحاول تروح في يونيو أو أول يوليو. احجز الشاليه بدري عشان الأسعار بتولّع. وخد معاك واقي شمس كويس، الشمس هناك مش بتهزر. ولو بتحب الهدوء، روح القرى اللي بعد العلمين، المية هناك صافية زي الكريستال."),
    ("EGY", "ممكن تعدّلي الجملة دي عشان تبقى أحسن؟", "انا عايز اقول للناس ان المنتج بتاعنا حلو",
     "ممكن تقولها كده: «جرّبوا المنتج بتاعنا وانتو هتحكموا بنفسكو، إحنا واثقين إنه هيعجبكم اوي». كده الكلام بيبقى فيه ثقة ومش مجرد مدح، والناس بتحب اللي يخليها تجرب بنفسها."),
    ("EGY", "إيه رأيك في الأهلي والزمالك؟", "",
     "بص، أنا مش هدخل في الخناقة دي 😅. الاتنين أندية كبيرة اوي وليهم تاريخ طويل وجمهور بالملايين. ماتش القمة بيخلي البلد كلها تقف، والشوارع بتفضى وقت الماتش. المهم التشجيع يفضل بروح رياضية ومحدش يزعل من حد."),
    ("EGY", "أنا عايز أتعلم أطبخ، أبدأ بإيه؟", "",
     "ابدأ بالحاجات السهلة اللي مبتبوظش بسرعة: البيض بأنواعه، المكرونة بالصلصة، والرز. بعد كده جرّب الأكلات اللي فيها خطوات أكتر زي المسقعة أو الملوخية. وأهم حاجة ذوق الأكل وانت بتطبخ، ومتخافش تغلط، كلنا حرقنا حلل في الأول."),
    ("EGY", "ترجملي الجملة دي للعربي المصري.", "I am very tired today and I want to sleep early.",
     "أنا تعبان اوي النهارده وعايز أنام بدري. الجملة دي ممكن تتقال كمان: «أنا هلكان خالص ونفسي أنام من دلوقتي»، ودي بتستخدم أكتر في الكلام العادي بين الصحاب."),
    ("EGY", "هو أنا لو بقيت ممرض هلاقي شغل بسهولة؟", "",
     "الصراحة التمريض من المهن المطلوبة اوي، جوه مصر وبره كمان، خصوصًا في الخليج. سواء كنت ممرض أو ممرضة، المستشفيات دايمًا محتاجة ناس شاطرة. بس الشغل متعب وفيه نبطشيات بالليل، فلازم تكون بتحب المهنة دي بجد مش عشان الفلوس وبس."),
    ("EGY", "ازاي أقول لأبويا إني عايز أغير الكلية؟", "",
     "اختار وقت يكون فيه رايق، مش وهو راجع من الشغل تعبان. وقوله بهدوء إنك مش لاقي نفسك في الكلية دي، واشرحله إنت عايز تدرس إيه وليه. لو جهزت معلومات عن الكلية التانية وفرص الشغل بعدها، هيقتنع أسرع بكتير. وخليك محترم حتى لو رفض في الأول، اديله وقت يفكر."),
    ("EGY", "اكتبلي وصف قصير لمحل فول وطعمية على انستجرام.", "",
     "أحلى فول وطعمية في المنطقة كلها! 🥙 فول مدمس على الأصول وطعمية طازة كل دقيقة، وعيش سخن من الفرن على طول. تعالى افطر عندنا وإنت هتدعيلنا. مفتوحين من ٦ الصبح لحد الضهر، وفي توصيل للبيت كمان. جمـــيل اوي وطعمه يجنن، جرّب ومش هتندم!"),
    ("EGY", "هو الجو في إسكندرية عامل إيه في الشتا؟", "",
     "الشتا في إسكندرية حلو اوي بس فيه نوّات، يعني أيام مطر جامد وريح شديدة والبحر بيبقى هايج. الناس هناك متعودين، بيلبسوا تقيل ويقعدوا على القهاوي يتفرجوا على البحر. لو رايح ابعد عن أيام النوة وخد جاكيت ومظلة، وإن شاء الله هتنبسط."),
]

BACTRIAN += [
    ("GLF", "ابي أعرف شلون أعتني بالنخلة اللي بحوش البيت.", "",
     "النخلة ما تبي وايد تعب، بس لازم تسقيها زين خصوصًا بالصيف، مرتين بالأسبوع تقريبًا. نظف السعف اليابس كل سنة، وحط لها سماد عضوي بالشتا. ووقت التلقيح بالربيع تقدر تجيب أحد يلقحها لك إذا تبي رطب زين. وانتبه من سوسة النخيل، إذا شفت ثقوب بالجذع كلم البلدية على طول."),
    ("GLF", "شلون أسوي مچبوس دياي؟", "",
     "المچبوس وايد سهل. أول شي حمّس البصل بالدهن لين يصير ذهبي، وبعدين حط الدياي والبهارات: لومي وهيل ودارسين وكركم. خلّه يستوي مع الطماط والماي شي نص ساعة، وبعدين شيل الدياي وحط العيش بالمرق لين يستوي. في الأخير رجّع الدياي فوق العيش وزيّنه بالحشو. بالعافية عليك!"),
    ("GLF", "ابي أروح البر هالويكند، شنو لازم آخذ معاي؟", "",
     "زين إنك بتطلع البر، الجو الحين حلو. خذ معاك خيمة وفرشة وبطانيات لأن الليل يبرد وايد. لا تنسى الماي والحطب والدلة حق القهوة والفحم للشوي. وترا لازم تعلّم أحد وين رايح، وتتأكد إن تاير السيارة الاحتياطي زين. واستانس يا خوي!"),
    ("GLF", "شنو الفرق بين الممرض والطبيب في المستشفى؟", "",
     "الطبيب هو اللي يشخّص المرض ويكتب العلاج، والطبيبة نفس الشي. أما الممرض والممرضة فهم اللي يتابعون المريض طول الوقت: يعطونه الدوا بمواعيده، ويقيسون الضغط والحرارة، ويبلّغون الدكتور إذا صار شي. ترا الممرضين شغلهم وايد متعب، الله يعطيهم العافية."),
    ("GLF", "ودي أتعلم الإنجليزي بسرعة، شلون؟", "",
     "أول شي لازم تسمع وايد: حط أفلام ومسلسلات بالإنجليزي مع ترجمة إنجليزي مب عربي. وبعدين حاول تسولف مع نفسك أو مع ربعك بالإنجليزي ولو كلمتين. وفيه تطبيقات زينة تعلّمك كلمات جديدة كل يوم. المهم لا تستحي من الغلط، الكل يغلط في البداية."),
    ("GLF", "هذي أول مرة أسافر لحالي، عندك نصايح؟", "",
     "أول شي صوّر جوازك وخلّ نسخة بإيميلك. ثاني شي لا تشيل فلوس وايد كاش، استخدم البطاقة. وحاول تحجز الفندق قريب من المترو أو الأماكن اللي تبي تزورها. وخلّ أهلك يعرفون وين بتكون كل يوم. وإن شاء الله بتستانس وايد وبترجع تبي تسافر مرة ثانية."),
    ("GLF", "شلون أعرف إن التمر زين؟", "",
     "التمر الزين يكون لونه لامع وطري شوي، مب ناشف وايد ولا لازق وايد. شمّه بعد، لازم ريحته حلوة مب حامضة. والأنواع وايد: خلاص وسكري ورزيز وخنيزي، كل واحد له طعم. وأحسن شي تشتري من المزارع أو من سوق التمر في موسم الصرام."),
    ("GLF", "أبي أكتب رسالة أعتذر فيها لربعي إني ما رحت العزيمة.", "",
     "هلا والله بالربع، السموحة منكم ما قدرت أحضر العزيمة البارحة، صار عندي ظرف طارئ بالبيت. والله كان ودي أكون معاكم وأسولف وياكم. إن شاء الله العزيمة الياية علي، ولا تزعلون مني. عساكم دوم مستانسين."),
    ("GLF", "وش أحسن وقت أزور فيه أبها؟", "",
     "أبها أحلى شي في الصيف، لأن الجو هناك بارد ومطر والضباب يغطي الجبال، بينما باقي المملكة حر مرة. في الشتا تبرد وايد بالليل. وترا فيه أماكن حلوة مثل السودة وقرية رجال ألمع. احجز بدري لأن الصيف زحمة."),
    ("GLF", "ولدي ما يبي يذاكر، شسوي معاه؟", "",
     "لا تعصب عليه وايد، هذا يخليه يكره الدراسة أكثر. حاول تفهم ليش ما يبي، يمكن المادة صعبة عليه أو عنده مشكلة بالمدرسة. سوّ له جدول بسيط فيه وقت للمذاكرة ووقت للعب، وكافئه إذا خلّص واجباته. وقعد وياه شوي وقت المذاكرة، الأطفال يحبون الاهتمام."),
    ("GLF", "شنو يعني الذكاء الاصطناعي؟ اشرحه لي چذي بسيط.", "",
     "الذكاء الاصطناعي يعني برامج كمبيوتر تتعلم من معلومات وايد، مثل ما الياهل يتعلم من اللي يشوفه. يعني لو عطيته آلاف الصور حق سيارات، يصير يعرف السيارة لحاله. والحين تلقاه بكل مكان: بالتلفون وبالخرايط وحتى بالترجمة. بس ترا ما يفكر مثلنا، هو يحسب احتمالات وبس."),
    ("GLF", "ابي فكرة هدية حق أمي بعيد ميلادها.", "",
     "شرايك تسوي لها ألبوم صور فيه ذكرياتكم من زمان لين الحين؟ هذي هدية تفرّح القلب وايد. أو خذ لها عطر عود زين أو مخمرية، الأمهات يحبونها. وإذا تبي شي مختلف، احجز لها جلسة سبا أو عشا في مطعم تحبه. المهم الهدية تكون من قلبك."),
    ("GLF", "الحين الجو حر وايد، شلون أبرّد البيت بدون ما أصرف كهربا وايد؟", "",
     "سكّر الستاير وقت الظهر عشان الشمس ما تدخل، هذي وحدها تفرق وايد. خلّ المكيف على ٢٤ درجة مب ١٦، الفرق بالفاتورة كبير. ونظّف فلاتر المكيف كل شهر. وإذا تقدر، حط عازل حراري على السطح. وطفّ الأنوار والأجهزة اللي ما تستخدمها."),
    ("GLF", "ترجم هالجملة للهجة الخليجية.", "I want to go to the mall now with my friends.",
     "أبي أروح المول الحين وياي ربعي. ويقدر الواحد يقول بعد: «ودي أطلع المول الحين مع الشباب»، وهذي أكثر شي تنقال بالكويت والإمارات."),
    ("GLF", "شنو أحسن طريقة أحفظ فيها القرآن؟", "",
     "أحسن شي تحدد ورد يومي ثابت ولو صفحة وحدة، والاستمرار أهم من الكمية. اسمع التلاوة من قارئ تحبه وكرر الآيات وايد. وراجع اللي حفظته كل يوم قبل لا تحفظ جديد. وإذا تقدر انضم لحلقة تحفيظ بالمسجد، وجود شيخ يسمّع لك يفرق وايد."),
    ("GLF", "أبي أشتري سيارة مستعملة، وش لازم أنتبه له؟", "",
     "أول شي افحصها بمركز فحص معتمد قبل لا تدفع ولا ريال. شوف الممشى وتاريخ الصيانة، واسأل إذا صار لها حادث. جرّبها بنفسك بالشارع وانتبه لصوت الماكينة والجير. وترا لا تستعجل، السيارات وايد والزينة تنلقى إذا صبرت شوي."),
    ("GLF", "عطني وصف قصير حق مقهى جديد بالدوحة.", "",
     "مقهى جديد على الكورنيش، جلساته حلوة وايد تطل على البحر ☕🌊. عندهم قهوة مختصة وكرك زين، وحلويات محلية مثل اللقيمات والبلاليط. الجو هادي والموسيقى خفيفة، يناسب الدراسة والسوالف. مفتوح من الصبح لين نص الليل."),
    ("GLF", "شلون أكتب إيميل رسمي حق الشركة أطلب فيه شهادة راتب؟", "",
     "تقدر تكتب چذي: «السلام عليكم، أرجو التكرم بإصدار شهادة راتب باسمي لتقديمها للبنك. شاكر ومقدر تعاونكم». وحط اسمك ورقمك الوظيفي تحت. وإرسله على إيميل الموارد البشرية مثل \u200fhr@example.com\u200f. ترا الإيميل الرسمي يكون قصير وواضح، لا تكثر سوالف."),
    ("GLF", "ليش الناس بالخليج يحبون الكرك؟", "",
     "الكرك صار جزء من الحياة اليومية، تلقاه بكل زاوية وبسعر رخيص. هو شاي مغلي مع حليب وهيل وزعفران أحيانًا، وطعمه قوي وحلو. الناس يوقفون عند الكفتيريا بسياراتهم ويطلبونه وهم بالسيارة، وهذي عادة وايد منتشرة. ويقولون إنه جانا من الهند مع التجار والعمال."),
    ("GLF", "بنتي تبي تصير مهندسة، شنو تنصحها؟", "",
     "زين وايد! قولي لها تركز على الرياضيات والفيزياء من الحين. وخلها تشارك بمسابقات الروبوت والبرمجة اللي بالمدارس. والحين فيه مهندسات خليجيات وايد شاطرات بالنفط والطيران والبرمجة. وبعدين تختار التخصص اللي تحبه: مدني، كهربا، حاسب آلي... المهم تكون شغوفة فيه."),
    ("GLF", "شنو الأكلات اللي تنطبخ برمضان عندكم؟", "",
     "برمضان السفرة ما تخلو من الهريس والثريد، وهذي أكلات أساسية. وبعد فيه اللقيمات بالدبس، والسمبوسة، وشوربة العدس. والفطور يبدأ بالتمر والماي والقهوة، وبعدين الصلاة، وبعدين الأكل. وبعد التراويح الناس يروحون الغبقة ويسولفون لين السحور."),
    ("GLF", "أحس إني تعبان وايد من الشغل، شسوي؟", "",
     "الله يعينك، هذا شي طبيعي إذا الضغط وايد. حاول تاخذ إجازة ولو كم يوم وتبعد عن التلفون والإيميلات. نام زين وامش كل يوم شوي، الرياضة تفرّغ التعب. وإذا الشي طول، كلم مديرك بصراحة عن الضغط، يمكن يقدر يوزع الشغل. وما عليه، صحتك أهم من أي شي."),
    ("GLF", "شنو الفرق بين الدلة والترمس؟", "",
     "الدلة هي الإبريق التقليدي اللي نسوي فيه القهوة العربية، ويكون من نحاس أو ستيل وله خشم طويل. أما الترمس فهو حافظة حرارة نحط فيها القهوة أو الشاي عشان يظل حار وقت طويل. الحين أغلب الناس يسوون القهوة بالدلة ويحطونها بالترمس، بس بالمناسبات الكبار يصبون من الدلة على طول."),
    ("GLF", "وين أحسن مكان أتمشى فيه بدبي الحين؟", "",
     "إذا الجو زين، روح ممشى الجميرا أو الكايت بيتش، البحر هناك حلو وايد وقت المغرب. وإذا تبي شي قديم، روح البستكية والخور وركب العبرة بدرهم واحد بس. وبالليل الحديقة اللي جنب برج خليفة زحمة بس تستاهل، خصوصًا وقت النافورة 🌆."),
    ("GLF", "ابي أبدأ أركض، بس ما أعرف من وين أبدأ.", "",
     "ابدأ شوي شوي، لا تحاول تركض ٥ كيلو من أول يوم. امش سريع ربع ساعة، وبعدين اركض دقيقة وامش دقيقتين، وكرر. اشتر جوتي زين للركض، هذا وايد مهم عشان ركبك. والصيف هني حر، فاركض الصبح بدري أو بعد المغرب. وبعد شهر بتشوف الفرق إن شاء الله."),
]

BACTRIAN += [
    ("LEV", "كيف بعمل كبة بالصينية؟", "",
     "بتنقع البرغل الناعم شوي وبتعصرو، وبتعجنو مع اللحمة الناعمة والبصل والملح والبهارات لحتى تصير عجينة ناعمة. بتفرد نصها بصينية مدهونة، وفوقها الحشوة: لحمة مقلية مع بصل وصنوبر. وبعدين بتغطيها بالنص التاني، بتقطعها معينات، وبتدهنها سمنة، وبتخبزها بالفرن لحتى تحمر. صحتين!"),
    ("LEV", "كيف بعمل تبولة منيحة؟", "",
     "التبولة بدها بقدونس كتير، هيدا أهم شي. اغسل البقدونس منيح ونشّفو، وبعدين فرمو ناعم بسكين حادة مش بالماكينة. زيد عليه بندورة وبصل أخضر ونعنع، وشوية برغل ناعم منقوع. وبالآخر عصير ليمون وزيت زيتون وملح. وكلها هلق وهي طازة، ما بتنحفظ كتير."),
    ("LEV", "بدي روح عبيروت بالصيف، شو بتنصحني زور؟", "",
     "أكيد لازم تتمشى عالكورنيش وتشوف صخرة الروشة وقت المغرب. وروح على مار مخايل والجميزة بالليل، فيها مطاعم وقهاوي حلوة كتير. وإذا عندك وقت، اطلع عجبيل أو عالبترون، قراب ومناظرهن بتجنن. وما تنسى تاكل منقوشة زعتر عالفطور، هيدي أساسية!"),
    ("LEV", "ليش ابني عم يقضي كل وقتو عالتلفون؟", "",
     "هيدا شي كتير منتشر هلق عند الولاد. يمكن عم يتسلى لأنو ما في شي تاني يعملو، أو لأنو كل رفقاتو هيك. جرّب تحطلو وقت محدد للتلفون بالنهار، وشجعو على رياضة أو هواية بيحبها. وكمان لازم نحنا الكبار نكون قدوة، إذا نحنا طول الوقت عالتلفون رح يعمل متلنا."),
    ("LEV", "شو الفرق بين الممرضة والطبيبة بالمستشفى؟", "",
     "الطبيبة هي يلي بتفحص المريض وبتشخّص المرض وبتكتب الدوا، متل الطبيب تمامًا. أما الممرضة أو الممرض فهنّي يلي بيضلّوا مع المريض طول النهار والليل، بيعطوه الدوا بوقتو وبيراقبوا حالته. الشغلتين مهمين كتير وما في وحدة بتمشي بلا التانية."),
    ("LEV", "كيفك؟ بدي ساعدني بكتابة رسالة لصاحبتي بعيد ميلادها.", "",
     "منيحة الحمدلله! اكتبيلها هيك: «كل سنة وإنتِ طيبة يا أحلى صاحبة 🎂. إنتِ مش بس رفيقة، إنتِ إخت ما خلّفتها إمي. بتمنالك سنة مليانة فرح ونجاح، وإن شاء الله منضل سوا لآخر العمر. بحبك كتير!»"),
    ("LEV", "شو يعني ذكاء اصطناعي؟ اشرحلي ياه ببساطة.", "",
     "الذكاء الاصطناعي هو برامج كمبيوتر بتتعلم من معلومات كتير، متل ما الولد الصغير بيتعلم من يلي حوالَيه. يعني إذا فرجيت البرنامج آلاف الصور لكلاب، بيصير يعرف الكلب لحالو. وهلق صار بكل مكان: بالتلفون، بالترجمة، وبالبرامج يلي بتحكي معك متلي هلق."),
    ("LEV", "عم فكّر اترك شغلي وافتح مشروع صغير، شو رأيك؟", "",
     "الفكرة حلوة بس لازم تكون مدروسة منيح. قبل ما تترك الشغل، جرّب تبلّش المشروع عجنب، ولو بشي صغير، لتشوف إذا في طلب عليه. وخلّي معك مصاري تكفيك ست أشهر عالأقل. وإذا بعد هيك لقيت إنو المشروع ماشي، ساعتها بتترك وإنت مرتاح. يعني لا تستعجل."),
    ("LEV", "قديش لازم نام بالليل؟", "",
     "الكبار بيحتاجوا عادةً بين سبع وتسع ساعات نوم. إذا عم تنام أقل من هيك كل يوم، رح تحس حالك تعبان ومش مركّز. جرّب تنام وتفيق بنفس الوقت كل يوم، وبطّل تشرب قهوة بعد العصر. وشيل التلفون من حدك قبل ما تنام بنص ساعة."),
    ("LEV", "ترجملي هالجملة عالشامي.", "What are you doing now? I want to see you tomorrow.",
     "شو عم تعمل هلق؟ بدي شوفك بكرا. وفيك تقول كمان: «شو عم تساوي هلأ؟ بدي إلتقي فيك بكرا»، وهيدي بتنقال أكتر بالشام."),
    ("LEV", "كيف بطبخ مقلوبة؟", "",
     "أول شي بتقلي الباذنجان والقرنبيط وبتحطهن عجنب. بتسلق الدجاج مع بهارات وبصل وبتحتفظ بالمرقة. بعدين بتصف بالطنجرة الدجاج، وفوقو الخضرة، وفوقها الرز المنقوع، وبتكبّ المرقة وبتتركها تستوي عنار هادية. وبالآخر بتقلبها عالصينية، وهون اللحظة الحلوة! وزيّنها بالصنوبر واللوز."),
    ("LEV", "ليش لازم اشرب مي كتير بالصيف؟", "",
     "لأنو بالصيف الجسم عم يعرق كتير وعم يخسر مي وأملاح. إذا ما شربت منيح، ممكن يصيرلك صداع ودوخة وتعب. حاول تشرب شي تمن كاسات بالنهار، وأكتر إذا عم تشتغل بالشمس أو عم تعمل رياضة. وكُل فواكه فيها مي كتير متل البطيخ والخيار."),
    ("LEV", "بدي اكتب بوست عن مطعمي الجديد بعمّان.", "",
     "افتتاح مطعمنا الجديد بجبل عمّان! 🎉 عنا أطيب منسف وفتة ومشاوي، وكل شي معمول بإيدين الست أم خالد. الجو عيلي ودافي، والأسعار بتناسب الكل. تعوا جرّبوا وما رح تندموا، ناطرينكن من الضهر للساعة ١٢ بالليل. للحجز: https://example.com/reserve"),
    ("LEV", "اختي بدها تصير مهندسة بس أهلي مش مقتنعين، شو بتعمل؟", "",
     "لازم تحكي معهن بهدوء وتشرحلهن ليش بتحب الهندسة. وفيها توريهن أمثلة عن مهندسات ناجحات، وهلق صار في كتير منهن بكل المجالات. وإذا علاماتها منيحة بالرياضيات والفيزيا، هيدا بحد ذاتو دليل إنها بتنفع. ومع الوقت الأهل بيقتنعوا لما يشوفوا نجاح بنتهن."),
    ("LEV", "شو الشي يلي لازم اعرفو قبل ما زور الشام؟", "",
     "الشام حلوة كتير بس زحمة، فلبوس صباط مريح لأنو رح تمشي كتير بالحارات القديمة. زور الجامع الأموي وسوق الحميدية وكول بوظة بكداش. وجرّب الفول والفتة عالفطور بمطاعم باب توما. والناس هونيك كتير كرماء، أكيد حدا رح يعزمك عالقهوة."),
    ("LEV", "كيف بتعلم سواقة بسرعة؟", "",
     "أهم شي تتعلم مع أستاذ عندو صبر، مش مع حدا بيصرّخ عليك. بلّش بمكان فاضي بلا سيارات، لتتعود عالفرام والدبرياج. وبعدين شوي شوي طلاع عالطرقات الهادية. ولا تسوق بالليل أو بالشتي إلا بعد ما تتأكد إنك صرت منيح. وما في داعي للسرعة، كل شي بوقتو حلو."),
    ("LEV", "صديقي زعلان مني، كيف صالحو؟", "",
     "أول شي اعرف ليش زعلان، يمكن في شي إنت مش منتبهلو. بعدين روحلو وقلّو بصراحة: «أنا آسف، ما كان قصدي زعّلك». لا تبرر كتير، الاعتذار البسيط أحسن. وإذا بدك، اعزمو عفنجان قهوة أو عأكلة بيحبها، هيك الجو بيرجع منيح بسرعة."),
    ("LEV", "شو رأيك بالقراءة الإلكترونية؟ أحسن من الكتب الورق؟", "",
     "كل واحد إلو إيجابياتو. القارئ الإلكتروني خفيف وفيك تحمل فيه مية كتاب، ومنيح للسفر. بس الكتاب الورق إلو ريحة وإحساس ما بيتعوّض، وعيونك بتتعب أقل. أنا بنصحك تقرا بالطريقة يلي بتخليك تقرا أكتر، هيدا أهم شي."),
    ("LEV", "كيف بقول لمديري إنو بدي زيادة معاش؟", "",
     "حضّر حالك منيح قبل ما تحكي معو. اكتب كل الشغلات يلي عملتها هالسنة والمشاريع يلي نجحت فيها. بعدين اطلب اجتماع وقلّو بهدوء إنك عم تشتغل كتير وحابب يكون معاشك عقد تعبك. ولا تهدد بالاستقالة من أول مرة، خلّي الحكي إيجابي."),
    ("LEV", "شو أحلى شي بفلسطين بالربيع؟", "",
     "الربيع بفلسطين بيجنن! الجبال بتصير خضرا والزهر الأحمر بيطلع بكل مكان. موسم العكوب والزعتر الأخضر والفول الأخضر، والناس بتطلع عالكروم تتنزّه. وبنابلس لازم تاكل كنافة، وبالقدس تتمشى بالبلدة القديمة. والجو لا برد ولا شوب، يعني مظبوط."),
    ("LEV", "شو الأكلات يلي بتنطبخ برمضان عنا بالشام؟", "",
     "عالفطور ما بتغيب الشوربة والفتوش، وبعدين بتيجي الطبخة: كبة لبنية أو شيخ المحشي أو يبرق. ومن الحلويات القطايف بالجوز والقشطة، والناس بتشتري معروك من الفرن. وما بيخلص الليل بلا عرق سوس وتمر هندي، ومسحراتي بيدق عالطبل قبل السحور."),
    ("LEV", "ليش الطقس هالسنة غريب كتير؟", "",
     "الصراحة العلماء عم يحكوا إنو التغير المناخي عم يخلي الطقس متقلب أكتر. يعني بيصير في موجات شوب قوية بالصيف، وبعدين شتي كتير بأيام قليلة. وهيدا عم يأثر عالزراعة وعالمي. لازم كلنا نخفف استهلاك الكهربا والبنزين قد ما فينا."),
    ("LEV", "شو بتنصح حدا بدو يبلّش يتعلم برمجة؟", "",
     "بلّش بـ Python لأنها سهلة ومنيحة للمبتدئين. في كورسات ببلاش عالنت، بس الأهم تعمل مشاريع صغيرة بإيدك. مثلًا اعمل برنامج بيحسبلك مصاريفك، أو لعبة صغيرة. وكل ما علقت بشي، دوّر عالحل واسأل. وما تيأس، الكل بيحس حالو ضايع بالأول، هيك الحياة."),
    ("LEV", "قديش بياخد وقت لتعلم العود؟", "",
     "بيختلف من شخص لشخص، بس إذا عم تتمرن نص ساعة كل يوم، بعد كم شهر بتصير تعزف مقطوعات بسيطة. العود بدو صبر لأنو ما في عليه دساتين متل الغيتار، فلازم ودانك تتعود. دوّر على أستاذ منيح بالأول لتتعلم مسكة الريشة صح. ومع الوقت رح تحبّو كتير."),
    ("LEV", "كيف بنظّم وقتي بين الشغل والجامعة؟", "",
     "أول شي اعمل جدول أسبوعي وحط فيه مواعيد الشغل والمحاضرات، وبعدين حط ساعات الدراسة بالفراغات. استغل وقت المواصلات لتراجع أو تسمع محاضرات. وما تنسى تخلّي وقت للراحة، لأنو إذا ضغطت حالك كتير رح تتعب وتخسر بالتنين. وإذا في فرصة، احكي مع مديرك يعطيك مرونة بأيام الامتحانات."),
]

BACTRIAN += [
    ("MGR", "كيفاش نختار دلاحة مزيانة فالسوق؟", "",
     "ضرب عليها بيدك: إلا كان الصوت خاوي وعميق، راها طايبة. شوف البلاصة اللي كانت كتقيس الأرض، خاصها تكون صفرا ماشي بيضا. وتكون تقيلة على قد الحجم ديالها، هادشي كيعني فيها الما بزاف. وبلا ما تشري المشقوقة ولا اللي فيها ضربات."),
    ("MGR", "كيفاش نطيب طاجين بالدجاج والزيتون؟", "",
     "ساهلة بزاف. دير الدجاج فالطاجين مع البصلة المحكوكة والثوم والزيت، وزيد الملحة والإبزار والكركم والزنجبيل والزعفران الحر. خليه يطيب على نار هادية شي ساعة، وزيد عليه شوية ديال الما إلا نشف. فاللخر زيد الزيتون والحامض المرقد وخليه عشر دقايق. وكول بالخبز ديال الدار، بصحتك!"),
    ("MGR", "واش كاين شي نصيحة باش نقرا مزيان للباك؟", "",
     "أول حاجة دير برنامج ديال القراية وتبّعو كل نهار. قرا فالصباح بكري حيت الراس كيكون صافي. دير ملخصات ديالك بيدك، وحل بزاف ديال التمارين ديال السنوات اللي فاتت. ونعس مزيان، ماشي تبقى سهران حتى للفجر. وبلا ما تقارن راسك بصحابك، كل واحد وطريقتو."),
    ("MGR", "بغيت نمشي لشفشاون، شنو خاصني نعرف؟", "",
     "شفشاون مدينة زوينة بزاف، كلها زرقا وفالجبل. خاصك تلبس صباط مريح حيت الزناقي طالعين وهابطين. سير للساحة ديال وطا الحمام، وطلع للجامع الإسباني مع الغروب، المنظر كيحماق. وجرب الجبن البلدي ديال الجبالة. ودابا فالصيف كتكون عامرة، حجز الأوطيل بكري."),
    ("MGR", "شنو الفرق بين الطبيب والفرملي؟", "",
     "الطبيب ولا الطبيبة هوما اللي كيشوفو المريض وكيعرفو شنو عندو وكيكتبو الدوا. أما الفرملي ولا الفرملية، يعني الممرض والممرضة، هوما اللي كيبقاو حدا المريض نهار وليل، كيعطيوه الدوا فالوقت ديالو وكيتبعو الحالة ديالو. بجوج مهمين بزاف فالسبيطار، وبلا الفرامليا والو."),
    ("MGR", "عافاك كتب ليا ميساج نعتذر فيه لصاحبي.", "",
     "سلام خويا، سمح ليا بزاف على داك النهار، ماكانش قصدي نقلقك. كنت مزيّر شوية وقلت كلام ماشي فبلاصتو. نتا عزيز عليا بزاف وماكنبغيش نخسرك على حاجة تافهة بحال هادي. نتلاقاو غدا فالقهوة ونتفاهمو مزيان، إن شاء الله."),
    ("MGR", "واش الذكاء الاصطناعي غادي ياخد لينا الخدمة؟", "",
     "ماشي بالضرورة. الذكاء الاصطناعي غادي يبدل بزاف ديال الخدمات، ولكن غادي يخلق خدمات جداد حتى هو. اللي خاصك دير دابا هو تتعلم كيفاش تخدم بهاد الأدوات، ماشي تخاف منها. الناس اللي كيعرفو يستعملوه غادي يكونو مطلوبين بزاف فالمستقبل."),
    ("MGR", "شحال خاص من الوقت باش نتعلم الفرنسية؟", "",
     "كيتعلق بيك. إلا كنتي كتقرا كل نهار نص ساعة وكتسمع الراديو والأفلام بالفرنسية، من بعد شي ستة شهور غادي تولي تفهم مزيان. المهم هو تهضر بيها بلا حشمة، حتى إلا غلطتي. وحنا فالمغرب عندنا الفرصة، حيت الفرنسية كاينة فكل بلاصة: فالإدارة، فالسوق، les panneaux، كلشي."),
    ("MGR", "بغيت نعرف كيفاش نوجد أتاي مزيان.", "",
     "سخّن الما حتى يغلي. دير فالبراد واحد المعلقة كبيرة ديال أتاي الأخضر، وصب عليه شوية ديال الما وخويه، هادي سميتها «تشليل». من بعد زيد الما السخون والسكر، وخليه يغلي شوية على العافية. فاللخر زيد النعناع، وصبو من الفوق باش تطلع الرغوة. وبصحتك!"),
    ("MGR", "ترجم ليا هاد الجملة للدارجة المغربية.", "I don't have time today, we will meet tomorrow.",
     "ماعنديش الوقت اليوم، غادي نتلاقاو غدا إن شاء الله. وتقدر تقول حتى: «اليوم مزيّر بزاف، نشوفك غدا»، وهادي كتقال بزاف بين الصحاب."),
    ("MGR", "واش راك؟ حبيت نعرف واش نطيب فرمضان.", "",
     "لاباس الحمد لله! فرمضان عندنا فالدزاير الشربة فريك ما تتخلاش، هي الأساس. ومعاها البوراك بالكفتة والجبن، وطاجين الحلو بالبرقوق. وفالسهرة قلب اللوز والزلابية مع قهوة. وإذا بغيت حاجة خفيفة، دير سلاطة مشوية، مليحة بزاف مع الحر."),
    ("MGR", "شنوة أحسن بلاصة نمشيلها فتونس فالصيف؟", "",
     "فما برشا بلايص باهية! إذا تحب البحر، امشي للحمامات ولا جربة، الماء صافي والشطوط نظاف. وإذا تحب الهدوء، امشي لطبرقة، فيها الغابة والبحر مع بعضهم. وسيدي بوسعيد توا ما تتفوتش، الديار البيض والأبواب الزرق وكاس تاي بالبوفريوة. يعطيك الصحة وتعدي صيف باهي."),
    ("MGR", "بنتي بغات تولي مهندسة، كيفاش نعاونها؟", "",
     "شجعها بزاف وقول ليها راه تقدر. خليها تركز على الرياضيات والفيزيك من دابا، وسجلها فشي نادي ديال الروبوتيك ولا البرمجة. دابا كاينين مهندسات مغربيات ناجحات بزاف فالطيارات والطوموبيلات والمعلوميات. المهم تكون كتبغي داكشي اللي كدير، والباقي غادي يجي."),
    ("MGR", "علاش الناس فالمغرب كيشربو أتاي بزاف؟", "",
     "أتاي عندنا ماشي غير مشروب، راه تقليد ديال الضيافة. أول حاجة كدير للضيف ملي كيدخل للدار هي البراد ديال أتاي. وكنشربوه مع الفطور ومع الكوتي، ومع الصحاب فالقهوة. وكاين اللي كيقول بلا أتاي بالنعناع النهار ما كيكملش. وحتى الكسالة والغسيل ديال الكيسان عندو الطريقة ديالو."),
    ("MGR", "كيفاش نقدر نوفر الفلوس كل شهر؟", "",
     "أول حاجة كتب كلشي اللي كتصرف فشي كارني ولا تطبيق، غادي تتصدم شحال كتخسر فحوايج صغار. من بعد حدد شي مبلغ ثابت، ولو قليل، وحطو فالحساب أول ما تشد الخلصة، ماشي فاللخر. وقلل من الماكلة برا والكريدي. وديما خلي شي فلوس ديال الطوارئ."),
    ("MGR", "شنو نقدر ندير فمراكش فنهار واحد؟", "",
     "فالصباح سير لحديقة ماجوريل قبل ما تعمر، ومن بعد دخل لقصر الباهية. فالعشية تمشى فالسوق ديال السمارين وشري شي حاجة ديال الجلد. ومع المغرب طلع لشي سطح فجامع الفنا وشوف الساحة كيفاش كتعمر، منظر كيحماق. وكول الطنجية ولا الحريرة فالحلاقي. غادي تعجبك بزاف!"),
    ("MGR", "واش التمريض خدمة مزيانة؟", "",
     "التمريض خدمة نبيلة بزاف، وكاين عليها الطلب فالمغرب وبرا، خصوصا فأوروبا. سواء كنتي ممرض ولا ممرضة، غادي تلقى خدمة بلا ما تعذب بزاف. ولكن خاصك تعرف بلي الخدمة صعيبة، فيها الليل والعواشر والضغط. إلا كتبغي تعاون الناس، راه غادي ترتاح فيها."),
    ("MGR", "كتب ليا بوست على فيسبوك على ماكلة ديال ماما.", "",
     "الكسكس ديال ماما نهار الجمعة ماكاينش بحالو فالدنيا 😍🍲. سبع خضاري، لحم طري، والتفاية ديال البصل والزبيب... الله يحفظك يا الوالدة. واللي ما ذاقش الكسكس ديال الدار ما ذاق والو! شكون بغا يجي يتغدا معانا؟"),
    ("MGR", "شنو هي النصائح باش نبدا نجري؟", "",
     "بدا بشوية، ماشي من النهار اللول تجري عشرة كيلو. تمشى بالزربة ربع ساعة، ومن بعد جري دقيقة وتمشى دقيقتين. شري صباط ديال الجري مزيان باش ما تضرش الركابي. وجري فالصباح بكري ولا مع العشية، حيت فالنهار الحر كيكون قوي. ومن بعد شهر غادي تحس بالفرق."),
    ("MGR", "واش ممكن تعاوني نكتب CV؟", "",
     "واخا، بلا مشكل! خاص الـCV يكون فصفحة وحدة ولا جوج ماشي كثر. فالفوق كتب سميتك والتيليفون والإيميل بحال name@example.com. من بعد القراية ديالك، والتجربة ديال الخدمة من الجديدة للقديمة. زيد اللغات اللي كتعرف: العربية، الفرنسية، الإنجليزية. وبلا ما تكذب فحتى حاجة، حيت غادي يسولوك عليها فالانتروفيو."),
    ("MGR", "راني عيان بزاف من الخدمة، واش ندير؟", "",
     "الله يعاونك خويا. حاول تاخذ شي أيام راحة، حتى لو غير ويكاند طويل، وابعد على التيليفون شوية. نعس مليح وامشي تتمشى فالبحر ولا فالغابة. وإذا كان العيا بزاف ومطول، احكي مع المسؤول ديالك بصراحة، يمكن يعاونك. صحتك قبل كلش."),
    ("MGR", "كيفاش نتعامل مع ولدي اللي كيبكي بزاف؟", "",
     "أول حاجة حاول تفهم علاش كيبكي: واش جيعان، ولا عيان، ولا خايف من شي حاجة. ما تغوتش عليه، حيت هادشي كيزيد الطين بلة. هضر معاه بهدوء وعنقو، وعطيه الوقت باش يعبر على شنو فيه. والدراري الصغار كيحتاجو نظام: وقت النعاس ووقت الماكلة ديما نفس الساعة."),
    ("MGR", "شنو رأيك فالقراية فالخارج؟", "",
     "القراية فالخارج تجربة زوينة بزاف، كتعلمك تعتمد على راسك وتعرف ثقافات جديدة. ولكن خاصك تكون واجد: اللغة، الفلوس، والوراق ديال الفيزا. وكاين بزاف ديال المنح إلا قلبتي مزيان. ومع ذلك، راه حتى الجامعات ديالنا فيها تخصصات مزيانة، ماشي ضروري تخرج باش تنجح."),
    ("MGR", "كيفاش نخلي الدار باردة فالصيف؟", "",
     "سد الشراجم والريدو فالنهار ملي كتكون الشمس قوية، وحلهم فالليل باش يدخل البرد. رش الما فالقاعة ولا فالسطح مع العشية. وإلا عندك كليماتيزور، خليه على ٢٥ درجة ماشي أقل، باش ما تجيكش فاتورة ديال الضو كبيرة. والنباتات فالدار كتعاون حتى هي تبرد الجو."),
    ("MGR", "واش كاين فرق بين الدارجة المغربية والجزائرية؟", "",
     "كاين بزاف ديال الحوايج المشتركة، ولكن كاينين فروقات. مثلا المغاربة كيقولو «بغيت» والجزائريين كيقولو «حبيت» ولا «نحب». والمغاربة كيقولو «دابا» والجزائريين «درك». وفالجوج كتلقى كلمات فرنسية بزاف. ولكن فالعموم، المغربي والجزائري كيتفاهمو مزيان، خصوصا فالحدود."),
]

# (dialect, lang, prompt, replies, followup) of the oasst1 message trees, in file order. A reply given as
# ("deleted", text) is written with deleted=true; followup (prompt, answer) hangs under the first reply.
OASST_TREES: list[tuple[str, str, str, list, tuple[str, str] | None]] = [
    ("MSA", "ar",
     "ما الفرق بين الفيروس والبكتيريا؟",
     [
         "البكتيريا كائنات حية وحيدة الخلية تستطيع العيش والتكاثر وحدها، وبعضها نافع كبكتيريا الأمعاء. أما الفيروسات فهي أصغر بكثير، ولا تتكاثر إلا داخل خلايا كائن آخر. ولذلك تُعالَج العدوى البكتيرية بالمضادات الحيوية، بينما لا تؤثر هذه المضادات في الفيروسات.",
         "باختصار: البكتيريا خلية كاملة، والفيروس مادة وراثية داخل غلاف بروتيني. المضاد الحيوي يقتل البكتيريا ولا ينفع مع الزكام مثلًا لأنه فيروسي.",
     ],
     ("إذن لماذا يصف بعض الأطباء مضادًا حيويًا لنزلة البرد؟",
      "قد يصفه الطبيب أو الطبيبة إذا اشتبه في عدوى بكتيرية ثانوية، كالتهاب الجيوب أو اللوزتين. لكن وصفه دون داعٍ خطأ شائع يزيد مقاومة البكتيريا للأدوية، ولذلك تنصح منظمة الصحة العالمية بعدم استعماله إلا بوصفة وتشخيص واضح.")),
    ("MSA", "ar",
     "اكتب لي قصيدة قصيرة عن القمر.",
     [
         "يا بدرُ يا نورَ الدُّجى ... يا ساهرًا فوقَ الرُّبى\nتمشي وحيدًا في السما ... والنجمُ حولكَ قد صبا\nكم عاشقٍ ناجاكَ في ... ليلٍ طويلٍ متعَبا",
         ("deleted", "القمر جميل. القمر جميل. القمر جميل جدا جدا جدا!!! اضغط هنا http://spam.example.net"),
     ],
     None),
    ("MSA", "ar",
     "كيف أبدأ بتعلم البرمجة إذا لم تكن لدي أي خبرة؟",
     [
         "ابدأ بلغة سهلة مثل Python، فقواعدها واضحة وقريبة من اللغة الطبيعية. خصص ساعة يوميًا، وطبّق كل درس بمثال صغير تكتبه بنفسك. ثم انتقل إلى مشروع بسيط، كبرنامج لإدارة المصروفات. ولا تقلق من الأخطاء، فقراءة رسائل الخطأ جزء أساسي من التعلم.",
     ],
     ("وهل أحتاج إلى حاسوب قوي؟",
      "لا، أي حاسوب متوسط يكفي للبدء، بل يمكنك التجربة في المتصفح عبر مواقع مثل https://example.org/playground دون تثبيت أي شيء. ستحتاج إلى حاسوب أقوى لاحقًا فقط إذا عملت في مجالات ثقيلة كتدريب نماذج الذكاء الاصطناعي.")),
    ("MSA", "ar",
     "ما هي أحكام النون الساكنة والتنوين؟ أريد أمثلة مشكولة.",
     [
         "أحكامها أربعة:\n١. الإظهار: إذا جاء بعدها حرف حلقي، مثل: مِنْ هَادٍ، عَذَابٌ أَلِيمٌ.\n٢. الإدغام: إذا جاء بعدها أحد حروف «يرملون»، مثل: مَنْ يَقُولُ، هُدًى لِلْمُتَّقِينَ.\n٣. الإقلاب: إذا جاء بعدها الباء، مثل: مِنْۢ بَعْدِ.\n٤. الإخفاء: مع بقية الحروف، مثل: مِنْ قَبْلُ، يَنْصُرُكُمْ.",
     ],
     None),
    ("MSA", "ar",
     "أريد خطة غذائية صحية ليوم واحد لشخص مصاب بداء السكري.",
     [
         "هذه خطة عامة، ويُفضَّل مراجعة أخصائي التغذية أو الطبيب المعالج:\n- الفطور: بيضة مسلوقة، وخبز أسمر، وخيار وطماطم.\n- وجبة خفيفة: حبة تفاح صغيرة وحفنة لوز.\n- الغداء: صدر دجاج مشوي، وسلطة خضراء، وربع كوب أرز بني.\n- العشاء: لبن زبادي قليل الدسم مع الشوفان.\nوتجنّب المشروبات المحلاة، واشرب الماء بكثرة.",
         "المبدأ الأساسي هو تقليل السكريات البسيطة والنشويات المكررة؛ وتوزيع الوجبات على اليوم. ركّز على الخضروات والبروتين والحبوب الكاملة، وراقب مستوى السكر بانتظام.",
     ],
     None),
    ("MSA", "ar",
     "من هو د. مجدي يعقوب؟",
     [
         "أ.د. مجدي يعقوب جرّاح قلب مصري بريطاني، وُلد سنة ١٩٣٥، ويُعدّ من رواد جراحات زراعة القلب في العالم. عمل سنوات طويلة في بريطانيا، ثم أسّس مركزًا لجراحة القلب في أسوان يعالج المرضى، ولا سيما الأطفال، بالمجان. ويُلقَّب في مصر بـ«ملك القلوب».",
     ],
     ("وما اسم المؤسسة التي أنشأها؟",
      "أنشأ مؤسسة تحمل اسمه، هي «مؤسسة مجدي يعقوب للقلب»، ومن أبرز مشروعاتها مركز أسوان للقلب الذي افتُتح سنة ٢٠٠٩ تقريبًا، ويعمل فيه أطباء وطبيبات وممرضون وممرضات من مصر وخارجها.")),
    ("MSA", "ar",
     "ساعدني في كتابة رسالة شكر لزملائي بعد انتهاء المشروع.",
     [
         "زملائي الأعزاء،<br>\nأتقدّم إليكم بخالص الشكر والتقدير على ما بذلتموه من جهد خلال الأشهر الماضية. لقد كان تعاونكم وروحكم الإيجابية سببًا رئيسًا في إنجاز المشروع في موعده وبجودة عالية.<br>\nأتطلع إلى العمل معكم مجددًا في المشروعات القادمة.<br>\nمع خالص التحية،",
     ],
     None),
    ("MSA", "ar",
     "لماذا تُكتب بعض الكلمات العربية بحرف «\u06a9» أو «\u06cc» في النصوص المنسوخة من الإنترنت؟",
     [
         "لأن الحرفين «\u06a9» (الكاف الفارسية) و«\u06cc» (الياء الفارسية) يُستعملان في لوحات المفاتيح الفارسية والأردية. فإذا كتب أحدهم كلمة مثل «\u06a9تاب» أو «ف\u06cc» بتلك اللوحة بدت مطابقة للعربية على الشاشة، لكن رموزها في الحاسوب مختلفة. ولذلك تتضمن أدوات معالجة النصوص خطوة تطبيع تحوّل «\u06a9» إلى «ك» و«\u06cc» إلى «ي».",
         "السبب تقني: الحروف تبدو متشابهة لكنها مختلفة في جدول يونيكود. الحل هو توحيدها قبل البحث أو التدريب.",
     ],
     None),
    ("MSA", "ar",
     "ما معنى الحديث: «إنما الأعمال بالنيات»؟",
     [
         "معناه أن قيمة العمل وثوابه مرتبطان بالنية التي يقصدها صاحبه. فالعمل الواحد قد يُؤجر عليه إنسان ولا يُؤجر عليه آخر بحسب ما في قلب كل منهما. ويُعدّ هذا الحديث من أصول الدين، حتى إن كثيرًا من العلماء بدؤوا به مصنفاتهم.",
     ],
     ("وهل النية تكون باللسان؟",
      "محل النية القلب، ولا يُشترط التلفظ بها في أكثر العبادات عند جمهور العلماء. فمن عزم في قلبه على الصيام مثلًا فقد نوى، وإن لم يقل شيئًا بلسانه.")),
    ("MSA", "ar",
     "هل يمكنك أن تشرح لي ما هي النماذج اللغوية الكبيرة؟",
     [
         "النموذج اللغوي الكبير شبكة عصبية دُرّبت على كمية هائلة من النصوص لتتنبأ بالكلمة التالية في الجملة. ومن خلال هذا التدريب البسيط في ظاهره، تكتسب القدرة على الإجابة عن الأسئلة والتلخيص والترجمة وكتابة النصوص. ويمكن تكييف النموذج للغة معينة، كالعربية، بتدريب إضافي على نصوص تلك اللغة ولهجاتها.",
         "هي برامج تتعلّم أنماط اللغة من ملايين الصفحات ثم تولّد نصًا جديدًا \ufefb يختلف كثيرًا في أسلوبه عما كتبه البشر. ومن أمثلتها المساعدات الذكية التي تحاورها الآن. 🤖",
     ],
     None),
]

OASST_TREES += [
    # ----- Egyptian -----
    ("EGY", "ar",
     "أنا عايز أبدأ أعمل رياضة بس مش عارف أبدأ منين، ومعنديش وقت كتير عشان الشغل. أعمل إيه؟",
     [
         "بص، مش لازم تروح جيم ولا تقعد ساعتين. ابدأ بنص ساعة مشي سريع كل يوم الصبح أو بعد الشغل. وممكن تعمل تمارين في البيت زي الضغط والبطن والسكوات، ودي مش محتاجة أي أجهزة. المهم الاستمرارية، يعني أحسن تعمل ربع ساعة كل يوم من إنك تعمل ساعتين مرة في الأسبوع وتبطل.",
         "أسهل حاجة تنزل محطة قبل محطتك في المترو وتكمل مشي، وتطلع السلم بدل الأسانسير. الحاجات الصغيرة دي بتفرق اوي مع الوقت. ولما تتعود، زوّد شوية بشوية.",
     ],
     ("طب وأكل إيه عشان أخس شوية مع الرياضة؟ أنا بحب العيش والرز اوي ومش قادر أبطلهم.",
      "مش لازم تبطلهم خالص، قلل الكمية بس. يعني بدل ما تاكل ٣ أرغفة خليهم رغيف واحد، وخلي طبق الرز صغير. وزوّد الخضار والسلطة والبروتين زي الفراخ والسمك والبيض. وابعد عن المشروبات الساقعة والحلويات قد ما تقدر، دي أكتر حاجة بتتخن.")),
    ("EGY", "ar",
     "هو إيه أحسن مكان أقعد فيه في القاهرة لو أنا جاي أسبوع سياحة ومش عايز أصرف كتير؟",
     [
         "لو عايز تبقى قريب من كل حاجة، اقعد في وسط البلد. هتلاقي فنادق وهوستلات أسعارها معقولة جدًا، وقريبة من المتحف المصري والتحرير والمترو. ومن هناك تقدر تروح الأزهر وخان الخليلي بتاكسي رخيص. بس خلي بالك الدنيا زحمة ودوشة شوية، ده طبعها.",
         "لو معاك فلوس زيادة شوية، الزمالك حلو اوي وهادي وقريب من وسط البلد، وفيه فنادق صغيرة وشقق فندقية بأسعار كويسة. ولو عايز تبقى جنب الأهرامات، فيه أماكن في الهرم بتطل عليهم مباشرة، بس هتبقى بعيد عن باقي الأماكن.",
     ],
     None),
    ("EGY", "ar",
     "ابني عنده ٨ سنين ومش بيحب يقرا خالص، كل وقته على التابلت والألعاب. ازاي أخليه يحب القراية؟",
     [
         "جرّب تجيبله كتب عن الحاجات اللي بيحبها أصلًا، يعني لو بيحب الكورة هاتله قصص عن لاعيبة، ولو بيحب الديناصورات هاتله كتاب مصور عنهم. واقروا مع بعض قبل النوم كل يوم ربع ساعة، ده هيخليه يربط القراية بوقت حلو معاك. ومتخليش القراية عقاب أبدًا.",
         "اعمل اتفاق: كل نص ساعة قراية قصادها نص ساعة تابلت. وخده مكتبة أو معرض كتاب وسيبه يختار بنفسه، الأطفال بيحبوا يحسوا إن ليهم رأي.",
     ],
     None),
    ("EGY", "ar",
     "أنا خريج هندسة ولسه مش لاقي شغل بقالي سنة، وبدأت أحس إني فاشل. أعمل إيه دلوقتي؟",
     [
         "أولًا انت مش فاشل خالص، ناس كتير اوي بتاخد وقت عشان تلاقي أول شغل. استغل الوقت ده وخد كورسات في حاجة مطلوبة زي الأوتوكاد أو البرمجة أو إدارة المشاريع. وقدّم على تدريبات حتى لو ببلاش، عشان تاخد خبرة وتتعرف على ناس في المجال. وكلم دكاترتك القدام، ساعات بيبقى عندهم فرص.",
         "متستعجلش على نفسك، السوق صعب على الكل دلوقتي. اعمل بروفايل على لينكدإن وحط فيه مشروع التخرج بتاعك بالتفصيل، وابعت رسايل للمهندسين اللي شغالين في الشركات اللي نفسك فيها. ناس كتير بتتعين عن طريق المعارف مش الإعلانات.",
     ],
     ("طب أنا ممكن أشتغل في حاجة بعيد عن الهندسة لحد ما ألاقي؟ ولا كده هبوّظ الـ CV بتاعي؟",
      "لأ خالص، مش هتبوّظه. أي شغل بيعلمك حاجة: التعامل مع الناس، الالتزام بمواعيد، حل المشاكل. بس حاول تفضل متابع مجالك وتقدم على وظايف هندسة في نفس الوقت، وفي الانترفيو اشرح إنك كنت بتطوّر نفسك. المهم متقعدش في البيت مستني.")),
    ("EGY", "ar",
     "ليه الناس في مصر بتقول «إن شاء الله» على كل حاجة حتى لو مش ناويين يعملوها؟ ده بيضايقني اوي.",
     [
         "هههه دي حاجة بتضايق ناس كتير فعلًا 😅. الأصل إن الكلمة معناها إن كل حاجة بإرادة ربنا، والناس بتقولها بنية حلوة. بس مع الوقت بقت ساعات طريقة مؤدبة إن الواحد يقول «مش عارف» أو حتى «لأ» من غير ما يحرج حد. فلو عايز إجابة أكيدة، اسأل سؤال محدد زي «هتيجي الساعة كام؟».",
         "دي عادة اجتماعية أكتر منها دينية ساعات. المصريين مش بيحبوا يقولوا «لأ» في وش حد، فبيقولوا «إن شاء الله» أو «ربنا يسهل». لو فهمت الكود ده هتريّح نفسك كتير، ولو الموضوع مهم اطلب معاد محدد ومتسيبهاش مفتوحة.",
     ],
     None),
    # ----- Gulf -----
    ("GLF", "ar",
     "ابي أسافر مع عيالي الصيف الياي بس ما أعرف وين نروح، عيالي صغار وأبي مكان مناسب لهم وما يكون حر وايد.",
     [
         "شرايك بجورجيا ولا أذربيجان؟ الجو هناك بالصيف زين وبارد شوي، والطبيعة حلوة وايد، وفيها ألعاب وحدايق حق اليهال. وبعد الطيران منها قريب ومب غالي وايد. وإذا تبون شي أبعد، النمسا وسويسرا رهيبة بس الأسعار عالية.",
         "إذا ما تبون سفرة طويلة، صلالة بالخريف خيار زين وايد. الجو ضباب ومطر والجبال خضرا، واليهال يستانسون بالعيون والشلالات. وترا الزحمة وايد بأغسطس، فاحجزوا من الحين.",
     ],
     ("زين، وصلالة شلون نروح لها بالسيارة من الإمارات؟ الطريق طويل وايد؟",
      "إيه الطريق طويل شوي، شي ١٢ لين ١٤ ساعة تقريبًا حسب من وين طالعين. أغلب الناس يقسمونه على يومين ويباتون بنص الطريق. تأكد إن السيارة مفحوصة والتواير زينة، وخذ ماي وأكل وايد لأن فيه مسافات بالصحرا ما فيها محطات. وإذا العيال صغار وايد، الطيارة أريح لكم.")),
    ("GLF", "ar",
     "الحين بنتي تبي تدرس طب بس أنا خايف عليها من التعب والدوامات الطويلة، شنو رايك؟",
     [
         "الطب صعب صج، بس إذا بنتك تحبه وعندها الرغبة فلا تحرمها منه. الحين الطبيبات الخليجيات وايد ومتميزات بكل التخصصات، والمجتمع محتاجهم. والتعب موجود بأي تخصص قوي. الأهم إنك تدعمها نفسيًا وتكون وياها، وهي بتختار بعدين التخصص اللي يناسب حياتها.",
         "أنا أشوف إنك تخليها تجرب. ترا سنوات الدراسة صعبة بس هي تقدر تختار بعدين تخصص دوامه أريح، مثل الجلدية أو طب الأسرة. وكلم طبيبة تعرفونها تسولف معها عن الحياة اليومية حق الطبيبات، هالشي بيوضح الصورة لكم الثنين.",
     ],
     None),
    ("GLF", "ar",
     "عندي مقابلة شغل باچر بشركة كبيرة وأنا متوتر وايد، شلون أستعد لها الحين؟",
     [
         "أول شي اقرا عن الشركة زين: شنو يسوون، ومن مديرينهم، وشنو آخر أخبارهم. بعدين جهّز جواب حق الأسئلة المشهورة مثل «عرّفنا عن نفسك» و«ليش تبي تشتغل عندنا». والبس لبس رسمي مرتب، واطلع بدري عشان الزحمة. وترا التوتر طبيعي، خذ نفس عميق وتكلم بهدوء.",
         "نام زين الليلة، هذي أهم نصيحة. وجهّز سؤالين تسألهم إنت بالأخير عن الشغل والفريق، هذا يبين إنك مهتم. بالتوفيق يا خوي 👍",
     ],
     None),
    ("GLF", "ar",
     "ودي أتعلم أسوي القهوة العربية مثل ما تسويها الوالدة، بس كل مرة تطلع معي مرة أو خفيفة وايد.",
     [
         "السر بالتحميصة والكمية. حط ملعقتين كبار من البن المحمص تحميص خفيف حق كل لتر ماي تقريبًا، وخلها تغلي على نار هادية شي ربع ساعة. بعدين شيلها من النار وخلها تركد دقايق، وحط الهيل المدقوق بالدلة وشوية زعفران إذا تبي. وصبها بالترمس بعد ما تصفيها. الحين إن شاء الله بتطلع زينة.",
         "جرب تشتري البن من محمصة وتطلب تحميصة «شقرا» إذا تبيها خفيفة. والماي لازم يغلي قبل لا تحط البن، وبعدين خفف النار. وإذا طلعت مرة، يعني إن البن وايد أو إنها غلت وقت طويل، فنقص الوقت شوي لين تضبط معاك.",
     ],
     ("طيب والهيل چم ملعقة أحط؟ لأن مرة حطيت وايد وصار طعمه قوي ما ينشرب.",
      "الهيل يعتمد على ذوقكم، بس كبداية حط ملعقة صغيرة ونص مدقوق حق كل لتر. وإذا تبيه أخف، حطه بالدلة بعد ما تشيلها من النار على طول ولا تخليه يغلي وياها. وجرب كل مرة شوي لين توصل للطعم اللي يشبه قهوة الوالدة. ترا كل بيت له طريقته.")),
    ("GLF", "ar",
     "شنو الفرق بين الكويتي والسعودي والإماراتي بالكلام؟ أنا من برا الخليج وأحس كلهم نفس الشي.",
     [
         "فيه تشابه وايد صج، بس فيه فروق. الكويتي يقول «شلونك» و«وايد» وينطق القاف أحيانًا «چ» مثل «چبير». السعودي بنجد يقول «وش» بدل «شنو» و«مرة» بمعنى وايد. والإماراتي يقول «شو» و«وايد» و«ها» بآخر الكلام أحيانًا. ومع الوقت بتصير تميزهم بسهولة، خصوصًا إذا تابعت مسلسلاتهم.",
         "صج بالبداية تحس إنهم نفس الشي، بس الأذن تتعود. مثلا «أبي» و«أبغى» و«أبا» كلها تعني أريد، بس كل وحدة أكثر بمنطقة. والحين مع السوشال ميديا صار الكل يفهم الكل، وترا الخليجيين نفسهم يمزحون وايد على فروق لهجاتهم.",
     ],
     None),
    # ----- Levantine -----
    ("LEV", "ar",
     "بدي ساعدني، عم دوّر على شغل بعمّان من شهرين وما لقيت شي. شو لازم أعمل لحتى لاقي شغل أسرع؟",
     [
         "أول شي رتّب السيرة الذاتية تبعك وخليها قصيرة وواضحة، وحط فيها إنجازات مش بس مهام. بعدين سجّل عمواقع التوظيف وعلى لينكدإن، وابعت لشركات حتى لو ما عم يعلنوا عن شواغر. وما تستهين بالمعارف، احكي مع رفقاتك وقرايبك، كتير شغلات بتنلقى هيك.",
         "جرّب كمان تاخد دورات قصيرة بشي مطلوب هلق، متل التسويق الإلكتروني أو تحليل البيانات. وهيك بتقوّي سيرتك وبتتعرف على ناس بالمجال.",
     ],
     ("طيب وإذا عزموني على مقابلة بشي شركة، شو أكتر سؤال لازم حضّرلو منيح؟ أنا بتوتر كتير.",
      "أكيد سؤال «احكيلنا عن حالك». حضّر جواب قصير، دقيقة أو دقيقتين، بتحكي فيه عن دراستك وخبرتك وليش بدك هالشغل بالذات. وكمان حضّر حالك لسؤال «شو نقاط ضعفك؟»، واحكي عن شي حقيقي بس عم تشتغل عليه. وبالآخر اسألهن إنت سؤال عن الفريق أو الشغل، هيدا بيعطي انطباع منيح.")),
    ("LEV", "ar",
     "إمي بدها تتعلم تستعمل الموبايل الذكي بس كل ما فرجيها شي بتنساه. كيف فيني علّمها بطريقة أسهل؟",
     [
         "الصبر أهم شي 😊. علّمها شغلة وحدة بكل مرة، متل كيف تعمل مكالمة فيديو، وخليها تعملها هي بإيدها مش إنت. واكتبلها الخطوات على ورقة بخط كبير وحطها حد الموبايل. وكبّر الخط والأيقونات من الإعدادات، وشيل التطبيقات يلي ما بتلزمها لتكون الشاشة بسيطة.",
         "جرّب تعمل فيديو قصير إنت وعم تعمل الخطوات، وابعتلها ياه عالواتساب، هيك بتقدر ترجعلو كل ما نسيت. وما تزعل إذا سألتك نفس السؤال عشر مرات، هيدا طبيعي، هي كمان علمتك تمشي وتحكي بصبر كتير 😊.",
     ],
     None),
    ("LEV", "ar",
     "شو الفرق بين الزعتر الحلبي والزعتر الفلسطيني؟ كل مرة بروح عالسوق بحتار شو اشتري.",
     [
         "الزعتر الحلبي عادةً لونو أحمر شوي لأنو فيه سماق كتير وأحيانًا فلفل حلبي، وطعمو حامض ومالح أكتر. أما الفلسطيني فلونو أخضر غامق، وفيه زعتر بري كتير وسمسم محمّص، وطعمو أقوى بريحة الزعتر. والتنين طيبين مع زيت الزيتون والخبز، جرّب شوي من كل واحد وشوف شو بيعجبك.",
         "بصراحة هيدا شي ذوق. إذا بتحب الطعم الحامض خود الحلبي، وإذا بتحب ريحة الزعتر القوية خود الفلسطيني. والأهم يكون طازة ومش مخزّن من زمان.",
     ],
     None),
    ("LEV", "ar",
     "ليش كل ما بدي نام بيضل مخي عم يفكر بمية شغلة؟ صرلي أسبوع عم نام ساعتين تلاتة بس.",
     [
         "هيدا كتير شايع، خاصةً إذا عندك ضغط بالشغل أو بالدراسة. جرّب قبل ما تنام تكتب كل الشغلات يلي عم تفكر فيها على ورقة، هيك مخك بيرتاح إنها صارت مكتوبة. وبطّل تشوف التلفون آخر ساعة، وخفّف القهوة بعد الضهر. وإذا ضل الوضع هيك أكتر من أسبوعين، منيح تحكي مع دكتور.",
         "شغلة كمان: خلّي غرفة النوم بس للنوم، يعني لا تشتغل ولا تتفرج عالتلفزيون بالتخت. وإذا صرلك عشرين دقيقة عم تتقلب وما نمت، قوم اقعد بمكان تاني واقرا شي ممل لحتى يجيك النعس. وهيك مخك بيتعود إنو التخت يعني نوم.",
     ],
     ("طيب والتمارين؟ في شي تمرين تنفس بيساعد عالنوم؟ سمعت إنو في تمرين اسمو ٤-٧-٨.",
      "إيه، تمرين ٤-٧-٨ منيح كتير. بتتنفس من أنفك وإنت عم تعد لأربعة، بتحبس نفسك لسبعة، وبتطلع النفس من تمك عمهل لتمانية. عيدو أربع مرات. كمان فيك تعمل استرخاء للعضلات، يعني تشد كل عضلة شوي وبعدين ترخيها، من رجليك لراسك. هيدا بيهدي الجسم كتير.")),
    ("LEV", "ar",
     "بدي اعمل عزيمة لعشرين شخص بالبيت بس ميزانيتي محدودة، شو بتقترح طبخ لحتى يكون في أكل كتير وطيب؟",
     [
         "بتقدر تعمل مقلوبة دجاج بصينية كبيرة، بتكفي ناس كتير ومش غالية. وحدها صحن فتوش وصحن حمص ومتبل، وهودي كلفتهن قليلة. وللحلو اعمل صينية بسبوسة أو مهلبية، بيطلعوا كتير ورخاص. وهيك بتكون السفرة مليانة والكل مبسوط، وما بتدفع كتير.",
         "فيك كمان تعمل العزيمة عالطريقة الحلوة يلي منعرفها: كل واحد من المعزومين المقربين بيجيب صحن. هيك بتخفف عالمصروف وبتصير السفرة متنوعة أكتر. وإذا بدك تطبخ إنت كل شي، المجدرة والمسقعة رخاص كتير وبيكفّوا عالم كتيرة.",
     ],
     None),
    # ----- Maghrebi -----
    ("MGR", "ar",
     "بغيت نبدا مشروع صغير ديال الحلويات من الدار، ولكن ما عارفش منين نبدا. شنو خاصني ندير؟",
     [
         "فكرة مزيانة بزاف! بدا بحوايج كتعرف تصاوبهم مزيان، بحال كعب غزال والغريبة والبريوات. صوّر الحلويات مزيان وحطهم فإنستغرام وفيسبوك، وبدا بالعائلة والجيران. حسب الثمن ديال كل حاجة: السكر، اللوز، الغاز، والوقت ديالك، باش ما تخسريش. ومن بعد إلا دار الحال، تقدري تخدمي مع الأعراس والمناسبات.",
         "نصيحتي: بدا صغير. ما تشريش بزاف ديال الماكينات من اللول. جربي السوق بشي طلبيات قليلة، وشوفي شنو كيعجب الناس كثر.",
     ],
     ("والتوصيل كيفاش ندير فيه؟ ماعنديش طوموبيل وما بغيتش نخسر بزاف.",
      "تقدري تخدمي مع شي واحد عندو موطور فالحومة وتعطيه على كل توصيلة، ولا تخدمي مع تطبيقات التوصيل اللي كاينين فالمدينة. وكاين اللي كيقول للكليان يجي ياخد الطلبية من الدار، وكيعطيه شي تخفيض صغير. وحاولي تجمعي الطلبيات ديال نفس الحومة فنفس النهار باش ينقص المصروف.")),
    ("MGR", "ar",
     "واش صحيح بلي الما ديال الروبيني فالمغرب صالح للشرب؟ غادي نمشي لكازا ومراكش الشهر الجاي.",
     [
         "فالمدن الكبار بحال كازا ومراكش والرباط، الما ديال الروبيني عموما صالح للشرب ومراقب. ولكن إلا كانت المعدة ديالك حساسة ولا ماشي متعود، الأحسن تشري الما المعدني فالأيام اللولة، راه رخيص وكاين فكل حانوت. وفالعروبية والقرى البعيدة ديما شري الما المعدني.",
         "فالعموم الما ديال المدن مزيان، ولكن كاين اللي ما كيعجبوش الذوق ديال الكلور. إلا بغيتي ترتاح، شري قرعة كبيرة ديال الما المعدني للأوطيل وعمّر منها قرعة صغيرة تديها معاك. وفالريسطورات، طلب الما المعدني مسدود باش تكون متأكد.",
     ],
     None),
    ("MGR", "ar",
     "راني حاب نتعلم نطيب الشخشوخة كيما تطيبها يما، بصح ما نعرفش كيفاش ندير الرقاق. عاوني شوية.",
     [
         "الرقاق ساهل كي تتعود عليه. خلط السميد الرقيق مع الملح والما شوية بشوية حتى تولي عندك عجينة رطبة ومليحة. قسمها كويرات وخليها ترتاح، من بعد مد كل وحدة رقيقة بزاف وطيبها فوق الطاجين ولا المقلاة بلا زيت. من بعد قطعها طريفات صغار، وحط عليها المرق ديال اللحم والحمص. صحة!",
         "نصيحة من عندي: خلي العجينة ترتاح مليح، هادي هي اللي تخليها ما تتقطعش كي تمدها. وإذا صعيب عليك، راهم يبيعو الرقاق واجد فالسوق.",
     ],
     None),
    ("MGR", "ar",
     "شنوة الحل مع الكراء الغالي برشا فتونس العاصمة؟ أنا طالب ومنجمش نخلص وحدي.",
     [
         "الحل الأول هو تسكن مع صحابك، تقسمو الكراء على تلاثة ولا أربعة وتولي الحكاية معقولة. ثاني حاجة، شوف الأحياء اللي بعيدة شوية على السنتر أما قريبة من المترو، الكراء فيها أرخص برشا. وفما زادة المبيتات الجامعية، قدّم مطلب بكري على خاطر البلايص محدودة. وحاول تلقى خدمة صغيرة في الويكاند باش تعاون روحك.",
         "فما زادة حل آخر: تلقى عايلة عندها بيت فارغ تكريه لطالب بسوم باهي، وهذا يصير برشا في الأحياء الشعبية. اسأل في الجامعة، ديما فما إعلانات على الحيوط ولا في مجموعات الفيسبوك متاع الطلبة. أما رد بالك ما تخلصش قبل ما تشوف الدار بعينيك.",
     ],
     ("والمبيت الجامعي كيفاش نقدم عليه؟ فما وراق معينة لازمني نحضرهم؟",
      "إيه، عادة يلزمك شهادة ترسيم في الجامعة، ونسخة من بطاقة التعريف، ووثيقة تثبت دخل العايلة، وصور شمسية. المطلب يتعمل في الأغلب على الأنترنات في الموقع الرسمي متاع ديوان الخدمات الجامعية، وبعد يخرجو النتائج. شوف المواعيد بالحق على خاطر كي تفوت الآجال ما عادش تنجم تقدم.")),
    ("MGR", "ar",
     "بغيت نعرف واش كاين فرق بين الأمازيغية والدارجة؟ صاحبي كيقول ليا بلي هوما بحال بحال.",
     [
         "لا، ماشي بحال بحال. الدارجة هي لهجة عربية فيها كلمات أمازيغية وفرنسية وإسبانية، أما الأمازيغية فهي لغة بوحدها، عندها القواعد ديالها والحروف ديالها، تيفيناغ. وفالمغرب كاينين تلاتة ديال التنوعات الكبار ديال الأمازيغية: تاريفيت، تامازيغت، وتاشلحيت. والدارجة خدات من الأمازيغية بزاف ديال الكلمات، بحال «شلاغم» و«تاجين».",
         "لا أخويا، ماشي بحال بحال. تقدر تفهم الدارجة إلا كنتي كتعرف العربية شوية، ولكن الأمازيغية غادي تحتاج تتعلمها من الصفر. ودابا الأمازيغية لغة رسمية فالمغرب من ٢٠١١ وكتقرا فبعض المدارس. إلا بغيتي تتعلمها، بدا بالسلام والأرقام، وصاحبك يعاونك.",
     ],
     None),
    # ----- English (lang "en": a parser for Arabic must drop these four messages) -----
    ("EN", "en",
     "Can you recommend a good book to start learning Arabic as an adult?",
     [
         "A common starting point is a textbook series that teaches the alphabet first and then builds up Modern Standard Arabic step by step, with audio. Pair it with a dialect course if you plan to live in a specific country.",
     ],
     ("Should I learn Modern Standard Arabic or a dialect first?",
      "It depends on your goal: MSA for reading news and books, a dialect such as Egyptian or Levantine for everyday conversation. Many learners start with MSA for the script and grammar, then add a dialect.")),
]


if __name__ == "__main__":
    sys.exit(main())
