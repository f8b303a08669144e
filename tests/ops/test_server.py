"""The Prefect server a run reports to: reuse a recorded one, start one in the background, stop it;
a temporary server dies with the process that started it, even a killed one.

Every test uses its own PREFECT_HOME, and stops what it starts.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from arabic_llm.ops import cli, server


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "prefect-home"
    monkeypatch.setenv("PREFECT_HOME", str(path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    yield path
    server.stop_server(path)  # whatever a failing test left behind


@pytest.fixture
def health_endpoint():
    """A local HTTP server answering /api/health as Prefect's does (and 404 elsewhere)."""

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            ok = self.path == "/api/health"
            self.send_response(200 if ok else 404)
            self.end_headers()
            self.wfile.write(b"true" if ok else b"")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def holder():
    """A live process to stand in as a recorded server's pid (stopping it must not stop the tests)."""
    process = subprocess.Popen(["sleep", "600"])
    yield process.pid
    process.kill()
    process.wait()


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        with_child = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
        if with_child.stdout.strip().startswith("Z"):  # exited, not yet reaped by its (dead) parent's heir
            return True
        time.sleep(0.2)
    return False


def test_a_run_reports_to_the_recorded_server_when_it_answers(home, health_endpoint, holder):
    server.write_record(health_endpoint, holder, "ui")
    assert cli.prefect_server_for_run() == f"{health_endpoint}/api"


def test_prefect_api_url_wins_over_any_recorded_server(home, health_endpoint, holder, monkeypatch):
    server.write_record(health_endpoint, holder, "ui")
    monkeypatch.setenv("PREFECT_API_URL", "http://10.0.0.9:4200/api")
    assert cli.prefect_server_for_run() is None  # Prefect reads the variable itself


def test_a_record_whose_process_died_is_dropped(home, health_endpoint):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    server.write_record(health_endpoint, dead.pid, "run")
    assert server.recorded_server() is None
    assert not (home / server.RECORD_FILE).exists()


def test_a_server_that_does_not_answer_is_not_used(home, holder):
    server.write_record("http://127.0.0.1:9", holder, "ui")  # alive process, nothing listening
    assert server.recorded_server() is None
    assert (home / server.RECORD_FILE).exists()  # its process lives: maybe still starting


def test_ui_points_at_a_running_server_instead_of_starting_another(home, health_endpoint, holder, capsys):
    server.write_record(health_endpoint, holder, "ui")
    port = health_endpoint.rsplit(":", 1)[1]
    assert cli.main(["ui", "--port", port]) == 0
    assert f"Prefect UI: {health_endpoint} (already running, started by ui" in capsys.readouterr().out
    assert cli.main(["ui", "--port", "1"]) == 2  # another port: stop the running one first
    assert "arabic-llm server stop" in capsys.readouterr().out


def test_server_status_start_stop_with_a_real_background_server(home, capsys):
    assert cli.main(["server", "status"]) == 3
    assert cli.main(["server", "start", "--port", "0"]) == 0
    info = json.loads((home / server.RECORD_FILE).read_text())
    assert info["started_by"] == "run" and server.healthy(info["url"])
    assert server.start_background()["pid"] == info["pid"]  # reused, not started twice
    assert cli.main(["server", "status"]) == 0
    assert info["url"] in capsys.readouterr().out
    assert cli.main(["server", "stop"]) == 0
    assert _gone(info["pid"], within=20)
    assert not (home / server.RECORD_FILE).exists() and not server.healthy(info["url"], timeout=0.5)
    assert cli.main(["server", "stop"]) == 0
    assert "no Prefect server recorded" in capsys.readouterr().out


KILLED_RUN = """
import sys, time
from arabic_llm.ops import server
server.temporary_server_url()
print(server._TEMPORARY.process.pid, server._TEMPORARY.url, flush=True)
time.sleep(600)
"""


def test_a_temporary_server_dies_with_a_killed_run(home):
    run = subprocess.Popen([sys.executable, "-c", KILLED_RUN], stdout=subprocess.PIPE, text=True)
    try:
        pid, url = run.stdout.readline().split()
        assert server.healthy(url)
    finally:
        run.send_signal(signal.SIGKILL)  # no exit handler runs
        run.wait()
    assert _gone(int(pid), within=20), "the temporary server outlived the killed run"


def test_ephemeral_never_reports_to_the_recorded_server(home, health_endpoint, holder):
    server.write_record(health_endpoint, holder, "ui")
    try:
        url = cli.prefect_server_for_run(ephemeral=True)
        assert url != f"{health_endpoint}/api" and url == f"{server._TEMPORARY.url}/api"
        assert server.healthy(server._TEMPORARY.url)  # a real temporary server of this process
    finally:
        if server._TEMPORARY is not None:
            server._TEMPORARY.stop()
