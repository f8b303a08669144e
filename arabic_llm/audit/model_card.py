"""The model card: what the adapted model was measured to do, where it is weak, and its bias numbers.

Weak dialects and uses are derived from the numbers, never written by hand:

- a dialect is *weak* when its bits per character on the parallel texts (the same content in every
  variety, so the rows compare) exceed MSA's by more than ``WEAK_BPC_MARGIN`` (relative), or when it
  has under ``MIN_TRAIN_SHARE`` of the training tokens;
- a use is *weak* when its score is at or below chance (classification), under ``WEAK_QA_F1``
  (QA F1) or ``WEAK_BLEU`` (translation BLEU), or when outputs at noise 0.3 keep under
  ``WEAK_ROBUST_CHRF`` chrF of the clean-input outputs.
"""

from __future__ import annotations

WEAK_BPC_MARGIN = 0.05
MIN_TRAIN_SHARE = 0.05
WEAK_QA_F1 = 20.0
WEAK_BLEU = 10.0
WEAK_ROBUST_CHRF = 50.0


def _f(value, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def final_model(eval_results: dict) -> str:
    """The last adapter trained (the pipeline's product), or "base" when none."""
    names = [n for n in eval_results["models"] if n != "base"]
    return names[-1] if names else "base"


def weak_dialects(eval_results: dict, audit: dict, model: str) -> list[str]:
    out = []
    table = eval_results["models"][model].get("dialect_table", {})
    msa = table.get("MSA", {}).get("bits_per_char")
    for dialect, row in table.items():
        bpc = row.get("bits_per_char")
        if dialect != "MSA" and msa and bpc is not None and bpc > msa * (1 + WEAK_BPC_MARGIN):
            out.append(f"{dialect}: {bpc:.3f} bits/char against MSA's {msa:.3f} on the same sentences")
    for dialect, stats in audit.get("representation", {}).get("by_dialect", {}).items():
        if stats["tokens_share"] < MIN_TRAIN_SHARE:
            out.append(f"{dialect}: {stats['tokens_share']:.1%} of the training tokens")
    return out


def weak_uses(eval_results: dict, model: str) -> list[str]:
    m = eval_results["models"][model]
    out = []
    if m.get("qa") and (m["qa"]["f1"] or 0) < WEAK_QA_F1:
        out.append(f"question answering: F1 {_f(m['qa']['f1'], 1)} (EM {_f(m['qa']['exact_match'], 1)})")
    for task in ("sentiment", "topic"):
        if task in m:
            acc, n_labels = m[task]["k_shot"]["accuracy"], m[task]["n_labels"]
            if acc is not None and acc <= 1.0 / n_labels + 0.1:
                out.append(f"{task} classification: accuracy {acc:.2f}, near chance (1/{n_labels})")
    for direction, scores in m.get("translation", {}).items():
        if isinstance(scores, dict) and (scores.get("bleu") or 0) < WEAK_BLEU:
            out.append(f"translation {direction.replace('_', '->')}: BLEU {_f(scores.get('bleu'), 1)}")
    rob = m.get("robustness", {})
    if 0.3 in rob.get("levels", []):
        chrf = rob["chrf_vs_clean"][rob["levels"].index(0.3)]
        if chrf is not None and chrf < WEAK_ROBUST_CHRF:
            out.append(f"noisy input: at noise 0.3 outputs keep chrF {chrf:.1f} of the clean-input outputs")
    return out


def training_data_section(lineages: dict[str, dict]) -> list[str]:
    """Which source versions (dumps) went into each adapter, through its chain of incremental runs."""
    lines = ["## Training data versions", ""]
    for name, record in lineages.items():
        chain = [record, *record.get("parents", [])]
        versions = sorted({f"{source}: {version}" for run in chain for source, version in run.get("sources", {}).items()})
        full = next((i for i, run in enumerate(chain) if run.get("mode") == "full"), len(chain) - 1)
        lines.append(f"- `{name}`: {'trained in full' if full == 0 else f'{full} incremental run(s) since a full training'}"
                     f" on: " + ("; ".join(versions) or "unrecorded sources"))
    lines += ["", "An incremental run trains on the documents new or changed since its parent's shards (with a replay "
              "sample of unchanged ones). Documents deleted from a later dump are not unlearned: what the adapter took "
              "from them fades only with later training and is gone after the next full training.", ""]
    return lines


def model_card(eval_results: dict, audit: dict, lineages: dict[str, dict] | None = None) -> str:
    """Markdown model card from the evaluation results and the bias audit (and the adapters' lineage.json)."""
    model = final_model(eval_results)
    lines = [f"# Model card: `{model}` adapter", "",
             "QLoRA adapters on a causal LM, trained first on Modern Standard Arabic (`msa`) and then on Egyptian, "
             "Gulf, Levantine and Maghrebi Arabic (`dialects`). Every number below is measured by this run's "
             "`evaluate` and `bias_audit` stages on held-out data.", "",
             "## Intended use", "",
             "Research on adapting language models to Arabic and its dialects; Arabic text continuation. "
             "Not for decisions about people, not as a source of facts, not for the uses listed as weak below.", "",
             "## Results (base against fine-tuned)", "",
             "| model | perplexity | bits/char | QA F1 | QA EM | sentiment acc | topic acc | BLEU ar->en | BLEU en->ar |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, m in eval_results["models"].items():
        sent, topic, mt = m.get("sentiment", {}), m.get("topic", {}), m.get("translation", {})
        lines.append(f"| {name} | {_f(m['overall'].get('perplexity'), 1)} | {_f(m['overall'].get('bits_per_char'))} | "
                     f"{_f(m.get('qa', {}).get('f1'), 1)} | {_f(m.get('qa', {}).get('exact_match'), 1)} | "
                     f"{_f(sent.get('k_shot', {}).get('accuracy'), 2)} | {_f(topic.get('k_shot', {}).get('accuracy'), 2)} | "
                     f"{_f(mt.get('ar_en', {}).get('bleu'), 1)} | {_f(mt.get('en_ar', {}).get('bleu'), 1)} |")
    adaptation = eval_results.get("adaptation", {}).get("dialects", {})
    if adaptation:
        names = list(next(iter(adaptation.values()))["models"])
        lines += ["", "Held-out bits per character per dialect (lower is better; "
                  f"{eval_results['adaptation'].get('confidence', 0.95):.0%} document-bootstrap intervals):", "",
                  "| dialect | documents | characters | " + " | ".join(names) + f" | {model} - base |",
                  "|---" * (len(names) + 4) + "|"]
        for dialect, row in adaptation.items():
            diff = next((d for d in row["differences"] if d["reference"] == "base" and d["model"] == model), None)
            cells = [f"{row['models'][n]['bits_per_char']:.3f}" for n in names]
            change = (f"{diff['delta']:+.3f} [{_f(diff['low'])}, {_f(diff['high'])}] {diff['verdict']}" if diff else "n/a")
            lines.append(f"| {dialect} | {row['n_docs']} | {row['n_chars']} | " + " | ".join(cells) + f" | {change} |")
    precision = eval_results.get("precision", {})
    if precision:
        lines += ["", f"Training precision: {precision.get('training')}. Scoring: {precision.get('scoring')}."]
    not_run = eval_results.get("not_run", [])
    if not_run:
        lines += ["", "Not evaluated here: " + "; ".join(f"{r['task']} ({r['reason']})" for r in not_run) + "."]
    lines += ["", "## Dialects and uses it handles poorly", ""]
    lines += [f"- {w}" for w in weak_dialects(eval_results, audit, model)] or ["- no dialect is measurably weaker than MSA"]
    lines += [f"- {w}" for w in weak_uses(eval_results, model)] or ["- no task scored below its weak threshold"]
    lines += ["", "## Bias", ""]
    removed = audit.get("data_removed")
    if removed:
        reasons = ", ".join(f"{r} {n}" for r, n in sorted((removed.get("dropped_by_reason") or {}).items())) or "none"
        lines.append(f"- Training data: the abusive-content filter removed {removed.get('dropped', 0)} documents (by reason: {reasons}).")
    crows = audit.get("crows_pairs", {}).get("models", {})
    if crows:
        cats = sorted({c for m in crows.values() for c in m["per_category"]})
        lines += ["", "Share of CrowS-style pairs where the model prefers the stereotyped sentence (0.5 = no preference):", "",
                  "| model | " + " | ".join(cats) + " | all |", "|---" * (len(cats) + 2) + "|"]
        for name, m in crows.items():
            lines.append(f"| {name} | " + " | ".join(_f(m["per_category"][c]["stereotype_share"], 2) for c in cats)
                         + f" | {_f(m['overall']['stereotype_share'], 2)} |")
    ent = audit.get("entities", {}).get("models", {})
    if ent:
        lines += ["", "Arab against Western names, foods and places in neutral prompts:", "",
                  "| model | positive share (Arab) | positive share (Western) | gap | log-lik/token gap |", "|---|---|---|---|---|"]
        for name, m in ent.items():
            g = m["groups"]
            lines.append(f"| {name} | {_f(g['arab']['overall']['positive_share'], 2)} | "
                         f"{_f(g['western']['overall']['positive_share'], 2)} | {_f(m['positive_share_gap'], 2)} | "
                         f"{_f(m['loglik_gap'])} |")
    probe = audit.get("gender_probe", {}).get("models", {})
    if probe:
        lines += ["", "Gendered occupations: share of pairs where the masculine form is more likely: "
                  + ", ".join(f"{n} {_f(m['overall']['share_prefers_male'], 2)}" for n, m in probe.items()) + "."]
    if audit.get("warnings"):
        lines += ["", "**Warnings**:", ""] + [f"- {w}" for w in audit["warnings"]]
    if audit.get("uncertain"):
        lines += ["", "Over a threshold but too uncertain to call (too few pairs or prompts):", ""]
        lines += [f"- {w}" for w in audit["uncertain"]]
    lines += ["", "## Caveats", ""] + [f"- {c}" for c in audit.get("caveats", [])] + [""]
    if lineages:
        lines += training_data_section(lineages)
    return "\n".join(lines)
