"""The embedded sample corpora are in the real source formats, cover every dialect group, and are reproducible.

The files are read directly (by path), so these tests do not depend on how the package is installed.
"""

import bz2
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import mwxml
import pytest

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "arabic_llm" / "sample_data"
SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "build_samples.py"
WIKI = SAMPLE_DIR / "arwiki-sample-pages-articles.xml.bz2"
BACTRIAN = SAMPLE_DIR / "bactrian-x-ar.jsonl"
OASST = SAMPLE_DIR / "oasst1-ar.jsonl"
LABELS = SAMPLE_DIR / "dialect-labels.json"
GENERATED = (WIKI.name, BACTRIAN.name, OASST.name, LABELS.name)

OASST_FIELDS = {
    "message_id", "parent_id", "user_id", "created_date", "text", "role", "lang", "review_count",
    "review_result", "deleted", "rank", "synthetic", "model_name", "detoxify", "message_tree_id",
    "tree_state", "emojis", "labels",
}
DIALECT_GROUPS = ("EGY", "GLF", "LEV", "MGR")


@pytest.fixture(scope="module")
def build_samples():
    """The generator script loaded as a module (it is not imported through the package on purpose)."""
    spec = importlib.util.spec_from_file_location("build_samples_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages():
    with bz2.open(WIKI) as handle:
        dump = mwxml.Dump.from_file(handle)
        site = dump.site_info
        result = [(page, list(page)) for page in dump]
    return site, result


def read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all(line.strip() for line in lines), f"{path.name} has blank lines"
    return [json.loads(line) for line in lines]


# ------------------------------------------------------------------------------------------ wiki dump


def test_wiki_dump_reads_with_mwxml_as_80_articles_3_redirects_and_3_pages_outside_ns0(pages):
    site, result = pages
    assert site.dbname == "arwiki"
    assert {ns.id for ns in site.namespaces} >= {0, 4, 6, 10, 14}
    kinds = Counter((page.namespace, page.redirect is not None) for page, _ in result)
    assert kinds == {(0, False): 80, (0, True): 3, (4, False): 1, (10, False): 1, (14, False): 1}
    titles = [page.title for page, _ in result]
    assert len(set(titles)) == len(titles)


def test_redirect_pages_point_at_existing_articles_with_tahwil_text(pages):
    _, result = pages
    articles = {page.title for page, _ in result if page.namespace == 0 and page.redirect is None}
    redirects = [(page, revs) for page, revs in result if page.redirect is not None]
    for page, (revision,) in redirects:
        assert page.redirect in articles
        assert revision.text == f"#تحويل [[{page.redirect}]]"


def test_every_revision_carries_the_mediawiki_base36_sha1_and_utf8_byte_count_of_its_text(pages, build_samples):
    _, result = pages
    for page, revisions in result:
        assert len(revisions) == 1, page.title
        revision = revisions[0]
        assert revision.model == "wikitext" and revision.format == "text/x-wiki"
        assert revision.user.text and revision.user.id
        assert revision.parent_id is not None and revision.timestamp is not None
        assert int(revision.bytes) == len(revision.text.encode("utf-8")), page.title
        assert revision.sha1 == build_samples.mediawiki_sha1(revision.text), page.title
        assert len(revision.sha1) == 31 and int(revision.sha1, 36) == int(
            hashlib.sha1(revision.text.encode("utf-8")).hexdigest(), 16
        )


def test_articles_carry_real_wikitext_markup(pages):
    _, result = pages
    texts = [revs[0].text for page, revs in result if page.namespace == 0 and page.redirect is None]
    # Each markup kind must be present in at least this many of the 80 articles.
    minimum = {
        r"\{\{صندوق معلومات": 8,
        r"\[\[[^\]|]+\|[^\]]+\]\]": 10,  # [[target|label]]
        r"'''[^']+'''": 70,
        r"(?<!')''[^']+''(?!')": 30,
        r"<ref>[^<]+</ref>": 60,
        r'<ref name="?[^>]+?"? />': 10,
        r"^==+ [^=]+ ==+$": 10,
        r"^\{\| class=\"wikitable": 4,
        r"^\[\[ملف:": 4,
        r"^\[\[تصنيف:": 80,
        r"\[https?://\S+ [^\]]+\]": 1,
        r"<!--.*?-->": 4,
    }
    for pattern, at_least in minimum.items():
        found = sum(1 for text in texts if re.search(pattern, text, re.M))
        assert found >= at_least, f"{pattern!r} occurs in {found} articles, expected >= {at_least}"


def test_every_article_has_three_to_ten_sentences_of_prose(pages):
    _, result = pages
    for page, revs in result:
        if page.namespace != 0 or page.redirect is not None:
            continue
        prose = "\n".join(
            line for line in revs[0].text.splitlines() if line and line[0] not in "{|!}[=*:" and "=" not in line[:2]
        )
        sentences = len(re.findall(r"[.؟!](?:\s|<|$)", prose))
        assert 3 <= sentences <= 10, f"{page.title}: {sentences} sentences"


# ------------------------------------------------------------------------------------------ JSONL


def test_bactrian_records_have_exactly_the_bactrian_x_fields_in_order_and_unique_ids():
    records = read_jsonl(BACTRIAN)
    assert len(records) == 154
    for record in records:
        assert list(record) == ["instruction", "input", "id", "output"]
        assert all(isinstance(record[key], str) for key in record)
        assert record["instruction"].strip() and record["output"].strip()
    assert len({r["id"] for r in records}) == len(records)
    assert sum(1 for r in records if r["input"] == "") > len(records) // 2


def test_oasst_messages_have_the_oasst1_fields_and_form_trees_rooted_in_a_prompt():
    messages = read_jsonl(OASST)
    seen: dict[str, dict] = {}
    for msg in messages:
        assert set(msg) == OASST_FIELDS
        assert msg["role"] in ("prompter", "assistant") and msg["synthetic"] is False
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", msg["message_id"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", msg["created_date"])
        if msg["parent_id"] is None:
            assert msg["role"] == "prompter" and msg["message_tree_id"] == msg["message_id"]
        else:
            parent = seen[msg["parent_id"]]  # parents come first in the file
            assert parent["role"] != msg["role"]
            assert parent["message_tree_id"] == msg["message_tree_id"]
        if msg["role"] == "prompter":
            assert msg["rank"] is None
        seen[msg["message_id"]] = msg
    assert len(seen) == len(messages)
    roots = [m for m in messages if m["parent_id"] is None]
    assert len(roots) == 31


def test_oasst_holds_four_english_messages_and_one_deleted_message_for_parsers_to_drop():
    messages = read_jsonl(OASST)
    assert Counter(m["lang"] for m in messages) == {"ar": 109, "en": 4}
    deleted = [m for m in messages if m["deleted"]]
    assert len(deleted) == 1 and deleted[0]["lang"] == "ar" and deleted[0]["role"] == "assistant"
    assert deleted[0]["rank"] is None


def test_dialect_labels_name_exactly_the_documents_a_parser_keeps():
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    records = read_jsonl(BACTRIAN)
    messages = read_jsonl(OASST)
    kept = {m["message_id"]: m for m in messages if m["lang"] == "ar" and not m["deleted"]}
    replies = {
        m["message_id"]
        for m in kept.values()
        if m["role"] == "assistant" and kept.get(m["parent_id"] or "", {}).get("role") == "prompter"
    }
    expected = (
        {f"bactrian:{r['id']}" for r in records}
        | {f"oasst:{mid}" for mid in replies}
        | {k for k in labels if k.startswith("wiki:")}
    )
    assert set(labels) == expected
    assert sum(1 for k in labels if k.startswith("wiki:")) == 80
    assert set(labels.values()) == {"MSA", *DIALECT_GROUPS}


def test_each_dialect_group_has_at_least_35_documents_of_60_or_more_characters():
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    bactrian = {f"bactrian:{r['id']}": r for r in read_jsonl(BACTRIAN)}
    messages = {m["message_id"]: m for m in read_jsonl(OASST)}
    per_group = Counter()
    for doc_id, dialect in labels.items():
        if dialect == "MSA":
            continue
        if doc_id.startswith("bactrian:"):
            texts = [bactrian[doc_id]["output"]]
        else:
            reply = messages[doc_id.split(":", 1)[1]]
            texts = [messages[reply["parent_id"]]["text"], reply["text"]]
        assert all(len(t) >= 60 for t in texts), doc_id
        per_group[dialect] += 1
    assert all(per_group[g] >= 35 for g in DIALECT_GROUPS), per_group


def test_texts_exercise_orthography_and_noise_that_the_cleaning_stages_handle():
    with bz2.open(WIKI) as handle:
        everything = handle.read().decode("utf-8") + BACTRIAN.read_text("utf-8") + OASST.read_text("utf-8")
    required = {
        "tanween": "[\u064b-\u064d]", "shadda": "\u0651", "sukun": "\u0652", "dagger alif": "\u0670",
        "alif wasla": "\u0671", "alif madda": "آ", "alif hamza below": "إ", "alif maksura": "ى",
        "tatweel in a word": "\u0640\u0640", "keheh": "\u06a9", "farsi yeh": "\u06cc",
        "arabic-indic digits": "[\u0660-\u0669]", "arabic decimal separator": "\u066b", "abbreviation د.": r"\bد\. ",
        "abbreviation أ.د.": r"أ\.د\.", "arabic comma": "،", "arabic semicolon": "؛", "arabic question mark": "؟",
        "guillemets": "«[^»]+»", "url": r"https?://\S+", "e-mail": r"[\w.]+@[\w.]+\.\w+", "emoji": "[\U0001F300-\U0001FAFF]",
        "stray <br>": "<br>", "stray <b>": "<b>", "U+FEFB": "\ufefb", "U+FDF2": "\ufdf2", "U+200F": "\u200f",
        "الطبيبة": "الطبيبة", "المهندسة": "المهندسة", "الممرضة": "الممرضة",
    }
    missing = [name for name, pattern in required.items() if not re.search(pattern, everything)]
    assert not missing


def test_every_file_stays_under_400_kb_uncompressed():
    with bz2.open(WIKI) as handle:
        assert len(handle.read()) < 400_000
    assert BACTRIAN.stat().st_size < 400_000 and OASST.stat().st_size < 400_000


# ------------------------------------------------------------------------------------------ generator


def test_build_script_regenerates_byte_identical_files(tmp_path):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(GENERATED)
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (SAMPLE_DIR / name).read_bytes(), (
            f"{name} differs from a fresh build: run `python {SCRIPT.relative_to(SAMPLE_DIR.parents[1])}`"
        )


def test_readme_table_is_the_one_the_script_computes(build_samples):
    readme = (SAMPLE_DIR / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- stats-table.*?-->\n(.*?)\n<!-- /stats-table -->", readme, re.S)
    assert block, "README.md lacks the stats-table block"
    assert block.group(1) == build_samples.stats_table(), "paste `build_samples.py --stats` into README.md"
