"""`report`: the run's report as Markdown and HTML with the paper's figures, tables and the model card."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.audit.report import (
    TABLES_FILE,
    draw_figures,
    render_html,
    render_markdown,
    tables,
    training_records,
)
from arabic_llm.cache.stage import stage_task
from arabic_llm.layout import (
    AUDIT_FILE,
    AUDIT_SUMMARY_FILE,
    METRICS_FILE,
    MODEL_CARD_FILE,
    REPORT_HTML,
    REPORT_JSON,
    REPORT_MD,
    RESULTS_FILE,
    trained_adapters,
)

COPIED = ("predictions.jsonl", "human_eval.csv", "human_eval_key.csv")


class ReportParams(BaseModel):
    title: str = "Arabic LLM adaptation report"


@stage_task("report", libraries=("matplotlib", "markdown"))
def report(out_dir: Path, params: ReportParams, evaluation: Path, audit: Path, data_audit: Path,
           msa_adapter: Path, dialect_adapter: Path) -> dict:
    results = json.loads((evaluation / RESULTS_FILE).read_text(encoding="utf-8"))
    bias = json.loads((audit / AUDIT_FILE).read_text(encoding="utf-8"))
    filtered = json.loads((data_audit / AUDIT_SUMMARY_FILE).read_text(encoding="utf-8"))
    bias.setdefault("data_removed", filtered)
    card_file = audit / MODEL_CARD_FILE
    card = card_file.read_text(encoding="utf-8") if card_file.is_file() else ""
    training = training_records({name: adapter.parent / METRICS_FILE
                                 for name, adapter in trained_adapters(msa_adapter, dialect_adapter).items()})
    all_tables = tables(results, bias, training)
    figures = draw_figures(results, training, out_dir)
    for name in COPIED:
        if (evaluation / name).is_file():
            shutil.copyfile(evaluation / name, out_dir / name)
    if card:
        (out_dir / MODEL_CARD_FILE).write_text(card, encoding="utf-8")
    markdown_text = render_markdown(params.title, all_tables, figures, card, bias.get("warnings", []))
    (out_dir / REPORT_MD).write_text(markdown_text, encoding="utf-8")
    (out_dir / REPORT_HTML).write_text(render_html(markdown_text, params.title), encoding="utf-8")
    (out_dir / TABLES_FILE).write_text(json.dumps(all_tables, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / REPORT_JSON).write_text(
        json.dumps({"training": training, "evaluation": results, "data_audit": filtered, "bias_audit": bias},
                   indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"figures": figures, "tables": sorted(all_tables)}
