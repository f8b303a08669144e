"""The Prefect UI in a real browser: `arabic-llm ui` serves it, a toy flow run shows with its stage
task runs and their states. Needs Debian's chromium (`.ci/run` installs it); skips without it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1] / "helpers"  # toy flows run as scripts
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# A closed network: nothing in the background may try to reach Google's services.
CLOSED_NETWORK_FLAGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--no-first-run",
    "--metrics-recording-only",
    "--no-sandbox",  # CI runs as root
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: apt-get install chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"no healthy server at {url} after {timeout:.0f}s")


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    """`arabic-llm ui` on a free port with its own PREFECT_HOME; yields (url, env for clients)."""
    from playwright.sync_api import sync_playwright  # noqa: F401  (a hard dependency of this test)

    tmp_path = tmp_path_factory.mktemp("ui")
    port = free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"),
           "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parents[1])])}
    env.pop("PREFECT_API_URL", None)
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "arabic_llm.ops.cli", "ui", "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server)
        yield url, {**env, "PREFECT_API_URL": f"{url}/api"}, tmp_path / "server.log"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


RUN_TOY = """
import json, sys
from toy_flow import toy_flow
state = toy_flow(store=sys.argv[1], src=sys.argv[2], return_state=True)
print(json.dumps({"flow_run_id": str(state.state_details.flow_run_id), "stages": state.result()}))
"""


def test_ui_binds_localhost_and_prints_its_url(ui_server):
    url, _, log = ui_server
    assert url.startswith("http://127.0.0.1:")
    assert f"Prefect UI: {url}" in log.read_text()
    with urllib.request.urlopen(f"{url}/ui-settings", timeout=10) as r:  # where the browser sends API calls
        assert json.load(r)["api_url"] == f"{url}/api"


def test_flow_run_and_stage_task_runs_show_in_the_browser(ui_server, tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    url, env, _ = ui_server
    src = tmp_path / "src.txt"
    src.write_text("salam", encoding="utf-8")
    runs = []
    for expected in ("ran", "cached"):  # a cold run, then a warm one: its stages show as Cached
        done = subprocess.run([sys.executable, "-c", RUN_TOY, str(tmp_path / "store"), str(src)], env=env,
                              capture_output=True, text=True, timeout=300, cwd=HERE)
        assert done.returncode == 0, done.stderr[-3000:]
        run = json.loads(done.stdout.strip().splitlines()[-1])
        assert {k: v["outcome"] for k, v in run["stages"].items()} == {"toy_upper": expected, "toy_count": expected}
        runs.append(run)

    shots = Path(os.environ.get("ARABIC_LLM_TEST_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CLOSED_NETWORK_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/runs", wait_until="domcontentloaded")
        # The runs page lists both flow runs of the flow named "toy".
        expect(page.get_by_text("toy", exact=True).first).to_be_visible(timeout=60_000)
        for run in runs:
            expect(page.locator(f'a[href="/runs/flow-run/{run["flow_run_id"]}"]')).to_be_visible(timeout=60_000)
        page.screenshot(path=str(shots / "prefect-ui-runs.png"), full_page=True)

        for run, task_state in zip(runs, ("Completed", "Cached")):
            page.goto(f"{url}/runs/flow-run/{run['flow_run_id']}", wait_until="domcontentloaded")
            expect(page.get_by_text("Completed").first).to_be_visible(timeout=60_000)  # the flow run's state
            page.get_by_role("tablist").get_by_text("Task Runs", exact=True).click()
            task_runs = page.get_by_role("tabpanel")
            expect(task_runs.get_by_text(task_state, exact=True)).to_have_count(2, timeout=60_000)  # each stage's
            for stage in ("toy_upper", "toy_count"):
                expect(task_runs.get_by_text(stage, exact=True)).to_be_visible(timeout=60_000)
            page.screenshot(path=str(shots / f"prefect-ui-flow-run-{task_state.lower()}.png"), full_page=True)
        browser.close()
    print(f"screenshots in {shots}")
