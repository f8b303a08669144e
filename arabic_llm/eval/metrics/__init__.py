"""The evaluation metrics, as `evaluate` modules that ship with the project and load by path.

``evaluate.load("squad")`` fetches a script from the hub at run time, which fails offline; these
load from this folder, each ``<name>/<name>.py``.
"""

from __future__ import annotations

import functools
from pathlib import Path

METRICS_DIR = Path(__file__).resolve().parent
METRICS = ("arabic_qa", "classification", "translation")


@functools.lru_cache(maxsize=None)
def load_metric(name: str):
    """The `evaluate` module ``name`` (one of ``METRICS``), loaded from its file."""
    import evaluate

    if name not in METRICS:
        raise KeyError(f"metric {name!r}: not one of {', '.join(METRICS)}")
    return evaluate.load(str(METRICS_DIR / name / f"{name}.py"))


def compute(name: str, predictions: list, references: list) -> dict:
    """One metric over whole lists (no batching state kept between calls)."""
    return load_metric(name).compute(predictions=predictions, references=references)
