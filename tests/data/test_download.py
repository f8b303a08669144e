"""Published Wikipedia dumps over HTTP (a local server on 127.0.0.1), refresh detection, resume, checksums."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from fake_dumps import DumpServer, sample_pages, write_run

from arabic_llm.cache.stage import run_stage
from arabic_llm.cache.store import Store
from arabic_llm.config import load_config
from arabic_llm.data import wikidump
from arabic_llm.data.documents import CorpusError, read_documents
from tasks.download import download, plan


def wiki_config(url: str, downloads: Path, *extra: str):
    return load_config(None, [f"download.wikipedia={url}", f"download.download_dir={downloads}",
                              "download.bactrian_x=null", "download.oasst1=null", *extra]).download


def build(params, files, store: Path):
    return run_stage(download.spec, download.build, params, files, str(store), None)


@pytest.fixture
def dumps(tmp_path: Path):
    root = tmp_path / "mirror"
    with DumpServer(root) as server:
        yield root, server


def test_latest_dump_is_found_fetched_verified_and_parsed(dumps, tmp_path: Path):
    root, server = dumps
    pages = sample_pages()
    write_run(root, "20240601", pages)
    params, files = plan(wiki_config(server.url, tmp_path / "dl"))
    assert files == {}
    assert params.wikipedia_dump.date == "20240601"
    assert params.wikipedia_dump.files[0].checksum.startswith("sha1:")
    ref = build(params, files, tmp_path / "store")
    docs = list(read_documents(Store(tmp_path / "store").root / ref.path / "data"))
    assert len(docs) == 80 and {d["source"] for d in docs} == {"wikipedia"}
    assert all(d["id"] == f"wiki:{d['page_id']}" and d["rev_sha1"] and d["rev_id"] and d["title"] for d in docs)


def test_unchanged_latest_costs_one_small_request_and_the_same_key(dumps, tmp_path: Path):
    root, server = dumps
    write_run(root, "20240601", sample_pages())
    first, _ = plan(wiki_config(server.url, tmp_path / "dl"))
    server.requests.clear()
    again, _ = plan(wiki_config(server.url, tmp_path / "dl"))
    assert [path for path, _ in server.requests] == ["/arwiki/latest/arwiki-latest-pages-articles.xml.bz2-rss.xml"]
    assert again == first


def test_refreshed_dump_changes_the_version(dumps, tmp_path: Path):
    root, server = dumps
    pages = sample_pages()
    write_run(root, "20240601", pages)
    old, _ = plan(wiki_config(server.url, tmp_path / "dl"))
    changed = copy.deepcopy(pages)
    changed[0]["text"] += "\nجملة جديدة."
    write_run(root, "20240701", changed)
    new, _ = plan(wiki_config(server.url, tmp_path / "dl"))
    assert (old.wikipedia_dump.date, new.wikipedia_dump.date) == ("20240601", "20240701")
    assert old.wikipedia_dump.files[0].checksum != new.wikipedia_dump.files[0].checksum
    # A dump date names one run; the mirror is not part of the key.
    dated, _ = plan(wiki_config("20240601", tmp_path / "dl", f"download.wikipedia_mirror={server.url}"))
    assert dated.wikipedia_dump == old.wikipedia_dump


def test_download_resumes_with_range_and_retries_after_server_errors(dumps, tmp_path: Path):
    root, server = dumps
    files = write_run(root, "20240601", sample_pages())
    name = next(iter(files))
    params, _ = plan(wiki_config(server.url, tmp_path / "dl"))
    server.requests.clear()
    server.cut_after[name] = 5000  # the first transfer breaks after 5000 bytes
    server.fail_next[name] = 1  # and the resumed one first meets a 503
    paths = wikidump.fetch(params.wikipedia_dump, server.url, tmp_path / "dl", retries=3)
    assert paths[0].read_bytes() == files[name]
    ranges = [rng for _, rng in server.gets(name)]
    assert ranges[0] is None and "bytes=5000-" in ranges[1:]
    server.requests.clear()
    wikidump.fetch(params.wikipedia_dump, server.url, tmp_path / "dl")  # verified copy: no request
    assert server.gets(name) == []


def test_checksum_mismatch_stops_naming_the_file_and_leaves_nothing(dumps, tmp_path: Path):
    root, server = dumps
    files = write_run(root, "20240601", sample_pages())
    name = next(iter(files))
    (root / "arwiki" / "20240601" / name).write_bytes(files[name][:-10] + b"0123456789")  # altered on the mirror
    params, _ = plan(wiki_config(server.url, tmp_path / "dl"))
    with pytest.raises(CorpusError, match=rf"{name}: sha1 mismatch \(published [0-9a-f]{{40}}, downloaded"):
        build(params, {}, tmp_path / "store")
    folder = tmp_path / "dl" / "arwiki" / "20240601"
    assert not list(folder.glob("*.bz2*"))
    assert not list((tmp_path / "store" / "artifacts").glob("*/*")) if (tmp_path / "store" / "artifacts").exists() else True


def test_unfinished_run_is_refused(dumps, tmp_path: Path):
    root, server = dumps
    write_run(root, "20240601", sample_pages(), status="in-progress")
    with pytest.raises(CorpusError, match=r"dumpstatus.json: job articlesdump is 'in-progress', not 'done'"):
        plan(wiki_config(server.url, tmp_path / "dl"))


def test_checksums_fall_back_to_the_sha1sums_file(dumps, tmp_path: Path):
    root, server = dumps
    files = write_run(root, "20240601", sample_pages(), checksums_in_status=False)
    params, _ = plan(wiki_config(server.url, tmp_path / "dl"))
    import hashlib

    assert params.wikipedia_dump.files[0].checksum == "sha1:" + hashlib.sha1(next(iter(files.values()))).hexdigest()


@pytest.mark.parametrize("layout", ["split", "multistream"])
def test_split_and_multistream_layouts_give_the_same_documents(dumps, tmp_path: Path, layout):
    root, server = dumps
    pages = sample_pages()
    write_run(root, "20240601", pages, layout="single")
    single, _ = plan(wiki_config(server.url, tmp_path / "dl"))
    write_run(root, "20240602", pages, layout=layout)
    job = "articlesmultistreamdump" if layout == "multistream" else "articlesdump"
    other, _ = plan(wiki_config(server.url, tmp_path / "dl", f"download.wikipedia_job={job}"))
    names = [f.name for f in other.wikipedia_dump.files]
    assert not any("index" in n for n in names) and len(names) == (2 if layout == "split" else 1)
    a = build(single, {}, tmp_path / "store")
    b = build(other, {}, tmp_path / "store")
    assert a.digest == b.digest  # same documents, byte for byte


def test_missing_run_names_the_url(dumps, tmp_path: Path):
    root, server = dumps
    write_run(root, "20240601", sample_pages())
    with pytest.raises(CorpusError, match=r"HTTP 404 from .*/arwiki/20990101/dumpstatus.json"):
        plan(wiki_config("20990101", tmp_path / "dl", f"download.wikipedia_mirror={server.url}", "download.retries=0"))
