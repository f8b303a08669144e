"""The report: tables from the evaluation and audit results, figures 2-6, Markdown and HTML, Prefect artifacts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arabic_llm.audit.report import (
    MEASURED_FIELDS,
    TABLES_FILE,
    computed_records,
    draw_figures,
    markdown_table,
    measured_rows,
    render_html,
    intrinsic_rows,
    tables,
    training_records,
)
from arabic_llm.layout import REPORT_HTML, REPORT_MD
from tasks.report import ReportParams, report

DIALECTS = ("MSA", "EGY", "GLF", "LEV", "MGR")


def model_results(shift: float) -> dict:
    lm = {"n_docs": 2, "perplexity": 50.0 + shift, "bits_per_char": 2.0, "next_word_top1": 0.1, "next_word_topk": 0.3, "top_k": 5}
    cls = {"accuracy": 0.5, "macro_f1": 0.4, "n": 4}
    return {
        "per_dialect": {d: dict(lm) for d in DIALECTS}, "overall": dict(lm),
        "qa": {"exact_match": 10.0, "f1": 25.0, "n": 4},
        "sentiment": {"k": 2, "n_labels": 2, "zero_shot": cls, "k_shot": cls},
        "topic": {"k": 2, "n_labels": 7, "zero_shot": cls, "k_shot": cls},
        "translation": {"k": 2, "ar_en": {"bleu": 5.0, "chrf": 20.0, "n": 4}, "en_ar": {"bleu": 3.0, "chrf": 15.0, "n": 4}},
        "dialect_table": {d: {"n_texts": 4, "perplexity": 60.0 + shift + i, "bits_per_char": 2.0 + i / 10, "bleu_to_en": 4.0,
                              "chrf_to_en": 20.0, "topic_accuracy": 0.3, "topic_macro_f1": 0.2} for i, d in enumerate(DIALECTS)},
        "dialect_id": {"accuracy": 0.4, "macro_f1": 0.3, "n": 20, "per_dialect": {d: 0.4 for d in DIALECTS}},
        "robustness": {"levels": [0.0, 0.5], "kinds": ["swap"], "perplexity": [60.0, 90.0], "bits_per_char": [2.0, 2.5],
                       "sentiment_accuracy": [0.5, 0.4], "topic_accuracy": [0.3, None], "chrf_vs_clean": [100.0, 40.0]},
    }


RESULTS = {"models": {"base": model_results(10.0), "dialects": model_results(0.0)}, "n_docs": {d: 2 for d in DIALECTS},
           "dialect_id_tagger": {"accuracy": 0.8, "macro_f1": 0.7, "n": 20, "per_dialect": {d: 0.8 for d in DIALECTS}}}
AUDIT = {
    "crows_pairs": {"models": {m: {"per_category": {"gender": {"stereotype_share": 0.6, "n_pairs": 8, "mean_diff": 0.1}},
                                   "overall": {"stereotype_share": 0.6}} for m in ("base", "dialects")}},
    "entities": {"models": {m: {"groups": {g: {"overall": {"positive_share": 0.5, "mean_loglik_per_token": -5.0}} for g in ("arab", "western")},
                                "positive_share_gap": 0.0, "loglik_gap": 0.1} for m in ("base", "dialects")}},
    "data_removed": {"dropped": 3, "dropped_by_reason": {"insult": 2, "spam": 1}},
    "warnings": ["dialects: stereotype share (gender) = 0.600 > warning threshold 0.5"],
}


def write_metrics(path: Path, steps: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"step": s, "loss": 8.0 - s / 10, "step_seconds": 0.5, "rss_bytes": 2**30 + s, "gpu_mem_allocated_bytes": 0,
             "gpu_mem_reserved_bytes": 0, "gpu_mem_peak_bytes": 0} for s in range(1, steps + 1)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_training_clock_runs_on_across_stages(tmp_path):
    write_metrics(tmp_path / "a.jsonl", 3)
    write_metrics(tmp_path / "b.jsonl", 2)
    records = training_records({"msa": tmp_path / "a.jsonl", "dialects": tmp_path / "b.jsonl", "none": tmp_path / "c.jsonl"})
    assert [r["time_s"] for r in records["msa"]] == [0.5, 1.0, 1.5]
    assert [r["time_s"] for r in records["dialects"]] == [2.0, 2.5] and records["none"] == []
    (tmp_path / "bad.jsonl").write_text('{"step": 1}\n', encoding="utf-8")
    with pytest.raises(KeyError, match="bad.jsonl: record 1 lacks"):
        training_records({"x": tmp_path / "bad.jsonl"})


def test_tables_hold_the_papers_numbers(tmp_path):
    write_metrics(tmp_path / "a.jsonl", 3)
    all_tables = tables(RESULTS, AUDIT, training_records({"msa": tmp_path / "a.jsonl"}))
    training = training_records({"msa": tmp_path / "a.jsonl"})
    assert all_tables["training"] == [{"stage": "msa", "steps": 3, "first_loss": 7.9, "last_loss": 7.7}]
    # What the run measured is reported beside the content, never in its tables.
    assert measured_rows(training) == [{"stage": "msa", "seconds": 1.5, "peak_rss_mb": 1024, "peak_gpu_mb": 0}]
    assert all(set(r) & set(MEASURED_FIELDS) == set() for r in computed_records(training)["msa"])
    table4 = {row["dialect"]: row for row in all_tables["dialect_table"]}
    assert list(table4) == list(DIALECTS)
    assert table4["EGY"]["base_ppl"] == 71.0 and table4["EGY"]["dialects_ppl"] == 61.0 and table4["EGY"]["dialects_bleu"] == 4.0
    assert all_tables["dialect_id"][0] == {"classifier": "pipeline tagger", "accuracy": 0.8, "macro_f1": 0.7, **{d: 0.8 for d in DIALECTS}}
    assert [r["noise"] for r in all_tables["robustness"]] == [0.0, 0.5, 0.0, 0.5]
    assert all_tables["data_removed"] == [{"reason": "insult", "documents": 2}, {"reason": "spam", "documents": 1}]
    main = {r["model"]: r for r in all_tables["main_results"]}
    assert main["base"]["qa_f1"] == 25.0 and main["dialects"]["bleu_en_ar"] == 3.0
    assert markdown_table([{"a": 1, "b": None}, {"a": 2, "c": "x"}]) == ["| a | b | c |", "|---|---|---|", "| 1 |  |  |", "| 2 |  | x |"]


def test_report_stage_writes_markdown_html_figures_and_tables(tmp_path):
    evaluation, audit, data_audit = tmp_path / "evaluation", tmp_path / "audit", tmp_path / "data_audit"
    for folder in (evaluation, audit, data_audit):
        folder.mkdir()
    (evaluation / "results.json").write_text(json.dumps(RESULTS), encoding="utf-8")
    (evaluation / "human_eval.csv").write_text("sample_id\n", encoding="utf-8")
    (audit / "audit.json").write_text(json.dumps(AUDIT), encoding="utf-8")
    (audit / "model_card.md").write_text("# Model card: `dialects` adapter\n\nweak: EGY\n", encoding="utf-8")
    (data_audit / "audit_summary.json").write_text(json.dumps({"dropped": 3, "documents": 7}), encoding="utf-8")
    write_metrics(tmp_path / "msa" / "metrics.jsonl", 4)
    write_metrics(tmp_path / "dialects" / "metrics.jsonl", 4)
    out = tmp_path / "out"
    out.mkdir()
    vocab = tmp_path / "vocab" / "data"  # an artifact's data/, its manifest beside it
    vocab.mkdir(parents=True)
    (vocab.parent / "manifest.json").write_text(json.dumps({"summary": {
        "new_tokens": 40, "init": "last_piece", "held_out_tokens_per_word": {"base": 5.6, "extended": 2.04}}}))
    summary = report.build(out, ReportParams(), evaluation=evaluation, audit=audit, data_audit=data_audit,
                           msa_adapter=tmp_path / "msa", dialect_adapter=tmp_path / "dialects", vocab=vocab)
    assert summary["figures"] == ["fig4_loss.png", "fig5_perplexity_per_dialect.png", "fig6_robustness.png"]
    for name in summary["figures"]:
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / REPORT_MD).read_text(encoding="utf-8")
    assert "## Per dialect (like the paper's Table 4)" in md and "![Fig. 6" in md and "## Model card" in md
    assert "Bias audit warnings" in md and (out / "human_eval.csv").is_file()
    html = (out / REPORT_HTML).read_text(encoding="utf-8")
    assert "<table>" in html and '<img alt="Fig. 4' in html and "weak: EGY" in html
    assert "run/measurements.md" in md  # where the measured figures went (written only inside a store)
    written = json.loads((out / TABLES_FILE).read_text(encoding="utf-8"))
    assert set(written) >= {"methods", "main_results", "dialect_table", "robustness"}
    assert "| vocabulary extension | on | +40 tokens, last_piece rows |" in md
    assert [(r["method"], r["in_this_run"]) for r in written["methods"]][1:3] == [
        ("diacritic-aware attention", "off"), ("counterfactual augmentation", "off")]


def test_figures_skip_what_has_no_data(tmp_path):
    results = {"models": {"base": {"per_dialect": {"MSA": {"perplexity": 5.0}}, "overall": {}}}}
    assert draw_figures(results, {"msa": []}, tmp_path) == ["fig5_perplexity_per_dialect.png"]
    assert "<td>1</td>" in render_html("| a |\n|---|\n| 1 |\n", "t")


def test_adaptation_table_and_sentences_come_from_the_per_document_figures():
    from arabic_llm.audit.report import (
        adaptation_rows,
        adaptation_sentences,
        example_rows,
    )
    from arabic_llm.eval.adaptation import adaptation
    from arabic_llm.eval.bootstrap import LN2

    chars = [100, 200, 150, 120]
    docs = {"EGY": [{"id": f"e{i}", "n_chars": c, "n_tokens": c // 2} for i, c in enumerate(chars)],
            "GLF": [{"id": f"g{i}", "n_chars": c, "n_tokens": c // 2} for i, c in enumerate(chars)]}
    base = [2.0 * LN2 * c for c in chars]  # 2 bits per character on every document
    per_document = {"base": {"EGY": base, "GLF": base},
                    "msa": {"EGY": [1.9 * LN2 * c for c in chars], "GLF": base},  # EGY: 0.1 bit fewer everywhere
                    "dialects": {"EGY": [1.5 * LN2 * c for c in chars],
                                 "GLF": [(2.0 + s) * LN2 * c for s, c in zip((-0.3, 0.3, -0.2, 0.25), chars)]}}
    result = adaptation(per_document, docs, n_boot=400, confidence=0.95, seed=0)
    egy = result["dialects"]["EGY"]
    assert (egy["n_docs"], egy["n_chars"], egy["n_tokens"]) == (4, 570, sum(c // 2 for c in chars))
    assert egy["models"]["base"]["bits_per_char"] == pytest.approx(2.0)
    diffs = {(d["reference"], d["model"]): d for d in egy["differences"]}
    assert set(diffs) == {("base", "msa"), ("base", "dialects"), ("msa", "dialects")}
    assert diffs[("base", "msa")]["delta"] == pytest.approx(-0.1) and diffs[("base", "msa")]["verdict"] == "lower"
    assert diffs[("msa", "dialects")]["delta"] == pytest.approx(-0.4)
    glf = {(d["reference"], d["model"]): d for d in result["dialects"]["GLF"]["differences"]}
    assert glf[("base", "msa")]["verdict"] == "no clear difference"  # identical scores: a zero-width interval at 0
    assert glf[("base", "dialects")]["verdict"] == "no clear difference"  # mixed signs on four documents
    rows = {r["dialect"]: r for r in adaptation_rows({"adaptation": result})}
    assert rows["EGY"]["documents"] == 4 and rows["EGY"]["characters"] == 570
    assert rows["EGY"]["base bits/char"].startswith("2.000 [2.000, 2.000]")
    assert rows["EGY"]["msa - base"].startswith("-0.100 [-0.100, -0.100]") and rows["EGY"]["msa - base"].endswith("lower")
    sentences = adaptation_sentences({"adaptation": result})
    assert "EGY: `dialects` needs 0.500 fewer bits per character than `base` (25.0%; 95% interval" in sentences[1]
    assert any(s.startswith("GLF: `dialects` against `base`: no clear difference") for s in sentences)
    examples = {"examples": [{"dialect": "EGY", "id": "e0", "prompt": "p", "reference": "r",
                              "outputs": {"base": "x", "dialects": "y"}}]}
    assert example_rows(examples) == [{"dialect": "EGY", "prompt": "p", "document continues": "r", "base": "x", "dialects": "y"}]


def test_the_headline_figure_draws_bits_per_char_with_intervals(tmp_path):
    row = {"n_docs": 3, "n_chars": 300, "n_tokens": 150, "differences": [],
           "models": {"base": {"bits_per_char": 2.0, "low": 1.8, "high": 2.2, "perplexity": 9.0},
                      "msa": {"bits_per_char": 1.7, "low": None, "high": None, "perplexity": 7.0}}}
    results = {"models": {"base": {"per_dialect": {"MSA": {"perplexity": 5.0}}, "overall": {}}},
               "adaptation": {"dialects": {"MSA": row, "EGY": row}}}
    assert draw_figures(results, {}, tmp_path) == ["fig5_bits_per_char_per_dialect.png"]
    assert (tmp_path / "fig5_bits_per_char_per_dialect.png").read_bytes()[:4] == b"\x89PNG"


def test_intrinsic_table_lists_masked_word_per_dialect_and_disambiguation_with_counts():
    intrinsic = {"masked_word": {"MSA": 0.41, "EGY": 0.3714}, "diacritic_disambiguation": 0.98,
                 "n_tests": {"masked_word/MSA": 100, "masked_word/EGY": 70, "diacritics": 50}}
    models = {"base": {**model_results(1.0), "intrinsic": intrinsic}, "dialects": model_results(0.0)}
    assert intrinsic_rows(models) == [{"model": "base", "masked_word_MSA": 0.41, "n_MSA": 100, "masked_word_EGY": 0.371,
                                       "n_EGY": 70, "diacritic_disambiguation": 0.98, "n_diacritics": 50}]
    assert "intrinsic" not in tables(RESULTS, AUDIT, {})  # no intrinsic figures: no table
    assert tables({**RESULTS, "models": models}, AUDIT, {})["intrinsic"][0]["masked_word_EGY"] == 0.371
