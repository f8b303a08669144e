"""The everyday commands: `arabic-llm status` against DVC's no-op on a 12-stage chain, and a warm
no-op `arabic-llm run` with a local Prefect server running and without one.

Same machine, same run, each figure a fresh process, several repeats (median, and every repeat):

- DVC: a 12-stage chain (each stage copies its predecessor's output) in a temporary repository,
  reproduced once, then timed: the no-op `dvc repro` and `dvc status`. DVC comes from its own
  virtual environment (--dvc, default /tmp/dvc-venv/bin/dvc; created with `python -m venv` and
  `pip install dvc` if absent). It is never a dependency of this project.
- `arabic-llm status` on the unchanged default DAG: a warm store (one `run` first, in a temporary
  directory, or --store DIR of an earlier run of the same code), every stage up-to-date.
- a warm no-op `arabic-llm run`: as users run it (every stage verified against the store, so no
  Prefect flow run starts), and with `--force-flow` (the Prefect flow with every task Cached) with the
  background server running (`arabic-llm server start`) and with `--ephemeral` (a temporary server).

- optionally the same two commands from an earlier checkout (--baseline-src DIR, for example
  `git worktree add --detach /tmp/base a8825d0`), against the same store, which must then hold that
  code's artifacts too (run it once from there); it reports to a temporary server, as it always did.

Usage: python benchmarks/bench_status.py [--repeats N] [--store DIR] [--config FILE] [--no-run] [--baseline-src DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHAIN = 12
DVC_VENV = Path("/tmp/dvc-venv")


CPU: dict[int, float] = {}  # id of a list of wall times -> CPU seconds of the same processes


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict, cwd: Path | None = None) -> tuple[float, str, float]:
    """Wall seconds, stdout, and CPU seconds (user + system) of the command and the children it waited for."""
    cpu, started = _cpu(), time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds, proc.stdout, _cpu() - cpu


def repeat(cmd: list[str], env: dict, repeats: int, cwd: Path | None = None) -> list[float]:
    results = [timed(cmd, env, cwd) for _ in range(repeats)]
    walls = [wall for wall, _, _ in results]
    CPU[id(walls)] = statistics.median(cpu for _, _, cpu in results)
    return walls


def dvc_executable(given: str | None) -> str:
    if given:
        return given
    dvc = DVC_VENV / "bin" / "dvc"
    if not dvc.exists():
        print(f"installing DVC into {DVC_VENV} (a throwaway venv, not this project's)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(DVC_VENV)], check=True)
        subprocess.run([str(DVC_VENV / "bin" / "pip"), "install", "-q", "dvc"], check=True)
    return str(dvc)


def dvc_chain(root: Path, dvc: str, env: dict) -> None:
    """A 12-stage chain: stage i copies stage i-1's output (stage 1 copies a 1 MB source)."""
    root.mkdir(parents=True)
    subprocess.run([dvc, "init", "--no-scm", "-q"], cwd=root, env=env, check=True)
    (root / "source.bin").write_bytes(os.urandom(1 << 20))
    lines = ["stages:"]
    previous = "source.bin"
    for i in range(1, CHAIN + 1):
        out = f"out{i:02d}.bin"
        lines += [f"  s{i:02d}:", f"    cmd: cp {previous} {out}", f"    deps: [{previous}]", f"    outs: [{out}]"]
        previous = out
    (root / "dvc.yaml").write_text("\n".join(lines) + "\n")
    timed([dvc, "repro", "-q"], env, root)


def figure(label: str, times: list[float]) -> float:
    median = statistics.median(times)
    print(f"{label:<48} {median:6.2f} s  (CPU {CPU[id(times)]:5.2f} s)  {[round(t, 2) for t in times]}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--store", type=Path, help="a warm store of this code's default run (else one is built)")
    parser.add_argument("--config", type=Path, help="time this config's DAG instead of the default's (same 16 stages; "
                        "configs/tiny.yaml builds its warm store in 2-3 minutes instead of 15)")
    parser.add_argument("--dvc", help="the dvc executable (default: /tmp/dvc-venv/bin/dvc, installed if absent)")
    parser.add_argument("--no-run", action="store_true", help="skip the warm no-op run figures")
    parser.add_argument("--baseline-src", type=Path, help="an earlier checkout to time side by side (same store)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="arabic-llm-bench-status-"))
    env = {**os.environ, "PREFECT_HOME": str(work / "prefect-home"), "PREFECT_LOGGING_LEVEL": "WARNING",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    for name in ("PREFECT_API_URL", "ARABIC_LLM_PREFECT_SERVER", "CI"):
        env.pop(name, None)
    cli = [sys.executable, "-m", "arabic_llm.ops.cli"]
    chosen = ["--config", str(args.config.resolve())] if args.config else []
    dvc = dvc_executable(args.dvc)
    version = subprocess.run([dvc, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start; DVC {version}")

    store = args.store
    if store is None:
        store = work / "store"
        print(f"building the warm store (one run of {args.config or 'the default config'}) ...", flush=True)
        timed([*cli, "run", *chosen, "--ephemeral", "--store", str(store)], env)
    _, out, _ = timed([*cli, "status", *chosen, "--store", str(store)], env)
    stale = [line for line in out.splitlines() if "will-run" in line]
    if stale:
        sys.exit(f"{store} is not up to date with this code (run `arabic-llm run --store {store}` first):\n" +
                 "\n".join(stale))

    dvc_chain(work / "dvc", dvc, env)
    dvc_repro = repeat([dvc, "repro"], env, args.repeats, work / "dvc")
    dvc_status = repeat([dvc, "status"], env, args.repeats, work / "dvc")
    status = repeat([*cli, "status", *chosen, "--store", str(store)], env, args.repeats)
    if args.baseline_src:
        base_env = {**env, "PYTHONPATH": str(args.baseline_src.resolve()), "PREFECT_HOME": str(work / "base-home")}
        base = [sys.executable, "-m", "arabic_llm.ops.cli"]
        base_status = repeat([*base, "status", *chosen, "--store", str(store)], base_env, args.repeats, args.baseline_src)

    print()
    repro_s = figure(f"dvc repro, no-op, {CHAIN}-stage chain (median)", dvc_repro)
    figure(f"dvc status, {CHAIN}-stage chain (median)", dvc_status)
    status_s = figure(f"arabic-llm status, unchanged {args.config.name if args.config else 'default'} DAG", status)
    if args.baseline_src:
        figure(f"  the same at {args.baseline_src}", base_status)
    print(f"{'status / dvc repro no-op (wall)':<48} {status_s / repro_s:6.2f}    (goal: <= 1.0, and status <= 1 s)")

    if not args.no_run:
        run = [*cli, "run", *chosen, "--store", str(store)]
        nothing_to_run = repeat(run, env, args.repeats)  # every stage verified: no Prefect flow run
        timed([*cli, "server", "start", "--port", "0"], env)
        try:
            with_server = repeat([*run, "--force-flow"], env, args.repeats)
        finally:
            timed([*cli, "server", "stop"], env)
        ephemeral = repeat([*run, "--force-flow", "--ephemeral"], env, max(2, args.repeats // 2))
        if args.baseline_src:
            base_run = [*base, "run", *chosen, "--store", str(store)]
            timed(base_run, base_env, args.baseline_src)  # creates its Prefect database: not timed
            base_runs = repeat(base_run, base_env, max(2, args.repeats // 2), args.baseline_src)
        print()
        figure("warm no-op run (every stage verified, no flow run)", nothing_to_run)
        figure("warm no-op run --force-flow, local server running", with_server)
        figure("warm no-op run --force-flow --ephemeral (temporary server)", ephemeral)
        if args.baseline_src:
            figure(f"  warm no-op run at {args.baseline_src}", base_runs)
        print("(goals: <= 3 s with a server running; no worse than the 13 s of a temporary server before; the CPU\n"
              " figure of a run against the running server leaves out the server's own CPU)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
