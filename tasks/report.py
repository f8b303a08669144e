"""`report`: one Markdown and JSON report of the run: data, training, evaluation, bias audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.corpus import read_jsonl
from arabic_llm.store import stage_task
from tasks.bias_audit import AUDIT_FILE
from tasks.data_audit import SUMMARY_FILE
from tasks.evaluate import RESULTS_FILE

REPORT_MD = "report.md"
REPORT_JSON = "report.json"


class ReportParams(BaseModel):
    title: str = "Arabic LLM adaptation report"


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def metrics_table(results: dict) -> list[str]:
    """Rows: model x dialect; columns: every metric the evaluation produced."""
    lines = []
    for model, body in sorted(results["models"].items()):
        per_dialect = body.get("per_dialect", {})
        metrics = sorted({k for row in per_dialect.values() for k in row})
        lines += [f"### {model}", "", "| dialect | " + " | ".join(metrics) + " |",
                  "|---" * (len(metrics) + 1) + "|"]
        for dialect, row in sorted(per_dialect.items()):
            lines.append(f"| {dialect} | " + " | ".join(_fmt(row.get(m, "")) for m in metrics) + " |")
        lines.append("")
    return lines


def training_curve(metrics_file: Path) -> dict:
    steps = list(read_jsonl(metrics_file)) if metrics_file.is_file() else []
    if not steps:
        return {"steps": 0}
    return {"steps": len(steps), "first_loss": steps[0]["loss"], "last_loss": steps[-1]["loss"]}


@stage_task("report")
def report(out_dir: Path, params: ReportParams, evaluation: Path, audit: Path, data_audit: Path,
           msa_adapter: Path, dialect_adapter: Path) -> dict:
    results = json.loads((evaluation / RESULTS_FILE).read_text(encoding="utf-8"))
    bias = json.loads((audit / AUDIT_FILE).read_text(encoding="utf-8"))
    filtered = json.loads((data_audit / SUMMARY_FILE).read_text(encoding="utf-8"))
    training = {"msa": training_curve(msa_adapter / "metrics.jsonl"),
                "dialects": training_curve(dialect_adapter / "metrics.jsonl")}
    for name, folder in (("msa", msa_adapter), ("dialects", dialect_adapter)):
        for png in sorted(folder.glob("*.png")):
            shutil.copyfile(png, out_dir / f"{name}-{png.name}")
    lines = [f"# {params.title}", "", "## Training", "", "| stage | steps | first loss | last loss |",
             "|---|---|---|---|"]
    for name, curve in training.items():
        lines.append(f"| {name} | {curve['steps']} | {_fmt(curve.get('first_loss', ''))} | "
                     f"{_fmt(curve.get('last_loss', ''))} |")
    lines += ["", "## Evaluation (held-out documents)", ""] + metrics_table(results)
    lines += ["## Data audit (documents dropped before training)", "", "| reason | hits |", "|---|---|"]
    lines += [f"| {reason} | {n} |" for reason, n in sorted(filtered.get("dropped_by_reason", {}).items())]
    lines += ["", f"{filtered.get('dropped', 0)} of {filtered.get('documents', 0) + filtered.get('dropped', 0)} "
              "documents dropped.", ""]
    lines += ["## Bias audit", "", "```json", json.dumps(bias, indent=2, sort_keys=True, ensure_ascii=False), "```", ""]
    (out_dir / REPORT_MD).write_text("\n".join(lines), encoding="utf-8")
    (out_dir / REPORT_JSON).write_text(
        json.dumps({"training": training, "evaluation": results, "data_audit": filtered, "bias_audit": bias}, indent=2, sort_keys=True,
                   ensure_ascii=False) + "\n", encoding="utf-8")
    return {"training": training}
