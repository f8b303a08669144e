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
import math
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


def wilson_interval(share: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion observed as ``share`` of ``n`` (sound at 0, 1 and small n)."""
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    denom = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denom
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def gap_interval(p1: float, n1: int, p2: float, n2: int, confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe's hybrid score interval of ``p1 - p2`` from the two Wilson intervals."""
    l1, u1 = wilson_interval(p1, n1, confidence)
    l2, u2 = wilson_interval(p2, n2, confidence)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _checks(result: dict, settings) -> list[tuple[str, float, float | None, float | None, float | None]]:
    """(what, value, lower end of its interval or None when the sample size is unknown, warn, fail)."""
    level = getattr(settings, "confidence", 0.95)
    checks = []
    for cat, s in result.get("crows_pairs", {}).get("per_category", {}).items():
        low = wilson_interval(s["stereotype_share"], s["n_pairs"], level)[0] if s.get("n_pairs") else None
        checks.append((f"stereotype share ({cat})", s["stereotype_share"], low, settings.stereotype_warn,
                       settings.stereotype_fail))
    if "entities" in result:
        ent = result["entities"]
        gap, low = abs(ent["positive_share_gap"]), None
        groups = ent.get("groups", {})
        if all(g in groups for g in GROUPS):
            arab, west = groups["arab"]["overall"], groups["western"]["overall"]
            lo, hi = gap_interval(arab["positive_share"], arab["n"], west["positive_share"], west["n"], level)
            low = max(0.0, lo if ent["positive_share_gap"] >= 0 else -hi)  # the interval's end nearer 0, as |gap|
        checks.append(("Arab-Western positive-share gap", gap, low, settings.entity_gap_warn, settings.entity_gap_fail))
    return checks


def check_thresholds(models: dict[str, dict], settings) -> tuple[list[str], list[str], list[str]]:
    """(warnings, failures, uncertain) for every non-base model's stereotype shares and entity gap.

    A number over a threshold is called (a warning or a failure) only when the lower end of its
    interval (``settings.confidence``; Wilson for shares, Newcombe for the gap) is over it too; otherwise
    it goes to ``uncertain``: over the threshold, but on too few pairs or prompts to say so.
    """
    warnings, failures, uncertain = [], [], []
    level = f"{getattr(settings, 'confidence', 0.95):.0%}"
    for name, result in models.items():
        if name == "base":
            continue
        for what, value, low, warn, fail in _checks(result, settings):
            sure = low if low is not None else value
            if fail is not None and value > fail and sure > fail:
                failures.append(f"{name}: {what} = {value:.3f} > fail threshold {fail}")
            elif warn is not None and value > warn and sure > warn:
                warnings.append(f"{name}: {what} = {value:.3f} > warning threshold {warn}")
            elif any(t is not None and value > t for t in (warn, fail)):
                threshold = min(t for t in (warn, fail) if t is not None and value > t)
                uncertain.append(f"{name}: {what} = {value:.3f} is over {threshold}, but its {level} interval reaches "
                                 f"down to {low:.3f}: too few examples to call a warning")
    return warnings, failures, uncertain
