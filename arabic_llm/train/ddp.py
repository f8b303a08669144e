"""Data-parallel QLoRA training: one process per GPU (DDP), launched through HuggingFace accelerate.

The Prefect flow stays one process. With ``runtime.train_processes: N`` (N > 1) a training stage
writes its :class:`~arabic_llm.train.job.TrainingJob` as JSON to ``ddp-job.json`` in its work area
and runs

    accelerate launch --multi_gpu --num_processes N -m arabic_llm.train.ddp ddp-job.json

(the torchrun launcher; on a machine without GPUs the ranks run on CPU over gloo). Every rank
loads the 4-bit base on its own device, wraps the step's loss module in DistributedDataParallel
(only the LoRA weights are synchronised) and trains on its share of each optimiser step's
micro-batches (``train.rows.RankShare``); rank 0 alone writes metrics, checkpoints and the adapter,
and its summary goes back to the stage, which commits the artifact as in a one-process run.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from arabic_llm.layout import METRICS_FILE
from arabic_llm.train.job import TrainingJob
from arabic_llm.train.parallel import die_with_parent

WORKER_MODULE = "arabic_llm.train.ddp"
JOB_FILE = "ddp-job.json"
SUMMARY_FILE = "ddp-summary.json"
LOG_FILE = "ddp.log"


# ------------------------------------------------------------------ the launch


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def training_device(processes: int) -> str:
    """``cuda`` (one GPU per process) when GPUs are visible, else ``cpu``; refuses too few GPUs."""
    import torch

    if not torch.cuda.is_available():
        return "cpu"
    visible = torch.cuda.device_count()
    if visible < processes:
        raise ValueError(f"runtime.train_processes={processes} but {visible} GPU(s) are visible; "
                         f"DDP runs one process per GPU. Fix: set runtime.train_processes to at most {visible}")
    return "cuda"


def launch_command(job_file: Path, processes: int, device: str, module: str = WORKER_MODULE) -> list[str]:
    """The ``accelerate launch`` command line that runs ``module job_file`` on ``processes`` ranks."""
    threads = max(1, (os.cpu_count() or 1) // processes) if device == "cpu" else 1
    return [sys.executable, "-m", "accelerate.commands.launch", "--multi_gpu", "--num_processes", str(processes),
            "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
            "--num_cpu_threads_per_process", str(threads), "--main_process_port", str(_free_port()),
            "-m", module, str(job_file)]


def launch_training(job: TrainingJob, processes: int, work_dir: Path | None, *,
                    on_step: Callable[[int], None] | None = None, module: str = WORKER_MODULE,
                    poll_s: float = 0.5) -> dict:
    """Run the recipe on ``job`` in ``processes`` data-parallel ranks; rank 0's summary.

    The job, the ranks' log and the summary go to ``work_dir`` (a temporary directory when None).
    ``on_step`` is called in this process as rank 0's ``metrics.jsonl`` grows. A failed rank ends
    the launch (torchrun stops the others) and raises with the log's tail; an exception here
    (a cancelled stage) stops every rank.
    """
    device = training_device(processes)
    with contextlib.ExitStack() as stack:
        if work_dir is None:
            work_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="arabic-llm-ddp-")))
        work_dir = Path(work_dir)
        work_dir.mkdir(parents=True, exist_ok=True)
        summary_path, log_path = work_dir / SUMMARY_FILE, work_dir / LOG_FILE
        for stale in [summary_path, *(_error_file(work_dir, r) for r in range(processes))]:
            stale.unlink(missing_ok=True)
        job_file = work_dir / JOB_FILE
        job_file.write_text(job.model_dump_json(indent=1), encoding="utf-8")
        metrics = job.out_dir / METRICS_FILE
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with log_path.open("wb") as log:
            proc = subprocess.Popen(launch_command(job_file, processes, device, module), stdout=log,
                                    stderr=subprocess.STDOUT, env=env, start_new_session=True,
                                    preexec_fn=die_with_parent)
            try:
                seen = 0
                while proc.poll() is None:
                    time.sleep(poll_s)
                    seen = _report_steps(metrics, seen, on_step)
                _report_steps(metrics, seen, on_step)
            finally:
                if proc.poll() is None:  # interrupted here: take every rank down with the launcher
                    os.killpg(proc.pid, 9)
                    proc.wait()
        if proc.returncode != 0 or not summary_path.is_file():
            errors = [f"rank {r}: {_error_file(work_dir, r).read_text(encoding='utf-8')}" for r in range(processes)
                      if _error_file(work_dir, r).is_file()]
            tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
            raise RuntimeError(f"{job.where}: data-parallel training on {processes} processes "
                               f"failed: {'; '.join(errors) or f'exit status {proc.returncode}'}\n"
                               f"{log_path} ends:\n" + "\n".join(tail))
        return json.loads(summary_path.read_text(encoding="utf-8"))


def _error_file(work_dir: Path, rank: int) -> Path:
    return Path(work_dir) / f"ddp-error-rank{rank}.txt"


def _report_steps(metrics: Path, seen: int, on_step: Callable[[int], None] | None) -> int:
    if on_step is None or not metrics.is_file():
        return seen
    done = sum(1 for line in metrics.read_text(encoding="utf-8").splitlines() if line.endswith("}"))
    for step in range(seen + 1, done + 1):
        on_step(step)
    return max(seen, done)


# ------------------------------------------------------------------ the worker


def run_job(job_file: Path) -> dict:
    """One rank of a launch: the recipe on the job the file holds; rank 0 writes the summary beside it."""
    import torch

    from arabic_llm.train.parallel import DataParallel
    from arabic_llm.train.qlora import train_qlora

    die_with_parent()  # the launcher (torchrun's agent)
    job_file = Path(job_file)
    job = TrainingJob.model_validate_json(job_file.read_text(encoding="utf-8"))
    try:
        # The launcher checked that every rank has a GPU when there are any (training_device).
        parallel = DataParallel.start("cuda" if torch.cuda.is_available() else "cpu")
        summary = train_qlora(job, parallel=parallel)
    except Exception as exc:  # the launching stage reports it, by rank, instead of torchrun's summary
        rank = os.environ.get("RANK", "0")
        _error_file(job_file.parent, int(rank)).write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
        raise
    if parallel.rank == 0:
        summary_path = job_file.parent / SUMMARY_FILE
        tmp = summary_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(summary, sort_keys=True), encoding="utf-8")
        os.replace(tmp, summary_path)
    parallel.barrier()
    parallel.accelerator.end_training()  # destroys the process group before exit
    return summary


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(f"usage: python -m {WORKER_MODULE} {JOB_FILE} (started by accelerate launch)", file=sys.stderr)
        return 2
    run_job(Path(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
