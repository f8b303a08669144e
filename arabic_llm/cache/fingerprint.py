"""Code fingerprints: exactly the project code, data tables and library versions a stage can run.

The project is a stack of layers (``LAYERS``, lowest first). A stage's fingerprint starts at its
task module and follows every import (top-level and inside functions, not under ``TYPE_CHECKING``)
into the project's modules, stopping at layers that only orchestrate (the cache layer, the flows,
the command line, the settings declarations, whose *values* are keyed as parameters). It covers:

- each module reached, and the package ``__init__`` files they sit in (Python runs them on import);
- the data files a module names: a file in a non-package folder beside the module whose name appears
  as a string literal in the module (``DATA_DIR / "audit_lexicon.tsv"``);
- for a package ``__init__``, the Python files in its non-package folders (loaded by path, such as
  the ``evaluate`` metric scripts);
- the versions of the libraries the stage declares.

A project module that cannot be found is an error, never a silent omission.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from arabic_llm.cache.keys import canonical_json, sha256_bytes

# (package or module, part of fingerprints?), lowest layer first. A module imports only from its own
# layer or lower ones (tests/cache/test_layers.py checks this against the code).
LAYERS: tuple[tuple[str, bool], ...] = (
    ("arabic_nlp", True),  # the Arabic text library
    ("arabic_llm.config", False),  # settings declarations: their values are keyed as parameters
    ("arabic_llm.layout", True),  # artifact file names shared by several stages
    ("arabic_llm.cache", False),  # content addressing: keys, store, records tables, the stage runner
    ("arabic_llm.data", True),  # documents, sources, shards
    ("arabic_llm.model", True),  # tokenizers, base models, adapters merged
    ("arabic_llm.train", True),  # the QLoRA training engine
    ("arabic_llm.eval", True),  # scoring, downstream tasks, noise, metrics
    ("arabic_llm.audit", True),  # bias, stereotypes, model card, report
    ("tasks", True),  # one module per stage
    ("flows", False),  # the DAG and its runners
    ("arabic_llm.ops", False),  # command line, status, runs, serving
)
CONTAINERS = frozenset({"arabic_llm"})  # namespace packages that hold layers; never fingerprinted
PROJECT_PACKAGES = ("arabic_nlp", "arabic_llm", "tasks", "flows")


class FingerprintError(RuntimeError):
    """A stage's code cannot be fingerprinted exactly (a project module that cannot be found)."""


def layer_of(module: str) -> int | None:
    """Index into ``LAYERS`` of a project module (None for a container or a non-project module)."""
    for index, (name, _) in enumerate(LAYERS):
        if module == name or module.startswith(name + "."):
            return index
    return None


def is_fingerprinted(module: str) -> bool:
    index = layer_of(module)
    return index is not None and LAYERS[index][1]


# The project's top-level packages sit side by side: in a checkout and in site-packages alike.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def module_file(name: str) -> Path | None:
    """The source file of a project module, found on disk without importing anything."""
    parts = name.split(".")
    if parts[0] not in PROJECT_PACKAGES:
        return None
    base = PROJECT_ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif not _type_checking_only(node):
            todo.extend(ast.iter_child_nodes(node))
    return found


@dataclass(frozen=True)
class ModuleSource:
    """One project module: its digest, the project modules it imports, the files it names."""

    name: str
    path: Path
    digest: str
    imports: tuple[str, ...]
    data_files: tuple[Path, ...]


def _parse(name: str, path: Path, source: bytes) -> dict:
    """What the parser finds in a module's source: the project modules each import may name (relative
    imports resolved; ``from pkg import x`` gives ``[pkg, pkg.x]``) and the string literals that could
    be a file's name. Depends only on the source, the module's name and the Python version."""
    tree = ast.parse(source, filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    candidates: list[list[str]] = []
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            candidates += [[a.name] for a in node.names]
        else:
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            candidates += [[base, f"{base}.{a.name}"] for a in node.names]
    candidates = [c for c in candidates if c[0].split(".")[0] in PROJECT_PACKAGES]
    # A file name has no "/" or NUL and at most 255 bytes: other literals can never match one.
    literals = sorted({n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                       and len(n.value) <= 255 and "/" not in n.value and "\0" not in n.value})
    return {"imports": sorted(candidates), "literals": literals}


class ParseCache:
    """Parse results on disk, one small file per module version, keyed by the sha256 of the source
    (always read and hashed again: an edited file is always parsed again), the module's name, the
    Python version and :data:`PARSE_VERSION`. Like ``__pycache__``, it only saves time: an unreadable
    or unwritable cache means parsing again, never a different answer."""

    def __init__(self, root: Path | None):
        self.root = root

    def _file(self, name: str, digest: str) -> Path | None:
        if self.root is None:
            return None
        tag = f"py{sys.version_info[0]}{sys.version_info[1]}-v{PARSE_VERSION}"
        return self.root / tag / f"{name}-{digest.removeprefix('sha256:')}.json"

    def get(self, name: str, digest: str) -> dict | None:
        file = self._file(name, digest)
        try:
            return json.loads(file.read_bytes()) if file is not None else None
        except (OSError, ValueError):
            return None

    def put(self, name: str, digest: str, parsed: dict) -> None:
        file = self._file(name, digest)
        if file is None:
            return
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            tmp = file.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(parsed), encoding="utf-8")
            os.replace(tmp, file)
        except OSError:
            pass


PARSE_VERSION = 1  # bump when what _parse extracts changes
PARSE_CACHE = ParseCache(None if os.environ.get("ARABIC_LLM_NO_PARSE_CACHE") else
                         Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "arabic-llm" / "parsed")


@functools.lru_cache(maxsize=None)  # stages share most of their modules: each is read once
def read_module(name: str) -> ModuleSource:
    path = module_file(name)
    if path is None:
        raise FingerprintError(f"project module {name!r} cannot be found")
    source = path.read_bytes()
    digest = sha256_bytes(source)
    entry = f"{name}.__init__" if path.name == "__init__.py" else name  # relative imports differ
    parsed = PARSE_CACHE.get(entry, digest)
    if parsed is None:
        parsed = _parse(name, path, source)
        PARSE_CACHE.put(entry, digest, parsed)
    imports: set[str] = set()
    for options in parsed["imports"]:
        if module_file(options[0]) is None:
            raise FingerprintError(f"{path}: imports {options[0]!r}, which cannot be found")
        imports.update(o for o in options if module_file(o) is not None)
    literals = set(parsed["literals"])
    is_package = path.name == "__init__.py"
    data_files: list[Path] = []
    for folder in sorted(p for p in path.parent.iterdir() if p.is_dir() and not (p / "__init__.py").exists()
                         and p.name != "__pycache__"):
        for file in sorted(f for f in folder.rglob("*") if f.is_file() and "__pycache__" not in f.parts):
            if file.name in literals or (is_package and file.suffix == ".py"):
                data_files.append(file)
    imports.discard(name)
    return ModuleSource(name, path, digest, tuple(sorted(imports)), tuple(data_files))


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def stage_modules(module: str) -> list[ModuleSource]:
    """Every fingerprinted project module a stage module can run, sorted by name."""
    seen: dict[str, ModuleSource] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen or name in CONTAINERS or not is_fingerprinted(name):
            continue
        seen[name] = read_module(name)
        todo.extend(seen[name].imports)
        todo.extend(_parents(name))
    return [seen[n] for n in sorted(seen)]


def library_versions(libraries: tuple[str, ...]) -> dict[str, str]:
    versions = {}
    for lib in libraries:
        try:
            versions[lib] = importlib.metadata.version(lib)
        except importlib.metadata.PackageNotFoundError:
            versions[lib] = "absent"
    return versions


def fingerprint_parts(module: str, libraries: tuple[str, ...] = ()) -> dict:
    """What a stage's fingerprint hashes: ``{"modules": {name or name:file: digest}, "libraries": {...}}``."""
    modules: dict[str, str] = {}
    for source in stage_modules(module):
        modules[source.name] = source.digest
        for file in source.data_files:
            rel = file.relative_to(source.path.parent).as_posix()
            modules[f"{source.name}:{rel}"] = sha256_bytes(file.read_bytes())
    return {"modules": modules, "libraries": library_versions(libraries)}


@functools.lru_cache(maxsize=None)
def code_fingerprint(module: str, libraries: tuple[str, ...] = ()) -> str:
    """``sha256:...`` of :func:`fingerprint_parts`: a stage's key changes exactly when its code does.

    Args:
        module: dotted name of the stage's module (``tasks.normalize``).
        libraries: distribution names whose version is part of the fingerprint.
    """
    return sha256_bytes(canonical_json(fingerprint_parts(module, libraries)).encode())


def explain(module: str, libraries: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """``(kind, what, digest or version)`` rows of a stage's fingerprint, for ``status --explain``:
    kind is ``module``, ``file`` or ``library``; paths are relative to the project root."""
    rows = []
    for source in stage_modules(module):
        rows.append(("module", source.path.relative_to(PROJECT_ROOT).as_posix(), source.digest))
        rows.extend(("file", f.relative_to(PROJECT_ROOT).as_posix(), sha256_bytes(f.read_bytes()))
                    for f in source.data_files)
    rows.extend(("library", lib, version) for lib, version in library_versions(libraries).items())
    return rows
