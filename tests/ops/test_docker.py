"""What can be checked of docker/ without a Docker engine: the compose file validates, its commands
parse with the CLI, published ports bind 127.0.0.1, and the Dockerfiles copy and install what exists."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from arabic_llm.ops.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker" / "compose.yaml"
DOCKERFILES = [ROOT / "docker" / "Dockerfile", ROOT / "docker" / "Dockerfile.cuda"]
INSTRUCTIONS = {"FROM", "ARG", "ENV", "WORKDIR", "RUN", "COPY", "ADD", "USER", "ENTRYPOINT", "CMD", "EXPOSE",
                "LABEL", "VOLUME", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "ONBUILD"}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_has_the_whole_system():
    services = compose()["services"]
    assert {"postgres", "prefect-server", "minio", "dask-scheduler", "dask-worker", "runner"} <= set(services)
    server = services["prefect-server"]
    assert server["environment"]["ARABIC_LLM_DATABASE_URL"].startswith("postgresql+asyncpg://prefect:")


def test_compose_publishes_ports_on_localhost_only():
    for name, service in compose()["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name}: {port}"


def test_compose_commands_parse_with_the_cli():
    for name, service in compose()["services"].items():
        command = service.get("command")
        if service.get("image") == "arabic-llm:latest" and command:
            args = build_parser().parse_args(command)
            if args.command == "run":
                assert args.store.startswith("s3://") and args.dask_address == "tcp://dask-scheduler:8786"


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfile_syntax_copies_and_extras(dockerfile: Path):
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert lines[0].startswith(("FROM ", "ARG "))
    for line in lines:
        assert line.split()[0] in INSTRUCTIONS, line
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), f"{dockerfile.name}: COPY {source}: no such path"
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    installs = re.findall(r'pip install "\.\[([a-z,]+)\]"', text)
    assert installs and all(e in extras for group in installs for e in group.split(","))
    assert 'ENTRYPOINT ["arabic-llm"]' in lines and any(line.startswith("USER ") for line in lines)


def test_compose_config_validates():
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        cmd = ["docker", "compose"]
    elif shutil.which("docker-compose"):
        cmd = ["docker-compose"]
    else:
        pytest.skip("no docker compose (Debian: apt-get install docker-compose)")
    done = subprocess.run(cmd + ["-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
