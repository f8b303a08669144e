"""The report's table of the Arabic adaptation methods (issue 19): each method on and off, side by side.

``methods_table`` takes one row per variant (a method on, or the baseline) with whichever figures were
measured and renders Markdown; a missing figure shows as "-". benchmarks/bench_arabic_adaptation.py
fills it from one run. A pipeline run has one variant: its report's ``intrinsic`` table
(arabic_llm/audit/report.py) shows masked-word accuracy and diacritic disambiguation per model.
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

