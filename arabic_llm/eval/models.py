"""The models an evaluation scores: the base model once, with each LoRA adapter switched on in turn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from arabic_llm.config import QuantizationConfig


def scoring_quantization(quant: QuantizationConfig, compute_dtype: str) -> QuantizationConfig:
    """The quantization settings to score with: ``compute_dtype`` "auto" is float32 on CPU (where bf16
    matmuls are emulated and several times slower; float32 is also the more exact) and the training's
    compute dtype on a GPU. The 4-bit weights are the same either way."""
    from arabic_llm.model.modeling import pick_device

    if compute_dtype == "auto":
        compute_dtype = "float32" if pick_device() == "cpu" else quant.compute_dtype
    return quant.model_copy(update={"compute_dtype": compute_dtype})


def iter_models(model_dir: str, adapters: dict[str, Path], quant: QuantizationConfig,
                tokenizer_dir: str | None = None) -> Iterator[tuple[str, object]]:
    """Yield ("base", model) then (name, model with that adapter active) for each adapter.

    The base model is loaded once (4-bit when ``quant.load_in_4bit``); adapters are loaded onto it
    side by side and switched, and "base" is scored with the adapters disabled, so the GPU never
    holds two base models.

    Args:
        model_dir: base model directory or hub id.
        adapters: adapter name -> directory written by ``train_qlora`` (``.../adapter``).
        quant: 4-bit settings.
        tokenizer_dir: the tokenizer scored with: a `vocab` tokenizer's new embedding rows are added to the
            base model; an adapter's saved diacritic attention bias is on while that adapter is.
    Yields:
        (name, model) in eval mode; consume each before asking for the next.
    """
    from arabic_llm.model.diacritic_attention import use_adapter_bias
    from arabic_llm.model.modeling import (
        load_base_model,
        load_tokenizer,
        stack_adapters,
    )
    from arabic_llm.model.vocab import apply_tokenizer_rows

    if "base" in adapters:
        raise ValueError("adapters: the name 'base' is reserved for the model without adapter; rename it")
    for name, path in adapters.items():
        if not (Path(path) / "adapter_config.json").is_file():
            raise FileNotFoundError(f"adapter {name!r}: {path} has no adapter_config.json (expected a train_qlora 'adapter' dir)")
    base = load_base_model(model_dir, quant, for_training=False)
    if tokenizer_dir is not None:
        apply_tokenizer_rows(base, tokenizer_dir)
    if not adapters:
        yield "base", base
        return
    names = list(adapters)
    model = stack_adapters(base, adapters)
    with model.disable_adapter():
        yield "base", model
    tokenizer = load_tokenizer(tokenizer_dir or model_dir)
    for name in names:
        model.set_adapter(name)
        use_adapter_bias(model, tokenizer, adapters[name])
        yield name, model
    use_adapter_bias(model, tokenizer, None)
