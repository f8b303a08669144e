"""`arabic-llm serve`: the nightly deployment, its schedule and parameters (no server is started)."""

from __future__ import annotations

from pathlib import Path

import prefect

from arabic_llm.ops import cli
from flows.nightly import build_deployment, nightly


def test_deployment_carries_the_cron_schedule_and_the_run_parameters(tmp_path: Path):
    deployment = build_deployment(None, ["download.wikipedia=latest"], str(tmp_path / "store"), "0 3 * * *", "n1")
    assert deployment.name == "n1" and deployment.flow_name == nightly.name
    [schedule] = deployment.schedules
    assert schedule.schedule.cron == "0 3 * * *"
    assert deployment.parameters == {"config_path": None, "overrides": ["download.wikipedia=latest"],
                                     "store": str((tmp_path / "store").resolve())}


def test_serve_registers_the_deployment_against_the_latest_dump(tmp_path: Path, monkeypatch, capsys):
    served = []
    monkeypatch.setattr(prefect, "serve", lambda *deployments: served.extend(deployments))
    assert cli.main(["serve", "--store", str(tmp_path / "s"), "--set", "shards.seq_len=64"]) == 0
    [deployment] = served
    assert deployment.schedules[0].schedule.cron == "0 2 * * *"
    # The embedded default reads the builtin sample: nightly switches it to the newest published dump.
    assert deployment.parameters["overrides"] == ["shards.seq_len=64", "download.wikipedia=latest"]
    assert "cron '0 2 * * *'" in capsys.readouterr().out


def test_dry_run_serves_nothing(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(prefect, "serve", lambda *d: (_ for _ in ()).throw(AssertionError("served")))
    assert cli.main(["serve", "--dry-run", "--store", str(tmp_path), "--set",
                     "download.wikipedia=https://mirror.example/dumps", "--cron", "30 1 * * *"]) == 0
