"""The training stages write the same bytes for the same inputs: two cold runs in two stores, in two
processes with different string hashing (peft keeps target_modules in a set) and the base model in two
different directories, give equal digests and byte-identical files for train_msa and train_dialects."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tiny_training import build_tiny_training_setup

PROJECT = Path(__file__).resolve().parents[2]
TEXTS = {
    "MSA": ["ذهب الولد إلى المدرسة في الصباح", "تقع مدينة القاهرة على ضفاف النيل", "قرأت الطالبة كتابا عن الأندلس",
            "أعلنت الحكومة عن خطة جديدة للنقل", "يدرس الطلاب العلوم في الجامعة", "زار الوفد المتحف الوطني"],
    "EGY": ["إزيك يا صاحبي عامل إيه النهارده", "أنا رايح الشغل دلوقتي", "مش عارف أعمل إيه في ده"],
}

# Both training stages through the store's stage runner, as the flow runs them; prints their digests.
TWO_STAGES = """
import json, sys
from pathlib import Path
from arabic_llm.cache.stage import run_stage
from arabic_llm.config import LoraConfig, MemoryConfig, QuantizationConfig, TrainConfig, TrainParams
from tasks.train_dialects import train_dialects
from tasks.train_msa import train_msa

model, tok, shards, store = sys.argv[1:]
def params(**train):
    return TrainParams(train=TrainConfig(max_steps=3, micro_batch=2, grad_accum=2, lr=1e-2, warmup_steps=1,
                                         max_grad_norm=1.0, loss_chunk=16, checkpoint_every=2, **train),
                       lora=LoraConfig(r=4, alpha=8, dropout=0.1, target_modules=("q_proj", "k_proj", "v_proj", "o_proj",
                                                                                  "up_proj", "down_proj")),
                       quantization=QuantizationConfig(), memory=MemoryConfig(gpu_limit_gib=None, ram_limit_gib=None),
                       seed=5)
inputs = {"shards": Path(shards), "base_model": Path(model), "tokenizer": Path(tok)}
msa = run_stage(train_msa.spec, train_msa.build, params(dialects=("MSA",)), inputs, store, None)
dialects = run_stage(train_dialects.spec, train_dialects.build, params(dialects=("EGY",)),
                     {**inputs, "msa_adapter": msa}, store, None)
print(json.dumps({"train_msa": [msa.key, msa.digest], "train_dialects": [dialects.key, dialects.digest]}))
"""


def cold_run(setup: dict, root: Path, hash_seed: str) -> dict:
    model = root / "model"  # a base model directory of its own: no path may reach the artifact
    shutil.copytree(setup["model"], model)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT), os.environ.get("PYTHONPATH", "")]),
           "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", TWO_STAGES, str(model), str(setup["tok"]), str(setup["shards_dir"]),
                           str(root / "store")], capture_output=True, text=True, env=env, cwd=root, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def artifact_files(store: Path, stage: str, key: str) -> dict[str, bytes]:
    data = store / "artifacts" / stage / key / "data"
    return {p.relative_to(data).as_posix(): p.read_bytes() for p in sorted(data.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_two_cold_runs_write_byte_identical_training_artifacts(tmp_path):
    from arabic_llm.layout import SHARDS_FILE

    setup = build_tiny_training_setup(tmp_path / "setup", TEXTS, 32)
    setup["shards_dir"] = tmp_path / "shards"
    setup["shards_dir"].mkdir()
    shutil.copy(setup["shards"], setup["shards_dir"] / SHARDS_FILE)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = cold_run(setup, tmp_path / "a", "1"), cold_run(setup, tmp_path / "b", "2")

    assert first == second  # same keys, same digests
    for stage, (key, _) in first.items():
        a = artifact_files(tmp_path / "a" / "store", stage, key)
        b = artifact_files(tmp_path / "b" / "store", stage, key)
        assert sorted(a) == sorted(b)
        assert [name for name in a if a[name] != b[name]] == [], stage
        assert {"adapter/adapter_config.json", "adapter/adapter_model.safetensors", "metrics.jsonl",
                "loss.png"} <= set(a)
        config = json.loads(a["adapter/adapter_config.json"])
        assert config["target_modules"] == sorted(config["target_modules"])
        assert config["base_model_name_or_path"] is None  # a local path names one store only
        # How the run went stays with the artifact, outside its digest: the manifest and run/.
        manifest = json.loads((tmp_path / "a" / "store" / "artifacts" / stage / key / "manifest.json").read_text())
        assert [m["step"] for m in manifest["summary"]["per_step"]] == [1, 2, 3]
        assert manifest["summary"]["metrics_file"] == "metrics.jsonl"
        assert (tmp_path / "a" / "store" / "artifacts" / stage / key / "run" / "memory.png").is_file()

    # The report joins each step's metrics with the run's measurements from the manifest.
    from arabic_llm.audit.report import training_records

    artifacts = tmp_path / "a" / "store" / "artifacts"
    training = training_records({stage: artifacts / stage / key / "data" / "metrics.jsonl"
                                 for stage, (key, _) in first.items()})
    steps = [(r["step"], r["step_seconds"] > 0, r["rss_bytes"] > 0) for r in training["train_dialects"]]
    assert steps == [(1, True, True), (2, True, True), (3, True, True)]
    assert training["train_dialects"][0]["time_s"] > training["train_msa"][-1]["time_s"]  # one clock for both
