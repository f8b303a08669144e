"""Every downstream metric for one model, the robustness curves, and the human-evaluation export.

``model_tasks`` scores one model (base, or with an adapter active) on the configured sets:

- ``qa``: generative QA, EM and F1 after Arabic answer normalisation;
- ``sentiment``, ``topic``: label-likelihood classification, zero-shot and k-shot (topic on MSA);
- ``translation``: ar->en (MSA rows) and en->ar, BLEU and chrF;
- ``dialect_table``: per dialect, perplexity and bits/char of the parallel texts, BLEU and chrF
  dialect->en, k-shot topic accuracy and macro-F1 (the rows say the same things in each variety,
  so they compare);
- ``dialect_id``: the model's own zero-shot dialect identification;
- ``robustness``: at each noise level, perplexity / bits-per-char of noisy held-out documents,
  zero-shot sentiment and topic accuracy on noisy text, and chrF of the ar->en outputs on noisy
  sources against the outputs on clean sources.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from pathlib import Path

from arabic_llm.config import EvaluateConfig
from arabic_llm.eval.downstream import (
    Batch,
    balanced_subset,
    classification_pairs,
    classification_scores,
    dialect_id,
    dialect_id_examples,
    label_words,
    pick_labels,
    qa_prompt,
    translation_prompts,
)
from arabic_llm.eval.metrics import compute
from arabic_llm.eval.noise import add_noise
from arabic_llm.eval.scoring import Totals, score_texts
from arabic_llm.eval.sets import EvalData

HUMAN_EVAL_COLUMNS = ("sample_id", "task", "system", "prompt", "output", "reference", "fluency_1to5", "coherence_1to5", "comment")


def _lm_totals(model, tokenizer, texts: Sequence[str], seq_len: int, settings: EvaluateConfig) -> dict:
    totals = Totals()
    for score in score_texts(model, tokenizer, list(texts), seq_len, settings.top_k, settings.batch_size):
        totals.add(score)
    return totals.metrics(settings.top_k)


class _Classifier:
    """One classification task registered on a Batch; ``result()`` after the batch ran."""

    def __init__(self, batch: Batch, items: Sequence[dict], labels: Sequence[str], field: str, settings: EvaluateConfig,
                 k: int, pool: Sequence[dict], seed: int, label_key: str = "label"):
        self.batch, self.labels, self.gold = batch, list(labels), [ex[label_key] for ex in items]
        words = label_words(self.labels, settings.label_words)
        self.ticket = batch.score(classification_pairs(items, labels=self.labels, field=field, words=words, k=k,
                                                       pool=pool, seed=seed, label_key=label_key))

    def predictions(self) -> list[str]:
        return pick_labels(self.batch.scores(self.ticket), self.labels)

    def result(self) -> dict:
        return classification_scores(self.predictions(), self.gold)


def model_tasks(model, tokenizer, data: EvalData, docs: Sequence[str], settings: EvaluateConfig, seq_len: int,
                seed: int) -> tuple[dict, list[dict]]:
    """Every task metric of one model, and its generated outputs (for predictions and human eval).

    The result functions bind the loop variables they read as default arguments (late binding).

    All prompts go through one ``Batch``: generation and scoring run in few large batches.
    """
    n, k, bs = settings.max_examples, settings.k_shot, settings.batch_size
    batch = Batch()
    later = []  # (section, function computing it once the batch ran)
    outputs: list[dict] = []

    def generation(task: str, items: Sequence[dict], prompts: list[str], refs: list, dialect: str | None = None):
        ticket = batch.generate(prompts)

        def collect() -> list[str]:
            hyps = batch.generated(ticket)
            outputs.extend({"task": task, "id": it["id"], "prompt": p, "output": h, "reference": r if isinstance(r, str) else r[0],
                            **({"dialect": dialect} if dialect else {})} for it, p, h, r in zip(items, prompts, hyps, refs))
            return hyps
        return collect

    if data.qa:
        items = data.qa[:n]
        qa = generation("qa", items, [qa_prompt(q) for q in items], [q["answers"] for q in items])
        later.append(("qa", lambda qa=qa, items=items: compute("arabic_qa", qa(), [q["answers"] for q in items])))
    sentiment = [{"id": str(i), **ex} for i, ex in enumerate(data.sentiment)]
    if sentiment:
        labels = sorted({ex["label"] for ex in sentiment})
        scored = balanced_subset(sentiment, n, "label")
        zero = _Classifier(batch, scored, labels, "المشاعر", settings, 0, sentiment, seed)
        kshot = _Classifier(batch, scored, labels, "المشاعر", settings, k, sentiment, seed)
        later.append(("sentiment", lambda: {"k": k, "n_labels": len(labels), "zero_shot": zero.result(), "k_shot": kshot.result()}))
    topics = sorted({ex["topic"] for rows in data.parallel.values() for ex in rows})
    table_parts = {}
    for dialect, rows in data.parallel.items():
        items, pool = rows[:n], data.parallel_shots.get(dialect) or rows
        mt = generation(f"translation_{dialect}_en", items, translation_prompts(items, "ar", "en", k=k, pool=pool, seed=seed),
                        [ex["en"] for ex in items], dialect)
        topic = _Classifier(batch, items, topics, "الموضوع", settings, k, pool, seed, label_key="topic")
        lm = _lm_totals(model, tokenizer, [ex["text"] for ex in items], seq_len, settings)
        table_parts[dialect] = (items, mt, topic, lm)
    if table_parts:
        def dialect_table() -> dict:
            table = {}
            for dialect, (items, mt, topic, lm) in table_parts.items():
                scores, topic_scores = compute("translation", mt(), [ex["en"] for ex in items]), topic.result()
                table[dialect] = {"n_texts": len(items), "perplexity": lm["perplexity"], "bits_per_char": lm["bits_per_char"],
                                  "bleu_to_en": scores["bleu"], "chrf_to_en": scores["chrf"],
                                  "topic_accuracy": topic_scores["accuracy"], "topic_macro_f1": topic_scores["macro_f1"]}
            return table
        later.append(("dialect_table", dialect_table))
    if "MSA" in data.parallel:
        items, pool = data.parallel["MSA"][:n], data.parallel_shots.get("MSA") or data.parallel["MSA"]
        en_ar = generation("translation_en_ar", items, translation_prompts(items, "en", "ar", k=k, pool=pool, seed=seed),
                           [ex["text"] for ex in items])
        zero_topic = _Classifier(batch, items, topics, "الموضوع", settings, 0, pool, seed, label_key="topic")
        later.append(("translation", lambda en_ar=en_ar, items=items: {"k": k, "en_ar": compute("translation", en_ar(), [ex["text"] for ex in items])}))
        later.append(("topic", lambda: {"k": k, "n_labels": len(topics), "zero_shot": zero_topic.result()}))
    if data.parallel:
        texts, gold = dialect_id_examples(data.parallel, n)
        dialects = list(data.parallel)
        did = _Classifier(batch, [{"id": str(i), "text": t, "label": g} for i, (t, g) in enumerate(zip(texts, gold))],
                          dialects, "اللهجة", settings, 0, [], seed)
        later.append(("dialect_id", lambda: dialect_id(did.predictions(), gold)))
    finish_robustness = robustness(batch, model, tokenizer, data, docs, settings, seq_len, seed)

    batch.run(model, tokenizer, settings.max_new_tokens, bs)
    result = {section: compute_section() for section, compute_section in later}
    if "dialect_table" in result and "translation" in result:  # ar->en is the MSA row of the table
        msa = result["dialect_table"]["MSA"]
        result["translation"] = {"k": k, "ar_en": {"bleu": msa["bleu_to_en"], "chrf": msa["chrf_to_en"], "n": msa["n_texts"]},
                                 "en_ar": result["translation"]["en_ar"]}
        result["topic"]["k_shot"] = {"accuracy": msa["topic_accuracy"], "macro_f1": msa["topic_macro_f1"], "n": msa["n_texts"]}
    result["robustness"] = finish_robustness()
    return result, outputs


def robustness(batch: Batch, model, tokenizer, data: EvalData, docs: Sequence[str], settings: EvaluateConfig,
               seq_len: int, seed: int):
    """Register the robustness prompts on ``batch``; returns the function that reads the curves after it ran.

    Perplexity of noisy documents is computed here directly (it needs no batch).
    """
    m, kinds = settings.robustness_examples, settings.noise_kinds
    docs = list(docs)[:m]
    sentiment = balanced_subset([{"id": str(i), **ex} for i, ex in enumerate(data.sentiment)], m, "label")
    msa = balanced_subset(data.parallel.get("MSA") or [], m, "topic")
    topics = sorted({ex["topic"] for rows in data.parallel.values() for ex in rows})
    sentiment_labels = sorted({ex["label"] for ex in sentiment})

    def noisy(rows: Sequence[dict], level: float) -> list[dict]:
        return [{**ex, "text": add_noise(ex["text"], level, kinds, seed)} for ex in rows]

    levels = []
    for level in settings.noise_levels:
        lm = _lm_totals(model, tokenizer, [add_noise(t, level, kinds, seed) for t in docs], seq_len, settings) if docs else {}
        levels.append({
            "lm": lm,
            "sentiment": _Classifier(batch, noisy(sentiment, level), sentiment_labels, "المشاعر", settings, 0, [], seed)
            if sentiment else None,
            "topic": _Classifier(batch, noisy(msa, level), topics, "الموضوع", settings, 0, [], seed, label_key="topic")
            if msa else None,
            "mt": batch.generate(translation_prompts(noisy(msa, level), "ar", "en", k=0, pool=[], seed=seed)) if msa else None,
        })

    # The outputs on clean sources are the reference of every level (level 0's, when it is scored).
    clean = next((e["mt"] for lvl, e in zip(settings.noise_levels, levels) if lvl == 0.0), None)
    if msa and clean is None:
        clean = batch.generate(translation_prompts(msa, "ar", "en", k=0, pool=[], seed=seed))

    def curves() -> dict:
        out: dict[str, list] = {"levels": list(settings.noise_levels), "kinds": list(kinds), "perplexity": [],
                                "bits_per_char": [], "sentiment_accuracy": [], "topic_accuracy": [], "chrf_vs_clean": []}
        for entry in levels:
            out["perplexity"].append(entry["lm"].get("perplexity"))
            out["bits_per_char"].append(entry["lm"].get("bits_per_char"))
            out["sentiment_accuracy"].append(entry["sentiment"].result()["accuracy"] if entry["sentiment"] else None)
            out["topic_accuracy"].append(entry["topic"].result()["accuracy"] if entry["topic"] else None)
            out["chrf_vs_clean"].append(
                compute("translation", batch.generated(entry["mt"]), batch.generated(clean))["chrf"] if msa else None)
        return out

    return curves


def write_human_eval(outputs: dict[str, list[dict]], n_samples: int, seed: int, out_dir: Path) -> int:
    """Blind rating sheet: ``human_eval.csv`` (systems as letters, rows shuffled) and ``human_eval_key.csv``.

    Args:
        outputs: model name -> generated outputs ({task, id, prompt, output, reference}).
        n_samples: prompts exported (each with every model's output).
        seed: shuffling seed.
        out_dir: where to write the two files.
    Returns:
        The number of prompts exported.
    """
    models = list(outputs)
    if not models or n_samples == 0:
        return 0
    by_key = {m: {(o["task"], o["id"]): o for o in outputs[m]} for m in models}
    keys = [k for k in by_key[models[0]] if all(k in by_key[m] for m in models)]
    rng = random.Random(seed)
    keys = rng.sample(keys, min(n_samples, len(keys)))
    rows, key_rows = [], []
    for number, key in enumerate(keys, 1):
        letters = [chr(ord("A") + i) for i in range(len(models))]
        rng.shuffle(letters)
        for model, letter in sorted(zip(models, letters), key=lambda pair: pair[1]):
            o = by_key[model][key]
            rows.append({"sample_id": number, "task": o["task"], "system": letter, "prompt": o["prompt"],
                         "output": o["output"], "reference": o.get("reference", ""), "fluency_1to5": "",
                         "coherence_1to5": "", "comment": ""})
            key_rows.append({"sample_id": number, "system": letter, "model": model})
    with open(out_dir / "human_eval.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HUMAN_EVAL_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with open(out_dir / "human_eval_key.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=("sample_id", "system", "model"))
        writer.writeheader()
        writer.writerows(key_rows)
    return len(keys)
