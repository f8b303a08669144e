"""The wikitext gold set (tests/data/wikitext_gold.yaml) and how a converter is scored on it.

Shared by tests/test_wikitext.py and benchmarks/bench_wikitext.py, so the test checks the very
scores the benchmark prints.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Callable

GOLD_FILE = Path(__file__).resolve().parent / "data" / "wikitext_gold.yaml"


def gold_snippets() -> list[dict]:
    """[{name, wikitext, expected}] in file order."""
    import yaml

    return yaml.safe_load(GOLD_FILE.read_text(encoding="utf-8"))


def normalized(text: str) -> str:
    """Lines with runs of white space collapsed, empty lines dropped: how outputs are compared."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.split())


def chrf(output: str, expected: str) -> float:
    """sacrebleu's sentence chrF (0-100) of ``output`` against ``expected``."""
    from sacrebleu.metrics import CHRF

    return CHRF().sentence_score(output, [expected]).score


def edit_similarity(output: str, expected: str) -> float:
    """difflib's ratio (0-1): 2 * matched characters / total characters."""
    return difflib.SequenceMatcher(None, output, expected, autojunk=False).ratio()


def score(convert: Callable[[str], str], snippets: list[dict] | None = None) -> dict:
    """Exact matches, mean chrF and mean edit similarity of ``convert`` on the gold set, and the
    normalised output of each snippet (``outputs``: name -> text)."""
    snippets = gold_snippets() if snippets is None else snippets
    outputs = {s["name"]: normalized(convert(s["wikitext"])) for s in snippets}
    expected = {s["name"]: normalized(s["expected"]) for s in snippets}
    names = list(outputs)
    return {
        "snippets": len(names),
        "exact": sum(outputs[n] == expected[n] for n in names),
        "heldout": sum(s.get("heldout", False) for s in snippets),
        "exact_heldout": sum(outputs[s["name"]] == expected[s["name"]] for s in snippets if s.get("heldout")),
        "chrf": sum(chrf(outputs[n], expected[n]) for n in names) / len(names),
        "edit_similarity": sum(edit_similarity(outputs[n], expected[n]) for n in names) / len(names),
        "outputs": outputs,
        "failed": [n for n in names if outputs[n] != expected[n]],
    }
