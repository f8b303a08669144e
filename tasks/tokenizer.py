"""`tokenizer`: train a byte-level BPE on the training split, take the base model's own tokenizer, or
snapshot a named one.

A tokenizer that is not learned does not depend on the corpus: the stage then takes no documents (a
refreshed dump leaves it, the base model and every training recipe below unchanged), and a local one
(a model file, a directory) is an input keyed by its content."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import MODEL_TOKENIZER, ModelConfig, SplitParams, TokenizerConfig
from arabic_llm.data.documents import read_documents
from arabic_llm.data.split import split_from_documents
from arabic_llm.model.locate import is_package_locator, resolve_model_file


class TokenizerParams(BaseModel):
    tokenizer: TokenizerConfig
    split: SplitParams  # held-out documents never reach the tokenizer either

    @classmethod
    def from_config(cls, tokenizer: TokenizerConfig, model: ModelConfig, split: SplitParams) -> "TokenizerParams":
        """``name_or_path: model`` with a hub id or directory names that model; a model file stays 'model'
        (its content is the stage's input, its path never enters the key)."""
        if tokenizer.name_or_path == MODEL_TOKENIZER and not tokenizer_file(tokenizer, model):
            tokenizer = tokenizer.model_copy(update={"name_or_path": model.name_or_path})
        return cls(tokenizer=tokenizer, split=split)


def tokenizer_file(tokenizer: TokenizerConfig, model: ModelConfig) -> dict[str, Path]:
    """The model file a tokenizer comes from (``name_or_path: model`` or a GGUF), keyed by its content."""
    name = model.name_or_path if tokenizer.name_or_path == MODEL_TOKENIZER else tokenizer.name_or_path
    where = "model.name_or_path" if tokenizer.name_or_path == MODEL_TOKENIZER else "tokenizer.name_or_path"
    if tokenizer.name_or_path == MODEL_TOKENIZER and name is None:
        raise ValueError("tokenizer.name_or_path is 'model' but model.name_or_path is null (the tiny random model "
                         "has no tokenizer of its own): set tokenizer.name_or_path to null to train one")
    if name is not None and (is_package_locator(name) or name.endswith(".gguf")):
        return {"model_file": resolve_model_file(name, where)}
    return {}


def tokenizer_inputs(params: TokenizerParams, model: ModelConfig, docs) -> dict:
    """The stage's inputs: the documents when it learns a BPE from them; else the model file or the named
    tokenizer's local directory, keyed by content (a hub id is keyed by its name)."""
    if params.tokenizer.name_or_path is None:
        return {"docs": docs}
    file = tokenizer_file(params.tokenizer, model)
    if file:
        return file
    local = Path(params.tokenizer.name_or_path).expanduser()
    return {"named": local} if local.exists() else {}


def training_texts(docs: Path, split: SplitParams):
    held = split_from_documents(docs, split.fraction, split.seed, split.min_docs, split.max_share)
    for doc in read_documents(docs):
        if not held.is_eval(doc["id"], doc.get("dialect")):
            yield "\n".join(doc["sentences"])


@stage_task("tokenizer", libraries=("tokenizers", "transformers", "gguf"))
def tokenizer(out_dir: Path, params: TokenizerParams, docs: Path | None = None, model_file: Path | None = None,
              named: Path | None = None) -> dict:
    from arabic_llm.model.modeling import load_tokenizer, train_bpe_tokenizer

    if model_file is not None:  # a GGUF's own tokenizer: what convert_gguf puts beside the converted weights
        load_tokenizer(str(model_file)).save_pretrained(out_dir)
        source = "the base model's GGUF file"
    elif params.tokenizer.name_or_path is None:
        train_bpe_tokenizer(training_texts(docs, params.split), params.tokenizer.vocab_size, out_dir,
                            seed=params.split.seed)
        source = "byte-level BPE trained on the training split"
    else:
        load_tokenizer(str(named) if named is not None else params.tokenizer.name_or_path).save_pretrained(out_dir)
        source = params.tokenizer.name_or_path
    return {"vocab_size": len(load_tokenizer(str(out_dir))), "source": source}
