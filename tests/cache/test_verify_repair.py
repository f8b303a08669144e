"""The stat cache cannot be fooled by a restored mtime; `verify` quarantines what it finds, lists (or
with --cascade quarantines) what was built from it, discards bad records tables; `--reproduce`, with
local input files checked by digest."""

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


def _one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.err.count("\n") == 1, captured.err
    return captured.err


def test_reproduce_a_stage_with_a_local_input_file_checks_it_by_digest(tmp_path: Path, capsys):
    """`download` reads a text file named in the config: the manifest records where it was read (outside
    the key and the artifact), and --reproduce uses that file only while its content is what was read."""
    from arabic_llm.config import TINY_CONFIG, load_config
    from tasks.download import download, plan

    lines = tmp_path / "lev.txt"
    lines.write_text("شو في ما في\n\nكيفك اليوم\nمنيح كتير\n", encoding="utf-8")
    cfg = load_config(TINY_CONFIG, ["download.wikipedia=null", "download.bactrian_x=null", "download.oasst1=null",
                                    "download.text_files={lev: {path: " + str(lines) + ", dialect: LEV}}"])
    params, files = plan(cfg.download)
    ref = run_stage(download.spec, download.build, params, files, str(tmp_path / "store"), None)
    manifest = Store(tmp_path / "store").manifest("download", ref.key)
    assert manifest["run"]["inputs"] == {"text_lev": str(lines.resolve())}
    assert str(tmp_path) not in json.dumps(manifest["params"]) + json.dumps(manifest["inputs"])

    store = str(tmp_path / "store")
    assert cli.main(["verify", "--store", store, "--reproduce", "download"]) == 0
    assert f"match    artifacts/download/{ref.key}: recomputed from its inputs, digest {ref.digest}" \
        in capsys.readouterr().out

    lines.write_text("شو في ما في\n\nكيفك اليوم\nمنيح كتير جدا\n", encoding="utf-8")  # edited since
    assert cli.main(["verify", "--store", store, "--reproduce", f"download/{ref.key}"]) == 2
    err = _one_line_error(capsys)
    assert f"input 'text_lev': {lines.resolve()} is not what the artifact was built from" in err
    assert f"the artifact's input was {manifest['inputs']['text_lev']['digest']}" in err

    lines.unlink()
    assert cli.main(["verify", "--store", store, "--reproduce", "download"]) == 2
    err = _one_line_error(capsys)
    assert f"input 'text_lev': {lines.resolve()} is missing" in err and "-c CONFIG" in err
    assert Store(store).verify("download", ref.key).ok  # the stored artifact is left as it was


def test_reproduce_finds_local_inputs_from_the_config_and_checks_their_digests(tmp_path: Path, capsys):
    """A manifest without recorded paths (an older one, or one built elsewhere): -c re-resolves the local
    inputs as `run` would, and they are used only if their digests are the manifest's."""
    from arabic_llm.config import TINY_CONFIG, SplitParams, load_config
    from tasks.dialect_model import DialectModelParams, dialect_model

    tsv = tmp_path / "labels.tsv"
    tsv.write_text("".join(f"{text}\t{label}\n" for text, label in [
        ("ازيك عامل ايه النهارده", "EGY"), ("شلونك شخبارك اليوم", "GLF"), ("كيفك شو عم تعمل", "LEV"),
        ("واش راك لاباس عليك", "MGR"), ("كيف حالك اليوم", "MSA")] * 3), encoding="utf-8")
    cfg = load_config(TINY_CONFIG, [f"dialect.train_data={tsv}"])
    params = DialectModelParams.from_config(cfg.dialect, SplitParams.of(cfg.shards, cfg.seed))
    store = tmp_path / "store"
    ref = run_stage(dialect_model.spec, dialect_model.build, params, {"docs": None, "labels": tsv}, str(store), None)
    manifest_file = Store(store).root / ref.path / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    del manifest["run"]["inputs"]  # as an older version wrote it: no paths at all
    manifest_file.write_text(json.dumps(manifest))

    verify = ["verify", "--store", str(store), "--reproduce", "dialect_model"]
    assert cli.main(verify) == 2
    assert "input 'labels': its manifest records no path" in _one_line_error(capsys)
    assert cli.main([*verify, "-c", str(TINY_CONFIG), "--set", f"dialect.train_data={tsv}"]) == 0
    assert f"match    artifacts/dialect_model/{ref.key}" in capsys.readouterr().out

    assert cli.main([*verify, "-c", str(TINY_CONFIG)]) == 2  # the config's own labels: another file
    err = _one_line_error(capsys)
    assert "input 'labels':" in err and "dialect-labels.json is not what the artifact was built from" in err

    tsv.unlink()
    assert cli.main([*verify, "-c", str(TINY_CONFIG), "--set", f"dialect.train_data={tsv}"]) == 2
    err = _one_line_error(capsys)
    assert f"names an input that cannot be read: source file not found: {tsv}" in err
    assert cli.main(["verify", "--store", str(store), "-c", str(TINY_CONFIG)]) == 2  # -c is for --reproduce
