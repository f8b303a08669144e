"""The Prefect UI in a real browser: `arabic-llm ui` serves it; a toy flow run shows with its stage task
runs and their states; a real tiny pipeline run shows its task graph, stage states, stage logs and
artifacts (tables, the report with its figures). Needs Debian's chromium (`.ci/run` installs it);
skips without it."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1] / "helpers"  # toy flows run as scripts
ROOT = HERE.parents[1]
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


# The tiny config cut as in tests/pipeline/test_pipeline.py: two training steps each, small evaluation.
FAST = ["train_msa.max_steps=2", "train_dialects.max_steps=2", "evaluate.max_docs_per_dialect=4",
        "bias_audit.max_pairs=8", "evaluate.max_examples=2", "evaluate.noise_levels=[0.0,0.5]",
        "evaluate.robustness_examples=2", "evaluate.max_new_tokens=4"]


def graph_node_rows(png: bytes) -> int:
    """Rows of Completed-green nodes in a screenshot of the run graph's canvas (its bottom state bar left out)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    px = image.load()
    green = [any(g > 120 and g > r + 50 and g > b + 50 for r, g, b in (px[x, y] for x in range(0, width, 2)))
             for y in range(int(height * 0.9))]
    return sum(1 for y in range(1, len(green)) if green[y] and not green[y - 1]) + int(bool(green and green[0]))


def scroll_to(page, locator, timeout: float = 60) -> None:
    """Scroll the page down until ``locator`` (a line of a virtualised list) is visible."""
    from playwright.sync_api import expect

    deadline = time.time() + timeout
    while not (locator.count() and locator.first.is_visible()):
        assert time.time() < deadline, f"not shown after scrolling for {timeout:.0f}s: {locator}"
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(200)
    expect(locator.first).to_be_visible()


def open_tab(page, name: str):
    page.get_by_role("tablist").get_by_text(name, exact=True).click()
    return page.get_by_role("tabpanel")


def run_tiny_pipeline(store: Path, env: dict, *flags: str) -> dict:
    """`arabic-llm run` on the tiny config, reporting to the UI's server (PREFECT_API_URL in ``env``)."""
    args = [sys.executable, "-m", "arabic_llm.ops.cli", "run", "-c", str(ROOT / "configs" / "tiny.yaml"),
            "--store", str(store), *flags]
    for item in FAST:
        args += ["--set", item]
    done = subprocess.run(args, check=False, env=env, capture_output=True, text=True, timeout=1500, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads((store / "runs" / "latest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_pipeline_run_shows_its_graph_stages_logs_and_report_in_the_browser(ui_server, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    url, env, _ = ui_server
    store = tmp_path / "store"
    # Cold, then warm (seconds; --force-flow: with nothing to run, `run` would start no flow run).
    runs = [run_tiny_pipeline(store, env), run_tiny_pipeline(store, env, "--force-flow")]
    for record, outcome in zip(runs, ("ran", "cached")):
        assert {s: i["outcome"] for s, i in record["stages"].items()} == {s: outcome for s in record["stages"]}
    shots = Path(os.environ.get("ARABIC_LLM_TEST_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CLOSED_NETWORK_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for record in runs:
            check_pipeline_run_page(page, url, store, record, shots)
        browser.close()
    print(f"screenshots in {shots}")


def check_pipeline_run_page(page, url: str, store: Path, record: dict, shots: Path) -> None:
    """The run's page: Completed, its graph, each stage's task run and log line, the stage table and the
    report's figures (the store's report.md names its figure files; the UI's copy embeds them)."""
    from playwright.sync_api import expect

    stages = list(record["stages"])
    outcome = record["stages"]["report"]["outcome"]  # every stage's, checked by the caller
    state, shot = {"ran": "Completed", "cached": "Cached"}[outcome], f"{shots}/prefect-ui-pipeline-{outcome}"
    report_md = (store / record["stages"]["report"]["artifact"] / "data" / "report.md").read_text(encoding="utf-8")
    figures = re.findall(r"!\[[^\]]*\]\((fig[\w-]+\.png)\)", report_md)
    assert figures and "](data:" not in report_md
    run_page = f"{url}/runs/flow-run/{record['flow_run_id']}"
    page.goto(run_page, wait_until="domcontentloaded")
    expect(page.locator(".state-badge").first).to_have_text("Completed", timeout=60_000)  # the flow run's
    expect(page.get_by_text(f"{len(stages)} Task runs", exact=True)).to_be_visible(timeout=60_000)
    # The task graph the page draws comes from this endpoint: every stage a node, in state, with its edges.
    with urllib.request.urlopen(f"{url}/api/flow_runs/{record['flow_run_id']}/graph-v2", timeout=30) as r:
        nodes = {n["label"]: n for _, n in json.load(r)["nodes"]}
    assert sorted(nodes) == sorted(stages) and {n["state_type"] for n in nodes.values()} == {"COMPLETED"}
    label = {n["id"]: n["label"] for n in nodes.values()}
    parents = {name: {label[p["id"]] for p in n["parents"]} for name, n in nodes.items()}
    assert parents["download"] == set() and parents["clean"] == {"download"}
    assert parents["shards"] == {"data_audit", "tokenizer"} and {"evaluate", "bias_audit"} <= parents["report"]
    # It is drawn on a canvas (names and edges are not in the page): rows of green nodes show it drew them.
    canvas = page.locator("canvas").first
    expect(canvas).to_be_visible(timeout=60_000)
    deadline = time.time() + 60
    while (rows := graph_node_rows(canvas.screenshot())) < 3:  # lanes depend on layout: 7 to 10 seen
        assert time.time() < deadline, f"the run graph shows {rows} rows of green nodes"
        page.wait_for_timeout(500)
    page.screenshot(path=f"{shot}-graph.png")

    task_runs = open_tab(page, "Task Runs")
    expect(task_runs.get_by_text(state, exact=True)).to_have_count(len(stages), timeout=60_000)
    for stage in stages:
        expect(task_runs.get_by_text(stage, exact=True)).to_be_visible()
    page.screenshot(path=f"{shot}-task-runs.png", full_page=True)

    # Logs, oldest first: every stage's summary line, and (when they ran) the training progress.
    logs = open_tab(page, "Logs")
    for stage in stages:
        if stage.startswith("train_") and outcome == "ran":
            scroll_to(page, logs.get_by_text(re.compile(rf"^\[{stage} .*\] step 2/2 loss \d")))
        scroll_to(page, logs.get_by_text(f"stage {stage} {outcome} in "))
        if stage == "download":
            page.screenshot(path=f"{shot}-logs.png")

    # Artifacts: the stage table, then the report with its figures loaded.
    open_tab(page, "Artifacts")
    page.get_by_text("arabic-llm-stages", exact=True).click()
    for stage in stages:  # a row per stage: its name and outcome
        row = page.get_by_role("row").filter(has=page.get_by_text(stage, exact=True))
        expect(row.get_by_text(outcome, exact=True)).to_be_visible(timeout=60_000)
    page.screenshot(path=f"{shot}-stage-table.png", full_page=True)
    page.goto(run_page, wait_until="domcontentloaded")
    open_tab(page, "Artifacts")
    page.get_by_text("arabic-llm-report", exact=True).click()
    images = page.locator('img[alt^="Fig. "]')
    expect(images).to_have_count(len(figures), timeout=60_000)
    page.wait_for_function("n => [...document.querySelectorAll('img[alt^=\"Fig. \"]')]"
                           ".filter(i => i.complete && i.naturalWidth > 0).length === n", arg=len(figures))
    for image in images.all():
        image.scroll_into_view_if_needed()
        box = image.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, box
    images.first.scroll_into_view_if_needed()
    page.screenshot(path=f"{shot}-report-figure.png")
