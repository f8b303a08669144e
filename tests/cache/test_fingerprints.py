"""A stage's code fingerprint covers exactly the code it can run, on the real stages.

Each test edits a file in a temporary copy of the project and computes every stage's fingerprint
there, in a fresh interpreter (the copy's modules, not the installed ones).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from arabic_llm.cache.fingerprint import (
    PROJECT_ROOT,
    FingerprintError,
    explain,
    stage_modules,
)

STAGES = ("download", "clean", "normalize", "diacritics", "segment", "dialect_model", "dialect", "data_audit",
          "tokenizer", "base_model", "vocab", "counterfactual", "shards", "train_msa", "train_dialects", "export",
          "evaluate", "bias_audit", "report")

FINGERPRINTS = """
import importlib, json, pkgutil, tasks
from arabic_llm.cache.stage import Stage
out = {}
for info in pkgutil.iter_modules(tasks.__path__):
    module = importlib.import_module(f"tasks.{info.name}")
    out.update({v.spec.name: v.spec.code() for v in vars(module).values() if isinstance(v, Stage)})
print(json.dumps(out))
"""


def project_copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for package in ("arabic_llm", "arabic_nlp", "tasks", "flows", "configs"):
        shutil.copytree(PROJECT_ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def fingerprints(root: Path) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", FINGERPRINTS], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(root)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def changed_after(tmp_path: Path, rel: str, edit) -> set[str]:
    root = project_copy(tmp_path)
    before = fingerprints(root)
    assert sorted(before) == sorted(STAGES)
    path = root / rel
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    after = fingerprints(root)
    return {stage for stage in STAGES if before[stage] != after[stage]}


def add_unused_function(source: str) -> str:
    return source + "\n\ndef _unused_helper():\n    return None\n"


def test_editing_the_wikitext_converter_changes_download_only(tmp_path):
    assert changed_after(tmp_path, "arabic_llm/data/wikitext.py", add_unused_function) == {"download"}


def test_editing_the_ddp_launcher_changes_the_training_stages_only(tmp_path):
    assert changed_after(tmp_path, "arabic_llm/train/ddp.py", add_unused_function) == {"train_msa", "train_dialects"}


def test_editing_the_report_rendering_changes_report_only(tmp_path):
    assert changed_after(tmp_path, "arabic_llm/audit/report.py", add_unused_function) == {"report"}


def test_editing_a_data_table_changes_the_stages_that_read_it(tmp_path):
    changed = changed_after(tmp_path, "arabic_nlp/data/audit_lexicon.tsv", lambda s: s + "\n")
    assert changed == {"data_audit"}


def test_orchestration_never_enters_a_key(tmp_path):
    root = project_copy(tmp_path)
    before = fingerprints(root)
    for rel in ("arabic_llm/ops/cli.py", "arabic_llm/ops/status.py", "arabic_llm/cache/store.py",
                "arabic_llm/cache/records.py", "flows/pipeline.py", "flows/flow.py"):
        path = root / rel
        path.write_text(add_unused_function(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert fingerprints(root) == before


def test_a_module_that_cannot_be_found_is_an_error_naming_it(tmp_path):
    root = project_copy(tmp_path)
    path = root / "tasks" / "normalize.py"
    path.write_text(path.read_text(encoding="utf-8") + "\n\ndef later():\n    from arabic_nlp.no_such_module import x\n",
                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", FINGERPRINTS], cwd=root, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(root)})
    assert done.returncode != 0
    assert "arabic_nlp.no_such_module" in done.stderr and "FingerprintError" in done.stderr


def test_imports_under_type_checking_do_not_count():
    names = {m.name for m in stage_modules("tasks.train_msa")}
    assert "arabic_llm.train.parallel" in names  # imported for real by the DDP launcher
    assert not any(n.startswith(("arabic_llm.cache", "arabic_llm.ops", "flows")) for n in names)


def test_explain_lists_modules_files_and_libraries():
    rows = explain("tasks.data_audit", ("camel-tools",))
    kinds = {kind for kind, _, _ in rows}
    assert kinds == {"module", "file", "library"}
    assert ("file", "arabic_nlp/data/audit_lexicon.tsv") in {(k, w) for k, w, _ in rows}
    assert "arabic_nlp/data/dialect_cues.tsv" not in {w for _, w, _ in rows}  # data_audit never reads it


def test_fingerprint_error_is_raised_for_an_unknown_stage_module():
    with pytest.raises(FingerprintError, match="tasks.no_such_stage"):
        stage_modules("tasks.no_such_stage")
