"""`report`: the run's report as Markdown and HTML with the paper's figures, tables and the model card."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.audit.methods_table import run_methods
from arabic_llm.audit.model_card import final_model
from arabic_llm.audit.report import (
    TABLES_FILE,
    adaptation_sentences,
    computed_records,
    draw_figures,
    draw_measured_figures,
    measured_rows,
    render_html,
    render_markdown,
    render_measurements,
    tables,
    training_records,
)
from arabic_llm.cache.stage import beside_data, stage_task
from arabic_llm.layout import (
    AUDIT_FILE,
    AUDIT_SUMMARY_FILE,
    BIAS_FILE,
    MEASUREMENTS_MD,
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
           msa_adapter: Path, dialect_adapter: Path, vocab: Path | None = None,
           counterfactual: Path | None = None) -> dict:
    """``vocab`` and ``counterfactual``: those stages' artifacts where they ran (the methods table)."""
    results = json.loads((evaluation / RESULTS_FILE).read_text(encoding="utf-8"))
    bias = json.loads((audit / AUDIT_FILE).read_text(encoding="utf-8"))
    filtered = json.loads((data_audit / AUDIT_SUMMARY_FILE).read_text(encoding="utf-8"))
    bias.setdefault("data_removed", filtered)
    card_file = audit / MODEL_CARD_FILE
    card = card_file.read_text(encoding="utf-8") if card_file.is_file() else ""
    adapters = trained_adapters(msa_adapter, dialect_adapter)
    training = training_records({name: adapter.parent / METRICS_FILE for name, adapter in adapters.items()})
    biased = any((adapter / BIAS_FILE).is_file() for adapter in adapters.values())
    all_tables = {"methods": run_methods(results, bias, final_model(results), vocab and summary(vocab),
                                         counterfactual and summary(counterfactual), biased),
                  **tables(results, bias, training, train_dialects(training, msa_adapter, dialect_adapter))}
    figures = draw_figures(results, training, out_dir)
    run_dir = beside_data(out_dir)  # None outside a store: the measurements are then not written
    if run_dir is not None:
        run_dir.mkdir(parents=True, exist_ok=True)
        measured = draw_measured_figures(training, run_dir)
        (run_dir / MEASUREMENTS_MD).write_text(render_measurements(measured_rows(training), measured), encoding="utf-8")
    for name in COPIED:
        if (evaluation / name).is_file():
            shutil.copyfile(evaluation / name, out_dir / name)
    if card:
        (out_dir / MODEL_CARD_FILE).write_text(card, encoding="utf-8")
    notes = [f"Training precision: {results['precision']['training']}; scoring: {results['precision']['scoring']}."]\
        if "precision" in results else []
    notes += [f"Bias audit: {u}" for u in bias.get("uncertain", [])]
    notes += [f"Training time and memory (Figs. 2 and 3) are measurements, kept beside this report's content: "
              f"`run/{MEASUREMENTS_MD}` in the report artifact."]
    markdown_text = render_markdown(params.title, all_tables, figures, card, bias.get("warnings", []),
                                    adaptation_sentences(results), notes)
    (out_dir / REPORT_MD).write_text(markdown_text, encoding="utf-8")
    (out_dir / REPORT_HTML).write_text(render_html(markdown_text, params.title), encoding="utf-8")
    (out_dir / TABLES_FILE).write_text(json.dumps(all_tables, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / REPORT_JSON).write_text(
        json.dumps({"training": computed_records(training), "evaluation": results, "data_audit": filtered, "bias_audit": bias},
                   indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"figures": figures, "tables": sorted(all_tables)}


def summary(artifact: Path) -> dict:
    """What the stage that built ``artifact`` (its ``data/``) returned, from its manifest ({} outside a store)."""
    manifest = Path(artifact).parent / "manifest.json"
    return json.loads(manifest.read_text(encoding="utf-8")).get("summary", {}) if manifest.is_file() else {}


def train_dialects(training: dict, msa_adapter: Path, dialect_adapter: Path) -> dict[str, list[str]]:
    """adapter name -> the dialects its stage trained on, from the training artifacts' manifest summaries."""
    msa, dialects = summary(msa_adapter), summary(dialect_adapter)
    out = {}
    for name in training:
        if name == "msa":
            out[name] = list(msa.get("dialects", []))
        elif name == "dialects":
            out[name] = list(dialects.get("dialects", []))
        else:  # dialects-<branch>
            out[name] = list(dialects.get("branches", {}).get(name.removeprefix("dialects-"), {}).get("dialects", []))
    return out
