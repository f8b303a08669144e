"""A damaged records table never changes a refresh's output: it is discarded with a warning, the
records it would have lent are computed, and the artifact equals a cold run's."""

from __future__ import annotations

import warnings
from pathlib import Path

import pyarrow as pa
import pytest
from docs_artifacts import docs_artifact as _docs_artifact
from records_damage import DAMAGES, damage

import arabic_nlp.clean
from arabic_llm.cache.records import RECORDS_FILE, record_digests, rows_digest
from arabic_llm.cache.stage import run_stage
from arabic_llm.cache.store import Store
from arabic_llm.config import load_config
from arabic_llm.data import documents


def _docs(n: int) -> list[dict]:
    return [{"id": f"d{i:03d}", "source": "wikipedia", "dialect": None if i % 4 else "MSA",
             "text": f"نص المقالة رقم {i} عن أحمد إلى المدينة http://x.org/{i}"} for i in range(n)]


def _clean(store: Path, docs: list[dict], name: str):
    from tasks.clean import clean

    return run_stage(clean.spec, clean.build, load_config().clean, {"docs": _docs_artifact(store, docs, name)},
                     str(store), None)


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_records_table_is_discarded_and_the_refresh_equals_a_cold_run(tmp_path: Path, how: str):
    v1 = _docs(30)
    v2 = v1 + [{"id": "new", "source": "wikipedia", "text": "مقالة جديدة تماما عن تاريخ المدينة وسكانها وأسواقها"}]
    warm = tmp_path / "warm"
    first = _clean(warm, v1, "v1")
    table = Store(warm).artifact_path("clean", first.key) / RECORDS_FILE
    damage(table, how)
    # A table edited after commit fails its manifest digest; one written wrong (re-signed) fails the
    # per-record digests of the rows its entries point at.
    why = "do not yield what their digest says" if how.endswith("_resigned") else "unreadable|does not match the digest"
    with pytest.warns(RuntimeWarning, match=rf"records table discarded: .*({why})"):
        refreshed = _clean(warm, v2, "v2")
    cold = _clean(tmp_path / "cold", v2, "v2")
    assert refreshed.digest == cold.digest
    ids = [d["id"] for d in documents.read_documents(Store(warm).root / refreshed.path / "data")]
    assert ids == [d["id"] for d in v2]  # none duplicated, none missing, in order
    assert Store(warm).manifest("clean", refreshed.key)["summary"] == Store(tmp_path / "cold").manifest(
        "clean", cold.key)["summary"]
    assert not table.exists()  # discarded: no later run consults it
    # The new artifact's table is sound: the next refresh reuses it without a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = _clean(warm, v2 + [{"id": "newer", "source": "wikipedia", "text": "نص آخر عن تاريخ المدينة وأسواقها القديمة"}], "v3")
    assert again.digest == _clean(tmp_path / "cold", v2 + [{"id": "newer", "source": "wikipedia", "text": "نص آخر عن تاريخ المدينة وأسواقها القديمة"}],
                                  "v3").digest


def test_an_undamaged_table_is_used_silently(tmp_path: Path, monkeypatch):

    calls = []
    real = arabic_nlp.clean.clean_text
    monkeypatch.setattr(arabic_nlp.clean, "clean_text", lambda text, *a, **k: calls.append(text) or real(text, *a, **k))
    _clean(tmp_path, _docs(30), "v1")
    calls.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _clean(tmp_path, _docs(30) + [{"id": "new", "source": "wikipedia", "text": "مقالة"}], "v2")
    assert calls == ["مقالة"]


def test_a_table_no_manifest_vouches_for_is_not_used(tmp_path: Path):
    first = _clean(tmp_path, _docs(12), "v1")
    manifest = Store(tmp_path).artifact_path("clean", first.key) / "manifest.json"
    import json

    m = json.loads(manifest.read_text())
    del m["beside"]  # as an older version wrote it
    manifest.write_text(json.dumps(m))
    with pytest.warns(RuntimeWarning, match="records no digest of it"):
        _clean(tmp_path, _docs(13), "v2")


def test_record_digests_of_arrow_rows_equal_those_of_python_rows():
    rows = [("a", None, "نص", ""), ("b", "x", "", None), ("c", "yy", "z", "w")]
    table = pa.table({f"c{j}": pa.array([r[j] for r in rows], pa.string()) for j in range(4)})
    got = record_digests(table, [0, 1, 3, 0], [1, 2, 0, 3], ["{}", '{"n":1}', "{}", "{}"])
    assert got == b"".join([rows_digest(rows[0:1], "{}"), rows_digest(rows[1:3], '{"n":1}'), rows_digest([], "{}"),
                            rows_digest(rows, "{}")])
    # null and empty differ, and so do the same bytes cut into values differently
    assert rows_digest([("a", None)], "{}") != rows_digest([("a", "")], "{}")
    assert rows_digest([("ab", "")], "{}") != rows_digest([("a", "b")], "{}")
