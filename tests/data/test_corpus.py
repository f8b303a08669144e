"""Source parsers and Parquet document shards."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from arabic_llm.config import NormalizeConfig
from arabic_llm.data.documents import (
    DOCS_DIR,
    CorpusError,
    doc_shards,
    read_documents,
    resolve_source,
    write_documents,
)
from arabic_llm.data.instructions import parse_bactrian, parse_oasst
from arabic_llm.data.mapping import map_documents
from arabic_llm.data.wikipedia import parse_wikipedia, wikitext_to_text
from tasks.normalize import normalize_shard


def test_wikitext_drops_references_templates_files_and_categories():
    text = wikitext_to_text(
        "{{صندوق معلومات مدينة|الاسم=القاهرة}}'''القاهرة''' هي [[عاصمة|عاصمةُ]] [[مصر]]."
        "<ref>مرجع يجب ألا يبقى</ref><ref name=x />\n[[ملف:صورة.jpg|تصغير]]\n[[تصنيف:مدن]]"
    )
    assert text == "القاهرة هي عاصمةُ مصر."


def test_sample_dump_keeps_articles_only_with_their_identity():
    docs = list(parse_wikipedia(resolve_source("builtin:arwiki-sample-pages-articles.xml.bz2")))
    assert len(docs) == 80  # 80 articles; redirects and other namespaces skipped
    assert all(d["id"] == f"wiki:{d['page_id']}" and d["rev_sha1"] and d["rev_id"] for d in docs)
    assert not any("<ref" in d["text"] or "{{" in d["text"] for d in docs)


def test_bactrian_record_without_output_is_named(tmp_path: Path):
    path = tmp_path / "b.jsonl"
    path.write_text('{"instruction": "س", "input": "", "output": "ج", "id": "1"}\n'
                    '{"instruction": "س", "input": "", "id": "2"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"b.jsonl: record 2 \(id '2'\) lacks field\(s\) output"):
        list(parse_bactrian(path))


def test_broken_jsonl_line_is_named(tmp_path: Path):
    path = tmp_path / "o.jsonl"
    path.write_text('{"message_id": "a", "role": "prompter", "text": "x", "lang": "ar"}\n{oops\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"o.jsonl:2: not valid JSON"):
        list(parse_oasst(path))


def test_oasst_pairs_arabic_replies_with_their_prompts(tmp_path: Path):
    rows = [
        {"message_id": "p1", "parent_id": None, "role": "prompter", "text": "سؤال", "lang": "ar"},
        {"message_id": "a1", "parent_id": "p1", "role": "assistant", "text": "جواب", "lang": "ar"},
        {"message_id": "a2", "parent_id": "p1", "role": "assistant", "text": "answer", "lang": "en"},
        {"message_id": "a3", "parent_id": "p1", "role": "assistant", "text": "محذوف", "lang": "ar", "deleted": True},
    ]
    path = tmp_path / "o.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    docs = list(parse_oasst(path))
    assert [(d["id"], d["prompt"], d["response"]) for d in docs] == [("oasst:a1", "سؤال", "جواب")]


def test_missing_source_is_named():
    with pytest.raises(CorpusError, match="source file not found: .*nope.xml.bz2"):
        resolve_source("/no/such/nope.xml.bz2")


def _docs(n: int) -> list[dict]:
    return [{"id": f"d{i:03d}", "source": "wikipedia", "text": f"أحمد إلى مستشفى رقم {i}", "title": "t",
             "sentences": ["x"]} for i in range(n)]


def test_documents_round_trip_through_shards(tmp_path: Path):
    docs = _docs(25)
    assert write_documents(tmp_path, docs, shard_docs=10) == 25
    assert [p.name for p in doc_shards(tmp_path)] == ["part-00000.parquet", "part-00001.parquet",
                                                            "part-00002.parquet"]
    assert list(read_documents(tmp_path)) == docs


def test_shard_writer_errors_and_source_errors_reach_the_caller(tmp_path: Path):
    """Shards are written on a thread: its error is raised to the caller, and a source that fails
    after the first shard leaves that shard whole (no temporary file)."""
    import pyarrow as pa

    bad = _docs(15)
    bad[12]["text"] = 5  # not a string: the second shard cannot be written
    with pytest.raises(pa.ArrowTypeError):
        write_documents(tmp_path / "a", bad, shard_docs=10)

    def failing():
        yield from _docs(10)
        raise CorpusError("dump.xml.bz2: cannot read the dump after page 10")

    with pytest.raises(CorpusError, match="after page 10"):
        write_documents(tmp_path / "b", failing(), shard_docs=10)
    assert [p.name for p in (tmp_path / "b" / DOCS_DIR).iterdir()] == ["part-00000.parquet"]
    assert [d["id"] for d in read_documents(tmp_path / "b")] == [d["id"] for d in _docs(10)]


def _tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.parquet")):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def test_parallel_workers_write_the_same_bytes_as_one(tmp_path: Path, monkeypatch):
    write_documents(tmp_path / "in", _docs(40), shard_docs=10)
    params = NormalizeConfig()
    digests = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        stats = map_documents(normalize_shard, params, tmp_path / "in", out, "normalize", workers=workers)
        assert stats == {"documents": 40, "documents_changed": 40}
        digests[workers] = _tree_digest(out)
    assert digests[1] == digests[2]
    assert next(read_documents(tmp_path / "out1"))["text"].startswith("احمد الي مستشفي")


def test_damaged_shard_is_named(tmp_path: Path):
    write_documents(tmp_path, _docs(3), shard_docs=10)
    shard = doc_shards(tmp_path)[0]
    shard.write_bytes(b"not parquet")
    with pytest.raises(CorpusError, match="part-00000.parquet: not a readable Parquet document shard"):
        list(read_documents(tmp_path))


def test_page_reader_yields_what_mwxml_reads(tmp_path: Path):
    """wiki_pages reads the XML with lxml for speed; mwxml is the reference."""
    import bz2

    import mwxml
    from fake_dumps import dump_bytes, sample_pages

    from arabic_llm.data.wikipedia import wiki_pages

    path = tmp_path / "multi.xml.bz2"
    path.write_bytes(dump_bytes(sample_pages(), streams=5))
    expected = []
    with bz2.open(path) as f:
        for page in mwxml.Dump.from_file(f):
            revisions = list(page)
            if page.namespace == 0 and not page.redirect and revisions and revisions[-1].text:
                rev = revisions[-1]
                expected.append({"page_id": page.id, "rev_id": rev.id, "rev_sha1": rev.sha1, "title": page.title,
                                 "wikitext": rev.text})
    assert list(wiki_pages(path)) == expected and len(expected) == 80  # articles; redirects and other namespaces skipped


def test_a_jsonl_file_that_is_not_utf8_is_named_with_its_line(tmp_path: Path):
    from arabic_llm.data.documents import read_jsonl

    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"text": "ok"}\n{"text": "caf\u00e9"}\n'.encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1.jsonl:2: not UTF-8 \(byte 14 of the line is 0xe9\)"):
        list(read_jsonl(path))
