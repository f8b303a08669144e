"""`base_model`: build the tiny random Qwen2 of the embedded default, convert a GGUF file, or pin a named model."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import ModelConfig
from arabic_llm.layout import MODEL_REF_FILE


class BaseModelParams(BaseModel):
    model: ModelConfig
    seed: int


def weights_file(cfg: ModelConfig) -> dict[str, Path]:
    """A local GGUF file is an input keyed by its content (moving it does not rerun anything)."""
    name = cfg.name_or_path
    return {"gguf": Path(name)} if name is not None and name.endswith(".gguf") else {}


@stage_task("base_model", libraries=("transformers", "torch", "gguf"))
def base_model(out_dir: Path, params: BaseModelParams, tokenizer: Path, gguf: Path | None = None) -> dict:
    if gguf is not None:
        from arabic_llm.model.modeling import convert_gguf

        return {"source": "gguf", **convert_gguf(gguf, out_dir)}
    if params.model.name_or_path is not None:
        # A hub id or local directory is loaded by the training stages themselves; the artifact
        # pins the name so that changing it reruns everything below.
        (out_dir / MODEL_REF_FILE).write_text(json.dumps({"name_or_path": params.model.name_or_path}) + "\n",
                                        encoding="utf-8")
        return {"name_or_path": params.model.name_or_path}
    from arabic_llm.model.modeling import build_tiny_qwen2

    build_tiny_qwen2(tokenizer, params.model.tiny, params.seed, out_dir)
    return {"architecture": "Qwen2 (tiny, random init)", **params.model.tiny.model_dump()}
