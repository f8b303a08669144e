"""`export`: every adapter of the final training stage merged into a bf16 copy of the base model."""

from __future__ import annotations

import json
from pathlib import Path

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import ExportConfig
from arabic_llm.layout import ADAPTERS_FILE, model_location


@stage_task("export", libraries=("torch", "transformers", "peft"))
def export(out_dir: Path, params: ExportConfig, base_model: Path, adapters: Path) -> dict:
    from arabic_llm.model.export import merge_adapter

    listed = json.loads((adapters / ADAPTERS_FILE).read_text(encoding="utf-8"))
    return {name: merge_adapter(model_location(base_model), adapters / rel, out_dir / name, params.dtype)
            for name, rel in sorted(listed.items())}
