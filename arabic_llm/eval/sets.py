"""The held-out evaluation sets: QA (SQuAD format), sentiment (TSV), parallel dialect text (TSV or SIB-200).

Every set is a local file (a path or ``builtin:eval/<file>``, keyed by its content) or a `datasets`
id: ``hub:<id>[:<split>]`` or ``hub:<id>:<config>:<split>`` (e.g. ``hub:hsseinmz/arcd:validation``,
``hub:google/xquad:xquad.ar:validation``), keyed by the revision the hub serves, asked once per run
(``pin_revision``); SIB-200 also as ``hub:Davlan/sib200`` (one config per variety). SIB-200 is read from its folder (``<variety>/<split>.tsv``
with ``index_id``, ``category``, ``text``), the same sentences in every variety and in English.

- QA: SQuAD v1.1 JSON (``data[].paragraphs[].qas[]``, ``answers[].text``) or a dataset with
  ``context``, ``question``, ``answers`` ({"text": [...]}) columns.
- Sentiment: TSV with a ``text`` and a ``label`` column (a header line), or a dataset with those columns.
- Parallel: TSV with ``id``, ``topic``, ``en`` and one column per dialect (MSA EGY GLF LEV MGR).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

from arabic_llm.config import DIALECTS
from arabic_llm.data.documents import CorpusError, resolve_source

HUB_PREFIX = "hub:"
# SIB-200 varieties of each of the project's five groups (../shared/data/README.md); acm (Iraqi) is in none.
SIB200_VARIETIES = {
    "MSA": ("arb_Arab",),
    "EGY": ("arz_Arab",),
    "GLF": ("ars_Arab", "acq_Arab"),
    "LEV": ("apc_Arab", "ajp_Arab"),
    "MGR": ("ary_Arab", "aeb_Arab"),
}
SIB200_ENGLISH = "eng_Latn"


@dataclass
class EvalData:
    """Everything the evaluate stage scores besides the held-out corpus documents."""

    qa: list[dict] = field(default_factory=list)  # id, context, question, answers
    sentiment: list[dict] = field(default_factory=list)  # text, label
    # dialect -> examples {id, topic, text, en}; the same ids across dialects are the same content.
    parallel: dict[str, list[dict]] = field(default_factory=dict)
    # dialect -> examples k-shot prompts draw from (empty: leave-one-out from the test set itself)
    parallel_shots: dict[str, list[dict]] = field(default_factory=dict)


def is_hub(locator: str | None) -> bool:
    return bool(locator) and locator.startswith(HUB_PREFIX)


def parse_hub(locator: str, key: str) -> tuple[str, str | None, str | None, str | None]:
    """``hub:<id>[:<split>]`` or ``hub:<id>:<config>:<split>``, either ending ``@<revision>`` once pinned
    -> (id, config, split, revision)."""
    body, _, revision = locator.removeprefix(HUB_PREFIX).partition("@")
    parts = body.split(":")
    if not parts[0] or "/" not in parts[0] or len(parts) > 3:
        raise CorpusError(f"{key}={locator!r}: expected hub:<owner>/<dataset>[:<split>] or "
                          "hub:<owner>/<dataset>:<config>:<split>")
    name, config, split = (parts[0], None, parts[1] if len(parts) == 2 else None) if len(parts) < 3 else parts
    return name, config or None, split or None, revision or None


def pin_revision(locator: str, key: str) -> str:
    """The locator with the commit the hub serves now (what the evaluate key depends on), or a clear error
    naming the key when the hub cannot be reached."""
    name, *_ , revision = parse_hub(locator, key)
    if revision:
        return locator
    try:
        from huggingface_hub import HfApi

        sha = HfApi().dataset_info(name).sha
    except Exception as exc:  # offline, unknown id, gated
        raise CorpusError(f"{key}: cannot reach dataset {name!r} on the hub ({type(exc).__name__}: {str(exc)[:200]}); "
                          f"set {key} to a local file instead (README: Evaluation data), or null to skip it") from None
    return f"{locator}@{sha}"


def local_files(qa: str | None, sentiment: str | None, parallel: str | None, sib200: str | None,
                sib200_split: str) -> dict[str, Path]:
    """The local files a config names, by input name (the stage keys them by content)."""
    files: dict[str, Path] = {}
    for name, locator in (("qa", qa), ("sentiment", sentiment)):
        if locator and not is_hub(locator):
            files[name] = resolve_source(locator)
    if sib200 and not is_hub(sib200):
        root = Path(sib200).expanduser()
        if not root.is_dir():
            raise CorpusError(f"evaluate.sib200: {root} is not a folder (expected SIB-200's data/annotated)")
        for variety in (SIB200_ENGLISH, *(v for vs in SIB200_VARIETIES.values() for v in vs)):
            for split in {sib200_split, "train"}:
                path = root / variety / f"{split}.tsv"
                if path.is_file():
                    files[f"sib200/{variety}/{split}.tsv"] = path.resolve()
        if f"sib200/{SIB200_ENGLISH}/{sib200_split}.tsv" not in files:
            raise CorpusError(f"evaluate.sib200: {root}/{SIB200_ENGLISH}/{sib200_split}.tsv is missing")
    elif parallel:
        files["parallel"] = resolve_source(parallel)
    return files


# ---------------------------------------------------------------------------------------------- readers


def read_squad(path: Path) -> list[dict]:
    """Questions of a SQuAD v1.1 JSON file, each with its context and every gold answer text."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise CorpusError(f"{path}: expected SQuAD JSON with a top-level 'data' list")
    out = []
    for a, article in enumerate(data["data"]):
        for p, para in enumerate(article.get("paragraphs", [])):
            for q, qa in enumerate(para.get("qas", [])):
                where = f"{path}: data[{a}].paragraphs[{p}].qas[{q}]"
                answers = [ans.get("text", "") for ans in qa.get("answers", [])]
                if "context" not in para or not qa.get("question") or not any(answers):
                    raise CorpusError(f"{where} (id {qa.get('id')!r}): needs a context, a question and an answer text")
                out.append({"id": str(qa.get("id", f"{a}.{p}.{q}")), "context": para["context"].strip(),
                            "question": qa["question"].strip(), "answers": [t for t in answers if t]})
    if not out:
        raise CorpusError(f"{path}: no questions")
    return out


def _read_tsv(path: Path, required: tuple[str, ...]) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise CorpusError(f"{path}: header lacks column(s) {missing} (has {reader.fieldnames})")
        rows = []
        for number, row in enumerate(reader, start=2):
            empty = [c for c in required if not (row.get(c) or "").strip()]
            if empty:
                raise CorpusError(f"{path}:{number}: empty column(s) {empty}")
            rows.append({k: v.strip() for k, v in row.items() if k is not None and v is not None})
    if not rows:
        raise CorpusError(f"{path}: no rows")
    return rows


def read_labelled(path: Path) -> list[dict]:
    """``text<TAB>label`` rows (with that header)."""
    return [{"text": r["text"], "label": r["label"]} for r in _read_tsv(path, ("text", "label"))]


def read_parallel(path: Path) -> dict[str, list[dict]]:
    """Parallel TSV -> dialect -> [{id, topic, text, en}] for every dialect column present."""
    rows = _read_tsv(path, ("id", "topic", "en"))
    dialects = [d for d in DIALECTS if d in rows[0]]
    if not dialects:
        raise CorpusError(f"{path}: no dialect column (expected some of {', '.join(DIALECTS)})")
    return {d: [{"id": r["id"], "topic": r["topic"], "text": r[d], "en": r["en"]} for r in rows if r.get(d)]
            for d in dialects}


def read_sib200(files: dict[str, Path], split: str) -> dict[str, list[dict]]:
    """SIB-200 files (as ``local_files`` names them) -> dialect -> [{id, topic, text, en}]."""
    def table(variety: str) -> dict[str, dict]:
        path = files.get(f"sib200/{variety}/{split}.tsv")
        return {r["index_id"]: r for r in _read_tsv(path, ("index_id", "category", "text"))} if path else {}

    english = table(SIB200_ENGLISH)
    out: dict[str, list[dict]] = {}
    for dialect, varieties in SIB200_VARIETIES.items():
        per_variety = []
        for variety in varieties:
            rows = []
            for index, r in table(variety).items():
                if index not in english:
                    raise CorpusError(f"SIB-200 {variety}/{split}.tsv: index_id {index} has no English sentence")
                rows.append({"id": f"{variety}:{index}", "topic": r["category"], "text": r["text"],
                             "en": english[index]["text"]})
            per_variety.append(rows)
        # Varieties interleaved, so the first N of a group (evaluate.max_examples) hold all of them.
        merged = [row for group in zip_longest(*per_variety) for row in group if row is not None]
        if merged:
            out[dialect] = merged
    return out


def read_sib200_hub(spec: str, split: str) -> dict[str, list[dict]]:
    """SIB-200 from the hub (``hub:Davlan/sib200``: one config per variety, splits train/validation/test)
    -> dialect -> [{id, topic, text, en}], as ``read_sib200`` reads the folder."""
    name, _, _, revision = parse_hub(spec, "evaluate.sib200")
    hub_split = {"dev": "validation"}.get(split, split)

    def table(variety: str) -> dict[str, dict]:
        base = f"{HUB_PREFIX}{name}:{variety}:{hub_split}" + (f"@{revision}" if revision else "")
        return {str(r["index_id"]): r for r in read_hub(base, ("index_id", "category", "text"), "evaluate.sib200")}

    english = table(SIB200_ENGLISH)
    out: dict[str, list[dict]] = {}
    for dialect, varieties in SIB200_VARIETIES.items():
        per_variety = [[{"id": f"{v}:{i}", "topic": r["category"], "text": r["text"], "en": english[i]["text"]}
                        for i, r in table(v).items() if i in english] for v in varieties]
        merged = [row for group in zip_longest(*per_variety) for row in group if row is not None]
        if merged:
            out[dialect] = merged
    return out


def read_hub(spec: str, columns: tuple[str, ...], key: str = "evaluate") -> list[dict]:
    """Rows of a `datasets` dataset (``parse_hub``), at the pinned revision."""
    from datasets import load_dataset

    name, config, split, revision = parse_hub(spec, key)
    try:
        data = load_dataset(name, config, split=split or "validation", revision=revision)
    except Exception as exc:
        raise CorpusError(f"{key}: cannot load dataset {spec!r} ({type(exc).__name__}: {str(exc)[:200]}); set {key} "
                          "to a local file instead, or null to skip it") from None
    missing = [c for c in columns if c not in data.column_names]
    if missing:
        raise CorpusError(f"{spec}: dataset lacks column(s) {missing} (has {data.column_names})")
    return [dict(row) for row in data]


def load_eval_data(files: dict[str, Path], *, qa: str | None, sentiment: str | None, sib200: str | None,
                   sib200_split: str) -> EvalData:
    """Read every configured set; ``files`` are the local ones (``local_files``), hub ids load here."""
    data = EvalData()
    if "qa" in files:
        data.qa = read_squad(files["qa"])
    elif is_hub(qa):
        data.qa = [{"id": str(r.get("id", i)), "context": r["context"], "question": r["question"],
                    "answers": list(r["answers"]["text"])}
                   for i, r in enumerate(read_hub(qa, ("context", "question", "answers"), "evaluate.qa"))]
    if "sentiment" in files:
        data.sentiment = read_labelled(files["sentiment"])
    elif is_hub(sentiment):
        data.sentiment = [{"text": r["text"], "label": str(r["label"])}
                          for r in read_hub(sentiment, ("text", "label"), "evaluate.sentiment")]
    if is_hub(sib200):
        data.parallel = read_sib200_hub(sib200, sib200_split)
        if sib200_split != "train":
            data.parallel_shots = read_sib200_hub(sib200, "train")
    elif sib200:
        data.parallel = read_sib200(files, sib200_split)
        if sib200_split != "train":
            data.parallel_shots = read_sib200(files, "train")
    elif "parallel" in files:
        data.parallel = read_parallel(files["parallel"])
    return data
