"""`base_model`: build the tiny random Qwen2 of the embedded default, convert a GGUF file, or pin a named model."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import ModelConfig
from arabic_llm.layout import MODEL_REF_FILE
from arabic_llm.model.locate import is_package_locator, resolve_model_file


class BaseModelParams(BaseModel):
    model: ModelConfig
    seed: int

    @classmethod
    def from_config(cls, model: ModelConfig, seed: int) -> "BaseModelParams":
        """A model file's locator stays out of the key: its content is the stage's input."""
        if weights_file(model):
            model = model.model_copy(update={"name_or_path": "gguf"})
        return cls(model=model, seed=seed)


def weights_file(cfg: ModelConfig) -> dict[str, Path]:
    """A GGUF file (a path, or package:<module>/<file> in an installed package) is an input keyed by its
    content: moving it, or installing the package elsewhere, reruns nothing."""
    name = cfg.name_or_path
    if name is not None and (is_package_locator(name) or name.endswith(".gguf")):
        return {"gguf": resolve_model_file(name, "model.name_or_path")}
    return {}


@stage_task("base_model", libraries=("transformers", "torch", "gguf"))
def base_model(out_dir: Path, params: BaseModelParams, tokenizer: Path, gguf: Path | None = None) -> dict:
    if gguf is not None:
        from arabic_llm.model.modeling import convert_gguf

        return {"source": "gguf", "file": gguf.name, **convert_gguf(gguf, out_dir, tokenizer_dir=tokenizer)}
    if params.model.name_or_path is not None:
        # A hub id or local directory is loaded by the training stages themselves; the artifact
        # pins the name so that changing it reruns everything below.
        (out_dir / MODEL_REF_FILE).write_text(json.dumps({"name_or_path": params.model.name_or_path}) + "\n",
                                        encoding="utf-8")
        return {"name_or_path": params.model.name_or_path}
    from arabic_llm.model.modeling import build_tiny_qwen2

    build_tiny_qwen2(tokenizer, params.model.tiny, params.seed, out_dir)
    return {"architecture": "Qwen2 (tiny, random init)", **params.model.tiny.model_dump()}
