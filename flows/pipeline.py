"""The pipeline, on one screen.

``pipeline`` wires the stages; ``run`` decides what a stage call means: the Prefect flow runs it
(cached by content, flows/flow.py), ``arabic-llm status`` predicts it, ``arabic-llm dag`` draws it.
One wiring serves all three, so what ``status`` predicts is what ``run`` does. Nothing here imports
Prefect, torch or transformers: predicting a run stays fast.
"""

from __future__ import annotations

from typing import Callable

from arabic_llm.data.learned import plan_learned
from arabic_llm.cache.store import Store
from arabic_llm.config import PipelineConfig, SplitParams, TrainParams
from arabic_llm.train.lineage import plan_training, source_versions
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
from tasks.download import download, plan, plan_parent
from tasks.evaluate import EvaluateParams, evaluate, evaluation_files
from tasks.export import export
from tasks.normalize import normalize
from tasks.report import ReportParams, report
from tasks.segment import segment
from tasks.shards import ShardsParams, shards
from tasks.tokenizer import TokenizerParams, tokenizer, tokenizer_inputs
from tasks.train_dialects import train_dialects
from tasks.train_msa import train_msa
from tasks.vocab import VocabParams, vocab


def pipeline(cfg: PipelineConfig, run: Callable) -> dict:
    """download -> clean -> normalize -> diacritics -> segment -> dialect_model -> dialect -> data_audit
    -> tokenizer -> base_model [-> vocab] [-> counterfactual] -> shards -> train_msa -> train_dialects [-> export] -> evaluate -> bias_audit -> report"""
    store = getattr(run, "store", None)
    store = store if isinstance(store, Store) else None  # runners that only record or time stages have none

    def learned(stage, params, **inputs):  # a resource learned from documents: relearned, or kept (data/learned.py)
        chosen = plan_learned(store, stage, params, inputs, cfg.learned)
        _announce(run, stage, chosen.reason)
        return run(stage, params, **chosen.inputs)

    download_params, source_files = plan(cfg.download)
    parent = plan_parent(store, download_params, source_files, cfg.download.compact_at)  # segments: the last download
    _announce(run, download, parent.reason)
    raw = run(download, download_params, **source_files, **parent.inputs)
    cleaned = run(clean, cfg.clean, docs=raw)
    normalized = run(normalize, cfg.normalize, docs=cleaned)
    marked = run(diacritics, cfg.diacritics, docs=normalized)
    segmented = run(segment, cfg.segment, docs=marked)
    split = SplitParams.of(cfg.shards, cfg.seed)  # the held-out documents, the same for every stage that asks
    labels = training_file(cfg.dialect)
    tagger = learned(dialect_model, DialectModelParams.from_config(cfg.dialect, split),
                     docs=segmented if labels_name_documents(labels) else None, labels=labels)
    labelled = run(dialect, TagParams(), docs=segmented, model=tagger)
    tagged = run(data_audit, cfg.audit, docs=labelled)

    tok_params = TokenizerParams.from_config(cfg.tokenizer, cfg.model, split)
    tok = learned(tokenizer, tok_params, **tokenizer_inputs(tok_params, cfg.model, tagged))
    model = run(base_model, BaseModelParams.from_config(cfg.model, cfg.seed), tokenizer=tok, **weights_file(cfg.model))
    if cfg.vocab.new_tokens:  # the extended tokenizer (with its new rows) replaces the base one below
        tok = learned(vocab, VocabParams(vocab=cfg.vocab, split=split), docs=tagged, tokenizer=tok, base_model=model)
    training_docs = tagged
    if cfg.counterfactual.enabled:
        training_docs = run(counterfactual, CounterfactualParams(counterfactual=cfg.counterfactual, split=split),
                            docs=tagged)
    packed = run(shards, ShardsParams(shards=cfg.shards, seed=cfg.seed), docs=training_docs, tokenizer=tok)

    def train_params(section):
        return TrainParams(train=section, lora=cfg.lora, quantization=cfg.quantization, memory=cfg.memory,
                           seed=cfg.seed, diacritic_attention=cfg.diacritic_attention.enabled)

    # Full or incremental training, and from which parent, is decided here, before the key (train/lineage.py).
    sources = source_versions(download_params.wikipedia_dump, download_params.datasets, source_files, store) \
        if store is not None else {}
    msa_plan = plan_training(store, train_msa, train_params(cfg.train_msa),
                             {"shards": packed, "base_model": model, "tokenizer": tok}, cfg.train_msa.incremental,
                             sources=sources)
    _announce(run, train_msa, msa_plan.reason)
    msa = run(train_msa, msa_plan.params, **msa_plan.inputs)
    dialects_plan = plan_training(store, train_dialects, train_params(cfg.train_dialects),
                                  {"shards": packed, "base_model": model, "tokenizer": tok, "msa_adapter": msa},
                                  cfg.train_dialects.incremental, sources=sources,
                                  lineage={"msa_adapter": msa_plan.recipe})
    _announce(run, train_dialects, dialects_plan.reason)
    dialects = run(train_dialects, dialects_plan.params, **dialects_plan.inputs)

    if cfg.export.merge:
        run(export, cfg.export, base_model=model, adapters=dialects)
    models = dict(base_model=model, tokenizer=tok, msa_adapter=msa, dialect_adapter=dialects)
    evaluation = run(evaluate, EvaluateParams.from_config(cfg.evaluate, cfg.quantization, cfg.shards.seq_len, cfg.seed,
                                                          cfg.intrinsic),
                     shards=packed, dialect_tagger=tagger, **models, **evaluation_files(cfg.evaluate, cfg.intrinsic))
    audit = run(bias_audit, BiasParams.from_config(cfg.bias_audit, cfg.quantization, split),
                docs=tagged, evaluation=evaluation, probes=PROBES, **models, **bias_files(cfg.bias_audit))
    final = run(report, ReportParams(), evaluation=evaluation, audit=audit, data_audit=tagged, msa_adapter=msa,
                dialect_adapter=dialects, vocab=tok if cfg.vocab.new_tokens else None,
                counterfactual=training_docs if cfg.counterfactual.enabled else None)
    return {"report": final}


def _announce(run: Callable, stage, reason: str | None) -> None:
    """Tell the caller (``status``, the runner) what a stage's call was decided to be and why."""
    plans = getattr(run, "plans", None)
    if plans is not None and reason:
        plans[stage.spec.name] = reason
