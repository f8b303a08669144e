"""A fake Wikimedia dumps tree built from the embedded sample, and a local HTTP server for it.

Used by the download tests and by benchmarks/bench_corpus.py. The tree has what Wikimedia
publishes: ``<wiki>/<date>/`` with the page dumps (single, split or multistream), ``dumpstatus.json``,
``sha1sums.txt`` and ``md5sums.txt``, and ``<wiki>/latest/`` with the RSS feed naming the newest run.
"""

from __future__ import annotations

import bz2
import hashlib
import html
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from arabic_llm.data.documents import SAMPLE_DATA


def _build_samples():
    """tools/build_samples.py (the sample generator, outside the package) loaded by path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_samples", Path(__file__).resolve().parents[2] / "tools" / "build_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mediawiki_sha1 = _build_samples().mediawiki_sha1

WIKI = "arwiki"
_PAGE = re.compile(r"<page>.*?</page>", re.S)


def sample_xml() -> str:
    return bz2.decompress((SAMPLE_DATA / "arwiki-sample-pages-articles.xml.bz2").read_bytes()).decode()


def sample_pages() -> list[dict]:
    """The sample's pages as dicts: id, title, ns, redirect, rev_id, text."""
    pages = []
    for block in _PAGE.findall(sample_xml()):
        def tag(name, default=None):
            m = re.search(rf"<{name}[^>]*>(.*?)</{name}>", block, re.S)
            return html.unescape(m.group(1)) if m else default
        redirect = re.search(r'<redirect title="([^"]*)"', block)
        pages.append({"id": int(tag("id")), "title": tag("title"), "ns": int(tag("ns")),
                      "redirect": html.unescape(redirect.group(1)) if redirect else None,
                      "rev_id": int(re.search(r"<revision>\s*<id>(\d+)</id>", block).group(1)),
                      "text": tag("text", "")})
    return pages


def header() -> str:
    xml = sample_xml()
    return xml[: xml.index("<page>")]


def page_xml(page: dict) -> str:
    text = page["text"]
    redirect = f'    <redirect title="{html.escape(page["redirect"])}" />\n' if page.get("redirect") else ""
    return (f"  <page>\n    <title>{html.escape(page['title'], quote=False)}</title>\n    <ns>{page['ns']}</ns>\n"
            f"    <id>{page['id']}</id>\n{redirect}    <revision>\n      <id>{page['rev_id']}</id>\n"
            f"      <timestamp>2024-01-03T08:15:00Z</timestamp>\n      <contributor>\n        <username>محرر</username>\n"
            f"        <id>101</id>\n      </contributor>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
            f'      <text bytes="{len(text.encode())}" xml:space="preserve">{html.escape(text, quote=False)}</text>\n'
            f"      <sha1>{mediawiki_sha1(text)}</sha1>\n    </revision>\n  </page>\n")


def dump_bytes(pages: list[dict], streams: int = 1) -> bytes:
    """A pages-articles XML export in bz2; ``streams`` > 1 writes concatenated bz2 streams (multistream)."""
    parts = [header()] + [page_xml(p) for p in pages] + ["</mediawiki>\n"]
    if streams == 1:
        return bz2.compress("".join(parts).encode(), 9)
    size = max(1, len(parts) // streams)
    return b"".join(bz2.compress("".join(parts[i : i + size]).encode(), 9) for i in range(0, len(parts), size))


def write_run(root: Path, date: str, pages: list[dict], layout: str = "single", status: str = "done",
              checksums_in_status: bool = True) -> dict[str, bytes]:
    """Publish a dump run under ``root/arwiki/<date>/`` and point ``latest/`` at it.

    layout: ``single`` (pages-articles.xml.bz2), ``split`` (pages-articles1.xml-p..p...bz2, ...),
    ``multistream`` (pages-articles-multistream.xml.bz2 with its index file).
    """
    run = root / WIKI / date
    run.mkdir(parents=True, exist_ok=True)
    prefix = f"{WIKI}-{date}-"
    files: dict[str, bytes] = {}
    if layout == "single":
        files[prefix + "pages-articles.xml.bz2"] = dump_bytes(pages)
        job = "articlesdump"
    elif layout == "split":
        half = len(pages) // 2
        for n, chunk in enumerate((pages[:half], pages[half:]), 1):
            files[f"{prefix}pages-articles{n}.xml-p{chunk[0]['id']}p{chunk[-1]['id']}.bz2"] = dump_bytes(chunk)
        job = "articlesdump"
    else:
        files[prefix + "pages-articles-multistream.xml.bz2"] = dump_bytes(pages, streams=4)
        files[prefix + "pages-articles-multistream-index.txt.bz2"] = bz2.compress(
            "".join(f"0:{p['id']}:{p['title']}\n" for p in pages).encode())
        job = "articlesmultistreamdump"
    for name, body in files.items():
        (run / name).write_bytes(body)
    entry = {"status": status, "updated": f"{date[:4]}-{date[4:6]}-{date[6:]} 10:00:00", "files": {}}
    for name, body in files.items():
        info = {"size": len(body), "url": f"/{WIKI}/{date}/{name}"}
        if checksums_in_status:
            info.update(sha1=hashlib.sha1(body).hexdigest(), md5=hashlib.md5(body).hexdigest())
        entry["files"][name] = info
    (run / "dumpstatus.json").write_text(json.dumps({"jobs": {job: entry}, "version": "0.8"}))
    for kind in ("sha1", "md5"):
        (run / f"{prefix}{kind}sums.txt").write_text(
            "".join(f"{hashlib.new(kind, b).hexdigest()}  {n}\n" for n, b in files.items()))
    latest = root / WIKI / "latest"
    latest.mkdir(parents=True, exist_ok=True)
    feed = "pages-articles-multistream.xml.bz2" if layout == "multistream" else "pages-articles.xml.bz2"
    (latest / f"{WIKI}-latest-{feed}-rss.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{WIKI}</title>'
        f"<link>https://dumps.wikimedia.org/{WIKI}/latest/</link><item><title>{feed}</title>"
        f"<link>https://dumps.wikimedia.org/{WIKI}/{date}</link><description>dump</description>"
        f"<pubDate>Sat, 01 Jun 2024 10:00:00 GMT</pubDate></item></channel></rss>", encoding="utf-8")
    return files


class DumpServer:
    """A local HTTP server for a dumps tree: honours Range, logs requests, can cut a download short.

    ``cut_after[name] = n`` makes the next GET of ``name`` send n bytes and drop the connection.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.requests: list[tuple[str, str | None]] = []
        self.cut_after: dict[str, int] = {}
        self.fail_next: dict[str, int] = {}  # name -> how many 503 answers before serving
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.root), **kwargs)

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append((self.path, self.headers.get("Range")))
                if server.fail_next.get(name):
                    server.fail_next[name] -= 1
                    self.send_error(503, "try later")
                    return
                path = Path(self.translate_path(self.path))
                if not path.is_file():
                    self.send_error(404)
                    return
                body = path.read_bytes()
                start = 0
                rng = self.headers.get("Range")
                if rng:
                    start = int(rng.split("=")[1].split("-")[0])
                    if start >= len(body):
                        self.send_response(416)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                cut = server.cut_after.pop(name, None)
                if cut is not None:
                    self.wfile.write(body[start : start + cut])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body[start:])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def gets(self, suffix: str) -> list[tuple[str, str | None]]:
        return [r for r in self.requests if r[0].endswith(suffix)]
