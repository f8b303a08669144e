"""The report's table of the Arabic adaptation methods (issue 19): each method on and off, side by side.

``methods_table`` takes one row per variant (a method on, or the baseline) with whichever figures were
measured and renders Markdown; a missing figure shows as "-". benchmarks/bench_arabic_adaptation.py
fills it from one run. A pipeline run trains one variant: :func:`run_methods` gives its report the
methods it had on and, per method, its figure for the base model (every method off, untrained) and
for the final adapter; the bench separates a method from training.
"""

from __future__ import annotations

COLUMNS = (
    ("tokens_per_word", "Arabic tokens/word", "{:.2f}"),
    ("english_changed", "English texts changed", "{:d}"),
    ("chars_per_s", "training Arabic chars/s", "{:.0f}"),
    ("steps", "training steps", "{:d}"),
    ("bits_per_char", "held-out bits/char", "{:.3f}"),
    ("diacritized_bits_per_char", "diacritised bits/char", "{:.3f}"),
    ("disambiguation", "diacritic disambiguation", "{:.3f}"),
    ("masked_word", "masked-word acc.", "{:.3f}"),
    ("stereotype_share", "stereotype share", "{:.3f}"),
)


def _cell(value, fmt: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):  # per dialect or per category
        return ", ".join(f"{k} {_cell(v, fmt)}" for k, v in sorted(value.items()))
    return fmt.format(value)


def methods_table(rows: dict[str, dict]) -> str:
    """Markdown table: one line per variant (``rows`` in order), one column per figure any row has."""
    columns = [c for c in COLUMNS if any(c[0] in row for row in rows.values())]
    lines = ["| variant | " + " | ".join(title for _, title, _ in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for name, row in rows.items():
        lines.append(f"| {name} | " + " | ".join(_cell(row.get(key), fmt) for key, _, fmt in columns) + " |")
    return "\n".join(lines)


def _mean(values: dict | None) -> float | None:
    values = [v for v in (values or {}).values() if v is not None]
    return _round(sum(values) / len(values)) if values else None


def run_methods(results: dict, audit: dict, final: str, vocab: dict | None, counterfactual: dict | None,
                diacritic_attention: bool) -> list[dict]:
    """One row per Arabic adaptation method: on or off in this run, its setting, and its figure for the
    base model against ``final`` (the last adapter). ``vocab`` and ``counterfactual`` are those stages'
    summaries (None: the stage did not run); a figure not measured is None."""
    models = results.get("models", {})
    column = final if final != "base" else "base (no adapter)"

    def intrinsic(name: str) -> dict:
        return models.get(name, {}).get("intrinsic") or {}

    def stereotype(name: str) -> float | None:
        model = audit.get("crows_pairs", {}).get("models", {}).get(name, {})
        return _round(model.get("overall", {}).get("stereotype_share"))

    tokens = (vocab or {}).get("held_out_tokens_per_word") or {}
    return [
        {"method": "vocabulary extension", "in_this_run": "on" if vocab else "off",
         "setting": f"+{vocab['new_tokens']} tokens, {vocab['init']} rows" if vocab else "-",
         "figure": "held-out Arabic tokens/word (base tokenizer / this run's)",
         "base": _round(tokens.get("base")), column: _round(tokens.get("extended", tokens.get("base")))},
        {"method": "diacritic-aware attention", "in_this_run": "on" if diacritic_attention else "off", "setting": "-",
         "figure": "diacritic disambiguation",
         "base": _round(intrinsic("base").get("diacritic_disambiguation")),
         column: _round(intrinsic(final).get("diacritic_disambiguation"))},
        {"method": "counterfactual augmentation", "in_this_run": "on" if counterfactual else "off",
         "setting": f"{counterfactual['copies']} gender-swapped copies" if counterfactual else "-",
         "figure": "CrowS-style stereotype share (0.5 = none)", "base": stereotype("base"), column: stereotype(final)},
        {"method": "masked-word accuracy (metric)", "in_this_run": "on", "setting": "-",
         "figure": "top-1, mean over dialects",
         "base": _mean(intrinsic("base").get("masked_word")), column: _mean(intrinsic(final).get("masked_word"))},
    ]


def _round(value):
    return round(value, 3) if isinstance(value, float) else value
