"""`arabic-llm verify`: re-hash the store and repair it; `--reproduce` recomputes one artifact to compare."""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import typing
from pathlib import Path
from typing import Any

from arabic_llm.cache.keys import canonical_json
from arabic_llm.cache.records import discard_table
from arabic_llm.cache.store import ArtifactRef, Store, StoreError


def verify_store(store: Store, cascade: bool = False, verbose: bool = False) -> int:
    """Re-hash every artifact and the files beside it (records tables). A bad artifact is quarantined
    (its stat-cache entries dropped) and the artifacts built from it are listed, and quarantined too
    with ``cascade``; a bad records table is discarded (a cache: its artifact stays). Returns the
    number of bad artifacts."""
    bad, checked = [], 0
    for stage, key in list(store.artifacts()):
        checked += 1
        verdict = store.verify(stage, key, rehash=True)
        if not verdict.ok:
            bad.append((stage, key))
            print(f"BAD  artifacts/{stage}/{key}: {verdict.reason}")
            continue
        for name in store.beside_files(stage, key):
            problem = store.check_beside(stage, key, name, rehash=True)
            if problem:
                discard_table(store.artifact_path(stage, key) / name, problem)
                print(f"BAD  artifacts/{stage}/{key}/{name}: {problem}; discarded (the artifact itself is sound)")
        if verbose:
            print(f"ok   artifacts/{stage}/{key}")
    built_from = {artifact: store.dependents(*artifact) for artifact in bad}
    for (stage, key), dependents in built_from.items():
        store.quarantine(stage, key, "arabic-llm verify: content no longer matches its manifest")
        print(f"quarantined artifacts/{stage}/{key} (under {store.root / 'quarantine'}; a rerun recomputes it)")
        for dep_stage, dep_key in dependents:
            if not store.artifact_path(dep_stage, dep_key).exists():
                continue
            if cascade:
                store.quarantine(dep_stage, dep_key, f"arabic-llm verify --cascade: built from {stage}/{key}")
                print(f"  quarantined artifacts/{dep_stage}/{dep_key}: built from it")
            else:
                print(f"  built from it: artifacts/{dep_stage}/{dep_key} (--cascade quarantines these too)")
    print(f"verified {checked} artifacts: {checked - len(bad)} ok, {len(bad)} bad")
    return len(bad)


class ReproduceError(Exception):
    """``--reproduce`` cannot start: no such stage or artifact, or a local input that is gone or changed
    (the user's to fix: exit status 2)."""


def _stage(name: str):
    try:
        return getattr(importlib.import_module(f"tasks.{name}"), name)
    except (ImportError, AttributeError):
        raise ReproduceError("no such stage") from None


class _Found(Exception):
    """The pipeline's wiring reached the stage asked for."""


def config_call(name: str, cfg) -> tuple[Any, dict[str, Any]] | None:
    """The parameters and inputs the pipeline's wiring gives stage ``name`` under ``cfg`` (local inputs
    resolved from the config as ``run`` resolves them); None if the config does not run that stage.
    Only the stages up to it are wired: nothing is computed."""
    from flows.pipeline import pipeline

    seen: dict[str, Any] = {}

    def run(stage, params, **inputs) -> ArtifactRef:
        if stage.spec.name == name:
            seen.update(params=params, inputs=inputs)
            raise _Found
        return ArtifactRef(stage=stage.spec.name, key="", digest="", path="")

    try:
        pipeline(cfg, run)
    except _Found:
        return seen["params"], seen["inputs"]
    return None


def _local_inputs(name: str, key: str, manifest: dict, wanted: dict[str, str], cfg, config_name: str | None,
                  ) -> tuple[dict[str, Path], Any]:
    """The local files and directories to rebuild ``name/key`` from, each checked against the content
    digest its manifest records (``wanted``), and the config's parameters for the stage if they are
    those of the manifest (they keep what a manifest leaves out: where to fetch from). From the paths the
    manifest's ``run`` records, or re-resolved from ``cfg``."""
    from arabic_llm.cache.stage import local_input_problem
    from arabic_llm.data.documents import CorpusError

    params = None
    if cfg is not None:
        try:
            call = config_call(name, cfg)
        except (CorpusError, FileNotFoundError) as exc:  # a file the config names is gone (ModelFileError too)
            raise ReproduceError(f"the config {config_name} names an input that cannot be read: "
                                 f"{' '.join(str(exc).split())}") from None
        if call is None:
            raise ReproduceError(f"the config {config_name} does not run stage {name}")
        if canonical_json(call[0]) == canonical_json(manifest["params"]):
            params = call[0]
        paths = {n: v for n, v in call[1].items() if isinstance(v, Path)}
    else:
        paths = {n: Path(p) for n, p in (manifest.get("run") or {}).get("inputs", {}).items()}
    found, problems = {}, []
    for input_name, digest in sorted(wanted.items()):
        path = paths.get(input_name)
        if path is None:
            problems.append(f"input {input_name!r}: " + (f"the config {config_name} names no such input" if cfg is not None
                            else "its manifest records no path (built by an older version)"))
            continue
        problem = local_input_problem(input_name, path, digest)
        if problem:
            problems.append(problem)
        else:
            found[input_name] = path
    if problems:
        fix = ("put the file back as it was, or give the config the artifact was built with" if cfg is not None
               else "put the file back as it was, or give the config that names it now (-c CONFIG; its files are "
               "checked the same way)")
        raise ReproduceError(f"cannot reproduce artifacts/{name}/{key}: {'; '.join(problems)}; {fix}")
    return found, params


def reproduce(store: Store, which: str, cfg=None, config_name: str | None = None) -> bool:
    """Recompute an artifact (``STAGE`` for its newest, or ``STAGE/KEY``) in a temporary store beside it,
    from its input artifacts in the store and its local inputs (files such as a Wikipedia dump or a
    labels TSV): from the paths its manifest records, or as ``cfg`` names them, each used only if its
    content digest is the one the manifest records. Compares digests; prints match or mismatch (and
    which files). Raises :class:`ReproduceError` when it cannot start."""
    from arabic_llm.cache.stage import run_stage

    name, _, key = which.partition("/")
    stage = _stage(name)
    if not key:
        found = sorted(store.artifacts_of(name), key=lambda k: (store.artifact_path(name, k) / "manifest.json").stat().st_mtime)
        if not found:
            raise ReproduceError(f"no {name} artifact in {store.root}")
        key = found[-1]
    try:
        manifest = store.manifest(name, key)
    except StoreError:
        manifest = None
    if manifest is None:
        raise ReproduceError(f"no such artifact in {store.root}")
    inputs: dict[str, Any] = {}
    local: dict[str, str] = {}  # input name -> the content digest it was built from
    for input_name, entry in manifest["inputs"].items():
        if "stage" in entry:
            if store.manifest(entry["stage"], entry["key"]) is None:
                raise ReproduceError(f"input {input_name!r}: artifacts/{entry['stage']}/{entry['key']} is no longer "
                                     "in the store (gc or verify removed it); a run rebuilds it")
            inputs[input_name] = store.ref(entry["stage"], entry["key"])
        elif entry["digest"] == "none":  # an optional input the stage was given None for
            inputs[input_name] = None
        else:
            local[input_name] = entry["digest"]
    files, params = _local_inputs(name, key, manifest, local, cfg, config_name) if local else ({}, None)
    inputs.update(files)
    if params is None:
        params = typing.get_type_hints(stage.build)["params"].model_validate(manifest["params"])
    scratch = Path(tempfile.mkdtemp(prefix=f"reproduce-{name}-", dir=store.root / "tmp" if (store.root / "tmp").is_dir()
                                    else None))
    try:
        for ref in (v for v in inputs.values() if isinstance(v, ArtifactRef)):  # linked, not copied: weights
            shutil.copytree(store.root / ref.path, scratch / ref.path, copy_function=_link_or_copy)
        again = run_stage(stage.spec, stage.build, params, inputs, str(scratch), None)
        if again.key != key:
            print(f"cannot reproduce artifacts/{name}/{key}: its key is now {again.key} (the stage's code or libraries "
                  "changed since it was built); recomputed digest " + again.digest)
            return False
        if again.digest == manifest["digest"]:
            print(f"match    artifacts/{name}/{key}: recomputed from its inputs, digest {again.digest}")
            return True
        stored = {f["path"]: f["sha256"] for f in manifest["files"]}
        recomputed = {f["path"]: f["sha256"] for f in Store(scratch).manifest(name, key)["files"]}
        differ = sorted(p for p in stored.keys() | recomputed.keys() if stored.get(p) != recomputed.get(p))
        print(f"MISMATCH artifacts/{name}/{key}: stored {manifest['digest']}, recomputed {again.digest}; "
              f"files that differ: {', '.join(differ)}")
        return False
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)

