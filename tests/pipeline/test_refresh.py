"""Incremental refresh: a refreshed dump reprocesses only new or changed records, and the output is
byte-identical to a cold run on the refreshed dump."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import pytest
from fake_dumps import DumpServer, dump_bytes, sample_pages, write_run

import arabic_nlp.normalize
from arabic_llm.cache.stage import run_stage
from arabic_llm.cache.store import Store
from arabic_llm.config import RuntimeConfig, load_config
from arabic_llm.data import documents, wikipedia
from arabic_llm.data.documents import CorpusError
from flows.pipeline import pipeline


class Done(Exception):
    pass


class ChainRunner:
    """Runs the real wiring's stages (same body as the Prefect tasks) through `shards`, then stops."""

    def __init__(self, store: Path):
        self.store = Store(store)  # the pipeline asks its runner for the store (training lineage)
        self.refs: dict = {}

    def __call__(self, stage, params, **inputs):
        if stage.spec.name == "train_msa":
            raise Done
        ref = run_stage(stage.spec, stage.build, params, inputs, str(self.store.root), None)
        self.refs[stage.spec.name] = ref
        return ref


def run_chain(store: Path, url: str, downloads: Path) -> dict:
    cfg = load_config(None, [f"download.wikipedia={url}", f"download.download_dir={downloads}",
                             "download.shard_docs=30", "tokenizer.vocab_size=400"])
    runner = ChainRunner(store)
    with pytest.raises(Done):
        pipeline(cfg, runner)
    return runner.refs


def refreshed(pages: list[dict]) -> list[dict]:
    """Two articles edited, one deleted, one created (a 'nightly' refresh)."""
    pages = copy.deepcopy(pages)
    articles = [p for p in pages if p["ns"] == 0 and not p["redirect"]]
    for page in articles[3], articles[40]:
        page["text"] += "\n\nفقرة أضيفت في التحديث الليلي عن تاريخ المدينة وسكانها."
        page["rev_id"] += 1
    pages.remove(articles[10])
    new = copy.deepcopy(articles[20])
    new.update(id=99999, title="صفحة جديدة", rev_id=7777777, text=new["text"] + "\nنص جديد تماما.")
    pages.append(new)
    return pages


class Calls:
    def __init__(self, fn):
        self.fn, self.n = fn, 0

    def __call__(self, *args, **kwargs):
        self.n += 1
        return self.fn(*args, **kwargs)


def test_refresh_reprocesses_only_changed_pages_and_equals_a_cold_run(tmp_path: Path, monkeypatch):
    pages = sample_pages()
    root = tmp_path / "mirror"
    with DumpServer(root) as server:
        write_run(root, "20240601", pages)
        first = run_chain(tmp_path / "warm", server.url, tmp_path / "dl")
        write_run(root, "20240602", refreshed(pages))
        wikitext = Calls(wikipedia.wikitext_to_text)
        normalize = Calls(arabic_nlp.normalize.normalize_text)
        monkeypatch.setattr(wikipedia, "wikitext_to_text", wikitext)
        monkeypatch.setattr(arabic_nlp.normalize, "normalize_text", normalize)
        warm = run_chain(tmp_path / "warm", server.url, tmp_path / "dl")
        assert (wikitext.n, normalize.n) == (3, 3)  # two edited pages and the new one
        monkeypatch.undo()
        cold = run_chain(tmp_path / "cold", server.url, tmp_path / "dl")
    assert warm["download"].key != first["download"].key
    for stage in ("download", "clean", "normalize", "diacritics", "segment", "dialect", "data_audit", "shards"):
        assert warm[stage].key == cold[stage].key, stage
        assert warm[stage].digest == cold[stage].digest, f"{stage}: refresh output differs from a cold run"
    ids = {d["id"] for d in documents.read_documents(Store(tmp_path / "warm").root / warm["data_audit"].path / "data")}
    assert "wiki:99999" in ids
    deleted = [p for p in pages if p["ns"] == 0 and not p["redirect"]][10]["id"]
    assert f"wiki:{deleted}" not in ids


@pytest.mark.parametrize("how", ["swap_starts", "point_at_another_resigned"])
def test_damaged_page_and_token_tables_are_discarded_and_the_refresh_equals_a_cold_run(tmp_path: Path, how: str):
    """The download's page reuse and the shards' token reuse check what they copy as the text stages do.

    A damaged table is discarded where it is first reused: in the refreshed chain (the default tokenizer
    is named, so the shards reuse tokens there) or in the second shards refresh, which keeps the first
    run's tokenizer and documents but one (a retrained tokenizer or dialect model would change every
    record, and nothing would be reused)."""
    import shutil

    from records_damage import damage

    from tasks.shards import ShardsParams, shards

    pages = sample_pages()
    root = tmp_path / "mirror"
    warm_store, cold_store = Store(tmp_path / "warm"), Store(tmp_path / "cold")
    with DumpServer(root) as server:
        write_run(root, "20240601", pages)
        first = run_chain(warm_store.root, server.url, tmp_path / "dl")
        for stage in ("download", "shards"):
            damage(warm_store.root / first[stage].path / "records.arrow", how)
        write_run(root, "20240602", refreshed(pages))
        with pytest.warns(RuntimeWarning, match="records table discarded") as pages_caught:
            warm = run_chain(warm_store.root, server.url, tmp_path / "dl")
        cold = run_chain(cold_store.root, server.url, tmp_path / "dl")
    for stage in ("download", "clean", "shards"):  # the default tokenizer is named: the same one in both runs
        assert warm[stage].digest == cold[stage].digest, f"{stage}: refresh output differs from a cold run"

    docs = list(documents.read_documents(warm_store.root / first["data_audit"].path / "data"))
    docs = docs[:5] + docs[6:] + [{**docs[5], "id": "moved", "text": docs[5]["text"] + " نص"}]
    params = ShardsParams.model_validate(warm_store.manifest("shards", first["shards"].key)["params"])
    if not (cold_store.root / first["tokenizer"].path).exists():  # a named tokenizer: the cold run made the same one
        shutil.copytree(warm_store.root / first["tokenizer"].path, cold_store.root / first["tokenizer"].path)

    def build(store: Store):
        inputs = {"docs": _docs_artifact(store.root, docs, "v2"), "tokenizer": first["tokenizer"]}
        return run_stage(shards.spec, shards.build, params, inputs, str(store.root), None)

    with warnings.catch_warnings(record=True) as tokens_caught:  # the chain may have met the damage already
        warnings.simplefilter("always")
        warm_shards = build(warm_store)
    assert warm_shards.digest == build(cold_store).digest
    discarded = [str(w.message).split("/artifacts/")[1].split("/")[0] for w in [*pages_caught, *tokens_caught]
                 if "records table discarded" in str(w.message)]
    assert sorted(discarded) == ["download", "shards"]  # each damaged table met once, wherever it was reused


def test_changed_parameters_are_not_served_from_the_record_index(tmp_path: Path, monkeypatch):
    """A record's output is reused only under the same recipe: another normalize setting recomputes all."""
    from tasks.normalize import normalize

    src = tmp_path / "in"
    documents.write_documents(src, [{"id": f"d{i}", "source": "wikipedia", "text": "أحمد إلى المستشفى"} for i in range(5)], 10)
    store = tmp_path / "store"
    from arabic_llm.cache.store import ArtifactRef

    # Feed the documents as an artifact input, as the flow does.
    raw = Store(store)
    key = "0" * 64  # a well-formed key: references are checked to stay inside the store
    staged = raw.root / "artifacts" / "download" / key / "data"
    staged.parent.mkdir(parents=True)
    src.rename(staged)
    digest, files = raw.directory_digest(staged)
    (staged.parent / "manifest.json").write_text(
        __import__("json").dumps({"schema": 1, "stage": "download", "key": key, "digest": digest, "files": files}))
    docs = ArtifactRef(stage="download", key=key, digest=digest, path=f"artifacts/download/{key}")
    counter = Calls(arabic_nlp.normalize.normalize_text)
    monkeypatch.setattr(arabic_nlp.normalize, "normalize_text", counter)
    cfg = load_config()
    a = run_stage(normalize.spec, normalize.build, cfg.normalize, {"docs": docs}, str(store), None)
    b = run_stage(normalize.spec, normalize.build, cfg.normalize.model_copy(update={"alef": False}),
                  {"docs": docs}, str(store), None)
    assert counter.n == 10 and a.digest != b.digest
    for ref in (a, b):  # each artifact carries its records table beside its data, outside its content
        assert (Store(store).root / ref.path / "records.arrow").is_file()
        assert "records.arrow" not in {f["path"] for f in Store(store).manifest("normalize", ref.key)["files"]}


def test_empty_source_stops_naming_the_file(tmp_path: Path):
    from tasks.download import download, plan

    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    params, files = plan(load_config(None, ["download.wikipedia=null", "download.oasst1=null",
                                            f"download.bactrian_x={empty}"]).download)
    with pytest.raises(CorpusError, match=r"empty.jsonl: empty source: no bactrian_x records"):
        run_stage(download.spec, download.build, params, files, str(tmp_path / "store"), None)
    assert not list((tmp_path / "store" / "tmp").glob("*"))  # nothing half-written


def _mistag_page(raw: bytes, n: int) -> bytes:
    """The dump with the closing title tag of its n-th page misspelt."""
    import bz2

    xml = bz2.decompress(raw)
    at = 0
    for _ in range(n):
        at = xml.index(b"</title>", at + 1)
    return bz2.compress(xml[:at] + b"</titel>" + xml[at + 8 :])


def _cut_multistream() -> bytes:
    multistream = dump_bytes(sample_pages(), streams=8)
    return multistream[: len(multistream) * 2 // 3]


def _sample_dump_bytes() -> bytes:
    return (documents.SAMPLE_DATA / "arwiki-sample-pages-articles.xml.bz2").read_bytes()


@pytest.mark.parametrize("damage, message", [
    # Multistream (several bz2 streams), cut in the middle: the pages of the first streams were read.
    (lambda raw: _cut_multistream(),
     r"dump.xml.bz2: cannot read the dump after page \d+ \(Compressed file ended"),
    (lambda raw: _mistag_page(raw, 60),
     r"dump.xml.bz2: malformed MediaWiki XML after page \d+ \(line \d+, column \d+\)"),
    (lambda raw: b"BZh9" + b"\x00" * 200, r"dump.xml.bz2: cannot read the dump before the first page"),
])
def test_bad_dump_stops_naming_file_and_page_and_keeps_earlier_artifacts(tmp_path: Path, damage, message):
    from tasks.download import download, plan

    store = tmp_path / "store"
    good = tmp_path / "good.xml.bz2"
    good.write_bytes(_sample_dump_bytes())
    cfg = ["download.bactrian_x=null", "download.oasst1=null"]
    params, files = plan(load_config(None, [f"download.wikipedia={good}", *cfg]).download)
    earlier = run_stage(download.spec, download.build, params, files, str(store), None)
    bad = tmp_path / "dump.xml.bz2"
    bad.write_bytes(damage(_sample_dump_bytes()))
    params, files = plan(load_config(None, [f"download.wikipedia={bad}", *cfg]).download)
    with pytest.raises(CorpusError, match=message):
        run_stage(download.spec, download.build, params, files, str(store), None)
    assert Store(store).verify("download", earlier.key).ok  # the earlier artifact is intact
    assert [p.name for p in (store / "artifacts" / "download").iterdir()] == [earlier.key]
    assert not list((store / "tmp").glob("*"))


def test_malformed_jsonl_line_is_named_by_the_download_stage(tmp_path: Path):
    from tasks.download import download, plan

    bad = tmp_path / "oasst.jsonl"
    bad.write_text('{"message_id": "a", "role": "prompter", "text": "س", "lang": "ar"}\n{"message_id": \n',
                   encoding="utf-8")
    params, files = plan(load_config(None, ["download.wikipedia=null", "download.bactrian_x=null",
                                            f"download.oasst1={bad}"]).download)
    with pytest.raises(CorpusError, match=r"oasst.jsonl:2: not valid JSON"):
        run_stage(download.spec, download.build, params, files, str(tmp_path / "store"), None)


def _docs_artifact(store: Path, docs: list[dict], key: str, shard_docs: int = 10):
    """Documents committed as a `download` artifact, the form a processing stage takes them in."""
    import hashlib

    s = Store(store)
    with s.staging("download") as staged:
        documents.write_documents(staged / "data", docs, shard_docs)
        return s.commit("download", hashlib.sha256(key.encode()).hexdigest(), staged, {})  # a well-formed key


def test_parallel_workers_reuse_records_and_write_a_cold_runs_bytes(tmp_path: Path, monkeypatch):
    from tasks.clean import clean

    docs = [{"id": f"d{i:03d}", "source": "wikipedia", "text": f"نص المقالة رقم {i} عن إلى أحمد http://x.org"}
            for i in range(45)]
    changed = docs[:7] + [{**docs[7], "text": "نص جديد للمقالة السابعة وهو أطول قليلا"}] + docs[9:]
    params = load_config().clean
    two = RuntimeConfig(workers=2)
    run_stage(clean.spec, clean.build, params, {"docs": _docs_artifact(tmp_path / "warm", docs, "v1")},
              str(tmp_path / "warm"), None, two)
    warm = run_stage(clean.spec, clean.build, params, {"docs": _docs_artifact(tmp_path / "warm", changed, "v2")},
                     str(tmp_path / "warm"), None, two)
    cold = run_stage(clean.spec, clean.build, params, {"docs": _docs_artifact(tmp_path / "cold", changed, "v2")},
                     str(tmp_path / "cold"), None, RuntimeConfig(workers=1))
    assert warm.digest == cold.digest
    warm_summary = Store(tmp_path / "warm").manifest("clean", warm.key)["summary"]
    assert warm_summary == Store(tmp_path / "cold").manifest("clean", cold.key)["summary"]
    assert warm_summary["documents"] == 44


def test_download_converts_in_worker_processes_the_same_documents(tmp_path: Path, monkeypatch):
    """With runtime.workers > 1 wikitext is converted in worker processes while the next batch is
    parsed: cold and refreshed, the artifact is the one a single process writes."""
    from tasks.download import download, plan

    monkeypatch.setattr(wikipedia, "BATCH", 7)  # many batches: the look-ahead and several chunks per batch
    pooled = []
    convert = wikipedia._converted
    monkeypatch.setattr(wikipedia, "_converted", lambda todo, pool: pooled.append(pool is not None) or convert(todo, pool))
    pages = sample_pages()
    edited = copy.deepcopy(pages)
    articles = [p for p in edited if p["ns"] == 0 and not p["redirect"]]
    for page in articles[:3]:
        page["text"] += "\n\nفقرة جديدة أضيفت إلى المقالة."
        page["rev_id"] += 1
    edited.remove(articles[3])
    refs = {}
    for name, version, workers in (("one", pages, 1), ("two", pages, 2), ("two", edited, 2), ("cold", edited, 1)):
        dump = tmp_path / f"{name}-{len(version)}-{workers}.xml.bz2"
        dump.write_bytes(dump_bytes(version))
        params, files = plan(load_config(None, [f"download.wikipedia={dump}", "download.bactrian_x=null",
                                                "download.oasst1=null"]).download)
        refs[(name, version is edited)] = run_stage(download.spec, download.build, params, files,
                                                    str(tmp_path / name), None, RuntimeConfig(workers=workers))
    assert pooled.count(True) > 3 and pooled.count(False) > 3  # both ways ran, batch after batch
    assert refs[("two", False)].digest == refs[("one", False)].digest
    assert refs[("two", True)].digest == refs[("cold", True)].digest != refs[("one", False)].digest
