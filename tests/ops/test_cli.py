"""The command line and the configuration: validation, dag, gc, help."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from arabic_llm.cache.runs import write_run_record
from arabic_llm.cache.store import Store
from arabic_llm.config import ConfigError, load_config
from arabic_llm.ops import cli


def test_default_config_has_the_documented_keys():
    cfg = load_config()
    assert cfg.normalize.alef is True
    assert cfg.diacritics.mode == "keep"


def test_paper_config_is_the_real_setup():
    cfg = load_config(Path(__file__).resolve().parents[2] / "configs" / "qwen2-1.5b.yaml")
    assert cfg.model.name_or_path == "Qwen/Qwen2-1.5B"
    assert (cfg.lora.r, cfg.lora.alpha, cfg.lora.dropout) == (8, 32, 0.05)
    assert cfg.lora.target_modules == ("q_proj", "k_proj", "v_proj", "o_proj")
    assert cfg.quantization.quant_type == "nf4" and cfg.quantization.double_quant
    assert cfg.quantization.compute_dtype == "bfloat16"
    t = cfg.train_msa
    assert (t.micro_batch, t.grad_accum, t.lr, t.max_steps, t.warmup_steps, t.max_grad_norm) == (
        1, 16, 5e-5, 10_000, 100, 0.3)


def test_overrides_parse_yaml_scalars():
    cfg = load_config(None, ["normalize.alef=false", "shards.seq_len=64", "diacritics.mode=strip"])
    assert cfg.normalize.alef is False and cfg.shards.seq_len == 64 and cfg.diacritics.mode == "strip"


@pytest.mark.parametrize("override, message", [
    ("normalize.alif=false", "normalize.alif: unknown key"),
    ("shards.seq_len=long", "shards.seq_len"),
    ("diacritics.mode=remove", "diacritics.mode"),
    ("nosuchsection.x=1", "nosuchsection: unknown key"),
    ("normalize", "expected KEY=VALUE"),
    ("train_msa.micro_batch=-2", "train_msa.micro_batch: Value error, must be 1 or more"),
    ("train_dialects.seq_len=0", "train_dialects.seq_len: Value error, must be 1 or more"),
    ("train_msa.seq_len=48", "train_msa.seq_len: 48 does not divide shards.seq_len=128"),
])
def test_bad_config_names_the_key(override, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        load_config(None, [override])


def test_bad_config_exits_2_with_a_message(capsys, tmp_path):
    assert_exit = pytest.raises(SystemExit)
    with assert_exit as exc:
        cli.main(["status", "--store", str(tmp_path), "--set", "normalize.alif=false"])
    assert exc.value.code == 2
    assert "normalize.alif: unknown key" in capsys.readouterr().err


def test_missing_config_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="config file not found: .*nope.yaml"):
        load_config(tmp_path / "nope.yaml")


def test_dag_lists_every_stage_in_order(capsys):
    assert cli.main(["dag"]) == 0
    out = capsys.readouterr().out
    stages = [line.split()[0] for line in out.splitlines()]
    assert stages == ["download", "clean", "normalize", "diacritics", "segment", "dialect_model", "dialect", "data_audit", "tokenizer",
                      "base_model", "shards", "train_msa", "train_dialects", "evaluate", "bias_audit", "report"]
    line = next(line for line in out.splitlines() if line.startswith("train_dialects"))
    assert "train_msa (msa_adapter)" in line and "shards (shards)" in line


def test_dag_mermaid(capsys):
    assert cli.main(["dag", "--mermaid"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("flowchart TD")
    assert "normalize -->|docs| diacritics" in out


def test_status_on_an_empty_store_says_never_run(capsys, tmp_path):
    assert cli.main(["status", "--json", "--store", str(tmp_path / "store")]) == 0
    stages = json.loads(capsys.readouterr().out)["stages"]
    assert stages["download"] == {**stages["download"], "state": "will-run", "reason": "never run in this store"}
    assert all(s["state"] == "will-run" for s in stages.values())
    assert all(s["conditional"] for name, s in stages.items() if name != "download")


def _fake_artifact(store: Store, stage: str, key: str) -> str:
    path = store.artifact_path(stage, key)
    (path / "data").mkdir(parents=True)
    (path / "data" / "x.txt").write_text(key)
    store.prefect_results.mkdir(parents=True, exist_ok=True)
    (store.prefect_results / key).write_text("{}")
    return f"artifacts/{stage}/{key}"


def test_gc_keeps_what_recent_runs_use(tmp_path, capsys):
    store = Store(tmp_path / "store")
    old = _fake_artifact(store, "clean", "a" * 64)
    kept = _fake_artifact(store, "clean", "b" * 64)
    orphan = _fake_artifact(store, "normalize", "c" * 64)
    write_run_record(store, {"run_id": "r1", "finished": 1, "stages": {"clean": {"artifact": old}}})
    write_run_record(store, {"run_id": "r2", "finished": 2, "stages": {"clean": {"artifact": kept}}})

    stale = store.root / "tmp" / "clean-dead"  # left by a killed run
    (stale / "data").mkdir(parents=True)
    os.utime(stale, (0, 0))
    assert cli.main(["gc", "--store", str(store.root), "--keep-last", "1", "--dry-run"]) == 0
    assert "would remove 3 artifacts and staging directories" in capsys.readouterr().out
    assert (store.root / old).exists()

    assert cli.main(["gc", "--store", str(store.root), "--keep-last", "1"]) == 0
    assert not (store.root / old).exists() and not (store.root / orphan).exists()
    assert (store.root / kept).exists()
    assert not (store.prefect_results / ("a" * 64)).exists()
    assert (store.prefect_results / ("b" * 64)).exists()
    assert not stale.exists()


def test_help_everywhere(capsys):
    for command in ([], ["run"], ["status"], ["dag"], ["gc"], ["ui"]):
        with pytest.raises(SystemExit) as exc:
            cli.main([*command, "--help"])
        assert exc.value.code == 0
    assert "--store" in capsys.readouterr().out
