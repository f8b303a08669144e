"""Content addressing: keys, manifests, the artifact store and the Prefect cache policy.

Every stage's output is an immutable directory ``<store>/artifacts/<stage>/<key>/`` holding ``data/``
and ``manifest.json``. The key hashes what goes *into* a stage (its name, a fingerprint of its code,
its parameters as canonical JSON, the content digests of its inputs); the digest hashes what comes
*out* (the files under ``data/``). Downstream keys use upstream digests, so a stage that reruns
and produces the same bytes leaves everything below it cached (early cutoff).

Prefect sees the same keys through :class:`StageCachePolicy`, so hits show as Cached in the UI;
the store stays the source of truth: a hit whose artifact is missing or altered becomes a miss.
No other module hashes things its own way.
"""

from __future__ import annotations

import ast
import contextlib
import contextvars
import errno
import functools
import hashlib
import importlib.metadata
import importlib.util
import inspect
import json
import os
import re
import shutil
import socket
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ConfigDict, model_validator

SCHEMA = 1  # bump when the key or manifest layout changes: old entries become misses
PROJECT_PACKAGES = ("arabic_nlp", "arabic_llm", "tasks")
# Orchestration-only modules: they move bytes around but never change what a stage computes,
# so editing them must not invalidate every artifact.
NOT_FINGERPRINTED = frozenset({"arabic_llm.store", "arabic_llm.config", "arabic_llm.cli", "arabic_llm.status", "arabic_llm.runs",
                               "arabic_llm.scaleout", "arabic_llm.remote"})
_REPO_ROOT = Path(__file__).resolve().parent.parent
_STAGE_NAME = re.compile(r"[a-z][a-z0-9_]*")
_KEY = re.compile(r"[0-9a-f]{64}")
REMOTE_FILE = "remote.json"  # in a local store that caches a remote one: the remote's URL


class StoreError(RuntimeError):
    """The store refuses something: a path outside its root, a symlink, an unsafe record."""


# ---------------------------------------------------------------- hashing primitives


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no white space: the one way parameters become bytes."""
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_bytes(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _sha256_file_uncached(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


class StatCache:
    """Digests of files keyed by (path, size, mtime, inode), as DVC's state database.

    An unchanged large file is hashed once; a file whose stat changed is hashed again.
    """

    def __init__(self, db_path: Path | None):
        self._db_path = db_path
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection | None:
        if self._db_path is None:
            return None
        conn = getattr(self._local, "conn", None)
        if conn is None:
            self._db_path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self._db_path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS digests (path TEXT PRIMARY KEY, size INTEGER, "
                "mtime_ns INTEGER, inode INTEGER, digest TEXT)"
            )
            self._local.conn = conn
        return conn

    def digest(self, path: Path) -> str:
        path = Path(path).resolve()
        st = path.stat()
        conn = self._conn()
        if conn is not None:
            row = conn.execute(
                "SELECT digest FROM digests WHERE path=? AND size=? AND mtime_ns=? AND inode=?",
                (str(path), st.st_size, st.st_mtime_ns, st.st_ino),
            ).fetchone()
            if row:
                return row[0]
        digest = _sha256_file_uncached(path)
        if conn is not None:
            conn.execute(
                "INSERT OR REPLACE INTO digests VALUES (?,?,?,?,?)",
                (str(path), st.st_size, st.st_mtime_ns, st.st_ino, digest),
            )
        return digest


# ---------------------------------------------------------------- code fingerprints


def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ModuleNotFoundError, ValueError):  # `from pkg.mod import attr` names an attribute
        return None
    if spec is None or spec.origin in (None, "built-in", "frozen"):
        return None
    return Path(spec.origin)


@functools.lru_cache(maxsize=None)  # stages share most of their modules: each is parsed once
def _project_imports(module: str, source: str) -> frozenset[str]:
    """Project modules that ``module`` imports (absolute and relative imports)."""
    found: set[str] = set()
    package = module.rsplit(".", 1)[0] if "." in module else module
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            # `from pkg import mod` may name a submodule or an attribute: try both.
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        for name in names:
            if name.split(".")[0] in PROJECT_PACKAGES and _module_file(name) is not None:
                found.add(name)
    return frozenset(found)


@functools.lru_cache(maxsize=None)
def code_fingerprint(module: str, libraries: tuple[str, ...] = ()) -> str:
    """Hash of a stage module's source, every project module it imports (transitively), and the
    versions of the libraries that change its output.

    Args:
        module: dotted name of the stage's module (``tasks.normalize``).
        libraries: distribution names whose version is part of the fingerprint.
    Returns:
        ``sha256:...`` over ``{module: sha256 of source}`` and ``{library: version}``.
    """
    seen: dict[str, str] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or name in NOT_FINGERPRINTED:
            continue
        path = _module_file(name)
        if path is None:
            continue
        source = path.read_text(encoding="utf-8")
        seen[name] = sha256_bytes(source.encode())
        todo.extend(_project_imports(name, source))
        for data_file in _package_data_files(path):
            seen[f"{name}:{data_file.name}"] = sha256_bytes(data_file.read_bytes())
    versions = {}
    for lib in libraries:
        try:
            versions[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            versions[lib] = "absent"
    return sha256_bytes(canonical_json({"modules": seen, "libraries": versions}).encode())


def _package_data_files(module_path: Path) -> list[Path]:
    # Data tables shipped beside a package (arabic_nlp/data/*.tsv) are code for fingerprinting.
    if module_path.name != "__init__.py":
        return []
    data_dir = module_path.parent / "data"
    return sorted(p for p in data_dir.glob("*") if p.is_file()) if data_dir.is_dir() else []


def stage_key(stage: str, code: str, params_json: str, inputs: dict[str, str]) -> str:
    """The key of a stage run: never paths, mtimes or run ids."""
    payload = {"schema": SCHEMA, "stage": stage, "code": code, "params": json.loads(params_json), "inputs": inputs}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


# ---------------------------------------------------------------- artifacts and manifests


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
            from arabic_llm.remote import RemoteStore

            self.remote = RemoteStore(json.loads(remote_file.read_text(encoding="utf-8"))["url"])

    @classmethod
    def open(cls, location: str | Path, cache: str | Path | None = None) -> "Store":
        """A local store at a path, or the local cache of a remote store at an fsspec URL.

        The cache defaults to ``$XDG_CACHE_HOME/arabic-llm/<hash of the URL>``; it records its remote's
        URL, so every process (Dask workers too) that opens the cache reaches the same remote.
        """
        from arabic_llm.remote import RemoteStore, is_remote_url

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
            digest = _sha256_file_uncached(path) if rehash else self.stat_cache.digest(path)
            if path.stat().st_size != entry["size"] or digest != entry["sha256"]:
                return Verdict(False, f"artifact altered: file {rel} changed")
        return Verdict(True, "artifact verified")

    # a shared remote store behind this one
    def fetch(self, stage: str, key: str) -> Verdict:
        """Bring a complete artifact from the remote store into this one, checked file by file
        against its manifest; an incomplete or altered remote artifact is not taken."""
        from arabic_llm.remote import RemoteStoreError

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

    def ref(self, stage: str, key: str, reused: bool = False) -> ArtifactRef:
        manifest = self.manifest(stage, key)
        assert manifest is not None, f"no manifest for {stage}/{key}"
        return ArtifactRef(
            stage=stage, key=key, digest=manifest["digest"], path=f"artifacts/{stage}/{key}", reused=reused
        )

    def quarantine(self, stage: str, key: str, reason: str) -> None:
        """Move a broken artifact aside (never delete evidence) and forget Prefect's record."""
        base = self.artifact_path(stage, key)
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
        """A private directory to build an artifact in; removed if the stage fails."""
        tmp = self.root / "tmp" / f"{stage}-{uuid.uuid4().hex}"
        (tmp / "data").mkdir(parents=True)
        try:
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def commit(self, stage: str, key: str, staged: Path, meta: dict) -> ArtifactRef:
        """Write the manifest and move the staged directory into place atomically.

        If another process committed the same key first, its artifact wins (same key, same
        inputs) and the staged copy is dropped.
        """
        for link in (p for p in (staged / "data").rglob("*") if p.is_symlink()):
            raise StoreError(f"{stage}: {link.name} is a symlink; artifacts hold files only (a link could "
                             "point outside the store)")
        digest, files = self.directory_digest(staged / "data")
        manifest = {"schema": SCHEMA, "stage": stage, "key": key, "digest": digest, "files": files, **meta}
        (staged / "manifest.json").write_text(
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        final = self.artifact_path(stage, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists() and not self.verify(stage, key).ok:
            self.quarantine(stage, key, "replaced by a fresh computation")
        try:
            os.rename(staged, final)  # atomic on one file system; fails if final exists
        except OSError:
            if not self.verify(stage, key).ok:
                raise
        # Re-stat files at their final place so verification reads the stat cache, not the bytes.
        self.directory_digest(final / "data")
        return self.ref(stage, key)


# ---------------------------------------------------------------- locks and the Prefect cache policy


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock_manager_class():
    from prefect.locking.filesystem import FileSystemLockManager

    class StaleAwareLockManager(FileSystemLockManager):
        """Prefect's file lock manager, plus: a lock whose holder process on this host has died
        (a killed run) is broken instead of blocking every later run forever.

        Prefect's holder ids are opaque, so the lock file also records the host and pid.
        """

        def acquire_lock(self, key, holder, acquire_timeout=None, hold_timeout=None) -> bool:
            acquired = super().acquire_lock(key, holder, acquire_timeout, hold_timeout)
            if acquired:
                path = self._lock_path_for_key(key)
                info = json.loads(Path(path).read_text())
                info.update(host=socket.gethostname(), pid=os.getpid())
                tmp = Path(f"{path}.{os.getpid()}.tmp")
                tmp.write_text(json.dumps(info))
                os.replace(tmp, path)
            return acquired

        def is_locked(self, key: str, use_cache: bool = False) -> bool:
            try:
                info = self._get_lock_info(key, use_cache=use_cache)
            except ValueError:  # lock file being written right now
                return True
            if info is None:
                return False
            pid = info.get("pid")
            if info.get("host") == socket.gethostname() and isinstance(pid, int) and not _pid_alive(pid):
                with contextlib.suppress(FileNotFoundError):
                    Path(info["path"]).unlink()
                self._locks.pop(key, None)
                return False
            return super().is_locked(key, use_cache=use_cache)

    return StaleAwareLockManager


def _prefect_cache_policy_base():
    from prefect.cache_policies import CachePolicy

    return CachePolicy


class StageSpec(BaseModel):
    """A stage as the store keys it: its name, the module whose code it fingerprints, its libraries."""

    model_config = ConfigDict(frozen=True)
    name: str
    module: str
    libraries: tuple[str, ...] = ()

    def code(self) -> str:
        return code_fingerprint(self.module, self.libraries)


def input_digests(inputs: dict[str, Any], store: Store) -> dict[str, str]:
    """Content digests of a stage's inputs: artifacts by their digest, local files and directories by content."""
    digests: dict[str, str] = {}
    for name, value in sorted(inputs.items()):
        if isinstance(value, ArtifactRef):
            digests[name] = value.digest
        elif isinstance(value, Path) and value.is_dir():  # e.g. a local model directory
            digests[name] = store.directory_digest(value)[0]
        elif isinstance(value, Path):
            digests[name] = store.stat_cache.digest(value)
        elif value is None:
            digests[name] = "none"
        else:
            raise TypeError(f"input {name!r} of type {type(value).__name__} cannot be content-addressed")
    return digests


def compute_stage_key(spec: StageSpec, params: Any, inputs: dict[str, Any], store: Store) -> str:
    return stage_key(spec.name, spec.code(), canonical_json(params), input_digests(inputs, store))


def make_cache_policy(spec: StageSpec, store: Store):
    """A Prefect cache policy keyed like the store, with records and locks under the store."""
    base = _prefect_cache_policy_base()

    @dataclass
    class StageCachePolicy(base):  # type: ignore[misc, valid-type]
        stage: StageSpec | None = None
        store_root: str = ""

        def compute_key(self, task_ctx, inputs, flow_parameters, **kwargs):
            store_ = Store(self.store_root)
            key = compute_stage_key(self.stage, inputs["params"], inputs.get("inputs") or {}, store_)
            store_.drop_unsafe_prefect_record(key)
            verdict = store_.verify(self.stage.name, key)
            if verdict.ok:
                store_.publish(self.stage.name, key)  # a no-op unless a remote store lacks it
            elif store_.artifact_path(self.stage.name, key).exists():
                store_.quarantine(self.stage.name, key, verdict.reason)
            else:
                store_.forget_prefect_record(key)  # a record without its artifact is a miss
            return key

    return StageCachePolicy(
        stage=spec,
        store_root=str(store.root),
        lock_manager=_lock_manager_class()(store.locks),
        isolation_level="SERIALIZABLE",
    )


def run_stage(spec: StageSpec, fn, params: Any, inputs: dict[str, Any], store_root: str, run_id: str | None) -> ArtifactRef:
    """The body every stage task shares: reuse a complete artifact, or build one atomically.

    ``fn(out_dir, params, **inputs_resolved)`` writes the stage's files under ``out_dir`` and may
    return a dict of summary figures for the manifest. Artifact inputs reach ``fn`` as data dirs.
    """
    store = Store(store_root)
    digests = input_digests(inputs, store)  # once: for the key and for the manifest
    key = stage_key(spec.name, spec.code(), canonical_json(params), digests)
    if store.verify(spec.name, key).ok or store.fetch(spec.name, key).ok:
        store.publish(spec.name, key)
        return store.ref(spec.name, key, reused=True)
    remote_broken = store.remote is not None and store.remote.manifest(spec.name, key) is not None
    resolved = {n: (v.data_dir(store.root) if isinstance(v, ArtifactRef) else v) for n, v in inputs.items()}
    if "work_dir" in inspect.signature(fn).parameters:
        resolved["work_dir"] = store.work_dir(spec.name, key)
    started = time.time()
    try:
        with store.staging(spec.name) as staged:
            running = RunningStage(root=str(store.root), stage=spec.name, key=key, code=spec.code(),
                                   recipe=record_recipe(spec, params, digests), staged=str(staged))
            token = _RUNNING.set(running)
            try:
                summary = fn(staged / "data", params, **resolved) or {}
            finally:
                _RUNNING.reset(token)
            meta = {
                "params": json.loads(canonical_json(params)),
                "inputs": {
                    n: ({"stage": v.stage, "key": v.key} if isinstance(v, ArtifactRef) else {}) | {"digest": digests[n]}
                    for n, v in sorted(inputs.items())
                },
                "code": spec.code(),
                "libraries": {lib: _version(lib) for lib in spec.libraries},
                "summary": summary,
                "timings": {"started": started, "seconds": round(time.time() - started, 3)},
                "run": {"run_id": run_id, "host": socket.gethostname(), "pid": os.getpid()},
            }
            ref = store.commit(spec.name, key, staged, meta)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise StoreError(f"{spec.name}: disk full while writing its artifact ({exc.filename or store.root}); "
                         f"nothing of it was kept and earlier artifacts are intact: free space and rerun") from exc
    shutil.rmtree(store.work_dir(spec.name, key), ignore_errors=True)  # e.g. checkpoints: done with
    store.publish(spec.name, key, replace=remote_broken)  # a remote copy that failed its check is replaced
    return ref


# ---------------------------------------------------------------- record-level reuse
#
# A stage that maps documents one by one may reuse an earlier run's output for a record whose
# identity (a content hash of the input record, or a source's own id such as page id + revision
# sha1) and recipe are unchanged. The recipe is the stage key without the documents input.

RECORDS_INPUT = "docs"  # the input whose records are mapped one by one


@dataclass(frozen=True)
class RunningStage:
    """The stage being built now: where its store is, its artifact key, its code and recipe."""

    root: str
    stage: str
    key: str
    code: str
    recipe: str
    staged: str  # the staging directory: what a stage writes beside data/ moves with the artifact


_RUNNING: contextvars.ContextVar[RunningStage | None] = contextvars.ContextVar("running_stage", default=None)


def running_stage() -> RunningStage | None:
    """The stage :func:`run_stage` is building in this context (None outside a stage run)."""
    return _RUNNING.get()


def record_recipe(spec: StageSpec, params: Any, digests: dict[str, str]) -> str:
    """What one record's output depends on besides the record: code, parameters, other inputs."""
    others = {n: d for n, d in digests.items() if n != RECORDS_INPUT}
    return stage_key(spec.name, spec.code(), canonical_json(params), others)


def record_key(recipe: str, identity: bytes) -> bytes:
    """The key of one record's output under a recipe."""
    return hashlib.sha256(recipe.encode() + b"\0" + identity).digest()


def record_keys(recipe: str, identities: list[bytes]) -> list[bytes]:
    """:func:`record_key` of many records under one recipe."""
    prefix = hashlib.sha256(recipe.encode() + b"\0")
    out = []
    for identity in identities:
        h = prefix.copy()
        h.update(identity)
        out.append(h.digest())
    return out


def _version(lib: str) -> str:
    try:
        return importlib.metadata.version(lib)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def stage_task(name: str, libraries: tuple[str, ...] = ()):
    """Make a plain stage function ``fn(out_dir, params, **inputs) -> summary`` a Prefect task.

    The task takes ``params`` (what is keyed), ``inputs`` (artifacts and files, keyed by content),
    ``store_root`` and ``run_id`` (never keyed). The flow binds the cache policy to its store with
    :func:`bind_to_store`. ``task.build`` is the plain function, for tests.
    """
    from prefect import task

    def decorate(fn):
        spec = StageSpec(name=name, module=fn.__module__, libraries=libraries)

        def body(params, inputs: dict, store_root: str, run_id: str | None = None) -> ArtifactRef:
            return run_stage(spec, fn, params, inputs, store_root, run_id)

        body.__name__ = body.__qualname__ = name
        body.__module__ = fn.__module__
        body.__doc__ = fn.__doc__
        prefect_task = task(name=name, task_run_name=name)(body)
        prefect_task.spec = spec
        prefect_task.build = fn
        return prefect_task

    return decorate


def bind_to_store(stage, store: Store):
    """The stage's task with its cache policy, records and locks under ``store``."""
    bound = stage.with_options(
        cache_policy=make_cache_policy(stage.spec, store),
        result_storage=store.prefect_results,
        result_serializer="json",  # nothing is unpickled from the store
        persist_result=True,
    )
    bound.spec = stage.spec
    return bound
