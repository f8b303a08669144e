"""Wikipedia dumps as Wikimedia publishes them: find a dump run, tell whether it changed, fetch it.

A dump run lives at ``<mirror>/<wiki>/<date>/``. Its ``dumpstatus.json`` says per job whether it is
``done`` and lists the job's files with their sha1 and md5; ``<wiki>-<date>-sha1sums.txt`` and
``-md5sums.txt`` list them too. ``<mirror>/<wiki>/latest/<wiki>-latest-<file>-rss.xml`` links the
newest finished run. :class:`DumpVersion` (wiki, date, job, file names, published checksums) is the
content address of a dump: a finished run never changes, so once seen it is remembered and an
unchanged ``latest`` costs one small request (the RSS file).

Downloads go to a cache directory outside the store (a dump is large and its version is already the
key), resume with HTTP Range, retry with back-off and are verified against the published checksum
before they are renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from arabic_llm.data.documents import CorpusError

DEFAULT_MIRROR = "https://dumps.wikimedia.org"
DOWNLOADS_ENV = "ARABIC_LLM_DOWNLOADS"
JOBS = {  # dumpstatus.json job -> the file the latest/ RSS feed is named after
    "articlesdump": "pages-articles.xml.bz2",
    "articlesmultistreamdump": "pages-articles-multistream.xml.bz2",
}
_DATE = re.compile(r"^\d{8}$")


class DumpFile(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    size: int | None = None
    checksum: str  # "sha1:<hex>" or "md5:<hex>", as published


class DumpVersion(BaseModel):
    """What a dump *is*: the key of everything parsed from it (mirrors and paths are not part of it)."""

    model_config = ConfigDict(frozen=True)
    wiki: str
    date: str
    job: str
    files: tuple[DumpFile, ...]


def default_download_dir() -> Path:
    if os.environ.get(DOWNLOADS_ENV):
        return Path(os.environ[DOWNLOADS_ENV]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "arabic-llm" / "dumps"


# ---------------------------------------------------------------- HTTP with retries


def _client():
    import httpx

    return httpx.Client(follow_redirects=True, timeout=httpx.Timeout(30.0, read=120.0),
                        headers={"User-Agent": "arabic-llm (dump refresh; https://github.com/)"})


def _with_retries(what: str, attempt_fn, retries: int, backoff: float):
    """Call ``attempt_fn()``; on network errors and 5xx answers wait backoff * 2**n and try again."""
    import httpx

    for attempt in range(retries + 1):
        try:
            return attempt_fn()
        except httpx.HTTPStatusError as exc:
            code = exc.response.status_code
            if code < 500 or attempt == retries:
                raise CorpusError(f"{what}: HTTP {code} from {exc.request.url}") from None
        except httpx.TransportError as exc:
            if attempt == retries:
                raise CorpusError(f"{what}: {type(exc).__name__} after {retries + 1} tries ({exc})") from None
        time.sleep(backoff * 2**attempt)


def fetch_small(url: str, retries: int = 4, backoff: float = 0.5) -> bytes:
    """A small file (status, checksums, RSS), whole."""
    def attempt():
        with _client() as client:
            response = client.get(url)
            response.raise_for_status()
            return response.content

    return _with_retries(url, attempt, retries, backoff)


# ---------------------------------------------------------------- which dump, and has it changed


def latest_date(mirror: str, wiki: str, job: str, retries: int = 4) -> str:
    """The date of the newest finished run, from the ``latest/`` RSS feed (one small request)."""
    url = f"{mirror.rstrip('/')}/{wiki}/latest/{wiki}-latest-{JOBS[job]}-rss.xml"
    body = fetch_small(url, retries)
    try:
        link = ET.fromstring(body).findtext("./channel/item/link")
    except ET.ParseError as exc:
        raise CorpusError(f"{url}: not a readable RSS feed ({exc})") from None
    date = (link or "").rstrip("/").rsplit("/", 1)[-1]
    if not _DATE.match(date):
        raise CorpusError(f"{url}: the feed's item link {link!r} names no dump date")
    return date


def _checksums_file(body: bytes, url: str) -> dict[str, str]:
    sums = {}
    for lineno, line in enumerate(body.decode("utf-8", "replace").splitlines(), 1):
        if line.strip():
            parts = line.split()
            if len(parts) != 2:
                raise CorpusError(f"{url}:{lineno}: expected '<checksum>  <file>', got {line!r}")
            sums[parts[1]] = parts[0].lower()
    return sums


def is_dump_file(name: str) -> bool:
    """Page XML in bz2 (single, split or multistream), not the multistream index."""
    return ".xml" in name and name.endswith(".bz2") and "-index" not in name


def _part_order(name: str):
    # pages-articles2.xml-p41243p151573.bz2 sorts after pages-articles1.xml-p1p41242.bz2
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name)]


def resolve(mirror: str, wiki: str, dump: str, job: str, download_dir: Path, retries: int = 4) -> DumpVersion:
    """The version of dump ``dump`` (a date or ``latest``) of ``wiki``, its job's files and checksums.

    Raises:
        CorpusError: the run is not finished, lists no page files, or publishes no checksums.
    """
    if job not in JOBS:
        raise CorpusError(f"download.wikipedia_job {job!r}: expected one of {', '.join(JOBS)}")
    date = latest_date(mirror, wiki, job, retries) if dump == "latest" else dump
    if not _DATE.match(date):
        raise CorpusError(f"download.wikipedia {dump!r}: expected 'latest', a dump date YYYYMMDD, a URL or a file")
    remembered = Path(download_dir) / wiki / date / f"{job}.version.json"
    if remembered.is_file():  # a finished run is immutable: no more requests
        return DumpVersion.model_validate_json(remembered.read_text(encoding="utf-8"))
    run_url = f"{mirror.rstrip('/')}/{wiki}/{date}"
    status_url = f"{run_url}/dumpstatus.json"
    try:
        status = json.loads(fetch_small(status_url, retries))
        entry = status["jobs"][job]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{status_url}: not valid JSON ({exc})") from None
    except KeyError:
        raise CorpusError(f"{status_url}: no job {job!r}") from None
    if entry.get("status") != "done":
        raise CorpusError(f"{status_url}: job {job} is {entry.get('status')!r}, not 'done'; "
                          f"the dump of {date} is not finished yet")
    listed = {name: info for name, info in (entry.get("files") or {}).items() if is_dump_file(name)}
    if not listed:
        raise CorpusError(f"{status_url}: job {job} lists no page files")
    published: dict[str, str] = {}
    if not all(info.get("sha1") or info.get("md5") for info in listed.values()):
        for kind in ("sha1", "md5"):  # older runs publish checksums only in these files
            sums = _checksums_file(fetch_small(f"{run_url}/{wiki}-{date}-{kind}sums.txt", retries),
                                   f"{run_url}/{wiki}-{date}-{kind}sums.txt")
            published.update({n: f"{kind}:{h}" for n, h in sums.items() if n not in published})
            if all(n in published for n in listed):
                break
    files = []
    for name in sorted(listed, key=_part_order):
        info = listed[name]
        checksum = (f"sha1:{info['sha1']}" if info.get("sha1") else f"md5:{info['md5']}" if info.get("md5")
                    else published.get(name))
        if checksum is None:
            raise CorpusError(f"{run_url}: no published checksum for {name}")
        files.append(DumpFile(name=name, size=info.get("size"), checksum=checksum.lower()))
    version = DumpVersion(wiki=wiki, date=date, job=job, files=tuple(files))
    remembered.parent.mkdir(parents=True, exist_ok=True)
    tmp = remembered.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(version.model_dump_json(indent=1), encoding="utf-8")
    os.replace(tmp, remembered)
    return version


# ---------------------------------------------------------------- download: resume, retry, verify


def _file_checksum(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download_file(url: str, dest: Path, checksum: str, size: int | None = None, retries: int = 4,
                  backoff: float = 0.5) -> Path:
    """Fetch ``url`` to ``dest`` unless a verified copy is there; resume a partial ``dest.part``.

    Raises:
        CorpusError: naming the file, when the bytes do not match the published checksum (the
            partial file is removed, so the next try starts clean).
    """
    from tqdm.auto import tqdm

    algorithm, expected = checksum.split(":", 1)
    stamp = dest.with_name(dest.name + ".verified")
    if dest.is_file() and stamp.is_file() and stamp.read_text().strip() == f"{checksum} {dest.stat().st_size}":
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")

    def attempt():
        have = part.stat().st_size if part.exists() else 0
        if size is not None and have == size:
            return
        headers = {"Accept-Encoding": "identity"} | ({"Range": f"bytes={have}-"} if have else {})
        with _client() as client, client.stream("GET", url, headers=headers) as response:
            if response.status_code == 416:  # nothing left to send: the part file is whole
                return
            response.raise_for_status()
            mode = "ab" if response.status_code == 206 else "wb"  # 200: the server ignored Range
            done = have if mode == "ab" else 0
            total = size or (int(response.headers.get("content-length", 0)) + done) or None
            with open(part, mode) as f, tqdm(total=total, initial=done, unit="B", unit_scale=True,
                                             desc=dest.name, disable=None, leave=False) as bar:
                for block in response.iter_raw():  # as it arrives: a broken transfer keeps what came
                    f.write(block)
                    bar.update(len(block))

    _with_retries(dest.name, attempt, retries, backoff)
    got = _file_checksum(part, algorithm)
    if got != expected:
        part.unlink()
        raise CorpusError(f"{dest.name}: {algorithm} mismatch (published {expected}, downloaded {got}) from {url}; "
                          "the partial download was removed")
    os.replace(part, dest)
    stamp.write_text(f"{checksum} {dest.stat().st_size}\n")
    return dest


def fetch(version: DumpVersion, mirror: str, download_dir: Path, retries: int = 4) -> list[Path]:
    """Every file of a dump version, downloaded and verified, in page order."""
    run_url = f"{mirror.rstrip('/')}/{version.wiki}/{version.date}"
    folder = Path(download_dir) / version.wiki / version.date
    return [download_file(f"{run_url}/{f.name}", folder / f.name, f.checksum, f.size, retries)
            for f in version.files]
