"""Intrinsic Arabic tests of every model an evaluation scores: masked-word accuracy per dialect and
diacritic disambiguation (eval/masked_word.py, eval/diacritics.py), base against each adapter."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from arabic_llm.config import IntrinsicEvalConfig, QuantizationConfig
from arabic_llm.eval.diacritics import attested_readings, disambiguation_choices
from arabic_llm.eval.masked_word import (
    Choice,
    FrequencyBands,
    choice_accuracy,
    masked_word_choices,
)

MIN_WORDS = 3  # a shorter line is no context for a hidden word


def held_out_lines(eval_docs: list[dict]) -> dict[str, list[str]]:
    """Lines of the held-out documents with at least MIN_WORDS words, by dialect."""
    lines: dict[str, list[str]] = {}
    for doc in eval_docs:
        found = [ln.strip() for ln in doc["text"].split("\n") if len(ln.split()) >= MIN_WORDS]
        lines.setdefault(doc["dialect"], []).extend(found)
    return lines


def intrinsic_tests(eval_docs: list[dict], diacritized: list[str] | None, cfg: IntrinsicEvalConfig,
                    seed: int) -> dict[str, list[Choice]]:
    """{"masked_word/<dialect>": tests, "diacritics": tests}. Distractor frequencies come from all the
    held-out text; diacritic readings from ``diacritized`` (else the held-out lines)."""
    lines = held_out_lines(eval_docs)
    bands = FrequencyBands(Counter(w for group in lines.values() for ln in group for w in ln.split()), min_count=2)
    tests = {f"masked_word/{dialect}": masked_word_choices(group, bands, cfg.masked_word_candidates, seed,
                                                          cfg.masked_word_window)[: cfg.max_sentences]
             for dialect, group in sorted(lines.items())}
    marked = diacritized if diacritized is not None else [ln for group in lines.values() for ln in group]
    tests["diacritics"] = disambiguation_choices(marked, attested_readings(marked), seed)[: cfg.max_sentences]
    return tests


def read_diacritized(path: Path) -> list[str]:
    lines = [ln.strip() for ln in Path(path).read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if len(ln.split()) >= MIN_WORDS]
    if not lines:
        raise ValueError(f"intrinsic.diacritized: {path} has no line of {MIN_WORDS}+ words")
    return lines


def intrinsic_metrics(model_dir: str, tokenizer_dir: str, adapters: dict[str, Path], quant: QuantizationConfig,
                      tests: dict[str, list[Choice]], batch_size: int) -> dict[str, dict]:
    """{model name: {"masked_word": {dialect: accuracy}, "diacritic_disambiguation": accuracy, "n": {...}}}."""
    import torch

    from arabic_llm.eval.masked_word import sentence_logprobs
    from arabic_llm.eval.models import iter_models
    from arabic_llm.model.modeling import load_tokenizer

    tokenizer = load_tokenizer(tokenizer_dir)
    out: dict[str, dict] = {}
    with torch.inference_mode():
        for name, model in iter_models(model_dir, adapters, quant, tokenizer_dir):
            def logprob(texts: list[str]) -> list[float]:
                return sentence_logprobs(model, tokenizer, texts, batch_size)

            scores = {key: choice_accuracy(choices, logprob) for key, choices in tests.items()}
            out[name] = {"masked_word": {k.split("/", 1)[1]: v for k, v in scores.items() if k.startswith("masked_word/")},
                         "diacritic_disambiguation": scores["diacritics"],
                         "n_tests": {key: len(choices) for key, choices in tests.items()}}
    return out
