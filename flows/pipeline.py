"""The pipeline, on one screen.

``pipeline`` wires the stages; ``run`` decides what a stage call means: the Prefect flow runs it
(cached by content, flows/flow.py), ``arabic-llm status`` predicts it, ``arabic-llm dag`` draws it.
One wiring serves all three, so what ``status`` predicts is what ``run`` does. Nothing here imports
Prefect, torch or transformers: predicting a run stays fast.
"""

from __future__ import annotations

from typing import Callable

from arabic_llm.config import PipelineConfig, TrainParams
from tasks.base_model import BaseModelParams, base_model, weights_file
from tasks.bias_audit import PROBES, BiasParams, bias_audit, bias_files
from tasks.clean import clean
from tasks.counterfactual import CounterfactualParams, counterfactual
from tasks.data_audit import data_audit
from tasks.diacritics import diacritics
from tasks.dialect import TagParams, dialect
from tasks.dialect_model import (
    DialectModelParams,
    dialect_model,
    labels_name_documents,
    training_file,
)
from tasks.download import download, plan
from tasks.evaluate import EvaluateParams, evaluate, evaluation_files
from tasks.export import export
from tasks.normalize import normalize
from tasks.report import ReportParams, report
from tasks.segment import segment
from tasks.shards import ShardsParams, shards
from tasks.tokenizer import TokenizerParams, tokenizer
from tasks.train_dialects import train_dialects
from tasks.train_msa import train_msa
from tasks.vocab import VocabParams, vocab


def pipeline(cfg: PipelineConfig, run: Callable) -> dict:
    """download -> clean -> normalize -> diacritics -> segment -> dialect_model -> dialect -> data_audit
    -> tokenizer -> base_model [-> vocab] [-> counterfactual] -> shards -> train_msa -> train_dialects [-> export] -> evaluate -> bias_audit -> report"""
    download_params, source_files = plan(cfg.download)
    raw = run(download, download_params, **source_files)
    cleaned = run(clean, cfg.clean, docs=raw)
    normalized = run(normalize, cfg.normalize, docs=cleaned)
    marked = run(diacritics, cfg.diacritics, docs=normalized)
    segmented = run(segment, cfg.segment, docs=marked)
    labels = training_file(cfg.dialect)
    tagger = run(dialect_model, DialectModelParams.from_config(cfg.dialect, cfg.shards.eval_fraction, cfg.seed),
                 docs=segmented if labels_name_documents(labels) else None, labels=labels)
    labelled = run(dialect, TagParams(), docs=segmented, model=tagger)
    tagged = run(data_audit, cfg.audit, docs=labelled)

    tok = run(tokenizer, TokenizerParams(tokenizer=cfg.tokenizer, eval_fraction=cfg.shards.eval_fraction,
                                         seed=cfg.seed), docs=tagged)
    model = run(base_model, BaseModelParams(model=cfg.model, seed=cfg.seed), tokenizer=tok, **weights_file(cfg.model))
    if cfg.vocab.new_tokens:  # the extended tokenizer (with its new rows) replaces the base one below
        tok = run(vocab, VocabParams(vocab=cfg.vocab, eval_fraction=cfg.shards.eval_fraction, seed=cfg.seed),
                  docs=tagged, tokenizer=tok, base_model=model)
    training_docs = tagged
    if cfg.counterfactual.enabled:
        training_docs = run(counterfactual, CounterfactualParams(
            counterfactual=cfg.counterfactual, eval_fraction=cfg.shards.eval_fraction, seed=cfg.seed), docs=tagged)
    packed = run(shards, ShardsParams(shards=cfg.shards, seed=cfg.seed), docs=training_docs, tokenizer=tok)

    def train_params(section):
        return TrainParams(train=section, lora=cfg.lora, quantization=cfg.quantization, memory=cfg.memory,
                           seed=cfg.seed, diacritic_attention=cfg.diacritic_attention.enabled)

    msa = run(train_msa, train_params(cfg.train_msa), shards=packed, base_model=model, tokenizer=tok)
    dialects = run(train_dialects, train_params(cfg.train_dialects), shards=packed, base_model=model,
                   tokenizer=tok, msa_adapter=msa)

    if cfg.export.merge:
        run(export, cfg.export, base_model=model, adapters=dialects)
    models = dict(base_model=model, tokenizer=tok, msa_adapter=msa, dialect_adapter=dialects)
    evaluation = run(evaluate, EvaluateParams.from_config(cfg.evaluate, cfg.quantization, cfg.shards.seq_len, cfg.seed,
                                                          cfg.intrinsic),
                     shards=packed, dialect_tagger=tagger, **models, **evaluation_files(cfg.evaluate, cfg.intrinsic))
    audit = run(bias_audit, BiasParams.from_config(cfg.bias_audit, cfg.quantization, cfg.shards.eval_fraction, cfg.seed),
                docs=tagged, evaluation=evaluation, probes=PROBES, **models, **bias_files(cfg.bias_audit))
    final = run(report, ReportParams(), evaluation=evaluation, audit=audit, data_audit=tagged, msa_adapter=msa,
                dialect_adapter=dialects)
    return {"report": final}
