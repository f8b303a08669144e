"""The text stages (download .. data_audit) called as plain functions, each into its own folder."""

from __future__ import annotations

from pathlib import Path

from arabic_llm.config import PipelineConfig, SplitParams

TEXT_STAGES = ("download", "clean", "normalize", "diacritics", "segment", "dialect_model", "dialect", "data_audit")


def build_text_stages(cfg: PipelineConfig, root: Path, split: SplitParams) -> dict[str, Path]:
    """Each text stage's output folder under ``root``, built from ``cfg``'s sources in DAG order."""
    from tasks.clean import clean
    from tasks.data_audit import data_audit
    from tasks.diacritics import diacritics
    from tasks.dialect import TagParams, dialect
    from tasks.dialect_model import DialectModelParams, dialect_model, training_file
    from tasks.download import download, plan
    from tasks.normalize import normalize
    from tasks.segment import segment

    out = {name: root / name for name in TEXT_STAGES}
    for path in out.values():
        path.mkdir()
    params, files = plan(cfg.download)
    download.build(out["download"], params, **files)
    clean.build(out["clean"], cfg.clean, docs=out["download"])
    normalize.build(out["normalize"], cfg.normalize, docs=out["clean"])
    diacritics.build(out["diacritics"], cfg.diacritics, docs=out["normalize"])
    segment.build(out["segment"], cfg.segment, docs=out["diacritics"])
    dialect_model.build(out["dialect_model"], DialectModelParams.from_config(cfg.dialect, split),
                        docs=out["segment"], labels=training_file(cfg.dialect))
    dialect.build(out["dialect"], TagParams(), docs=out["segment"], model=out["dialect_model"])
    data_audit.build(out["data_audit"], cfg.audit, docs=out["dialect"])
    return out
