"""Evaluation of every model on the held-out documents, per dialect, and on every task of the suite."""

from __future__ import annotations

import json
from pathlib import Path

from arabic_llm.config import DIALECTS, EvaluateConfig, QuantizationConfig
from arabic_llm.eval.adaptation import adaptation
from arabic_llm.eval.downstream import dialect_id, dialect_id_examples
from arabic_llm.eval.generations import continue_texts, example_prompts
from arabic_llm.eval.models import iter_models
from arabic_llm.eval.scoring import Totals, score_texts
from arabic_llm.eval.sets import EvalData
from arabic_llm.eval.suite import model_tasks, write_human_eval

PREDICTIONS_FILE = "predictions.jsonl"


def select_docs(eval_docs: list[dict], max_per_dialect: int) -> dict[str, list[dict]]:
    """Group documents by their "dialect" key, keeping the first ``max_per_dialect`` of each.

    Returns:
        dialect -> documents, known dialects first in the canonical order (MSA, EGY, GLF, LEV, MGR).
    """
    groups: dict[str, list[dict]] = {}
    for i, doc in enumerate(eval_docs):
        if "dialect" not in doc or "text" not in doc:
            raise KeyError(
                f"eval_docs[{i}] (id {doc.get('id')!r}) lacks 'dialect' or 'text'; evaluate the dialect-tagged eval_docs.jsonl"
            )
        group = groups.setdefault(doc["dialect"], [])
        if len(group) < max_per_dialect:
            group.append(doc)
    order = [d for d in DIALECTS if d in groups] + sorted(d for d in groups if d not in DIALECTS)
    return {d: groups[d] for d in order}


def evaluate_models(
    *,
    model_dir: str,
    tokenizer_dir: str,
    eval_docs: list[dict],
    adapters: dict[str, Path],
    quant: QuantizationConfig,
    settings: EvaluateConfig,
    seq_len: int,
    seed: int,
    data: EvalData | None = None,
    tagger_dir: Path | None = None,
    out_dir: Path | None = None,
) -> dict:
    """Score the base model and every adapter on held-out documents, per dialect, and on every task.

    Args:
        model_dir: base model directory or hub id.
        tokenizer_dir: tokenizer directory (the one the shards were built with).
        eval_docs: held-out documents with "dialect" and "text" (``eval_docs.jsonl``).
        adapters: name -> adapter directory, e.g. {"msa": ..., "dialects": ...}.
        quant: 4-bit settings, as in training.
        settings: ``max_docs_per_dialect`` (first N of each dialect, in file order) and ``top_k``.
        seq_len: window length (use the training sequence length).
        seed: seeds torch, k-shot example choice and noise (scoring and greedy decoding are deterministic).
        data: the task sets (``eval_data.load_eval_data``); None scores the documents only.
        tagger_dir: the pipeline's dialect tagger, for its dialect-ID accuracy beside the models'.
        out_dir: where ``predictions.jsonl`` and the human-evaluation CSVs go (None: not written).
    Returns:
        {"models": {name: {"per_dialect": {D: metrics}, "overall": metrics, <task>: ...}}, "n_docs": {D: n},
        "dialect_id_tagger": ...} where metrics = n_docs, n_tokens, n_chars, n_words, nll_nats, mean_nll,
        perplexity, bits_per_char, next_word_top1, next_word_topk, top_k; "overall" pools all tokens /
        characters / words; the task sections are those of ``eval_suite.model_tasks`` and ``robustness``.
    """
    import torch

    from arabic_llm.model.modeling import load_tokenizer

    torch.manual_seed(seed)
    groups = select_docs(eval_docs, settings.max_docs_per_dialect)
    tokenizer = load_tokenizer(tokenizer_dir)
    results: dict = {"models": {}, "n_docs": {d: len(docs) for d, docs in groups.items()}}
    outputs: dict[str, list[dict]] = {}
    per_document: dict[str, dict[str, list[float]]] = {}  # model -> dialect -> each document's NLL (nats)
    documents: dict[str, list[dict]] = {}
    examples = example_prompts(groups, settings.generation_prompts, settings.generation_prompt_chars)
    with torch.inference_mode():
        for name, model in iter_models(model_dir, adapters, quant, tokenizer_dir):
            overall = Totals()
            per_dialect: dict[str, dict] = {}
            per_document[name] = {}
            for dialect, docs in groups.items():
                totals = Totals()
                scores = score_texts(model, tokenizer, [d["text"] for d in docs], seq_len, settings.top_k,
                                     settings.batch_size)
                for score in scores:
                    totals.add(score)
                    overall.add(score)
                per_dialect[dialect] = totals.metrics(settings.top_k)
                per_document[name][dialect] = [score.nll_sum for score in scores]
                documents[dialect] = [{"id": d["id"], "n_chars": score.n_chars, "n_tokens": len(score.nll)}
                                      for d, score in zip(docs, scores)]
            results["models"][name] = {"per_dialect": per_dialect, "overall": overall.metrics(settings.top_k),
                                       "per_document_nll": per_document[name]}
            for example, text in zip(examples, continue_texts(model, tokenizer, [e["prompt"] for e in examples],
                                                              settings.generation_tokens)):
                example.setdefault("outputs", {})[name] = text
            if data is not None:
                docs = [doc["text"] for group in groups.values() for doc in group]
                tasks, outputs[name] = model_tasks(model, tokenizer, data, docs, settings, seq_len, seed)
                results["models"][name].update(tasks)
    results["documents"] = documents
    results["adaptation"] = adaptation(per_document, documents, n_boot=settings.bootstrap_samples,
                                       confidence=settings.confidence, seed=seed)
    results["examples"] = examples
    if data is not None and data.parallel and tagger_dir is not None:
        from arabic_nlp.dialect import DialectTagger

        texts, gold = dialect_id_examples(data.parallel, settings.max_examples)
        predicted = [p.label for p in DialectTagger.load(Path(tagger_dir)).predict_batch(texts)]
        results["dialect_id_tagger"] = dialect_id(predicted, gold)
    if out_dir is not None and outputs:
        with open(Path(out_dir) / PREDICTIONS_FILE, "w", encoding="utf-8") as f:
            for name, rows in outputs.items():
                f.writelines(json.dumps({"model": name, **row}, ensure_ascii=False, sort_keys=True) + "\n" for row in rows)
        results["human_eval_samples"] = write_human_eval(outputs, settings.human_eval_samples, seed, Path(out_dir))
    return results
