"""Merge a trained LoRA adapter into a full-precision copy of its base model.

The merge happens on a bf16 (or fp16/fp32) load of the base weights, never on the 4-bit ones:
adding a LoRA delta to NF4 codes would requantise it and lose most of what training learned.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def merge_adapter(model_dir: str, adapter_dir: Path, out_dir: Path, dtype: str = "bfloat16") -> dict:
    """Write ``out_dir`` (config, safetensors, tokenizer): the base with the adapter merged in.

    Args:
        model_dir: the base model (directory or hub id) the adapter was trained on.
        adapter_dir: a peft adapter directory (``adapter_config.json`` + safetensors); where it also holds a
            tokenizer (a `vocab` run), the base gets its new rows and the merged copy that tokenizer. A
            diacritic attention bias is no plain transformers weight: its file is copied beside the model.
        out_dir: where the merged model goes; loads with ``AutoModelForCausalLM.from_pretrained``.
        dtype: the merged copy's dtype.
    """
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from arabic_llm.layout import BIAS_FILE
    from arabic_llm.model.modeling import load_tokenizer, quiet_peft_deprecations
    from arabic_llm.model.vocab import apply_tokenizer_rows

    adapter_dir = Path(adapter_dir)
    if not (adapter_dir / "adapter_config.json").is_file():
        raise FileNotFoundError(f"{adapter_dir}: no adapter_config.json; not a peft adapter directory")
    base = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=getattr(torch, dtype), device_map={"": "cpu"})
    apply_tokenizer_rows(base, adapter_dir)
    with quiet_peft_deprecations():
        merged = PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(str(out_dir), safe_serialization=True)
    own_tokenizer = (adapter_dir / "tokenizer.json").is_file()
    load_tokenizer(str(adapter_dir if own_tokenizer else model_dir)).save_pretrained(str(out_dir))
    if (adapter_dir / BIAS_FILE).is_file():
        shutil.copyfile(adapter_dir / BIAS_FILE, out_dir / BIAS_FILE)
    return {"dtype": dtype, "parameters": sum(p.numel() for p in merged.parameters()),
            "vocab_size": merged.get_input_embeddings().weight.shape[0],
            "diacritic_bias": (out_dir / BIAS_FILE).is_file()}
