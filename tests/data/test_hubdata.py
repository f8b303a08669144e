"""Bactrian-X and oasst1 through `datasets` from a local mirror directory (the offline form of a hub id)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arabic_llm.cache.stage import run_stage
from arabic_llm.config import load_config
from arabic_llm.data.documents import SAMPLE_DATA, CorpusError, read_documents
from arabic_llm.data.hubdata import split_hub_locator
from arabic_llm.data.instructions import parse_bactrian, parse_oasst
from tasks.download import download, plan


def mirror(tmp_path: Path, name: str, sample: str, as_parquet: bool) -> Path:
    """A dataset folder as a hub repository holds it: data/train-*.parquet or data/*.jsonl."""
    rows = [json.loads(line) for line in (SAMPLE_DATA / sample).read_text(encoding="utf-8").splitlines() if line]
    folder = tmp_path / name / "data"
    folder.mkdir(parents=True)
    if as_parquet:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), folder / "train-00000-of-00001.parquet")
    else:
        (folder / "train.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                            encoding="utf-8")
    return folder.parent


def test_local_dataset_mirrors_give_the_same_documents_as_the_jsonl_samples(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))
    bactrian = mirror(tmp_path, "bactrian", "bactrian-x-ar.jsonl", as_parquet=False)
    oasst = mirror(tmp_path, "oasst", "oasst1-ar.jsonl", as_parquet=True)
    cfg = load_config(None, ["download.wikipedia=null", f"download.bactrian_x={bactrian}", f"download.oasst1={oasst}"])
    params, files = plan(cfg.download)
    assert files == {} and set(params.datasets) == {"bactrian_x", "oasst1"}
    assert params.datasets["oasst1"].startswith("sha256:")  # a local mirror is keyed by its files' content
    ref = run_stage(download.spec, download.build, params, files, str(tmp_path / "store"), None)
    docs = list(read_documents(tmp_path / "store" / ref.path / "data"))
    expected = list(parse_bactrian(SAMPLE_DATA / "bactrian-x-ar.jsonl")) + list(parse_oasst(SAMPLE_DATA / "oasst1-ar.jsonl"))
    assert docs == expected
    assert {d["source"] for d in docs} == {"bactrian-x", "oasst1"}


def test_hub_locators_name_repository_and_config():
    assert split_hub_locator("hub:MBZUAI/Bactrian-X", "bactrian_x") == ("MBZUAI/Bactrian-X", "ar")
    assert split_hub_locator("hub:OpenAssistant/oasst1", "oasst1") == ("OpenAssistant/oasst1", None)
    assert split_hub_locator("hub:x/y:fr", "bactrian_x") == ("x/y", "fr")


def test_unreachable_hub_says_how_to_work_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    cfg = load_config(None, ["download.wikipedia=null", "download.oasst1=null",
                             "download.bactrian_x=hub:MBZUAI/Bactrian-X"])
    with pytest.raises(CorpusError, match=r"download.bactrian_x: cannot reach dataset 'MBZUAI/Bactrian-X'.*local mirror"):
        plan(cfg.download)
