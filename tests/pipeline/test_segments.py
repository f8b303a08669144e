"""Segmented refresh (download.layout: segments): three nights of 2% changes store only what changed,
read back as a cold run's documents, and give the cold run's shards byte for byte."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest
from fake_dumps import sample_pages
from nights import TrainChain, next_night, write_dump

import tasks.normalize
from arabic_llm.cache.store import Store
from arabic_llm.config import load_config
from arabic_llm.data import documents
from arabic_llm.data.documents import DOCS_DIR, LAYOUT_FILE, CorpusError, doc_tables, read_documents
from arabic_llm.data.mapping import per_record
from arabic_llm.data.segments import write_layout

RECORD_STAGES = ("clean", "normalize", "diacritics", "segment", "dialect", "data_audit")


def config(dump: Path, *more: str):
    return load_config(None, [f"download.wikipedia={dump}", "download.layout=segments", "download.shard_docs=20",
                              "tokenizer.vocab_size=400", *more])


def chain(store: Path, dump: Path, *more: str) -> TrainChain:
    return TrainChain(store, last="shards").run(config(dump, *more))


def parts(store: Store, ref) -> list[Path]:
    return sorted((store.root / ref.path / "data" / DOCS_DIR).glob("part-*.parquet"))


@contextlib.contextmanager
def normalized():
    """Counts the documents the normalize stage's function meets (the stage runs in this process)."""
    seen = {"documents": 0}
    original = tasks.normalize.normalize_shard

    @per_record
    def counted(docs, params):
        seen["documents"] += len(docs)
        return original(docs, params)

    tasks.normalize.normalize_shard = counted
    try:
        yield seen
    finally:
        tasks.normalize.normalize_shard = original


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    """Night 0 cold, nights 1-3 refreshed in one store, each night also cold in a store of its own."""
    tmp = tmp_path_factory.mktemp("nights")
    pages, dumps = sample_pages(), []
    for night in range(4):
        if night:
            pages, _ = next_night(pages, 0.02, seed=night)
        dumps.append(write_dump(tmp / f"dump-{night}.xml.bz2", pages))
    nightly = Store(tmp / "nightly")
    runs = []
    for dump in dumps:
        with normalized() as seen:
            runs.append((chain(nightly.root, dump), seen))
    runs = [(run, seen["documents"]) for run, seen in runs]
    cold = chain(tmp / "cold", dumps[-1])
    return {"tmp": tmp, "dumps": dumps, "nightly": nightly, "runs": runs, "cold": cold}


def test_a_segmented_refresh_reads_back_as_a_cold_run_and_gives_its_shards(nights):
    store, cold, last = nights["nightly"], nights["cold"], nights["runs"][-1][0]
    cold_store = Store(nights["tmp"] / "cold")
    assert (store.root / last.refs["download"].path / "data" / DOCS_DIR / LAYOUT_FILE).is_file()
    for stage in ("download", *RECORD_STAGES):
        mine = list(read_documents(store.root / last.refs[stage].path / "data"))
        theirs = list(read_documents(cold_store.root / cold.refs[stage].path / "data"))
        assert mine == theirs, f"{stage}: the segmented refresh's documents differ from a cold run's"
        summary = {k: v for k, v in store.manifest(stage, last.refs[stage].key)["summary"].items() if k != "layout"}
        cold_summary = {k: v for k, v in cold_store.manifest(stage, cold.refs[stage].key)["summary"].items()
                        if k != "layout"}
        assert summary == cold_summary, f"{stage}: figures differ from a cold run's"
    assert last.refs["shards"].digest == cold.refs["shards"].digest, "shards differ from a cold run's"


def test_unchanged_parts_are_linked_never_rewritten(nights):
    store, runs = nights["nightly"], nights["runs"]
    for night in (1, 2, 3):
        before, now = runs[night - 1][0].refs, runs[night][0].refs
        layout = store.manifest("download", now["download"].key)["summary"]["layout"]
        assert layout["linked_parts"] >= 1 and layout["new_documents"] > 0
        tagger_kept = before["dialect_model"].key == now["dialect_model"].key
        for stage in ("download", *(RECORD_STAGES if tagger_kept else RECORD_STAGES[:4])):
            earlier = {p.stat().st_ino for p in parts(store, before[stage])}
            mine = parts(store, now[stage])
            linked = [p for p in mine if p.stat().st_ino in earlier]
            # Every part linked from the parent download stays a link all the way down.
            assert len(linked) >= layout["linked_parts"], (night, stage)
            assert all(p.stat().st_nlink >= 2 for p in linked)
        # Only the changed articles were written (the instruction sources did not change: linked too), and
        # normalize met them only, not the corpus.
        assert 0 < runs[night][1] <= layout["new_documents"] <= 5, (night, runs[night][1], layout)


def test_an_unchanged_dump_is_a_cache_hit_not_a_new_generation(nights):
    store, dumps = nights["nightly"], nights["dumps"]
    again = chain(store.root, dumps[-1])
    assert all(again.reused[s] for s in ("download", *RECORD_STAGES, "shards"))
    assert again.refs["download"].key == nights["runs"][-1][0].refs["download"].key


def test_gc_and_verify_with_shared_parts(nights, capsys):
    """Removing the earlier nights' record-stage artifacts leaves the latest intact: its linked parts
    are its own links. `verify` re-hashes them as any file."""
    from arabic_llm.ops import cli

    tmp = nights["tmp"]
    store = Store(tmp / "gc-store")
    shutil.copytree(nights["nightly"].root, store.root, copy_function=os.link)  # links: copies share inodes too
    latest = nights["runs"][-1][0].refs
    for night, (run, _) in enumerate(nights["runs"][:-1]):
        for stage in RECORD_STAGES:
            if run.refs[stage].key != latest[stage].key:
                shutil.rmtree(store.root / run.refs[stage].path)
    for stage in ("download", *RECORD_STAGES):
        assert store.verify(stage, latest[stage].key, rehash=True).ok, stage
    assert cli.main(["verify", "--store", str(store.root)]) == 0
    mine = list(read_documents(store.root / latest["data_audit"].path / "data"))
    cold = nights["cold"].refs["data_audit"]
    assert mine == list(read_documents(tmp / "cold" / cold.path / "data"))


def test_compaction_writes_a_cold_layout_and_still_reuses_records(tmp_path: Path):
    pages, runs = sample_pages(), []
    for night in range(4):
        if night:
            pages, _ = next_night(pages, 0.02, seed=night)
        compact_at = "download.compact_at=" + ("0.0" if night == 3 else "1.0")  # the last night compacts
        with normalized() as seen:
            runs.append((chain(tmp_path / "s", write_dump(tmp_path / f"d{night}.xml.bz2", pages), compact_at), seen))
    store = Store(tmp_path / "s")

    def segmented(run) -> bool:
        return (store.root / run.refs["download"].path / "data" / DOCS_DIR / LAYOUT_FILE).is_file()

    assert [segmented(run) for run, _ in runs] == [False, True, True, False]
    assert "compacts" in runs[3][0].plans["download"]
    # The compacted parts group documents anew; their records are still found (the segmented artifacts,
    # the newest two, carried the entries of the parts they linked), so normalize meets the changed
    # documents only, not the corpus.
    assert 0 < runs[3][1]["documents"] < runs[0][1]["documents"] / 10


def test_a_damaged_layout_is_refused_naming_its_file(tmp_path: Path):
    from docs_artifacts import docs_artifact

    ref = docs_artifact(tmp_path, [{"id": str(i), "source": "t", "text": f"نص {i}"} for i in range(5)], "docs", 3)
    folder = tmp_path / ref.path / "data"
    write_layout(folder, [1, 0, 0], [0, 2, 9])
    with pytest.raises(CorpusError, match=LAYOUT_FILE):
        list(doc_tables(folder))
    write_layout(folder, [1, 0, 0], [0, 2, 1])
    assert [d["id"] for d in documents.read_documents(folder)] == ["3", "2", "1"]


def test_a_changed_instruction_source_is_parsed_again(tmp_path: Path):
    from arabic_llm.data.documents import SAMPLE_DATA

    dump = write_dump(tmp_path / "d.xml.bz2", sample_pages())
    lines = (SAMPLE_DATA / "bactrian-x-ar.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    smaller = tmp_path / "bactrian.jsonl"
    smaller.write_text("".join(lines[:-5]), encoding="utf-8")
    chain(tmp_path / "s", dump)
    refreshed = chain(tmp_path / "s", dump, f"download.bactrian_x={smaller}")
    cold = chain(tmp_path / "c", dump, f"download.bactrian_x={smaller}")
    store = Store(tmp_path / "s")
    layout = store.manifest("download", refreshed.refs["download"].key)["summary"]["layout"]
    assert layout["new_documents"] == len(lines) - 5  # Bactrian-X parsed again; the rest linked
    for stage in ("download", "data_audit"):
        assert list(read_documents(store.root / refreshed.refs[stage].path / "data")) == \
            list(read_documents(tmp_path / "c" / cold.refs[stage].path / "data")), stage


def test_a_whole_shard_function_over_a_segmented_input_reads_it_in_order(tmp_path: Path):
    from docs_artifacts import docs_artifact

    from arabic_llm.data.mapping import map_documents

    def tag(docs, params):
        return [{**d, "tagged": True} for d in docs], {"seen": len(docs)}

    ref = docs_artifact(tmp_path, [{"id": str(i), "source": "t", "text": f"نص {i}"} for i in range(5)], "docs", 3)
    folder = tmp_path / ref.path / "data"
    write_layout(folder, [1, 0], [1, 0])  # documents 4 and 0; the rest no longer in it
    assert map_documents(tag, None, folder, tmp_path / "out", "tag") == {"documents": 2, "seen": 2}
    assert [d["id"] for d in read_documents(tmp_path / "out")] == ["4", "0"]
    write_layout(folder, [], [])  # nothing left: one empty part, as a cold run of no documents writes
    assert map_documents(tag, None, folder, tmp_path / "empty", "tag") == {"documents": 0, "seen": 0}
    assert list(read_documents(tmp_path / "empty")) == []
