"""The records table beside an artifact: written sorted, found by binary search, never trusted blindly;
the threaded bz2 reader; what a wiki page's identity covers."""

from __future__ import annotations

import bz2
import hashlib
from pathlib import Path

import pytest

from arabic_llm.cache.records import (
    RECORDS_FILE,
    EarlierOutputs,
    RecordWriter,
    ReuseJob,
)
from arabic_llm.cache.store import Store
from arabic_llm.data.wikipedia import ThreadedBz2Reader, page_identity


def _artifact(root: Path, name: str, recipe: str, entries: list[tuple]) -> str:
    store = Store(root)
    key = hashlib.sha256(name.encode()).hexdigest()
    with store.staging("clean") as staged:
        (staged / "data" / "out.txt").write_text(name)
        writer = RecordWriter(ReuseJob(str(store.root), "clean", key, recipe, str(staged)))
        writer.add(entries)
        writer.write()
        store.commit("clean", key, staged, {})
    return key


def test_keys_are_found_whatever_their_bytes_and_only_under_their_recipe(tmp_path: Path):
    keys = [hashlib.sha256(str(i).encode()).digest() for i in range(300)]
    keys += [b"\x07" * 31 + b"\x00", b"\x07" * 30 + b"\x00\x00", b"\x00" * 32]  # numpy S32 drops trailing NULs
    keys += [b"\x05" * 8 + hashlib.sha256(bytes([i])).digest()[:24] for i in range(0, 40, 2)]  # one 8-byte prefix
    entries = [(k, f"part-{i % 3:05d}.parquet", i, i % 2, f'{{"n":{i % 5}}}', bytes([i % 256]) * 32)
               for i, k in enumerate(keys)]
    artifact = _artifact(tmp_path, "a", "recipe-1", entries[::-1])  # any order in, sorted on disk
    _artifact(tmp_path, "b", "recipe-2", [(k, "x", 0, 0, "{}", b"\0" * 32) for k in keys])

    earlier = EarlierOutputs(tmp_path, "clean", "recipe-1")
    absent = [hashlib.sha256(b"absent").digest(), b"\x07" * 31 + b"\x01"]
    absent += [b"\x05" * 8 + hashlib.sha256(bytes([i])).digest()[:24] for i in range(1, 40, 2)]
    found = earlier.find(keys[::7] + absent + keys[-23:])
    assert set(found) == set(keys[::7] + keys[-23:])
    for i, key in enumerate(keys):
        if key in found:
            assert found[key] == (artifact, f"part-{i % 3:05d}.parquet", i, i % 2, f'{{"n":{i % 5}}}',
                                  bytes([i % 256]) * 32)
    assert EarlierOutputs(tmp_path, "clean", "recipe-3").find(keys) == {}


def test_an_altered_artifact_lends_nothing(tmp_path: Path):
    key = hashlib.sha256(b"k").digest()
    artifact = _artifact(tmp_path, "a", "r", [(key, "part-00000.parquet", 0, 1, "{}", b"\1" * 32)])
    assert key in EarlierOutputs(tmp_path, "clean", "r").find([key])
    (Store(tmp_path).artifact_path("clean", artifact) / "data" / "out.txt").write_text("changed")
    assert EarlierOutputs(tmp_path, "clean", "r").find([key]) == {}
    assert (Store(tmp_path).artifact_path("clean", artifact) / RECORDS_FILE).is_file()


@pytest.mark.parametrize("streams", [1, 3])
def test_threaded_bz2_reader_reads_what_bz2_reads(tmp_path: Path, streams: int):
    text = "".join(f"<page><id>{i}</id><text>نص الصفحة {i}</text></page>\n" for i in range(40_000)).encode()
    cut = [len(text) * k // streams for k in range(streams + 1)]
    path = tmp_path / "d.xml.bz2"
    path.write_bytes(b"".join(bz2.compress(text[a:b]) for a, b in zip(cut, cut[1:])))
    for size in (1, 16_384, 3 * ThreadedBz2Reader.BLOCK, -1):
        with ThreadedBz2Reader(path) as f:
            parts = []
            while piece := f.read(size if size != 1 else 7):
                parts.append(piece)
                if size == 1 and len(parts) > 50:  # tiny reads: the start is enough
                    break
        got = b"".join(parts)
        assert got == text[: len(got)] and (size == 1 or got == text)


def test_threaded_bz2_reader_gives_the_text_before_a_truncation_then_the_error(tmp_path: Path):
    text = "".join(f"سطر {i}\n" for i in range(200_000)).encode()
    path = tmp_path / "cut.bz2"
    path.write_bytes(bz2.compress(text)[:-500])
    got = bytearray()
    with pytest.raises(EOFError), ThreadedBz2Reader(path) as f:
        while piece := f.read(16_384):
            got += piece
    assert len(got) > 0 and text.startswith(bytes(got))


def test_a_moved_page_is_a_new_record_though_its_text_is_the_same():
    page = {"page_id": 7, "rev_id": 100, "title": "القاهرة", "rev_sha1": "abc", "wikitext": "نص"}
    moved = {**page, "rev_id": 101, "title": "مدينة القاهرة"}  # a move adds a null revision: same sha1
    assert page_identity(page) != page_identity(moved)
    assert page_identity(page) == page_identity(dict(page))


def test_reused_records_of_any_output_count_and_either_earlier_artifact_give_a_cold_runs_bytes(tmp_path: Path):
    """Records giving 0, 1 or 2 rows; edits, deletions, additions; a text that comes back from two runs ago."""
    import toy_stages
    from docs_artifacts import docs_artifact as _docs_artifact
    from toy_stages import ToyParams, toy_split

    from arabic_llm.cache.stage import run_stage

    texts = ["", "أ", "ب|ت", "|ث|", "ج|ح|خ"]  # 0, 1, 2, 1 and 2 parts
    v1 = [{"id": f"d{i:03d}", "source": "wikipedia", "text": texts[i % 5] + str(i)} for i in range(40)]
    v2 = [{**d, "text": "ز|" + d["text"]} if i % 9 == 4 else d for i, d in enumerate(v1) if i % 11 != 3]
    v2 += [{"id": "new", "source": "wikipedia", "text": "س|ش"}]
    v3 = [v1[4]] + [d for d in v2 if d["id"] != "d004"]  # d004 back to its v1 text, and moved first

    def build(store: Path, docs: list[dict], name: str):
        toy_stages.SEEN.clear()
        ref = run_stage(toy_split.spec, toy_split.build, ToyParams(), {"docs": _docs_artifact(store, docs, name)},
                        str(store), None)
        return ref, list(toy_stages.SEEN)

    warm = tmp_path / "warm"
    build(warm, v1, "v1")
    _, seen_v2 = build(warm, v2, "v2")
    assert sorted(seen_v2) == ["d004", "d013", "d022", "d031", "new"]  # edited and created only
    ref, seen_v3 = build(warm, v3, "v3")
    assert seen_v3 == []  # d004's v1 output is found in the older of the two earlier tables
    cold, seen_cold = build(tmp_path / "cold", v3, "v3")
    assert len(seen_cold) == len(v3)
    assert ref.digest == cold.digest
    summary = Store(warm).manifest("toy_split", ref.key)["summary"]
    assert summary == Store(tmp_path / "cold").manifest("toy_split", cold.key)["summary"]
    assert summary["documents"] == sum(min(2, len([p for p in d["text"].split("|") if p])) for d in v3)
