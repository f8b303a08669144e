"""`status` and `dag`: walk the pipeline's wiring without running any stage.

A stage is up-to-date when the artifact for its key is in the store and verifies, or, in front
of a remote store, when the remote holds a complete upload of it (its manifest, which is uploaded
last; the run downloads the files and checks them against it). Below a stage
that will run, the input digest is not known until it has run: those stages are predicted to run,
marked ``conditional``, because early cutoff keeps them cached if the upstream output comes out
byte-identical.
"""

from __future__ import annotations

import json
import time
from typing import Any

from arabic_llm.cache.keys import SCHEMA, canonical_json
from arabic_llm.cache.runs import latest_record
from arabic_llm.cache.stage import compute_stage_key, input_digests
from arabic_llm.cache.store import PENDING, ArtifactRef, Store, Verdict



def _flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): obj}


def _param_changes(stage: str, old: dict, new: dict) -> list[str]:
    a, b = _flatten(old), _flatten(new)
    changes = []
    for key in sorted(set(a) | set(b)):
        if a.get(key, "<unset>") != b.get(key, "<unset>"):
            changes.append(f"parameter {stage}.{key} changed ({json.dumps(a.get(key))} -> {json.dumps(b.get(key))})")
    return changes


class StatusPredictor:
    """Stands in for the flow's StageRunner: computes keys, checks the store, explains."""

    def __init__(self, store: Store):
        self.store = store
        self.previous = (latest_record(store) or {}).get("stages", {})
        self.stages: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, str] = {}  # training stage -> full or incremental, and why (flows/pipeline.py)
        self.seconds: dict[str, float] = {}  # how long each stage's check took (a no-op run's record)

    def __call__(self, stage, params, **inputs) -> ArtifactRef:
        started = time.perf_counter()
        ref = self._predict(stage, params, **inputs)
        self.seconds[stage.spec.name] = round(time.perf_counter() - started, 3)
        plan = self.plans.get(stage.spec.name)
        if plan:
            self.stages[stage.spec.name]["plan"] = plan
            self.stages[stage.spec.name]["reason"] += f"; {plan}"
        return ref

    def _predict(self, stage, params, **inputs) -> ArtifactRef:
        name = stage.spec.name
        pending = [n for n, v in sorted(inputs.items()) if isinstance(v, ArtifactRef) and v.digest.startswith(PENDING)]
        if pending:
            upstream = ", ".join(f"{n} (from {inputs[n].stage})" for n in pending)
            self.stages[name] = {
                "state": "will-run", "conditional": True,
                "reason": f"input {upstream} will be recomputed first; stays cached if it comes out identical",
            }
            return ArtifactRef(stage=name, key="", digest=PENDING + name, path="")
        key = compute_stage_key(stage.spec, params, inputs, self.store)
        verdict = self.store.verify(name, key)
        if verdict.ok:
            ref = self.store.ref(name, key)
            self.stages[name] = {"state": "up-to-date", "conditional": False, "reason": "artifact verified", "key": key,
                                 "artifact": ref.path, "digest": ref.digest}
            return ref
        remote = self.remote_manifest(name, key)
        if remote is not None:
            self.stages[name] = {"state": "up-to-date", "conditional": False, "remote": True, "key": key,
                                 "reason": f"in the remote store {self.store.remote.url} (fetched and checked at run time)"}
            return ArtifactRef(stage=name, key=key, digest=remote["digest"], path=f"artifacts/{name}/{key}")
        reason = self.explain(stage, key, params, inputs, verdict)
        self.stages[name] = {"state": "will-run", "conditional": False, "reason": reason, "key": key}
        return ArtifactRef(stage=name, key=key, digest=PENDING + name, path="")

    def remote_manifest(self, stage: str, key: str) -> dict | None:
        """The remote store's manifest of this artifact when it is a complete upload, else None.

        Only the manifest is read (status downloads no data); it is uploaded after every data file.
        """
        from arabic_llm.cache.remote import RemoteStoreError

        if self.store.remote is None:
            return None
        try:
            manifest = self.store.remote.manifest(stage, key)
        except RemoteStoreError:
            return None  # unreadable: the run will recompute it, as it would
        if manifest is None or manifest.get("schema") != SCHEMA or manifest.get("stage") != stage \
                or manifest.get("key") != key or not isinstance(manifest.get("digest"), str):
            return None
        return manifest

    def explain(self, stage, key: str, params, inputs: dict, verdict: Verdict) -> str:
        """Why a stage will run: what changed against the last run's artifact of the same stage."""
        name = stage.spec.name
        if self.store.artifact_path(name, key).exists():
            return verdict.reason  # same key, broken artifact
        prev_key = self.previous.get(name, {}).get("key")
        if prev_key is None:
            return "never run in this store"
        if prev_key == key:
            return verdict.reason
        old = self.store.manifest(name, prev_key)
        if old is None:
            return f"artifact missing (and the last run's {name} artifact is gone too)"
        reasons = _param_changes(name, old.get("params", {}), json.loads(canonical_json(params)))
        digests = input_digests(inputs, self.store)
        for input_name, digest in digests.items():
            if old.get("inputs", {}).get(input_name, {}).get("digest") != digest:
                source = inputs[input_name]
                origin = f" (from {source.stage})" if isinstance(source, ArtifactRef) else ""
                reasons.append(f"input {input_name}{origin} changed")
        if old.get("code") != stage.spec.code():
            reasons.append(code_changes(old.get("code_parts"), stage.spec.parts()))
        return "; ".join(reasons) or "key changed"


def code_changes(old: dict | None, new: dict) -> str:
    """What changed in a stage's code fingerprint, by file and library (older manifests lack the parts)."""
    if not old:
        return "code changed (the stage's modules or library versions)"
    changed = []
    for kind in ("modules", "libraries"):
        a, b = old.get(kind, {}), new.get(kind, {})
        changed += [f"{name} {'added' if name not in a else 'removed' if name not in b else 'changed'}"
                    for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]
    return "code changed: " + (", ".join(changed[:6]) + (f" and {len(changed) - 6} more" if len(changed) > 6 else "")
                               if changed else "fingerprint")


def up_to_date_stages(predictor: StatusPredictor) -> dict | None:
    """Each stage's run-record entry when the prediction found every artifact in the local store and
    verified (the check a cached task makes), else None."""
    if any(info["state"] != "up-to-date" or info.get("remote") for info in predictor.stages.values()):
        return None
    return {name: {"outcome": "cached", "key": info["key"], "artifact": info["artifact"], "digest": info["digest"],
                   "seconds": predictor.seconds[name]} for name, info in predictor.stages.items()}


class DagRecorder:
    """Stands in for the runner to record the stages and their edges."""

    def __init__(self):
        self.edges: list[tuple[str, str, str]] = []  # (upstream, downstream, input name)
        self.stages: list[str] = []
        self.specs: dict = {}  # name -> StageSpec

    def __call__(self, stage, params, **inputs) -> ArtifactRef:
        name = stage.spec.name
        self.stages.append(name)
        self.specs[name] = stage.spec
        for input_name, value in sorted(inputs.items()):
            upstream = value.stage if isinstance(value, ArtifactRef) else f"file:{getattr(value, 'name', value)}"
            self.edges.append((upstream, name, input_name))
        return ArtifactRef(stage=name, key="", digest="", path="")

    def as_text(self) -> str:
        lines = []
        for name in self.stages:
            ups = [f"{u} ({i})" for u, d, i in self.edges if d == name]
            lines.append(f"{name:<15} <- {', '.join(ups)}")
        return "\n".join(lines)

    def as_mermaid(self) -> str:
        lines = ["flowchart TD"]
        for upstream, downstream, input_name in self.edges:
            node = upstream.replace(":", "_").replace(".", "_").replace("-", "_")
            label = f'{node}["{upstream}"]' if upstream.startswith("file:") else upstream
            lines.append(f"    {label} -->|{input_name}| {downstream}")
        return "\n".join(lines)
