"""Test settings: a private PREFECT_HOME per session, quiet Prefect, no network, no telemetry."""

import os
import tempfile
from pathlib import Path

import pytest

# Before anything imports Prefect: its settings are read from the environment.
_PREFECT_HOME = tempfile.mkdtemp(prefix="arabic-llm-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.pop("PREFECT_API_URL", None)
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


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
