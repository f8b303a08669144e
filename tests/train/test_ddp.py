"""Data-parallel QLoRA (arabic_llm.train.ddp): two CPU processes over gloo, launched through accelerate.

The proof that DDP is right: two ranks, each on half of every optimiser step's micro-batches, end
with the adapter one process makes from the same global batch (the mean of the ranks' gradients is
the gradient of the whole batch). Each launch starts two Python processes (about 15-40 s here).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from tiny_training import build_tiny_training_setup

from arabic_llm.config import LoraConfig, MemoryConfig, QuantizationConfig, TrainConfig
from arabic_llm.train.ddp import JOB_FILE, launch_command, launch_training
from arabic_llm.train.job import TrainingJob
from arabic_llm.train.qlora import QLoRARecipe, train_qlora
from arabic_llm.train.rows import RankShare, ResumableOrder, TrainRows, select_rows
from arabic_llm.train.state import list_checkpoints

TESTS = Path(__file__).resolve().parents[1] / "helpers"  # the probe worker runs as a module
PROBE = "ddp_probe_worker"  # the real worker, recording what each rank read and wrote
ROW_LEN = 16
SUBJECTS = ["الولد", "الطالبة", "المعلم", "الوفد", "الطبيب", "المهندسة"]
ACTS = ["ذهب إلى المدرسة في الصباح", "قرأ كتابا عن تاريخ الأندلس", "زار المتحف الوطني في القاهرة",
        "كتب رسالة طويلة إلى صديقه"]
WHEN = ["أمس", "اليوم"]
TEXTS = {"MSA": [f"{w} {s} {a}" for w in WHEN for s in SUBJECTS for a in ACTS]}


def _gloo_missing() -> str | None:
    if not (torch.distributed.is_available() and torch.distributed.is_gloo_available()):
        return "torch.distributed with the gloo backend is not available in this torch build"
    return None


needs_gloo = pytest.mark.skipif(_gloo_missing() is not None, reason=_gloo_missing() or "")


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    return build_tiny_training_setup(tmp_path_factory.mktemp("ddp"), TEXTS, ROW_LEN)


@pytest.fixture
def probe_importable(monkeypatch):
    """The ranks import the probe worker from tests/ (and the project as this process does)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(TESTS), str(TESTS.parents[1]), os.environ.get("PYTHONPATH", "")]))


def train_config(**overrides) -> TrainConfig:
    base = dict(dialects=("MSA",), max_steps=4, micro_batch=2, grad_accum=4, lr=1e-2, warmup_steps=1,
                max_grad_norm=1.0, gradient_checkpointing=True, optimizer="paged_adamw_8bit", loss_chunk=16,
                checkpoint_every=2)
    return TrainConfig(**{**base, **overrides})


def job(setup, out: Path, train: TrainConfig, dropout: float, **fields) -> TrainingJob:
    return TrainingJob(model_dir=str(setup["model"]), tokenizer_dir=str(setup["tok"]), shards_path=setup["shards"],
                       train=train, lora=LoraConfig(r=4, alpha=8, dropout=dropout), quant=QuantizationConfig(),
                       memory=MemoryConfig(gpu_limit_gib=None, ram_limit_gib=None), seed=3, out_dir=out,
                       where="train_msa", **fields)


def adapter(out: Path) -> dict:
    return load_file(str(out / "adapter" / "adapter_model.safetensors"))


def metrics(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]


def probe(work: Path, rank: int) -> dict:
    return json.loads((work / f"probe-rank{rank}.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- pure pieces


def test_rank_shares_split_every_step_disjointly_and_completely():
    order = ResumableOrder(40, 2, seed=7)
    it = iter(order)
    one_process = [next(it) for _ in range(12)]  # 3 steps of grad_accum 4
    shares = [iter(RankShare(order, grad_accum=4, rank=r, world=2)) for r in range(2)]
    for step in range(3):
        rank0 = [next(shares[0]) for _ in range(2)]
        rank1 = [next(shares[1]) for _ in range(2)]
        assert rank0 + rank1 == one_process[4 * step: 4 * step + 4]
        assert not set(sum(rank0, [])) & set(sum(rank1, []))
    resumed = iter(RankShare(ResumableOrder(40, 2, seed=7, start_batch=8), grad_accum=4, rank=1, world=2))
    assert [next(resumed), next(resumed)] == one_process[10:12]  # step 3's second half
    with pytest.raises(ValueError, match="grad_accum=3 is not a multiple of the 2 training processes"):
        RankShare(order, grad_accum=3, rank=0, world=2)


def test_launch_command_and_process_count(monkeypatch, tmp_path):
    cmd = launch_command(tmp_path / "job.json", 4, "cuda")
    assert cmd[1:4] == ["-m", "accelerate.commands.launch", "--multi_gpu"]
    assert cmd[cmd.index("--num_processes") + 1] == "4" and cmd[-3:] == ["-m", "arabic_llm.train.ddp",
                                                                         str(tmp_path / "job.json")]


def test_grad_accum_not_a_multiple_is_refused_before_loading(setup, tmp_path):
    class TwoRanks:  # only what the recipe's constructor asks
        rank, world, device = 0, 2, "cpu"

    with pytest.raises(ValueError, match="train_msa: grad_accum=3 is not a multiple of the 2 training processes"):
        QLoRARecipe(job(setup, tmp_path / "out", train_config(grad_accum=3), 0.0), parallel=TwoRanks())
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- two processes


@needs_gloo
def test_two_processes_train_what_one_process_trains(setup, tmp_path, probe_importable):
    """Same global batch (micro_batch 2 x grad_accum 4): one process does 4 micro-batches a step,
    each of two ranks 2; no dropout, so the only difference left is float summation order."""
    train = train_config()
    one = train_qlora(job(setup, tmp_path / "one", train, 0.0), progress=False)
    steps = []
    two_job = job(setup, tmp_path / "two", train, 0.0, checkpoint_dir=tmp_path / "ck")
    two = launch_training(two_job, 2, tmp_path / "work", on_step=steps.append, module=PROBE)
    # The ranks read the very job this process made: the file is its JSON.
    assert TrainingJob.model_validate_json((tmp_path / "work" / JOB_FILE).read_text()) == two_job

    assert two["processes"] == 2 and one["processes"] == 1
    assert two["tokens"] == one["tokens"] and two["train_sequences"] == one["train_sequences"]
    assert steps == [1, 2, 3, 4]  # progress reached this process as rank 0 logged
    a, b = adapter(tmp_path / "one"), adapter(tmp_path / "two")
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(b[k], a[k], rtol=1e-4, atol=1e-5)
    assert all(b[k].abs().max() > 0 for k in b if "lora_B" in k)  # trained: LoRA B starts at zero
    losses = lambda out: [m["loss"] for m in metrics(out)]  # noqa: E731
    assert len(losses(tmp_path / "two")) == 4  # one writer: a second one would have doubled the lines
    assert losses(tmp_path / "two") == pytest.approx(losses(tmp_path / "one"), rel=1e-5)
    assert losses(tmp_path / "two")[-1] < losses(tmp_path / "two")[0]  # it learned

    # Disjoint data: per step, rank 0 read the first half of the one-process micro-batches, rank 1 the rest.
    rows = TrainRows(select_rows(setup["shards"], ["MSA"]), ROW_LEN)
    it = iter(ResumableOrder(len(rows), 2, seed=3))
    global_items = [[i for _ in range(4) for i in next(it)] for _ in range(4)]
    seen = [probe(tmp_path / "work", r)["items"] for r in (0, 1)]
    assert len(rows) >= 8, "the test needs a whole step inside one epoch"
    for step in range(4):
        half = [seen[r][4 * step: 4 * step + 4] for r in (0, 1)]
        assert half[0] + half[1] == global_items[step]
    assert not set(seen[0][:4]) & set(seen[1][:4])

    # Only rank 0 wrote: the metrics, the step-2 checkpoint, the adapter and the plots.
    writes = [probe(tmp_path / "work", r)["writes"] for r in (0, 1)]
    assert writes[1] == []
    assert {"metrics", "checkpoint", "adapter", "plots"} <= set(writes[0])
    assert [p.name for p in list_checkpoints(tmp_path / "ck")] == ["step-000002"]


@needs_gloo
def test_training_stage_on_two_processes_resumes_bit_identically(setup, tmp_path, monkeypatch):
    """``runtime.train_processes: 2`` (a runtime setting the flow passes to the stage) makes train_msa launch
    two ranks and commit the usual layout. With dropout each rank draws its own masks; the
    checkpoint keeps every rank's RNG, so the stage rerun from its step-4 checkpoint (as after a
    kill during step 5) ends with exactly the adapter of the uninterrupted run."""
    from arabic_llm.config import RuntimeConfig, TrainParams
    from arabic_llm.layout import SHARDS_FILE
    from tasks.train_msa import train_msa

    shards = tmp_path / "shards"
    shards.mkdir()
    shutil.copy(setup["shards"], shards / SHARDS_FILE)
    params = TrainParams(train=train_config(max_steps=6), lora=LoraConfig(r=4, alpha=8, dropout=0.1),
                         quantization=QuantizationConfig(), memory=MemoryConfig(gpu_limit_gib=None, ram_limit_gib=None),
                         seed=1)
    def stage(name: str, work: Path) -> dict:
        (tmp_path / name).mkdir()
        return train_msa.build(tmp_path / name, params, shards=shards, base_model=setup["model"],
                               tokenizer=setup["tok"], work_dir=work, runtime=RuntimeConfig(train_processes=2))

    whole = stage("whole", tmp_path / "work")
    assert whole["processes"] == 2 and whole["resumed_from_step"] is None
    assert sorted(p.name for p in (tmp_path / "whole").iterdir()) == [
        "adapter", "adapters.json", "loss.png", "metrics.jsonl"]
    assert json.loads((tmp_path / "whole" / "adapters.json").read_text()) == {"msa": "adapter"}
    assert (tmp_path / "work" / "ddp.log").is_file()  # the ranks' output, kept in the work area
    ckpts = list_checkpoints(tmp_path / "work" / "checkpoints")
    assert [p.name for p in ckpts] == ["step-000002", "step-000004"]
    step4 = ckpts[-1]
    assert (step4 / "rng.safetensors").read_bytes() != (step4 / "rng-rank1.safetensors").read_bytes()

    shutil.copytree(step4, tmp_path / "work-killed" / "checkpoints" / step4.name)
    resumed = stage("resumed", tmp_path / "work-killed")
    assert resumed["resumed_from_step"] == 4
    a, b = adapter(tmp_path / "whole"), adapter(tmp_path / "resumed")
    for k in a:
        assert torch.equal(a[k], b[k]), k
    assert (tmp_path / "resumed" / "metrics.jsonl").read_bytes() == (tmp_path / "whole" / "metrics.jsonl").read_bytes()


KILLED_STAGE = """
import sys
from pathlib import Path
from arabic_llm.config import LoraConfig, QuantizationConfig, TrainConfig
from arabic_llm.train.ddp import launch_training
from arabic_llm.train.job import TrainingJob
model, tok, shards, out, work = sys.argv[1:]
train = TrainConfig(dialects=("MSA",), max_steps=100000, micro_batch=2, grad_accum=2, warmup_steps=1, loss_chunk=16,
                    checkpoint_every=0)
launch_training(TrainingJob(model_dir=model, tokenizer_dir=tok, shards_path=shards, train=train,
                            lora=LoraConfig(r=4, alpha=8), quant=QuantizationConfig(), seed=0, out_dir=out,
                            where="train_msa"), 2, Path(work))
"""


@needs_gloo
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ranks die with their parent through prctl (Linux)")
def test_ranks_die_with_a_killed_stage(setup, tmp_path):
    """A stage process killed with SIGKILL leaves no rank training on into the work area."""
    import signal
    import subprocess
    import time

    import psutil

    out, work = tmp_path / "out", tmp_path / "work"
    stage = subprocess.Popen([sys.executable, "-c", KILLED_STAGE, str(setup["model"]), str(setup["tok"]),
                              str(setup["shards"]), str(out), str(work)])
    job = str(work / "ddp-job.json")

    def launched() -> list:
        found = []
        for proc in psutil.process_iter(["cmdline", "status"]):
            if job in (proc.info["cmdline"] or []) and proc.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(proc)
        return found

    try:
        deadline = time.monotonic() + 180
        while not ((out / "metrics.jsonl").is_file() and (out / "metrics.jsonl").read_text()):
            assert stage.poll() is None and time.monotonic() < deadline, "the ranks never started training"
            time.sleep(0.2)
        assert len(launched()) == 3  # the launcher and two ranks
        stage.send_signal(signal.SIGKILL)
        stage.wait()
        deadline = time.monotonic() + 30
        while launched() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert launched() == []
    finally:  # whatever happened, leave nothing running
        stage.kill()
        for proc in launched():
            proc.kill()


@needs_gloo
def test_a_failing_rank_fails_the_launch_with_the_log(setup, tmp_path):
    with pytest.raises(RuntimeError, match=r"data-parallel training on 2 processes failed: rank 0: ValueError: "
                                           r".*shards.h5: no 'train' rows for dialects \['GLF'\]"):
        launch_training(job(setup, tmp_path / "out", train_config(dialects=("GLF",)), 0.0), 2, tmp_path / "work")


# --------------------------------------------------------------------------- the command line


def test_run_refuses_a_grad_accum_the_processes_do_not_divide(tmp_path, capsys):
    from arabic_llm.ops import cli

    store = tmp_path / "store"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", "--store", str(store), "--set", "runtime.train_processes=4"])  # default grad_accum: 2
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "train_msa.grad_accum: 2 is not a multiple of runtime.train_processes=4" in err
    assert len(err.strip().splitlines()) == 1 and not store.exists()


def test_run_under_a_distributed_launcher_is_refused(tmp_path, capsys, monkeypatch):
    """``accelerate launch -m arabic_llm.ops.cli run`` would run the whole pipeline once per rank."""
    from arabic_llm.ops import cli

    monkeypatch.setenv("WORLD_SIZE", "4")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["run", "--store", str(tmp_path / "store")])
    assert exit_.value.code == 2
    assert "--set runtime.train_processes=4" in capsys.readouterr().err
    assert not (tmp_path / "store").exists()
