"""Location of the data files shipped with arabic_nlp (package data: ``arabic_nlp/data/*``)."""

from __future__ import annotations

from pathlib import Path

# Resolved from this file rather than via importlib.resources so the files are
# found the same way in a checkout, an editable install and a wheel install.
DATA_DIR = Path(__file__).resolve().parent / "data"
