"""`tokenizer`: train a byte-level BPE on the training split, or snapshot a named tokenizer."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import TokenizerConfig
from arabic_llm.data.documents import read_documents
from arabic_llm.data.split import is_eval_doc


class TokenizerParams(BaseModel):
    tokenizer: TokenizerConfig
    eval_fraction: float  # held-out documents never reach the tokenizer either
    seed: int


def training_texts(docs: Path, eval_fraction: float, seed: int):
    for doc in read_documents(docs):
        if not is_eval_doc(doc["id"], eval_fraction, seed):
            yield "\n".join(doc["sentences"])


@stage_task("tokenizer", libraries=("tokenizers", "transformers"))
def tokenizer(out_dir: Path, params: TokenizerParams, docs: Path) -> dict:
    from arabic_llm.model.modeling import load_tokenizer, train_bpe_tokenizer

    if params.tokenizer.name_or_path is None:
        texts = training_texts(docs, params.eval_fraction, params.seed)
        train_bpe_tokenizer(texts, params.tokenizer.vocab_size, out_dir, seed=params.seed)
    else:
        load_tokenizer(params.tokenizer.name_or_path).save_pretrained(out_dir)
    return {"vocab_size": len(load_tokenizer(str(out_dir)))}
