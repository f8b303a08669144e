"""Settings every test process shares, the pytest process and the scripts tests start alike: a private
PREFECT_HOME, quiet Prefect, no network, no telemetry; and where the shared development data lies."""

import atexit
import functools
import os
import shutil
import sys
import tempfile
from pathlib import Path

# Before anything imports Prefect: its settings are read from the environment. One PREFECT_HOME per
# process, all inside one folder of the test session, which removes the folder when it ends (a test may
# read a finished child's database, so a child never removes its own).
ROOT_VARIABLE = "ARABIC_LLM_TEST_PREFECT_ROOT"
if not os.path.isdir(os.environ.get(ROOT_VARIABLE, "")):
    os.environ[ROOT_VARIABLE] = tempfile.mkdtemp(prefix="arabic-llm-prefect-")
    if "pytest" in sys.modules:
        atexit.register(functools.partial(shutil.rmtree, os.environ[ROOT_VARIABLE], ignore_errors=True))
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="home-", dir=os.environ[ROOT_VARIABLE])
os.environ.pop("PREFECT_API_URL", None)
# `arabic-llm run` in a test reports to a temporary server that dies with the test process, never to
# one started in the background (which would outlive the session); tests/ops/test_server.py covers that.
os.environ["ARABIC_LLM_PREFECT_SERVER"] = "temporary"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"  # beside the project; CI has it too
