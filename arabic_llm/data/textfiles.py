"""Local labelled text as a corpus source: plain lines, TSV or CSV, with a fixed dialect or a dialect column.

``download.text_files`` maps a source name to one such file (see ``TextFilesSource`` in config.py):
a tweet collection with a dialect column (ArSarcasm-v2), a Levantine line corpus (Shami), SIB-200's
training sentences, a diacritised text. Every ``rows_per_doc`` consecutive kept rows of one dialect
make one document (so held-out rows are whole short documents, not single words); ids are the source
name and a content hash, stable across runs and machines.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path

from arabic_llm.data.documents import CorpusError, content_id

FORMATS = ("lines", "tsv", "csv")


def _rows(path: Path, fmt: str, text_column: str | None, dialect_column: str | None, key: str) -> Iterator[tuple[str, str | None, int]]:
    """(text, raw dialect or None, line number) of every non-empty row."""
    with open(path, encoding="utf-8", newline="") as f:
        if fmt == "lines":
            for number, line in enumerate(f, 1):
                yield line.strip(), None, number
            return
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        reader = csv.DictReader(f, delimiter="\t" if fmt == "tsv" else ",",
                                quoting=csv.QUOTE_NONE if fmt == "tsv" else csv.QUOTE_MINIMAL)
        wanted = [c for c in (text_column, dialect_column) if c]
        missing = [c for c in wanted if c not in (reader.fieldnames or [])]
        if missing:
            raise CorpusError(f"{key}: {path}: header lacks column(s) {missing} (has {reader.fieldnames})")
        for number, row in enumerate(reader, 2):
            yield (row.get(text_column) or "").strip(), (row.get(dialect_column) or "").strip() if dialect_column else None, number


def text_file_documents(name: str, path: Path, spec, limit: int | None = None) -> Iterator[dict]:
    """Documents of one ``text_files`` source: {id, source, dialect, text}, rows grouped per dialect."""
    key = f"download.text_files.{name}"
    if spec.format != "lines" and not spec.text_column:
        raise CorpusError(f"{key}: format {spec.format} needs text_column")
    pending: dict[str, list[str]] = {}
    count = 0
    for text, raw, number in _rows(path, spec.format, spec.text_column, spec.dialect_column, key):
        if not text:
            continue
        if raw is None:
            label = spec.dialect
        else:
            label = spec.dialect_map.get(raw, raw if raw in spec.dialect_map.values() else None)
            if label is None:
                if spec.skip_unmapped:
                    continue
                raise CorpusError(f"{key}: {path}:{number}: dialect {raw!r} is not mapped (dialect_map: {spec.dialect_map})")
        group = pending.setdefault(label, [])
        group.append(text)
        if len(group) == spec.rows_per_doc:
            yield _doc(name, label, group)
            pending[label] = []
            count += 1
            if limit is not None and count >= limit:
                return
    for label, group in pending.items():
        if group and (limit is None or count < limit):
            yield _doc(name, label, group)
            count += 1


def _doc(name: str, dialect: str, rows: list[str]) -> dict:
    text = "\n".join(rows)
    return {"id": f"{name}:{content_id(dialect, text)}", "source": name, "title": "", "dialect": dialect, "text": text}
