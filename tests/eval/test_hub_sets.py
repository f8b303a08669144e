"""The real config reads its evaluation sets from the hub by id (keyed by revision) or from local paths the
user sets, never from ../shared; an unreachable hub dataset stops the run with the key's name."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from arabic_llm.config import CONFIGS_DIR, load_config
from arabic_llm.data.documents import CorpusError
from arabic_llm.eval.generations import prompt_and_rest
from arabic_llm.eval.sets import parse_hub, pin_revision
from tasks.evaluate import EvaluateParams


def strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize("name", ["qwen2-1.5b.yaml", "default.yaml"])
def test_user_configs_never_refer_to_the_shared_folder(name):
    text = (CONFIGS_DIR / name).read_text(encoding="utf-8")
    assert not [s for s in strings(yaml.safe_load(text)) if "shared" in s]
    cfg = load_config(CONFIGS_DIR / name)
    assert cfg.evaluate.sib200 is None or cfg.evaluate.sib200.startswith("hub:")


def test_the_real_config_takes_its_evaluation_sets_from_the_hub_by_id():
    cfg = load_config(CONFIGS_DIR / "qwen2-1.5b.yaml").evaluate
    assert parse_hub(cfg.qa, "evaluate.qa") == ("hsseinmz/arcd", None, "validation", None)
    assert parse_hub(cfg.sib200, "evaluate.sib200")[0] == "Davlan/sib200"
    assert parse_hub("hub:google/xquad:xquad.ar:validation@abc", "k") == ("google/xquad", "xquad.ar", "validation", "abc")
    with pytest.raises(CorpusError, match="evaluate.qa='hub:nonsense'"):
        parse_hub("hub:nonsense", "evaluate.qa")


def test_an_unreachable_hub_dataset_names_the_key(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    cfg = load_config(CONFIGS_DIR / "qwen2-1.5b.yaml")
    with pytest.raises(CorpusError, match=r"evaluate.qa: cannot reach dataset 'hsseinmz/arcd'.*local file"):
        EvaluateParams.from_config(cfg.evaluate, cfg.quantization, cfg.shards.seq_len, cfg.seed)
    # a pinned revision needs no request; a local file is keyed by its content, never its path
    assert pin_revision("hub:hsseinmz/arcd:validation@0123abc", "evaluate.qa").endswith("@0123abc")
    local = cfg.evaluate.model_copy(update={"qa": str(Path(__file__)), "sib200": None})
    params = EvaluateParams.from_config(local, cfg.quantization, cfg.shards.seq_len, cfg.seed)
    assert params.evaluate.qa == "local"


def test_example_prompts_are_cut_at_a_word_boundary():
    text = "كان يا ما كان في قديم الزمان رجل طيب يعيش في قرية صغيرة"
    prompt, rest = prompt_and_rest(text, 20)
    assert text.startswith(prompt) and len(prompt) <= 20 and not prompt.endswith(" ")
    assert prompt + " " + rest == text
    assert prompt_and_rest("قصير", 20) == ("قصير", "")
