"""The Prefect server a run reports to: one already running, or one left running in the background.

Starting Prefect's temporary server costs about 10 s per run, more than a no-op run itself. So
``arabic-llm run`` looks for a server in this order:

1. ``PREFECT_API_URL``, if set: used as it is;
2. the server recorded in ``PREFECT_HOME`` (``arabic-llm-server.json``: its URL, pid and who started
   it, ``arabic-llm ui`` or a run), if its process lives and ``/api/health`` answers;
3. a new server started in the background, recorded the same way: it stays for the next runs and
   serves the UI (``arabic-llm server stop`` ends it);
4. a temporary server that dies with the run: with ``--ephemeral``, with ``ARABIC_LLM_PREFECT_SERVER=temporary``
   (the tests), under CI (``CI`` set), or when the background start fails.

Nothing here imports Prefect: the server runs in its own process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from arabic_llm.cache.store import pid_alive

RECORD_FILE = "arabic-llm-server.json"
LOG_FILE = "arabic-llm-server.log"
DEFAULT_PORT = 4200  # Prefect's usual port: the background server is the UI too
START_TIMEOUT = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))


class ServerError(RuntimeError):
    """A server could not be started (the message says why and where its log is)."""


def prefect_home() -> Path:
    """PREFECT_HOME as Prefect reads it from the environment (default ``~/.prefect``)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # a local server: never via a proxy


def healthy(url: str, timeout: float = 2.0) -> bool:
    """Does a Prefect API answer at ``url`` (``http://host:port``)?"""
    try:
        with _DIRECT.open(f"{url}/api/health", timeout=timeout) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def write_record(url: str, pid: int, started_by: str, home: Path | None = None) -> Path:
    home = home or prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    path = home / RECORD_FILE
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"url": url, "pid": pid, "started_by": started_by, "started": time.time()}) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)
    return path


def recorded_server(home: Path | None = None, check_health: bool = True) -> dict | None:
    """The recorded server if its process lives (and, with ``check_health``, its API answers);
    a record whose process is gone is removed."""
    path = (home or prefect_home()) / RECORD_FILE
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        pid, url = int(info["pid"]), str(info["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not pid_alive(pid):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return None
    if check_health and not healthy(url):
        return None
    return info


def _free_port(host: str, preferred: int) -> int:
    for port in (preferred, 0):  # Prefect's port if free, else any
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise ServerError(f"no free port on {host}")


def _wait_healthy(url: str, process: subprocess.Popen, log: Path | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if healthy(url, timeout=1.0):
            return
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log and log.exists() else ""
            raise ServerError(f"the Prefect server exited with code {process.returncode}" +
                              (f"; its log ({log}) ends:\n{tail}" if tail else ""))
        time.sleep(0.2)
    raise ServerError(f"the Prefect server at {url} did not answer within {timeout:.0f} s" +
                      (f"; see {log}" if log else ""))


def _prefect_command() -> str:
    import shutil

    return shutil.which("prefect") or str(Path(sys.executable).with_name("prefect"))


def start_background(host: str = "127.0.0.1", port: int = DEFAULT_PORT, timeout: float = START_TIMEOUT) -> dict:
    """Start ``prefect server start`` (API and UI) detached from this process, record it, and wait
    until it answers. Under a lock: runs started together start one server."""
    import fcntl

    home = prefect_home()
    home.mkdir(parents=True, exist_ok=True)
    with open(home / f"{RECORD_FILE}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        running = recorded_server(home)
        if running is not None:
            return running
        port = _free_port(host, port)
        url = f"http://{host}:{port}"
        log = home / LOG_FILE
        env = {**os.environ, "PREFECT_UI_API_URL": f"{url}/api"}  # the UI finds its API on this port
        with open(log, "ab") as out:
            process = subprocess.Popen([_prefect_command(), "server", "start", "--host", host, "--port", str(port)],
                                       stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                                       start_new_session=True)  # not killed with the terminal of this run
        write_record(url, process.pid, "run", home)
        try:
            _wait_healthy(url, process, log, timeout)
        except ServerError:
            stop_server(home)
            raise
        return recorded_server(home, check_health=False) or {"url": url, "pid": process.pid, "started_by": "run"}


def stop_server(home: Path | None = None, timeout: float = 15.0) -> dict | None:
    """Stop the recorded server (SIGTERM, then SIGKILL); the record is removed. None if none ran."""
    home = home or prefect_home()
    info = recorded_server(home, check_health=False)
    if info is None:
        return None
    pid = int(info["pid"])
    with contextlib.suppress(ProcessLookupError):
        # A background server leads its own process group (with any helper processes it starts).
        group = info.get("started_by") == "run" and os.getpgid(pid) == pid
        kill = (lambda sig: os.killpg(pid, sig)) if group else (lambda sig: os.kill(pid, sig))
        kill(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while pid_alive(pid) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reap it when this process started it (the tests)
            time.sleep(0.1)
        if pid_alive(pid):
            kill(signal.SIGKILL)
    with contextlib.suppress(FileNotFoundError):
        (home / RECORD_FILE).unlink()
    return info


# The temporary server: Prefect's own command (API only, ephemeral mode), in a child that receives
# SIGTERM when this process dies, however it dies (Linux): a killed run leaves no server behind.
_DIE_WITH_PARENT = """
import ctypes, os, signal, sys
parent = int(sys.argv[1])
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass  # not Linux: the run's exit handler still stops it
if os.getppid() != parent:  # the parent died before prctl took effect
    sys.exit(0)
os.execv(sys.executable, [sys.executable] + sys.argv[2:])
"""


class TemporaryServer:
    """A Prefect API server for this process (one run of the CLI), stopped when it exits and killed
    if it is killed."""

    def __init__(self, timeout: float = START_TIMEOUT):
        self.timeout = timeout
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> str:
        import prefect
        from prefect.settings import get_current_settings

        port = _free_port("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{port}"
        uvicorn = ["-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).parent.parent), "--factory",
                   "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "error", "--lifespan", "on"]
        env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True),
               "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        self.process = subprocess.Popen([sys.executable, "-c", _DIE_WITH_PARENT, str(os.getpid()), *uvicorn],
                                        env=env, stdin=subprocess.DEVNULL)
        try:
            _wait_healthy(self.url, self.process, None, self.timeout)
        except ServerError:
            self.stop()
            raise
        return self.url

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


_TEMPORARY: TemporaryServer | None = None


def temporary_server_url() -> str:
    """The URL of this process's temporary server, started on first use (like Prefect's own)."""
    global _TEMPORARY
    if _TEMPORARY is None or _TEMPORARY.process is None or _TEMPORARY.process.poll() is not None:
        import atexit

        server = TemporaryServer()
        server.start()
        atexit.register(server.stop)
        _TEMPORARY = server
    return _TEMPORARY.url
