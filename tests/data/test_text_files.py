"""Local labelled text files as corpus sources (download.text_files), and the real-data config on ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from arabic_llm.config import CONFIGS_DIR, ConfigError, TextFilesSource, load_config
from arabic_llm.data.documents import CorpusError, read_documents
from arabic_llm.data.textfiles import text_file_documents
from tasks.download import download, plan

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_a_csv_with_a_dialect_column_groups_rows_per_dialect(tmp_path):
    path = tmp_path / "tweets.csv"
    path.write_text('tweet,dialect\n"اهلا, بيك",egypt\nمرحبا,msa\nازيك,egypt\nغير,iraq\nيا هلا,egypt\n', encoding="utf-8")
    spec = TextFilesSource(path=str(path), format="csv", text_column="tweet", dialect_column="dialect",
                           dialect_map={"egypt": "EGY", "msa": "MSA"}, rows_per_doc=2)
    docs = list(text_file_documents("tw", path, spec))
    assert [(d["dialect"], d["text"]) for d in docs] == [("EGY", "اهلا, بيك\nازيك"), ("EGY", "يا هلا"), ("MSA", "مرحبا")]
    assert all(d["id"].startswith("tw:") and d["source"] == "tw" for d in docs)
    assert [d["id"] for d in docs] == [d["id"] for d in text_file_documents("tw", path, spec)]  # stable ids
    strict = spec.model_copy(update={"skip_unmapped": False})
    with pytest.raises(CorpusError, match=r"download.text_files.tw: .*tweets.csv:5: dialect 'iraq' is not mapped"):
        list(text_file_documents("tw", path, strict))
    with pytest.raises(CorpusError, match=r"header lacks column\(s\) \['text'\]"):
        list(text_file_documents("tw", path, spec.model_copy(update={"text_column": "text"})))


def test_text_files_go_through_the_download_stage_keyed_by_content(tmp_path):
    lines = tmp_path / "lev.txt"
    lines.write_text("شو في ما في\n\nكيفك اليوم\nمنيح كتير\n", encoding="utf-8")
    cfg = load_config(None, ["download.wikipedia=null", "download.bactrian_x=null", "download.oasst1=null",
                             "download.text_files={lev: {path: " + str(lines) + ", dialect: LEV, rows_per_doc: 2}}"])
    params, files = plan(cfg.download)
    assert params.sources == ("text_lev",) and files == {"text_lev": lines.resolve()}
    assert params.text_files["lev"].path == "local"  # the path never enters the key
    out = tmp_path / "out"
    out.mkdir()
    download.build(out, params, **files)
    docs = list(read_documents(out))
    assert [(d["dialect"], d["text"]) for d in docs] == [("LEV", "شو في ما في\nكيفك اليوم"), ("LEV", "منيح كتير")]
    with pytest.raises(ConfigError, match="dialect_column"):
        load_config(None, ["download.text_files={x: {path: a.txt}}"])
    missing = load_config(None, ["download.text_files={x: {path: /nope.txt, dialect: MSA}}"])
    with pytest.raises(CorpusError, match=r"download.text_files.x.path: source file not found"):
        plan(missing.download)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data (the development data) is absent on this machine")
def test_the_real_data_config_reads_the_development_data(tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # its paths are relative to the checkout, beside ../shared
    cfg = load_config(CONFIGS_DIR / "smollm2-arabic.yaml", ["download.max_docs_per_source=5"])
    params, files = plan(cfg.download)
    assert {f.name for f in files.values()} >= {"training_data.csv", "train.tsv", "Lebanees.txt", "val.txt"}
    out = tmp_path / "out"
    out.mkdir()
    summary = download.build(out, params, **files)
    docs = list(read_documents(out))
    assert {d["dialect"] for d in docs} == {"MSA", "EGY", "GLF", "LEV", "MGR"}
    assert summary["per_source"]["text_sib200_egy"] == 5 and all(d["text"] for d in docs)
    assert cfg.evaluate.qa.endswith("arcd-train.json") and cfg.dialect.tagger == "lexicon"
