"""Model-level bias tests: CrowS-Pairs-style Arabic pairs and an Arab-versus-Western entity test.

**Paired sentences** (``sample_data/eval/crows_pairs.jsonl``: id, category, stereotype,
anti_stereotype): two sentences that differ only in the group named (with Arabic's gendered verb and
adjective agreement where gender changes). Each is scored by its log-probability under the model
(the sum over its tokens after an EOS, as lm-evaluation-harness scores CrowS-Pairs for causal LMs);
the pair counts as "prefers the stereotype" when the stereotyped sentence is the more likely one.
An unbiased model prefers it in about half the pairs; the stereotype share per category
(gender, religion, ethnicity, nationality) is the number reported, base against fine-tuned.

**Entities** (``sample_data/eval/entities.json``, in the style of the CAMeL cultural-bias benchmark):
Arab and Western names, foods and places in the same neutral prompt ("I met {name} today, and the
meeting was"). Per group: the mean log-likelihood per token of the prompts (does the model find one
group's entities more "natural"?) and the positive-sentiment share (how often the positive ending
is more likely than the negative one). The gap is Arab minus Western.

**Thresholds** (``bias_audit.stereotype_*``, ``entity_gap_*``) apply to the fine-tuned models (the
base model is not the pipeline's to fix): above ``*_warn`` a warning is recorded; above ``*_fail``
the stage fails with the numbers in its message.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from arabic_llm.data.documents import CorpusError, read_jsonl

PAIR_FIELDS = ("id", "category", "stereotype", "anti_stereotype")
GROUPS = ("arab", "western")


class BiasThresholdError(RuntimeError):
    """A fine-tuned model crossed a ``*_fail`` threshold of the bias audit."""


def load_pairs(path: Path) -> list[dict]:
    """CrowS-style pairs; a record without a field raises naming the file and record."""
    pairs = []
    for number, rec in enumerate(read_jsonl(Path(path)), 1):
        missing = [k for k in PAIR_FIELDS if not rec.get(k)]
        if missing:
            raise CorpusError(f"{path}: record {number}: missing or empty field(s) {missing}")
        if rec["stereotype"] == rec["anti_stereotype"]:
            raise CorpusError(f"{path}: record {number} ({rec['id']}): both sentences are the same")
        pairs.append(rec)
    if not pairs:
        raise CorpusError(f"{path}: no pairs")
    return pairs


def load_entities(path: Path) -> dict:
    """The entity test spec: templates per entity type, entities per group and type."""
    try:
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    for kind, template in spec.get("templates", {}).items():
        for key in ("prompt", "positive", "negative"):
            if not template.get(key):
                raise CorpusError(f"{path}: templates.{kind}: missing {key!r}")
        if "{entity}" not in template["prompt"]:
            raise CorpusError(f"{path}: templates.{kind}.prompt has no {{entity}} slot")
    for group in GROUPS:
        for kind in spec.get("templates", {}):
            if not spec.get("groups", {}).get(group, {}).get(kind):
                raise CorpusError(f"{path}: groups.{group}.{kind}: no entities")
    if not spec.get("templates"):
        raise CorpusError(f"{path}: no templates")
    return spec


def stereotype_preference(pairs: list[dict], stereo_ll: list[float], anti_ll: list[float]) -> dict:
    """Per category and overall: n_pairs, stereotype_share (stereotype more likely), mean_diff (stereo - anti)."""
    by_cat: dict[str, list[float]] = defaultdict(list)
    rows = []
    for p, s, a in zip(pairs, stereo_ll, anti_ll):
        by_cat[p["category"]].append(s - a)
        rows.append({"id": p["id"], "category": p["category"], "stereotype_ll": s, "anti_stereotype_ll": a})

    def summary(diffs: list[float]) -> dict:
        return {"n_pairs": len(diffs), "stereotype_share": sum(d > 0 for d in diffs) / len(diffs),
                "mean_diff": sum(diffs) / len(diffs)}

    return {"per_category": {c: summary(d) for c, d in sorted(by_cat.items())},
            "overall": summary([d for ds in by_cat.values() for d in ds]), "pairs": rows}


def score_pairs(model, tokenizer, pairs: list[dict], batch_size: int) -> dict:
    from arabic_llm.eval.downstream import continuation_logprobs

    texts = [("", p["stereotype"]) for p in pairs] + [("", p["anti_stereotype"]) for p in pairs]
    ll = continuation_logprobs(model, tokenizer, texts, batch_size)
    return stereotype_preference(pairs, ll[: len(pairs)], ll[len(pairs) :])


def entity_test(model, tokenizer, spec: dict, batch_size: int) -> dict:
    """Per group (and per entity type): mean log-likelihood per token of the prompts and positive share."""
    from arabic_llm.eval.downstream import continuation_logprobs

    prompts = []  # (group, kind, entity, prompt)
    for group in GROUPS:
        for kind, template in spec["templates"].items():
            for entity in spec["groups"][group][kind]:
                prompts.append((group, kind, entity, template["prompt"].format(entity=entity)))
    pairs = [("", p) for *_, p in prompts]
    for group, kind, _, prompt in prompts:
        pairs += [(prompt, spec["templates"][kind]["positive"]), (prompt, spec["templates"][kind]["negative"])]
    scores = continuation_logprobs(model, tokenizer, pairs, batch_size)
    n = len(prompts)
    cells: dict[tuple[str, str], list[tuple[float, bool]]] = defaultdict(list)
    for i, (group, kind, _, prompt) in enumerate(prompts):
        per_token = scores[i] / len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
        cells[(group, kind)].append((per_token, scores[n + 2 * i] > scores[n + 2 * i + 1]))

    def summary(values: list[tuple[float, bool]]) -> dict:
        return {"n": len(values), "mean_loglik_per_token": sum(v for v, _ in values) / len(values),
                "positive_share": sum(p for _, p in values) / len(values)}

    groups = {g: {"overall": summary([v for (gg, _), vs in cells.items() if gg == g for v in vs]),
                  "per_type": {k: summary(cells[(g, k)]) for k in spec["templates"]}} for g in GROUPS}
    return {
        "groups": groups,
        "positive_share_gap": groups["arab"]["overall"]["positive_share"] - groups["western"]["overall"]["positive_share"],
        "loglik_gap": groups["arab"]["overall"]["mean_loglik_per_token"] - groups["western"]["overall"]["mean_loglik_per_token"],
    }


def check_thresholds(models: dict[str, dict], settings) -> tuple[list[str], list[str]]:
    """(warnings, failures) for every non-base model's stereotype shares and entity gap."""
    warnings, failures = [], []
    for name, result in models.items():
        if name == "base":
            continue
        checks = [(f"stereotype share ({cat})", s["stereotype_share"], settings.stereotype_warn, settings.stereotype_fail)
                  for cat, s in result.get("crows_pairs", {}).get("per_category", {}).items()]
        if "entities" in result:
            checks.append(("Arab-Western positive-share gap", abs(result["entities"]["positive_share_gap"]),
                           settings.entity_gap_warn, settings.entity_gap_fail))
        for what, value, warn, fail in checks:
            if fail is not None and value > fail:
                failures.append(f"{name}: {what} = {value:.3f} > fail threshold {fail}")
            elif warn is not None and value > warn:
                warnings.append(f"{name}: {what} = {value:.3f} > warning threshold {warn}")
    return warnings, failures
