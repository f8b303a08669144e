"""`arabic-llm verify`: re-hash the store and repair it; `--reproduce` recomputes one artifact to compare."""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
import typing
from pathlib import Path

from arabic_llm.cache.records import discard_table
from arabic_llm.cache.store import Store


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


def _stage(name: str):
    try:
        return getattr(importlib.import_module(f"tasks.{name}"), name)
    except (ImportError, AttributeError):
        raise SystemExit(f"arabic-llm: verify --reproduce {name}: no such stage") from None


def reproduce(store: Store, which: str) -> bool:
    """Recompute an artifact (``STAGE`` for its newest, or ``STAGE/KEY``) from its inputs in the store,
    in a temporary store beside it, and compare digests. Prints match or mismatch (and which files)."""
    from arabic_llm.cache.stage import run_stage

    name, _, key = which.partition("/")
    stage = _stage(name)
    if not key:
        found = sorted(store.artifacts_of(name), key=lambda k: (store.artifact_path(name, k) / "manifest.json").stat().st_mtime)
        if not found:
            raise SystemExit(f"arabic-llm: verify --reproduce {name}: no {name} artifact in {store.root}")
        key = found[-1]
    manifest = store.manifest(name, key)
    if manifest is None:
        raise SystemExit(f"arabic-llm: verify --reproduce {which}: no such artifact in {store.root}")
    inputs = {}
    for input_name, entry in manifest["inputs"].items():
        if "stage" not in entry:
            raise SystemExit(f"arabic-llm: verify --reproduce {which}: input {input_name!r} is a local file, named in "
                             "the config, not kept in the store; reproduce a stage whose inputs are artifacts")
        inputs[input_name] = store.ref(entry["stage"], entry["key"])
    params = typing.get_type_hints(stage.build)["params"].model_validate(manifest["params"])
    scratch = Path(tempfile.mkdtemp(prefix=f"reproduce-{name}-", dir=store.root / "tmp" if (store.root / "tmp").is_dir()
                                    else None))
    try:
        for ref in inputs.values():  # linked, not copied: a model's weights can be large
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

