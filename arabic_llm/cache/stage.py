"""Stages as cached Prefect tasks: the stage body every task shares and the Prefect cache policy.

A stage is a plain function ``fn(out_dir, params, **inputs) -> summary``; :func:`stage_task` makes it
a Prefect task whose cache key is the store's key (:func:`compute_stage_key`), so hits show as
Cached in the UI while the store stays the source of truth: a hit whose artifact is missing or
altered becomes a miss. No other module hashes things its own way.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import functools
import inspect
import json
import os
import shutil
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from arabic_llm.cache.fingerprint import (
    code_fingerprint,
    fingerprint_parts,
    library_versions,
)
from arabic_llm.cache.keys import canonical_json, stage_key
from arabic_llm.cache.statcache import StatCache
from arabic_llm.cache.store import (
    ArtifactRef,
    Store,
    StoreError,
    directory_digest,
    pid_alive,
)
from arabic_llm.config import RuntimeConfig


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
            if info.get("host") == socket.gethostname() and isinstance(pid, int) and not pid_alive(pid):
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

    def parts(self) -> dict:
        """What :meth:`code` hashes, by module, data file and library (kept in the manifest)."""
        return fingerprint_parts(self.module, self.libraries)


def local_digest(path: Path, stat_cache: StatCache | None = None) -> str:
    """The content digest of a local input: a directory (e.g. a local model) by its files, a file by its
    bytes. Without a stat cache every byte is read again."""
    if path.is_dir():
        return directory_digest(path, stat_cache)[0]
    return (stat_cache or StatCache(None)).digest(path)


def input_digests(inputs: dict[str, Any], store: Store) -> dict[str, str]:
    """Content digests of a stage's inputs: artifacts by their digest, local files and directories by content."""
    digests: dict[str, str] = {}
    for name, value in sorted(inputs.items()):
        if isinstance(value, ArtifactRef):
            digests[name] = value.digest
        elif isinstance(value, Path):
            digests[name] = local_digest(value, store.stat_cache)
        elif value is None:
            digests[name] = "none"
        else:
            raise TypeError(f"input {name!r} of type {type(value).__name__} cannot be content-addressed")
    return digests


def local_input_problem(name: str, path: Path, recorded: str) -> str | None:
    """Why the file or directory at ``path`` cannot stand in for the local input ``name`` that an artifact
    was built from, whose content digest its manifest records as ``recorded`` (None: it can). Every byte
    is read again: a path is never trusted without its digest."""
    if not path.exists():
        return f"input {name!r}: {path} is missing (the artifact was built from content {recorded})"
    try:
        now = local_digest(path)
    except OSError as exc:
        return f"input {name!r}: {path} cannot be read ({exc.strerror or exc})"
    if now != recorded:
        return (f"input {name!r}: {path} is not what the artifact was built from (its content digest is {now}, "
                f"the artifact's input was {recorded})")
    return None


def local_input_paths(inputs: dict[str, Any]) -> dict[str, str]:
    """Where a stage's local inputs were read from, for the manifest's ``run`` (never keyed, never in an
    artifact): ``verify --reproduce`` finds them there and checks their digests before using them."""
    return {name: str(value.absolute()) for name, value in sorted(inputs.items()) if isinstance(value, Path)}


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


def run_stage(spec: StageSpec, fn, params: Any, inputs: dict[str, Any], store_root: str, run_id: str | None,
              runtime: RuntimeConfig | None = None) -> ArtifactRef:
    """The body every stage task shares: reuse a complete artifact, or build one atomically.

    ``fn(out_dir, params, **inputs_resolved)`` writes the stage's files under ``out_dir`` and may
    return a dict of summary figures for the manifest. Artifact inputs reach ``fn`` as data dirs;
    a function that takes ``work_dir`` gets its scratch area, one that takes ``runtime`` the run's
    runtime settings (workers, training processes: never part of the key).
    """
    store = Store(store_root)
    digests = input_digests(inputs, store)  # once: for the key and for the manifest
    key = stage_key(spec.name, spec.code(), canonical_json(params), digests)
    if store.verify(spec.name, key).ok or store.fetch(spec.name, key).ok:
        store.publish(spec.name, key)
        return store.ref(spec.name, key, reused=True)
    remote_broken = store.remote is not None and store.remote.manifest(spec.name, key) is not None
    resolved = {n: (v.data_dir(store.root) if isinstance(v, ArtifactRef) else v) for n, v in inputs.items()}
    wanted = inspect.signature(fn).parameters
    if "work_dir" in wanted:
        resolved["work_dir"] = store.work_dir(spec.name, key)
    if "runtime" in wanted:
        resolved["runtime"] = runtime or RuntimeConfig()
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
                "code_parts": spec.parts(),  # so that `status` can say which file changed
                "libraries": library_versions(spec.libraries),
                "summary": summary,
                "timings": {"started": started, "seconds": round(time.time() - started, 3)},
                "run": {"run_id": run_id, "host": socket.gethostname(), "pid": os.getpid(),
                        "runtime": (runtime or RuntimeConfig()).model_dump(),
                        "inputs": local_input_paths(inputs)},  # how it ran, from where: never keyed
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


RUN_DIR = "run"  # beside an artifact's data/: what a run measured (times, memory); never digested


def place_in_artifact(out_dir: Path) -> tuple[Path, Path] | None:
    """(staging directory, ``out_dir`` relative to its data/) while a store builds this stage, else None."""
    stage = running_stage()
    if stage is None:
        return None
    staged = Path(stage.staged)
    try:
        return staged, Path(out_dir).relative_to(staged / "data")
    except ValueError:
        return None


def beside_data(out_dir: Path) -> Path | None:
    """``<staging>/run/<out_dir relative to data/>`` while a store builds this stage; None elsewhere.
    What goes there moves with the artifact but is outside its digest: measurements, not content."""
    place = place_in_artifact(out_dir)
    return None if place is None else place[0] / RUN_DIR / place[1]


def record_recipe(spec: StageSpec, params: Any, digests: dict[str, str]) -> str:
    """What one record's output depends on besides the record: code, parameters, other inputs."""
    others = {n: d for n, d in digests.items() if n != RECORDS_INPUT}
    return stage_key(spec.name, spec.code(), canonical_json(params), others)


class Stage:
    """A pipeline stage: its spec (what keys it), its plain function ``build(out_dir, params, **inputs)``
    (for tests and tools) and its Prefect task, made on first use so that code which only keys or
    predicts stages (``arabic-llm status``) never imports Prefect."""

    def __init__(self, spec: StageSpec, fn):
        self.spec, self.build = spec, fn
        self.__doc__ = fn.__doc__

    @functools.cached_property
    def task(self):
        from prefect import task

        spec, fn = self.spec, self.build

        def body(params, inputs: dict, store_root: str, run_id: str | None = None,
                 runtime: RuntimeConfig | None = None) -> ArtifactRef:
            return run_stage(spec, fn, params, inputs, store_root, run_id, runtime)

        body.__name__ = body.__qualname__ = spec.name
        body.__module__ = fn.__module__
        body.__doc__ = fn.__doc__
        return task(name=spec.name, task_run_name=spec.name)(body)

    def __repr__(self) -> str:
        return f"Stage({self.spec.name!r})"


def stage_task(name: str, libraries: tuple[str, ...] = ()):
    """Make a plain stage function ``fn(out_dir, params, **inputs) -> summary`` a :class:`Stage`.

    Its task takes ``params`` (what is keyed), ``inputs`` (artifacts and files, keyed by content),
    ``store_root``, ``run_id`` and ``runtime`` (never keyed). The flow binds the cache policy to its
    store with :func:`bind_to_store`.
    """

    def decorate(fn) -> Stage:
        return Stage(StageSpec(name=name, module=fn.__module__, libraries=libraries), fn)

    return decorate


def bind_to_store(stage: Stage, store: Store):
    """The stage's Prefect task with its cache policy, records and locks under ``store``."""
    return stage.task.with_options(
        cache_policy=make_cache_policy(stage.spec, store),
        result_storage=store.prefect_results,
        result_serializer="json",  # nothing is unpickled from the store
        persist_result=True,
    )


def progress_reporter(desc: str, total: int):
    """Inside a Prefect task run: ``on_step(done)`` that updates a progress artifact the UI shows, at
    most every 2 s; None outside one."""
    from prefect.context import TaskRunContext

    if TaskRunContext.get() is None:
        return None
    from prefect.artifacts import create_progress_artifact, update_progress_artifact

    artifact = create_progress_artifact(progress=0.0, description=f"{desc}: optimiser steps done (%)")
    last = [0.0]

    def on_step(step: int) -> None:
        now = time.monotonic()
        if step == total or now - last[0] >= 2.0:
            update_progress_artifact(artifact, progress=100.0 * step / total)
            last[0] = now

    return on_step
