"""The artifact store: immutable, content-addressed stage outputs under one root directory.

Every stage's output is a directory ``<store>/artifacts/<stage>/<key>/`` holding ``data/`` and
``manifest.json`` (the digest of every file, the parameters, inputs and code fingerprint that made
it). Artifacts are written to a staging directory and renamed into place; a read checks the files
against the manifest, and an artifact that fails the check is quarantined and counts as a miss.
Files a stage writes beside ``data/`` (a records table) are caches outside the digest; the manifest
records their digests too (``beside``), so a reader can tell one that was altered.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import socket
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

from arabic_llm.cache.keys import SCHEMA, canonical_json, sha256_bytes, sha256_file
from arabic_llm.cache.statcache import StatCache

_STAGE_NAME = re.compile(r"[a-z][a-z0-9_]*")
_KEY = re.compile(r"[0-9a-f]{64}")
_STAGING_OWNER = re.compile(r"-pid(?P<pid>[0-9]+)@(?P<host>[^/]+)$")
REMOTE_FILE = "remote.json"  # in a local store that caches a remote one: the remote's URL


class StoreError(RuntimeError):
    """The store refuses something: a path outside its root, a symlink, an unsafe record."""


def pid_alive(pid: int) -> bool:
    """Is process ``pid`` of this host still running (a lock's or a staging folder's owner)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def directory_digest(data_dir: Path, stat_cache: StatCache | None = None) -> tuple[str, list[dict]]:
    """Digest of a directory's files (relative paths, sizes, sha256), in sorted order.

    Returns:
        ``(digest, files)`` where ``files`` lists ``{"path", "size", "sha256"}`` per file.
    """
    cache = stat_cache or StatCache(None)
    files = []
    for path in sorted(p for p in Path(data_dir).rglob("*") if p.is_file()):
        files.append(
            {"path": path.relative_to(data_dir).as_posix(), "size": path.stat().st_size, "sha256": cache.digest(path)}
        )
    return sha256_bytes(canonical_json(files).encode()), files


PENDING = "pending:"  # digest prefix of an ArtifactRef not computed yet (`status`, planning before a run)


class ArtifactRef(BaseModel):
    """What a stage returns: a pointer into the store with the content digest of the artifact."""

    model_config = ConfigDict(frozen=True)
    stage: str
    key: str
    digest: str
    path: str  # relative to the store root
    reused: bool = False  # found complete in the store without Prefect's cache record

    @model_validator(mode="after")
    def _path_inside_store(self):
        # A ref read back from a record must not point anywhere but its own artifact ("" is the
        # placeholder `status` and `dag` use for an artifact not built yet).
        if self.path and not (_STAGE_NAME.fullmatch(self.stage) and _KEY.fullmatch(self.key)
                              and self.path == f"artifacts/{self.stage}/{self.key}"):
            raise ValueError(f"artifact reference {self.path!r} ({self.stage}/{self.key}) is not a store path; refused")
        return self

    def data_dir(self, store_root: Path | str) -> Path:
        if not self.path:
            raise StoreError(f"{self.stage}: no artifact yet")
        return Path(store_root) / self.path / "data"


@dataclass(frozen=True)
class Verdict:
    """A decision with its reason, so `status` can say why."""

    ok: bool
    reason: str


class Store:
    """The artifact store under one root directory."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()
        self.stat_cache = StatCache(self.root / ".state" / "stat-cache.sqlite")
        self.remote = None  # a RemoteStore when this store caches a shared remote one
        remote_file = self.root / REMOTE_FILE
        if remote_file.is_file():
            from arabic_llm.cache.remote import RemoteStore

            self.remote = RemoteStore(json.loads(remote_file.read_text(encoding="utf-8"))["url"])

    @classmethod
    def open(cls, location: str | Path, cache: str | Path | None = None) -> Store:
        """A local store at a path, or the local cache of a remote store at an fsspec URL.

        The cache defaults to ``$XDG_CACHE_HOME/arabic-llm/<hash of the URL>``; it records its remote's
        URL, so every process (Dask workers too) that opens the cache reaches the same remote.
        """
        from arabic_llm.cache.remote import RemoteStore, is_remote_url

        if not is_remote_url(str(location)):
            return cls(location)
        url = RemoteStore(str(location)).url  # refuses credentials in the URL before anything is written
        if cache is None:
            base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            cache = base / "arabic-llm" / hashlib.sha256(url.encode()).hexdigest()[:16]
        root = Path(cache).resolve()
        remote_file = root / REMOTE_FILE
        if remote_file.is_file():
            bound = json.loads(remote_file.read_text(encoding="utf-8"))["url"]
            if bound != url:
                raise StoreError(f"{root} is the cache of {bound}, not of {url}; pick another cache directory")
        else:
            root.mkdir(parents=True, exist_ok=True)
            tmp = root / f"{REMOTE_FILE}.{uuid.uuid4().hex}"
            tmp.write_text(json.dumps({"url": url}) + "\n", encoding="utf-8")
            os.replace(tmp, remote_file)
        return cls(root)

    # layout
    def artifact_path(self, stage: str, key: str) -> Path:
        if not (_STAGE_NAME.fullmatch(stage) and _KEY.fullmatch(key)):
            raise StoreError(f"{stage}/{key}: not a stage name and key; refused")
        return self.root / "artifacts" / stage / key

    def inside(self, path: Path) -> Path:
        """``path`` with symlinks resolved, refused unless it stays under the store root."""
        resolved = Path(path).resolve()
        if not resolved.is_relative_to(self.root):
            raise StoreError(f"{path} resolves to {resolved}, outside the store {self.root}; refused")
        return resolved

    @property
    def prefect_results(self) -> Path:
        # Prefect's cache records (metadata and the ArtifactRef together, under relative keys, so a
        # store can be moved or copied; a separate metadata store would pin absolute paths).
        return self.root / "prefect" / "results"

    @property
    def locks(self) -> Path:
        return self.root / "locks"

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    def manifest(self, stage: str, key: str) -> dict | None:
        path = self.artifact_path(stage, key) / "manifest.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def directory_digest(self, data_dir: Path) -> tuple[str, list[dict]]:
        return directory_digest(data_dir, self.stat_cache)

    def check_beside(self, stage: str, key: str, name: str, rehash: bool = False) -> str | None:
        """What is wrong with the file ``name`` beside an artifact's ``data/`` (None: it matches the
        digest its manifest records)."""
        path = self.artifact_path(stage, key) / name
        entry = next((e for e in (self.manifest(stage, key) or {}).get("beside", []) if e.get("path") == name), None)
        if path.is_symlink() or not path.is_file():
            return "not a file"
        if entry is None:
            return "its artifact's manifest records no digest of it (written by an older version, or put there)"
        digest = sha256_file(path) if rehash else self.stat_cache.digest(path)
        if path.stat().st_size != entry["size"] or digest != entry["sha256"]:
            return "it does not match the digest its artifact's manifest records"
        return None

    def beside_files(self, stage: str, key: str) -> list[str]:
        """Names of the files beside an artifact's ``data/`` (its caches), manifest aside."""
        base = self.artifact_path(stage, key)
        return sorted(p.name for p in base.iterdir() if p.name not in ("data", "manifest.json")) if base.is_dir() else []

    def dependents(self, stage: str, key: str) -> list[tuple[str, str]]:
        """Artifacts built from this one, directly or through others (their manifests name their inputs)."""
        inputs = {}
        for s, k in self.artifacts():
            manifest = self.manifest(s, k) or {}
            inputs[(s, k)] = {(v.get("stage"), v.get("key")) for v in manifest.get("inputs", {}).values()
                              if isinstance(v, dict)}
        found, todo = [], [(stage, key)]
        while todo:
            parent = todo.pop()
            for child, parents in inputs.items():
                if parent in parents and child not in found:
                    found.append(child)
                    todo.append(child)
        return sorted(found)

    def verify(self, stage: str, key: str, rehash: bool = False) -> Verdict:
        """Is the artifact for this key complete and unaltered? ``rehash`` reads every byte again
        instead of trusting the stat cache (``arabic-llm verify``)."""
        base = self.artifact_path(stage, key)
        try:
            self.inside(base)
        except StoreError as exc:
            return Verdict(False, str(exc))
        manifest = self.manifest(stage, key)
        if manifest is None:
            return Verdict(False, "artifact missing" if not base.exists() else "manifest missing or unreadable")
        if manifest.get("schema") != SCHEMA or manifest.get("key") != key:
            return Verdict(False, "manifest does not match its key")
        data_dir = base / "data"
        listed = {f["path"]: f for f in manifest["files"]}
        entries = list(data_dir.rglob("*")) if data_dir.is_dir() else []
        for link in (p for p in entries if p.is_symlink()):
            return Verdict(False, f"artifact altered: {link.relative_to(data_dir).as_posix()} is a symlink")
        present = {p.relative_to(data_dir).as_posix() for p in entries if p.is_file()}
        for rel in sorted(set(listed) - present):
            return Verdict(False, f"artifact altered: file {rel} missing")
        for rel in sorted(present - set(listed)):
            return Verdict(False, f"artifact altered: unexpected file {rel}")
        for rel, entry in sorted(listed.items()):
            path = data_dir / rel
            digest = sha256_file(path) if rehash else self.stat_cache.digest(path)
            if path.stat().st_size != entry["size"] or digest != entry["sha256"]:
                return Verdict(False, f"artifact altered: file {rel} changed")
        return Verdict(True, "artifact verified")

    # a shared remote store behind this one
    def fetch(self, stage: str, key: str) -> Verdict:
        """Bring a complete artifact from the remote store into this one, checked file by file
        against its manifest; an incomplete or altered remote artifact is not taken."""
        from arabic_llm.cache.remote import RemoteStoreError

        if self.remote is None:
            return Verdict(False, "no remote store")
        with self.staging(stage) as staged:
            try:
                manifest = self.remote.download(stage, key, staged)
            except RemoteStoreError as exc:
                return Verdict(False, f"remote: {exc}")
            if manifest is None:
                return Verdict(False, "not in the remote store")
            digest, files = self.directory_digest(staged / "data")
            if manifest.get("schema") != SCHEMA or files != manifest["files"] or digest != manifest["digest"]:
                return Verdict(False, f"remote: {stage}/{key} does not match its manifest (upload incomplete or altered)")
            final = self.artifact_path(stage, key)
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                self.quarantine(stage, key, "replaced by the remote store's copy")
            with contextlib.suppress(OSError):  # another process fetched it first: same bytes
                os.rename(staged, final)
        verdict = self.verify(stage, key)
        return Verdict(verdict.ok, "fetched from the remote store" if verdict.ok else verdict.reason)

    def publish(self, stage: str, key: str, replace: bool = False) -> None:
        """Upload a verified local artifact to the remote store (data first, manifest last)."""
        if self.remote is not None:
            self.remote.upload(stage, key, self.artifact_path(stage, key), replace=replace)

    def artifacts(self) -> Iterator[tuple[str, str]]:
        """Every ``(stage, key)`` with a directory under ``artifacts/``."""
        base = self.root / "artifacts"
        for path in sorted(base.glob("*/*")) if base.is_dir() else []:
            if _STAGE_NAME.fullmatch(path.parent.name) and _KEY.fullmatch(path.name):
                yield path.parent.name, path.name

    def artifacts_of(self, stage: str) -> list[str]:
        """Keys of a stage's artifacts."""
        return [k for s, k in self.artifacts() if s == stage]

    def ref(self, stage: str, key: str, reused: bool = False) -> ArtifactRef:
        manifest = self.manifest(stage, key)
        assert manifest is not None, f"no manifest for {stage}/{key}"
        return ArtifactRef(
            stage=stage, key=key, digest=manifest["digest"], path=f"artifacts/{stage}/{key}", reused=reused
        )

    def quarantine(self, stage: str, key: str, reason: str) -> None:
        """Move a broken artifact aside (never delete evidence), forget Prefect's record and the stat
        cache's digests of its files."""
        base = self.artifact_path(stage, key)
        self.stat_cache.forget(base)
        if base.exists():
            dest = self.root / "quarantine" / f"{stage}-{key[:12]}-{uuid.uuid4().hex[:8]}"
            dest.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                os.replace(base, dest)
                (dest / "QUARANTINED.txt").write_text(reason + "\n", encoding="utf-8")
        self.forget_prefect_record(key)

    def forget_prefect_record(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.prefect_results / key).unlink()

    def drop_unsafe_prefect_record(self, key: str) -> None:
        """Prefect deserialises a record with the serializer the record names: anything but JSON
        (a pickle, say, written by an older version or by someone else) is forgotten, never loaded."""
        try:
            record = json.loads((self.prefect_results / key).read_text(encoding="utf-8"))
            safe = record["metadata"]["serializer"]["type"] == "json"
        except FileNotFoundError:
            return
        except (ValueError, KeyError, TypeError):
            safe = False
        if not safe:
            self.forget_prefect_record(key)

    def work_dir(self, stage: str, key: str) -> Path:
        """A stage's scratch area for one key (e.g. training checkpoints): it outlives a killed run,
        so a rerun of the same key picks up from it, and is removed once the artifact is committed."""
        return self.root / "work" / stage / key

    @contextlib.contextmanager
    def staging(self, stage: str) -> Iterator[Path]:
        """A private directory to build an artifact in; removed if the stage fails. Its name records its
        owner (pid and host), so a later run removes it at once if that process is gone (a killed run)."""
        tmp = self.root / "tmp" / f"{stage}-{uuid.uuid4().hex}-pid{os.getpid()}@{socket.gethostname()}"
        (tmp / "data").mkdir(parents=True)
        try:
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def dead_staging(self) -> list[Path]:
        """The staging directories whose owner process on this host is gone (killed runs); those of other
        hosts, or without an owner in their name, are left to ``gc --tmp-hours``."""
        tmp = self.root / "tmp"
        dead = []
        for path in sorted(tmp.iterdir()) if tmp.is_dir() else []:
            owner = _STAGING_OWNER.search(path.name)
            if owner and owner["host"] == socket.gethostname() and not pid_alive(int(owner["pid"])):
                dead.append(path)
        return dead

    def clear_dead_staging(self) -> list[Path]:
        """Remove :meth:`dead_staging`; returns what was removed."""
        dead = self.dead_staging()
        for path in dead:
            shutil.rmtree(path, ignore_errors=True)
        return dead

    def commit(self, stage: str, key: str, staged: Path, meta: dict) -> ArtifactRef:
        """Write the manifest and move the staged directory into place atomically.

        If another process committed the same key first, its artifact wins (same key, same
        inputs) and the staged copy is dropped.
        """
        for link in (p for p in (staged / "data").rglob("*") if p.is_symlink()):
            raise StoreError(f"{stage}: {link.name} is a symlink; artifacts hold files only (a link could "
                             "point outside the store)")
        digest, files = self.directory_digest(staged / "data")
        beside = [{"path": p.name, "size": p.stat().st_size, "sha256": sha256_file(p)}
                  for p in sorted(staged.iterdir()) if p.is_file() and p.name != "manifest.json"]
        manifest = {"schema": SCHEMA, "stage": stage, "key": key, "digest": digest, "files": files, **meta}
        if beside:  # caches beside data/ (a records table): outside the digest, but checkable
            manifest["beside"] = beside
        (staged / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        final = self.artifact_path(stage, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists() and not self.verify(stage, key).ok:
            self.quarantine(stage, key, "replaced by a fresh computation")
        staged_at = Path(staged).resolve()
        try:
            os.rename(staged, final)  # atomic on one file system; fails if final exists
        except OSError:
            if not self.verify(stage, key).ok:
                raise
        else:  # the files kept their stat: their digests move with them, so verification reads the cache
            self.stat_cache.moved(staged_at, final)
        self.directory_digest(final / "data")
        return self.ref(stage, key)
