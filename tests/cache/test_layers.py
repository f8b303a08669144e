"""The import graph, computed from the code: one-way layers, no cycles, no private names across modules.

Every ``import`` counts, inside functions too (a lazy import still runs), except those under
``if TYPE_CHECKING:``; the layers are those of ``arabic_llm.cache.fingerprint.LAYERS``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from arabic_llm.cache.fingerprint import (
    LAYERS,
    PROJECT_ROOT,
    _imports,
    layer_of,
    module_file,
)

PACKAGES = ("arabic_nlp", "arabic_llm", "tasks", "flows")


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            if "sample_data" in parts or any(not (PROJECT_ROOT.joinpath(*parts[:i]) / "__init__.py").exists()
                                             for i in range(1, len(parts))):
                continue  # not importable as a module (e.g. evaluate metric scripts, loaded by path)
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            modules[name] = path
    return modules


def imports_of(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(imported project module, names taken from it) for every import in the module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.split(".")[0] in PACKAGES]
            continue
        base = node.module or ""
        if node.level:
            parent = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(parent + ([base] if base else []))
        if base.split(".")[0] not in PACKAGES:
            continue
        names = [a.name for a in node.names]
        submodules = [f"{base}.{n}" for n in names if module_file(f"{base}.{n}") is not None]
        found += [(m, []) for m in submodules]
        found.append((base, [n for n in names if f"{base}.{n}" not in submodules]))
    return found


GRAPH = {name: imports_of(name, path) for name, path in project_modules().items()}


def test_every_project_module_belongs_to_a_layer():
    orphans = [m for m in GRAPH if layer_of(m) is None and m != "arabic_llm"]
    assert orphans == [], f"modules outside every layer of LAYERS: {orphans}"


def test_no_module_imports_a_higher_layer():
    wrong = []
    for module, imports in GRAPH.items():
        for target, _ in imports:
            if target == "arabic_llm":
                continue
            if layer_of(module) is not None and layer_of(target) > layer_of(module):
                wrong.append(f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})")
    assert wrong == []


def test_the_module_graph_has_no_cycles():
    edges = {m: sorted({t for t, _ in imports if t in GRAPH and t != m}) for m, imports in GRAPH.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_private_names_are_imported_across_modules():
    private = [f"{module} imports {target}.{n}" for module, imports in GRAPH.items() for target, names in imports
               for n in names if n.startswith("_") and n != "__version__"]
    assert private == []


def test_stages_never_import_each_other():
    crossed = [f"{m} imports {t}" for m, imports in GRAPH.items() if m.startswith("tasks.")
               for t, _ in imports if t.startswith("tasks.") and t != m]
    assert crossed == []


@pytest.mark.parametrize("framework", ["prefect", "torch", "transformers"])
def test_the_text_library_imports_no_framework(framework):
    users = []
    for name, path in project_modules().items():
        if name.split(".")[0] != "arabic_nlp":
            continue
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            users += [name for n in names if n.split(".")[0] == framework]
    assert users == []


def test_the_layer_checks_would_catch_an_upward_import(tmp_path):
    """The checks above are computed from the code: a made-up module that breaks the rule is found."""
    fake = tmp_path / "x.py"
    fake.write_text("from arabic_llm.ops.cli import main\nfrom arabic_llm.data.documents import _private\n")
    imports = imports_of("arabic_llm.data.fake", fake)
    assert ("arabic_llm.ops.cli", ["main"]) in imports
    assert layer_of("arabic_llm.ops.cli") > layer_of("arabic_llm.data.fake")
    assert ("arabic_llm.data.documents", ["_private"]) in imports
