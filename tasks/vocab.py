"""`vocab`: extend the tokenizer with Arabic tokens learned from the training split at clitic boundaries,
and initialise their embedding rows from the base model (arabic_llm/model/vocab.py).

The artifact is a tokenizer directory (every old id unchanged) that also holds the new rows
(``VOCAB_ROWS_FILE``): the stages below load it as their tokenizer, and whoever loads the base model for
it adds the rows (``apply_tokenizer_rows``). Off (no stage at all) with ``vocab.new_tokens: 0``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import SplitParams, VocabConfig
from arabic_llm.data.documents import read_documents
from arabic_llm.data.split import split_from_documents
from arabic_llm.layout import VOCAB_ROWS_FILE, model_location

TOKENIZER_JSON = "tokenizer.json"


class VocabParams(BaseModel):
    vocab: VocabConfig
    split: SplitParams  # new tokens are learned from the training split only


def split_lines(docs: Path, split: SplitParams) -> tuple[list[str], list[str]]:
    """(training sentences, held-out sentences), by the stratified split every stage uses."""
    held = split_from_documents(docs, split.fraction, split.seed, split.min_docs, split.max_share)
    train, held_out = [], []
    for doc in read_documents(docs):
        (held_out if held.is_eval(doc["id"], doc.get("dialect")) else train).extend(doc["sentences"])
    return train, held_out


def tokens_per_word(tokenizer, lines: list[str]) -> float | None:
    from arabic_nlp.morphology import ARABIC_WORD_RE

    words = sum(len(ARABIC_WORD_RE.findall(line)) for line in lines)
    if not words:
        return None
    return sum(len(e.ids) for e in tokenizer.encode_batch(lines, add_special_tokens=False)) / words


def new_rows(params: VocabParams, model_dir: str, base_json: str, ext, train_lines: list[str], segmenter):
    """(input rows, output rows or None for a tied head that shares the input rows, init figures)."""
    import torch
    from transformers import AutoModelForCausalLM

    from arabic_llm.model.vocab import (
        arabic_anchors,
        base_pieces,
        fasttext_rows,
        from_bytelevel,
        initial_rows,
    )
    from arabic_nlp.morphology import ARABIC_WORD_RE

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32, device_map={"": "cpu"})
    embed, head = model.get_input_embeddings().weight.detach(), model.get_output_embeddings().weight.detach()
    pieces = base_pieces(base_json, ext.new_tokens)
    if params.vocab.init != "fasttext":
        return (*initial_rows(params.vocab.init, embed, head, pieces), {})
    sentences = [[s for w in ARABIC_WORD_RE.findall(line) for s in segmenter.segment(w)] for line in train_lines]
    strings = [from_bytelevel(t).strip() for t in ext.new_tokens]
    anchors = arabic_anchors(json.loads(base_json)["model"]["vocab"])
    cfg = params.vocab

    def mapped(weight):
        return fasttext_rows(weight, pieces, strings, sentences, anchors, dim=cfg.fasttext_dim,
                             epochs=cfg.fasttext_epochs, seed=params.split.seed)

    rows, info = mapped(embed)
    return rows, None if head.data_ptr() == embed.data_ptr() else mapped(head)[0], info


@stage_task("vocab", libraries=("tokenizers", "transformers", "torch", "gensim"))
def vocab(out_dir: Path, params: VocabParams, docs: Path, tokenizer: Path, base_model: Path) -> dict:
    from tokenizers import Tokenizer

    from arabic_llm.model.modeling import load_tokenizer
    from arabic_llm.model.vocab import extend_tokenizer, save_rows
    from arabic_nlp.morphology import CliticSegmenter, word_counts

    if not (tokenizer / TOKENIZER_JSON).is_file():
        raise FileNotFoundError(f"vocab: {tokenizer} has no {TOKENIZER_JSON} (a fast byte-level BPE tokenizer is needed)")
    train_lines, held_out = split_lines(docs, params.split)
    segmenter = CliticSegmenter(word_counts(train_lines))
    base_json = (tokenizer / TOKENIZER_JSON).read_text(encoding="utf-8")
    cfg = params.vocab
    ext = extend_tokenizer(base_json, train_lines, cfg.new_tokens, segmenter, cfg.whole_word_min_count,
                           cfg.min_pair_count)
    if not ext.new_tokens:
        raise ValueError(f"vocab: no new token learned from {len(train_lines)} training sentences (no pair of the base "
                         f"tokenizer's pieces in Arabic words is seen {cfg.min_pair_count}+ times); set vocab.new_tokens: 0")
    shutil.copytree(tokenizer, out_dir, dirs_exist_ok=True)
    (out_dir / TOKENIZER_JSON).write_text(ext.tokenizer_json, encoding="utf-8")
    if len(load_tokenizer(str(out_dir))) != ext.first_new_id + len(ext.new_tokens):
        raise RuntimeError(f"vocab: the extended tokenizer in {out_dir} does not load with its {len(ext.new_tokens)} new tokens")
    rows, out_rows, info = new_rows(params, model_location(base_model), base_json, ext, train_lines, segmenter)
    save_rows(out_dir / VOCAB_ROWS_FILE, ext.new_ids, rows, out_rows)
    before, after = Tokenizer.from_str(base_json), Tokenizer.from_str(ext.tokenizer_json)
    return {"new_tokens": len(ext.new_tokens), "first_new_id": ext.first_new_id, "init": cfg.init, **info,
            "held_out_tokens_per_word": {"base": tokens_per_word(before, held_out),
                                         "extended": tokens_per_word(after, held_out)}}
