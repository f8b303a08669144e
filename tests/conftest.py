"""Test settings: a private PREFECT_HOME per session, quiet Prefect, no network, no telemetry."""

from pathlib import Path

import pytest
from env_settings import SHARED_DATA  # noqa: E402,F401  (before anything imports Prefect)


# The toy stages' source file and call log, shared by the store tests (local and remote).
@pytest.fixture
def src(tmp_path: Path) -> Path:
    path = tmp_path / "src.txt"
    path.write_text("salam", encoding="utf-8")
    return path


@pytest.fixture
def calls(tmp_path: Path, monkeypatch) -> Path:
    from toy_stages import CALLS_ENV

    path = tmp_path / "calls.txt"
    monkeypatch.setenv(CALLS_ENV, str(path))
    return path


def pytest_sessionfinish(session, exitstatus):
    """A background Prefect server recorded in this session's PREFECT_HOME never outlives it."""
    from arabic_llm.ops.server import stop_server

    stop_server()


def pytest_collection_modifyitems(config, items):
    """``gpu`` tests run where a CUDA device is visible and are skipped, with the reason, elsewhere."""
    if not any(item.get_closest_marker("gpu") for item in items):
        return
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU (none visible here)")
    for item in items:
        if item.get_closest_marker("gpu"):
            item.add_marker(skip)
