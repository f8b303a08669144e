"""The report's table of the Arabic adaptation methods (issue 19): each method on and off, side by side.

``methods_table`` takes one row per variant (a method on, or the baseline) with whichever figures were
measured and renders Markdown; a missing figure shows as "-". benchmarks/bench_arabic_adaptation.py
fills it from one run; the report stage can render the figures of a pipeline run the same way.
"""

from __future__ import annotations

COLUMNS = (
    ("tokens_per_word", "Arabic tokens/word", "{:.2f}"),
    ("english_changed", "English texts changed", "{:d}"),
    ("chars_per_s", "training Arabic chars/s", "{:.0f}"),
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


def pipeline_rows(eval_results: dict, vocab_summary: dict | None = None) -> dict[str, dict]:
    """Rows of one pipeline run for :func:`methods_table`: each scored model's masked-word accuracy and
    diacritic disambiguation (evaluate's ``results.json``) and, with a `vocab` stage, its tokens/word."""
    rows = {}
    for name, metrics in eval_results.get("models", {}).items():
        intrinsic = metrics.get("intrinsic", {})
        rows[name] = {"masked_word": intrinsic.get("masked_word"),
                      "disambiguation": intrinsic.get("diacritic_disambiguation"),
                      "bits_per_char": metrics.get("overall", {}).get("bits_per_char")}
    if vocab_summary:
        tokens = vocab_summary.get("held_out_tokens_per_word", {})
        rows = {f"{name} (vocab +{vocab_summary['new_tokens']})": {**row, "tokens_per_word": tokens.get("extended")}
                for name, row in rows.items()}
    return rows
