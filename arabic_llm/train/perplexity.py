"""Held-out perplexity of a base model (plus an adapter), scored like training scores its rows."""

from __future__ import annotations

import math
from pathlib import Path

from arabic_llm.config import QuantizationConfig
from arabic_llm.train.loss import IGNORE_INDEX, chunked_causal_lm_loss


def heldout_perplexity(model_dir: str, shards_path: Path, quant: QuantizationConfig, *, adapter: Path | None = None,
                       split: str = "eval", max_rows: int | None = None, chunk: int = 1024) -> dict:
    """Token-level perplexity and mean NLL of a model (plus an adapter) on one split of the shards.

    Rows are scored one by one in eval mode, with the same document-aware positions and masking
    as training, so train and held-out losses are comparable.
    """
    import torch
    from peft import PeftModel

    from arabic_llm.data.shards import ShardDataset
    from arabic_llm.model.modeling import load_base_model, quiet_peft_deprecations
    from arabic_llm.model.trainable_rows import output_weight
    from arabic_llm.model.vocab import apply_tokenizer_rows
    from arabic_llm.train.rows import TrainRows

    model = load_base_model(model_dir, quant, for_training=False)
    if adapter is not None:
        apply_tokenizer_rows(model, adapter)  # an adapter trained with new tokens carries their tokenizer
        with quiet_peft_deprecations():
            model = PeftModel.from_pretrained(model, str(adapter)).eval()
        model = model.get_base_model()
    split_rows = ShardDataset(Path(shards_path), split)
    rows = TrainRows(split_rows, split_rows.seq_len)
    n = len(rows) if max_rows is None else min(len(rows), max_rows)
    device = model.device
    nll, count = 0.0, 0
    with torch.no_grad():
        for i in range(n):
            item = rows[i]
            hidden = model.model(input_ids=item["input_ids"][None].to(device),
                                 position_ids=item["position_ids"][None].to(device), use_cache=False).last_hidden_state
            labels = item["labels"][None].to(device)
            nll += float(chunked_causal_lm_loss(hidden, output_weight(model), labels, chunk, reduction="sum"))
            count += int((labels[:, 1:] != IGNORE_INDEX).sum())
    mean = nll / max(1, count)
    return {"nll": mean, "perplexity": math.exp(min(mean, 700.0)), "tokens": count, "rows": n}
