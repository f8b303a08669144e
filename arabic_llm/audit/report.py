"""The run's report: tables, the paper's figures 2-6, Markdown and HTML, and the Prefect artifacts.

- Fig. 2 GPU memory, Fig. 3 RAM (process RSS) and Fig. 4 loss over training time, from the
  ``metrics.jsonl`` of both training stages (the dialect stage continues the MSA stage's clock);
- Fig. 5 perplexity, base against each adapter, per dialect (the dialect table's parallel texts);
- Fig. 6 robustness: perplexity, classification accuracy and chrF to the clean-input outputs
  against the noise level.

Tables are lists of row dicts, so the same table becomes Markdown, HTML and a Prefect table artifact.
"""

from __future__ import annotations

from pathlib import Path

from arabic_llm.data.documents import read_jsonl

TABLES_FILE = "tables.json"
FIGURES = {
    "fig2_gpu_memory.png": "Fig. 2: GPU memory over training time",
    "fig3_ram.png": "Fig. 3: RAM (process RSS) over training time",
    "fig4_loss.png": "Fig. 4: training loss over optimiser steps",
    "fig5_perplexity_per_dialect.png": "Fig. 5: perplexity per dialect, base against fine-tuned",
    "fig5_bits_per_char_per_dialect.png": "Fig. 5: held-out bits per character per dialect, base against fine-tuned "
                                          "(bars: document-bootstrap intervals)",
    "fig6_robustness.png": "Fig. 6: robustness to input noise",
}


def _r(value, digits: int = 3):
    return round(value, digits) if isinstance(value, float) else value


# ---------------------------------------------------------------------------------------------- training curves


def training_records(metrics_files: dict[str, Path]) -> dict[str, list[dict]]:
    """stage -> per-step records with ``time_s``: seconds since the first stage started (cumulative step time).

    ``metrics.jsonl`` holds what a training run computed (loss, lr, ...); what it measured (step
    times, memory) is not in the artifact, whose bytes must not change from run to run, but in its
    manifest's summary (``per_step``, matched by ``metrics_file``). Both are joined by step; records
    that carry the measurements themselves (artifacts from before the split) are read as they are.
    """
    out, clock = {}, 0.0
    for stage, path in metrics_files.items():
        records = list(read_jsonl(path)) if path.is_file() else []
        measured = _run_measurements(path) if records and "step_seconds" not in records[0] else {}
        for i, rec in enumerate(records):
            rec.update({k: v for k, v in measured.get(rec.get("step"), {}).items() if k not in rec})
            missing = [k for k in ("step", "loss", "step_seconds", "rss_bytes") if k not in rec]
            if missing:
                raise KeyError(f"{path}: record {i + 1} lacks {missing} (in the file or its artifact's manifest)")
            clock += rec["step_seconds"]
            rec["time_s"] = clock
        out[stage] = records
    return out


def _run_measurements(metrics_file: Path) -> dict[int, dict]:
    """step -> measurements of the run that wrote ``metrics_file``, from its artifact's manifest ({} if none)."""
    import json

    for root in metrics_file.parents:
        manifest = root / "manifest.json"
        if manifest.is_file() and (root / "data") in metrics_file.parents:
            rel = metrics_file.relative_to(root / "data").as_posix()
            found = _summary_of(json.loads(manifest.read_text(encoding="utf-8")).get("summary"), rel)
            return {m["step"]: m for m in (found or {}).get("per_step", [])}
    return {}


def _summary_of(summary, metrics_file: str) -> dict | None:
    """The (possibly nested, e.g. one per branch) training summary whose ``metrics_file`` is this one."""
    if isinstance(summary, dict):
        if summary.get("metrics_file") == metrics_file:
            return summary
        for value in summary.values():
            found = _summary_of(value, metrics_file)
            if found is not None:
                return found
    return None


# ---------------------------------------------------------------------------------------------- tables


def _interval(value, low, high, digits: int = 3) -> str | None:
    if value is None:
        return None
    if low is None or high is None:
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _signed_interval(d: dict) -> str:
    core = f"{d['delta']:+.3f}"
    if d["low"] is not None:
        core += f" [{d['low']:+.3f}, {d['high']:+.3f}]"
    return f"{core} {d['verdict']}"


def adaptation_rows(results: dict) -> list[dict]:
    """The headline: per dialect, every model's bits/char with its interval, and each difference in words."""
    rows = []
    for dialect, row in (results.get("adaptation") or {}).get("dialects", {}).items():
        out = {"dialect": dialect, "documents": row["n_docs"], "characters": row["n_chars"]}
        for name, m in row["models"].items():
            out[f"{name} bits/char"] = _interval(m["bits_per_char"], m["low"], m["high"])
        for d in row["differences"]:
            out[f"{d['model']} - {d['reference']}"] = _signed_interval(d)
        rows.append(out)
    return rows


def adaptation_perplexity_rows(results: dict) -> list[dict]:
    return [{"dialect": dialect, "tokens": row["n_tokens"],
             **{f"{name} perplexity": _r(m["perplexity"], 2) for name, m in row["models"].items()}}
            for dialect, row in (results.get("adaptation") or {}).get("dialects", {}).items()]


def adaptation_sentences(results: dict) -> list[str]:
    """Each model against the base, per dialect, in words."""
    adaptation = results.get("adaptation") or {}
    level = f"{adaptation.get('confidence', 0.95):.0%}"
    lines = []
    for dialect, row in adaptation.get("dialects", {}).items():
        for d in row["differences"]:
            size = f"{row['n_docs']} documents, {row['n_chars']:,} characters"
            if d["verdict"] in ("lower", "higher"):
                words = "fewer" if d["verdict"] == "lower" else "more"
                lines.append(f"{dialect}: `{d['model']}` needs {abs(d['delta']):.3f} {words} bits per character than "
                             f"`{d['reference']}` ({abs(d['relative']):.1%}; {level} interval {d['low']:+.3f} to "
                             f"{d['high']:+.3f}; {size}).")
            else:
                interval = f"{level} interval {d['low']:+.3f} to {d['high']:+.3f}" if d["low"] is not None else "no interval"
                lines.append(f"{dialect}: `{d['model']}` against `{d['reference']}`: no clear difference "
                             f"({d['delta']:+.3f} bits/char, {interval}; {size}).")
    return lines


def example_rows(results: dict) -> list[dict]:
    return [{"dialect": e["dialect"], "prompt": e["prompt"], "document continues": e["reference"][:120],
             **{name: text for name, text in e.get("outputs", {}).items()}} for e in results.get("examples", [])]


def training_data_rows(training: dict[str, list[dict]], split: dict | None, dialects: dict[str, list[str]]) -> list[dict]:
    """Per training stage: tokens it trained on, and the training split's documents and characters it drew from."""
    sizes = (split or {}).get("sizes", {}).get("train", {})
    rows = []
    for stage, records in training.items():
        wanted = dialects.get(stage) or []
        rows.append({"stage": stage, "steps": len(records), "tokens trained on": sum(r.get("tokens", 0) for r in records),
                     "dialects": " ".join(wanted),
                     "training documents": sum(sizes.get(d, {}).get("documents", 0) for d in wanted) or None,
                     "training characters": sum(sizes.get(d, {}).get("chars", 0) for d in wanted) or None})
    return rows


def held_out_rows(split: dict | None) -> list[dict]:
    sizes = (split or {}).get("sizes", {})
    thresholds = (split or {}).get("split", {}).get("thresholds", {})
    return [{"dialect": d, "held-out documents": sizes.get("eval", {}).get(d, {}).get("documents", 0),
             "held-out characters": sizes.get("eval", {}).get(d, {}).get("chars", 0),
             "training documents": sizes.get("train", {}).get(d, {}).get("documents", 0),
             "training characters": sizes.get("train", {}).get(d, {}).get("chars", 0),
             "hash threshold": _r(thresholds.get(d), 4)}
            for d in sorted(set(sizes.get("eval", {})) | set(sizes.get("train", {})))]


def tables(results: dict, audit: dict, training: dict[str, list[dict]],
           train_dialects: dict[str, list[str]] | None = None) -> dict[str, list[dict]]:
    """Every report table, name -> rows."""
    models = results["models"]
    out: dict[str, list[dict]] = {}
    out["adaptation"] = adaptation_rows(results)
    out["adaptation_perplexity"] = adaptation_perplexity_rows(results)
    out["examples"] = example_rows(results)
    out["held_out_split"] = held_out_rows(results.get("split"))
    out["training_data"] = training_data_rows(training, results.get("split"), train_dialects or {})
    out["not_run"] = [dict(r) for r in results.get("not_run", [])]
    out["training"] = [{"stage": s, "steps": len(r), "first_loss": _r(r[0]["loss"]) if r else None,
                        "last_loss": _r(r[-1]["loss"]) if r else None} for s, r in training.items()]
    out["main_results"] = []
    for name, m in models.items():
        row = {"model": name, "perplexity": _r(m["overall"].get("perplexity"), 1),
               "bits_per_char": _r(m["overall"].get("bits_per_char")),
               "next_word_top1": _r(m["overall"].get("next_word_top1")),
               f"next_word_top{m['overall'].get('top_k')}": _r(m["overall"].get("next_word_topk"))}
        if "qa" in m:
            row |= {"qa_f1": _r(m["qa"]["f1"], 1), "qa_em": _r(m["qa"]["exact_match"], 1)}
        for task in ("sentiment", "topic"):
            if task in m:
                for shot in ("zero_shot", "k_shot"):
                    row[f"{task}_{shot}_acc"] = _r(m[task][shot]["accuracy"])
                    row[f"{task}_{shot}_f1"] = _r(m[task][shot]["macro_f1"])
        for direction, scores in m.get("translation", {}).items():
            if isinstance(scores, dict):
                row |= {f"bleu_{direction}": _r(scores["bleu"], 1), f"chrf_{direction}": _r(scores["chrf"], 1)}
        out["main_results"].append(row)
    out["held_out_per_dialect"] = [
        {"model": name, "dialect": d, "n_docs": v["n_docs"], "perplexity": _r(v["perplexity"], 1),
         "bits_per_char": _r(v["bits_per_char"]), "next_word_top1": _r(v["next_word_top1"])}
        for name, m in models.items() for d, v in m["per_dialect"].items()]
    # Table 4 of the paper: per dialect, perplexity, BLEU (dialect -> English) and topic F1, base against fine-tuned.
    dialects = list(next(iter(models.values())).get("dialect_table", {}))
    out["dialect_table"] = []
    for d in dialects:
        row = {"dialect": d}
        for name, m in models.items():
            t = m["dialect_table"][d]
            row |= {f"{name}_ppl": _r(t["perplexity"], 1), f"{name}_bpc": _r(t["bits_per_char"]),
                    f"{name}_bleu": _r(t["bleu_to_en"], 1), f"{name}_topic_f1": _r(t["topic_macro_f1"])}
        out["dialect_table"].append(row)
    out["intrinsic"] = intrinsic_rows(models)
    did = [{"classifier": "pipeline tagger", **_did(results["dialect_id_tagger"])}] if "dialect_id_tagger" in results else []
    did += [{"classifier": f"model {name}", **_did(m["dialect_id"])} for name, m in models.items() if "dialect_id" in m]
    if did:
        out["dialect_id"] = did
    out["robustness"] = []
    for name, m in models.items():
        rob = m.get("robustness")
        for i, level in enumerate(rob["levels"] if rob else []):
            out["robustness"].append({"model": name, "noise": level, "perplexity": _r(rob["perplexity"][i], 1),
                                      "sentiment_acc": _r(rob["sentiment_accuracy"][i]),
                                      "topic_acc": _r(rob["topic_accuracy"][i]), "chrf_vs_clean": _r(rob["chrf_vs_clean"][i], 1)})
    crows = audit.get("crows_pairs", {}).get("models", {})
    out["stereotype_share"] = [{"model": name, **{c: _r(v["stereotype_share"]) for c, v in m["per_category"].items()},
                                "all": _r(m["overall"]["stereotype_share"])} for name, m in crows.items()]
    out["entities"] = [{"model": name, "arab_positive": _r(m["groups"]["arab"]["overall"]["positive_share"]),
                        "western_positive": _r(m["groups"]["western"]["overall"]["positive_share"]),
                        "gap": _r(m["positive_share_gap"]), "loglik_gap": _r(m["loglik_gap"])}
                       for name, m in audit.get("entities", {}).get("models", {}).items()]
    removed = audit.get("data_removed") or {}
    out["data_removed"] = [{"reason": r, "documents": n} for r, n in sorted((removed.get("dropped_by_reason") or {}).items())]
    return {k: v for k, v in out.items() if v}


def intrinsic_rows(models: dict) -> list[dict]:
    """Per model: masked-word top-1 accuracy per dialect and diacritic disambiguation, with their test counts."""
    rows = []
    for name, m in models.items():
        intrinsic = m.get("intrinsic")
        if not intrinsic:
            continue
        counts = intrinsic.get("n_tests", {})
        row = {"model": name}
        for dialect, accuracy in intrinsic.get("masked_word", {}).items():
            row[f"masked_word_{dialect}"] = _r(accuracy)
            row[f"n_{dialect}"] = counts.get(f"masked_word/{dialect}")
        row |= {"diacritic_disambiguation": _r(intrinsic.get("diacritic_disambiguation")),
                "n_diacritics": counts.get("diacritics")}
        rows.append(row)
    return rows


def _did(scores: dict) -> dict:
    return {"accuracy": _r(scores["accuracy"]), "macro_f1": _r(scores["macro_f1"]),
            **{d: _r(a) for d, a in scores["per_dialect"].items()}}


def markdown_table(rows: list[dict]) -> list[str]:
    columns = list(dict.fromkeys(k for row in rows for k in row))
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join("" if row.get(c) is None else str(row.get(c)) for c in columns) + " |" for row in rows]
    return lines


# ---------------------------------------------------------------------------------------------- figures


def _figure():
    # The object-oriented Agg API: no pyplot global state, no display needed.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4))
    FigureCanvasAgg(fig)
    return fig


# What a training run measured rather than computed: it differs from run to run, so it never enters the
# report's content (data/); the report stage writes it beside data/ (run/measurements.md, figs 2 and 3).
MEASURED_FIELDS = ("time_s", "step_seconds", "tokens_per_s", "elapsed_s", "rss_bytes", "rss_peak_bytes",
                   "gpu_mem_allocated_bytes", "gpu_mem_reserved_bytes", "gpu_mem_peak_bytes")
MEASURED_FIGURES = ("fig2_gpu_memory.png", "fig3_ram.png")


def computed_records(training: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The training records without what was measured: a deterministic function of the training jobs."""
    return {stage: [{k: v for k, v in r.items() if k not in MEASURED_FIELDS} for r in records]
            for stage, records in training.items()}


def measured_rows(training: dict[str, list[dict]]) -> list[dict]:
    """Per training stage: wall seconds and peak memory, as this run measured them."""
    return [{"stage": s, "seconds": _r(r[-1]["time_s"] - (r[0]["time_s"] - r[0]["step_seconds"]), 1),
             "peak_rss_mb": round(max(x["rss_bytes"] for x in r) / 2**20),
             "peak_gpu_mb": round(max(x.get("gpu_mem_peak_bytes", 0) for x in r) / 2**20)}
            for s, r in training.items() if r]


def _over(name: str, training: dict[str, list[dict]], x: str, xlabel: str, ylabel: str, series: dict[str, str],
          out_dir: Path, scale: float = 1.0) -> None:
    fig = _figure()
    ax = fig.add_subplot()
    offset = 0
    for stage, records in training.items():
        for key, label in series.items():
            # Steps continue across stages (the dialect stage starts where MSA ended), as time does.
            xs = [r[x] + (offset if x == "step" else 0) for r in records]
            ax.plot(xs, [r.get(key, 0) / scale for r in records], marker=".", label=f"{stage}: {label}")
        offset += len(records)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(FIGURES[name])
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out_dir / name, dpi=100)


def draw_measured_figures(training: dict[str, list[dict]], out_dir: Path) -> list[str]:
    """Figs. 2 and 3 (GPU memory, RAM over training time) into ``out_dir``: measurements, not content."""
    if not any(training.values()):
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    _over("fig2_gpu_memory.png", training, "time_s", "training time (s)", "GPU memory (MiB; 0 on CPU)",
          {"gpu_mem_allocated_bytes": "allocated", "gpu_mem_reserved_bytes": "reserved",
           "gpu_mem_peak_bytes": "peak"}, out_dir, 2**20)
    _over("fig3_ram.png", training, "time_s", "training time (s)", "process RSS (MiB)", {"rss_bytes": "RSS"},
          out_dir, 2**20)
    return list(MEASURED_FIGURES)


def draw_figures(results: dict, training: dict[str, list[dict]], out_dir: Path) -> list[str]:
    """Write the PNG figures that have data and depend on the run's inputs only; returns their file names."""
    written = []
    if any(training.values()):
        _over("fig4_loss.png", training, "step", "optimiser step", "loss (nats/token)", {"loss": "loss"}, out_dir)
        written.append("fig4_loss.png")
    models = results["models"]
    first = next(iter(models.values()))
    per_dialect = {n: {d: r["perplexity"] for d, r in m.get("dialect_table", m["per_dialect"]).items()} for n, m in models.items()}
    dialects = list(per_dialect[next(iter(models))])
    adaptation = (results.get("adaptation") or {}).get("dialects", {})
    if adaptation:  # the headline as a figure: bits/char with intervals, per dialect and model
        names = list(next(iter(adaptation.values()))["models"])
        fig = _figure()
        ax = fig.add_subplot()
        width = 0.8 / len(names)
        for i, name in enumerate(names):
            values = [adaptation[d]["models"][name] for d in adaptation]
            errors = [[v["bits_per_char"] - (v["low"] if v["low"] is not None else v["bits_per_char"]) for v in values],
                      [(v["high"] if v["high"] is not None else v["bits_per_char"]) - v["bits_per_char"] for v in values]]
            ax.bar([x + i * width for x in range(len(adaptation))], [v["bits_per_char"] for v in values], width,
                   yerr=errors, capsize=3, label=name)
        ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(adaptation))], list(adaptation))
        ax.set_ylabel("bits per character (lower is better)")
        ax.set_title(FIGURES["fig5_bits_per_char_per_dialect.png"], fontsize=8)
        ax.legend()
        fig.tight_layout()
        fig.savefig(out_dir / "fig5_bits_per_char_per_dialect.png", dpi=100)
        written.append("fig5_bits_per_char_per_dialect.png")
    elif dialects:
        fig = _figure()
        ax = fig.add_subplot()
        width = 0.8 / len(models)
        for i, (name, values) in enumerate(per_dialect.items()):
            ax.bar([x + i * width for x in range(len(dialects))], [values.get(d) or 0 for d in dialects], width, label=name)
        ax.set_xticks([x + width * (len(models) - 1) / 2 for x in range(len(dialects))], dialects)
        ax.set_ylabel("perplexity")
        ax.set_title(FIGURES["fig5_perplexity_per_dialect.png"])
        ax.legend()
        fig.tight_layout()
        fig.savefig(out_dir / "fig5_perplexity_per_dialect.png", dpi=100)
        written.append("fig5_perplexity_per_dialect.png")
    if "robustness" in first:
        fig = _figure()
        fig.set_size_inches(10, 3.5)
        panels = (("perplexity", "perplexity"), ("sentiment_accuracy", "sentiment accuracy"),
                  ("topic_accuracy", "topic accuracy"), ("chrf_vs_clean", "chrF to clean outputs"))
        for j, (key, label) in enumerate(panels, 1):
            ax = fig.add_subplot(1, len(panels), j)
            for name, m in models.items():
                rob = m["robustness"]
                ax.plot(rob["levels"], [v if v is not None else float("nan") for v in rob[key]], marker="o", label=name)
            ax.set_xlabel("noise level")
            ax.set_title(label, fontsize=9)
            ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        fig.suptitle(FIGURES["fig6_robustness.png"])
        fig.tight_layout()
        fig.savefig(out_dir / "fig6_robustness.png", dpi=100)
        written.append("fig6_robustness.png")
    return written


# ---------------------------------------------------------------------------------------------- documents

TABLE_TITLES = {
    "methods": "Arabic adaptation methods (vocab, diacritic_attention, counterfactual): on or off in this run, and "
               "each one's figure for the base model (every method off, untrained) against the final adapter "
               "(trained with this run's methods on; benchmarks/bench_arabic_adaptation.py separates a method from "
               "training)",
    "adaptation": "Adaptation: held-out bits per character per dialect (lower is better), with bootstrap intervals; "
                  "differences are the second model minus the first",
    "adaptation_perplexity": "Adaptation: held-out perplexity per dialect (per token of this tokenizer)",
    "examples": "Example continuations of held-out documents (greedy), base against fine-tuned",
    "held_out_split": "Held-out split per dialect (stratified by a hash of the document id)",
    "training_data": "Training data: tokens trained on and the training split each stage drew from",
    "not_run": "Tasks not run in this configuration",
    "training": "Training",
    "main_results": "Evaluation: base against fine-tuned",
    "held_out_per_dialect": "Held-out corpus documents per dialect",
    "dialect_table": "Per dialect (like the paper's Table 4): perplexity, bits/char, BLEU dialect->English, topic macro-F1",
    "intrinsic": "Masked-word top-1 accuracy per dialect (the real word among similar-frequency candidates, by the "
                 "likelihood of the whole sentence) and diacritic disambiguation (the attested diacritisation against "
                 "another reading), with the number of tests",
    "dialect_id": "Dialect identification accuracy",
    "robustness": "Robustness to input noise",
    "stereotype_share": "Bias: share of CrowS-style pairs preferring the stereotype (0.5 = none)",
    "entities": "Bias: Arab against Western entities (positive-sentiment share)",
    "data_removed": "Bias: documents removed by the data-audit filter, by reason",
}


def render_markdown(title: str, all_tables: dict[str, list[dict]], figures: list[str], model_card: str,
                    warnings: list[str], summary: list[str] = (), notes: list[str] = ()) -> str:
    lines = [f"# {title}", ""]
    lines += [f"- {n}" for n in notes] + ([""] if notes else [])
    if summary:
        lines += ["## What adaptation did", ""] + [f"- {s}" for s in summary] + [""]
    if warnings:
        lines += ["**Bias audit warnings:**", ""] + [f"- {w}" for w in warnings] + [""]
    for name, rows in all_tables.items():
        lines += [f"## {TABLE_TITLES.get(name, name)}", ""] + markdown_table(rows) + [""]
    if figures:
        lines += ["## Figures", ""]
        lines += [f"![{FIGURES[f]}]({f})" + "\n" for f in figures]
    lines += ["Files: `evaluation/results.json` (every number), `predictions.jsonl` (every generated output), "
              "`human_eval.csv` (a blind rating sheet; `human_eval_key.csv` maps systems to models).", ""]
    # The card's sections one level down, under the report's own "Model card" section.
    lines += ["#" + line if line.startswith("#") else line for line in model_card.splitlines()]
    return "\n".join(lines)


def render_measurements(rows: list[dict], figures: list[str]) -> str:
    """The run's own measurements (wall time, memory): a page beside the report's content, not part of it."""
    lines = ["# What this run measured", "",
             "Times and memory differ from run to run and machine to machine, so they are kept beside the report's "
             "content (outside its digest): two runs with the same inputs give the same report, not the same "
             "measurements.", ""]
    lines += markdown_table(rows) + [""] if rows else []
    lines += [f"![{FIGURES[f]}]({f})" + "\n" for f in figures]
    return "\n".join(lines)


def render_html(markdown_text: str, title: str) -> str:
    import markdown

    body = markdown.markdown(markdown_text, extensions=["tables"])
    style = ("body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse;font-size:12px}"
             "td,th{border:1px solid #ccc;padding:2px 6px}img{max-width:100%}")
    return (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title><style>{style}</style></head>"
            f"<body>\n{body}\n</body></html>\n")
