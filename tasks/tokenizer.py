"""`tokenizer`: train a byte-level BPE on the training split, or snapshot a named tokenizer.

A named tokenizer does not depend on the corpus: the stage then takes no documents (a refreshed dump
leaves it, the base model and every recipe below unchanged), and a local one (directory or GGUF file)
is an input keyed by its content."""

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


def tokenizer_inputs(cfg: TokenizerConfig, docs) -> dict:
    """The stage's inputs: the documents when it learns a BPE from them, else the named tokenizer's files
    when they are local (a hub id is keyed by its name)."""
    if cfg.name_or_path is None:
        return {"docs": docs}
    local = Path(cfg.name_or_path).expanduser()
    return {"named": local} if local.exists() else {}


def training_texts(docs: Path, eval_fraction: float, seed: int):
    for doc in read_documents(docs):
        if not is_eval_doc(doc["id"], eval_fraction, seed):
            yield "\n".join(doc["sentences"])


@stage_task("tokenizer", libraries=("tokenizers", "transformers"))
def tokenizer(out_dir: Path, params: TokenizerParams, docs: Path | None = None, named: Path | None = None) -> dict:
    from arabic_llm.model.modeling import load_tokenizer, train_bpe_tokenizer

    if params.tokenizer.name_or_path is None:
        texts = training_texts(docs, params.eval_fraction, params.seed)
        train_bpe_tokenizer(texts, params.tokenizer.vocab_size, out_dir, seed=params.seed)
    else:
        load_tokenizer(str(named) if named is not None else params.tokenizer.name_or_path).save_pretrained(out_dir)
    return {"vocab_size": len(load_tokenizer(str(out_dir)))}
