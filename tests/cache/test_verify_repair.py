"""The stat cache cannot be fooled by a restored mtime; `verify` quarantines what it finds, lists (or
with --cascade quarantines) what was built from it, discards bad records tables; `--reproduce`."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from records_damage import damage
from toy_stages import ToyParams, toy_count, toy_upper

import arabic_nlp.clean
from arabic_llm.cache.records import RECORDS_FILE
from arabic_llm.cache.stage import run_stage
from arabic_llm.cache.store import Store
from arabic_llm.ops import cli


def _same_size_edit(path: Path) -> None:
    """Change one byte, keep the size and put the mtime back (as a careful tamperer would)."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[0] = ord("x") if data[0] != ord("x") else ord("y")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_mtime_ns == st.st_mtime_ns and path.stat().st_size == st.st_size


def _chain(store: Path, src: Path):
    upper = run_stage(toy_upper.spec, toy_upper.build, ToyParams(), {"src": src}, str(store), None)
    count = run_stage(toy_count.spec, toy_count.build, ToyParams(), {"text": upper}, str(store), None)
    return upper, count


def test_a_same_size_edit_with_its_mtime_restored_is_not_a_stat_cache_hit(tmp_path: Path):
    src = tmp_path / "src.txt"
    src.write_text("abc", encoding="utf-8")
    upper, _ = _chain(tmp_path / "store", src)
    store = Store(tmp_path / "store")
    out = store.root / upper.path / "data" / "out.txt"
    _same_size_edit(out)
    assert store.stat_cache.digest(out) != store.manifest("toy_upper", upper.key)["files"][0]["sha256"]
    assert not store.verify("toy_upper", upper.key).ok  # the run's check (no full re-hash) sees it
    again = run_stage(toy_upper.spec, toy_upper.build, ToyParams(), {"src": src}, str(store.root), None)
    assert not again.reused and again.digest == upper.digest  # recomputed, not served
    assert (store.root / again.path / "data" / "out.txt").read_text() == "ABCABC"


def _stat_rows(store: Store, artifact: str) -> int:
    with sqlite3.connect(store.root / ".state" / "stat-cache.sqlite") as db:
        return db.execute("SELECT count(*) FROM digests_v2 WHERE path LIKE ?", (f"%{artifact}%",)).fetchone()[0]


@pytest.mark.parametrize("cascade", [False, True])
def test_verify_quarantines_a_bad_artifact_and_lists_or_quarantines_what_was_built_from_it(tmp_path: Path, capsys,
                                                                                           cascade: bool):
    src = tmp_path / "src.txt"
    src.write_text("abc", encoding="utf-8")
    upper, count = _chain(tmp_path / "store", src)
    store = Store(tmp_path / "store")
    assert _stat_rows(store, upper.key) == 2  # out.txt and partial.txt
    _same_size_edit(store.root / upper.path / "data" / "out.txt")
    assert cli.main(["verify", "--store", str(store.root), *(["--cascade"] if cascade else [])]) == 1
    out = capsys.readouterr().out
    assert f"BAD  artifacts/toy_upper/{upper.key}: artifact altered: file out.txt changed" in out
    assert f"quarantined artifacts/toy_upper/{upper.key}" in out
    assert not store.artifact_path("toy_upper", upper.key).exists()
    assert _stat_rows(store, upper.key) == 0
    assert store.artifact_path("toy_count", count.key).exists() != cascade
    assert (f"quarantined artifacts/toy_count/{count.key}: built from it" if cascade else
            f"built from it: artifacts/toy_count/{count.key}") in out
    quarantined = sorted(p.name.split("-")[0] for p in (store.root / "quarantine").iterdir())
    assert quarantined == (["toy_count", "toy_upper"] if cascade else ["toy_upper"])
    assert cli.main(["verify", "--store", str(store.root)]) == 0  # repaired


def _clean_artifact(store: Path, n: int = 12):
    import hashlib

    from arabic_llm.config import load_config
    from arabic_llm.data import documents
    from tasks.clean import clean

    s = Store(store)
    docs = [{"id": f"d{i}", "source": "wikipedia", "text": f"نص المقالة رقم {i} عن تاريخ المدينة وسكانها"}
            for i in range(n)]
    with s.staging("download") as staged:
        documents.write_documents(staged / "data", docs, 5)
        raw = s.commit("download", hashlib.sha256(b"docs").hexdigest(), staged, {})
    return run_stage(clean.spec, clean.build, load_config().clean, {"docs": raw}, str(s.root), None)


def test_verify_discards_a_damaged_records_table_and_keeps_the_artifact(tmp_path: Path, capsys):
    ref = _clean_artifact(tmp_path)
    table = Store(tmp_path).root / ref.path / RECORDS_FILE
    damage(table, "swap_starts")
    with pytest.warns(RuntimeWarning, match="records table discarded"):
        assert cli.main(["verify", "--store", str(tmp_path)]) == 0
    assert f"BAD  artifacts/clean/{ref.key}/{RECORDS_FILE}" in capsys.readouterr().out
    assert not table.exists() and Store(tmp_path).verify("clean", ref.key).ok


def test_reproduce_recomputes_an_artifact_and_compares_digests(tmp_path: Path, capsys, monkeypatch):
    ref = _clean_artifact(tmp_path)
    assert cli.main(["verify", "--store", str(tmp_path), "--reproduce", "clean"]) == 0
    assert f"match    artifacts/clean/{ref.key}" in capsys.readouterr().out
    assert not list((Store(tmp_path).root / "tmp").iterdir())  # the temporary store is gone

    real = arabic_nlp.clean.clean_text  # a stage that is not a function of its key (say, it reads the clock)
    monkeypatch.setattr(arabic_nlp.clean, "clean_text", lambda text, **kw: real(text + " ز", **kw))
    assert cli.main(["verify", "--store", str(tmp_path), "--reproduce", f"clean/{ref.key}"]) == 1
    out = capsys.readouterr().out
    assert f"MISMATCH artifacts/clean/{ref.key}" in out and "documents/part-00000.parquet" in out
    assert json.loads((Store(tmp_path).root / ref.path / "manifest.json").read_text())["digest"] == ref.digest
