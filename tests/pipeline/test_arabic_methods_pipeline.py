"""The tiny pipeline with every Arabic adaptation method on: vocabulary extension (FastText rows, or
last-piece input rows with the head untied), counterfactual augmentation, diacritic-aware attention; it
trains, exports, evaluates and audits."""

from __future__ import annotations

import json

import pytest
from safetensors import safe_open

from arabic_llm.audit.report import TABLES_FILE
from arabic_llm.config import TINY_CONFIG
from arabic_llm.layout import ADAPTER_DIR, BIAS_FILE, RESULTS_FILE, VOCAB_ROWS_FILE
from arabic_llm.model.vocab import load_rows
from arabic_llm.ops import cli

pytestmark = pytest.mark.slow  # the whole DAG

DIACRITIZED = ["عَلِمَ الوَلَدُ الخَبَرَ اليَوْمَ", "عُلِمَ الخَبَرُ فِي المَدِينَةِ", "كَتَبَ الوَلَدُ الدَّرْسَ",
               "كُتِبَ الدَّرْسُ فِي البَيْتِ"] * 3


@pytest.mark.parametrize("init", ["fasttext", "last_piece"])
def test_every_method_on(tmp_path, init):
    text = tmp_path / "diacritized.txt"
    text.write_text("\n".join(DIACRITIZED) + "\n", encoding="utf-8")
    store = tmp_path / "store"
    overrides = ["vocab.new_tokens=40", f"vocab.init={init}", "vocab.fasttext_dim=16", "vocab.fasttext_epochs=1",
                 "counterfactual.enabled=true", "diacritic_attention.enabled=true", f"intrinsic.diacritized={text}",
                 "intrinsic.max_sentences=5", "export.merge=true",
                 "train_msa.max_steps=2", "train_dialects.max_steps=2", "evaluate.max_docs_per_dialect=4",
                 "bias_audit.max_pairs=8", "evaluate.max_examples=2", "evaluate.noise_levels=[0.0]",
                 "evaluate.robustness_examples=2", "evaluate.max_new_tokens=4"]
    args = ["run", "-c", str(TINY_CONFIG), "--store", str(store)]
    for item in overrides:
        args += ["--set", item]
    assert cli.main(args) == 0
    record = json.loads((store / "runs" / "latest.json").read_text())
    assert {"vocab", "counterfactual", "export"} <= set(record["stages"])

    def artifact(stage):
        return store / "artifacts" / stage / record["stages"][stage]["key"] / "data"

    vocab = artifact("vocab")
    assert (vocab / VOCAB_ROWS_FILE).is_file()
    for stage in ("train_msa", "train_dialects"):
        adapter = artifact(stage) / ADAPTER_DIR
        assert (adapter / BIAS_FILE).is_file() and (adapter / VOCAB_ROWS_FILE).is_file()
        with safe_open(str(adapter / "adapter_model.safetensors"), "pt") as f:
            trained = [k for k in f.keys() if "trainable_tokens" in k]  # the new rows, trained beside LoRA
        assert len(trained) == (2 if init == "last_piece" else 1), trained  # untied: input and output rows
    results = json.loads((artifact("evaluate") / RESULTS_FILE).read_text())
    assert set(results["models"]) == {"base", "msa", "dialects"}
    for name, metrics in results["models"].items():
        intrinsic = metrics["intrinsic"]
        assert intrinsic["masked_word"], name
        assert 0.0 <= intrinsic["diacritic_disambiguation"] <= 1.0, name
    merged = artifact("export") / "dialects"
    new_ids = load_rows(vocab / VOCAB_ROWS_FILE)["ids"]
    config = json.loads((merged / "config.json").read_text())
    assert config["vocab_size"] == int(new_ids.max()) + 1
    assert config["tie_word_embeddings"] is (init != "last_piece")
    assert (merged / BIAS_FILE).is_file() and (merged / "tokenizer.json").is_file()
    assert record["stages"]["bias_audit"]["outcome"] == "ran"
    methods = {row["method"]: row for row in json.loads((artifact("report") / TABLES_FILE).read_text())["methods"]}
    assert all(row["in_this_run"] == "on" for row in methods.values())
    assert methods["vocabulary extension"]["setting"] == f"+40 tokens, {init} rows"
    assert methods["vocabulary extension"]["dialects"] < methods["vocabulary extension"]["base"]  # tokens/word
