"""`evaluate`: the base model against every trained adapter: held-out documents per dialect, QA,
classification, translation, the dialect table, dialect ID, robustness, a human-evaluation sheet."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.cache.stage import stage_task
from arabic_llm.config import EvaluateConfig, IntrinsicEvalConfig, QuantizationConfig
from arabic_llm.data.documents import read_jsonl
from arabic_llm.eval.sets import is_hub, load_eval_data, local_files, pin_revision
from arabic_llm.layout import (
    EVAL_DOCS_FILE,
    RESULTS_FILE,
    SPLIT_FILE,
    model_location,
    trained_adapters,
)

LOCAL = "local"  # stands for a local evaluation file in the key: the file itself is keyed by content


class EvaluateParams(BaseModel):
    evaluate: EvaluateConfig
    quantization: QuantizationConfig
    seq_len: int
    seed: int
    intrinsic: IntrinsicEvalConfig = IntrinsicEvalConfig()

    @classmethod
    def from_config(cls, cfg: EvaluateConfig, quantization: QuantizationConfig, seq_len: int, seed: int,
                    intrinsic: IntrinsicEvalConfig = IntrinsicEvalConfig()) -> "EvaluateParams":
        """Paths of local evaluation files never enter the key (their content does, as inputs)."""
        def keyed(locator: str | None, key: str) -> str | None:
            if locator is None:
                return None
            return pin_revision(locator, f"evaluate.{key}") if is_hub(locator) else LOCAL

        settings = cfg.model_copy(update={k: keyed(getattr(cfg, k), k) for k in ("qa", "sentiment", "parallel", "sib200")})
        local_text = intrinsic.model_copy(update={"diacritized": keyed(intrinsic.diacritized, "diacritized")})
        return cls(evaluate=settings, quantization=quantization, seq_len=seq_len, seed=seed, intrinsic=local_text)


def evaluation_files(cfg: EvaluateConfig, intrinsic: IntrinsicEvalConfig = IntrinsicEvalConfig()) -> dict[str, Path]:
    """The local evaluation files of a config, as the stage's content-keyed inputs."""
    files = local_files(cfg.qa, cfg.sentiment, cfg.parallel, cfg.sib200, cfg.sib200_split)
    if intrinsic.diacritized:
        path = Path(intrinsic.diacritized).expanduser().resolve()
        if not path.is_file():
            raise FileNotFoundError(f"intrinsic.diacritized: {path} is not a file (diacritised text, one sentence a line)")
        files["diacritized"] = path
    return files


@stage_task("evaluate", libraries=("torch", "transformers", "peft", "bitsandbytes", "evaluate", "sacrebleu"))
def evaluate(out_dir: Path, params: EvaluateParams, shards: Path, base_model: Path, tokenizer: Path,
             msa_adapter: Path, dialect_adapter: Path, dialect_tagger: Path | None = None, **files: Path) -> dict:
    from arabic_llm.eval.intrinsic import (
        intrinsic_metrics,
        intrinsic_tests,
        read_diacritized,
    )
    from arabic_llm.eval.models import scoring_quantization
    from arabic_llm.eval.run import evaluate_models
    from arabic_llm.model.modeling import pick_device, precision_note

    cfg = params.evaluate
    data = load_eval_data(files, qa=cfg.qa, sentiment=cfg.sentiment, sib200=cfg.sib200, sib200_split=cfg.sib200_split)
    eval_docs = list(read_jsonl(shards / EVAL_DOCS_FILE))
    adapters = trained_adapters(msa_adapter, dialect_adapter)
    quant = scoring_quantization(params.quantization, cfg.compute_dtype)
    results = evaluate_models(
        model_dir=model_location(base_model), tokenizer_dir=str(tokenizer), eval_docs=eval_docs,
        adapters=adapters, quant=quant, settings=cfg, seq_len=params.seq_len, seed=params.seed,
        data=data, tagger_dir=dialect_tagger, out_dir=out_dir,
    )
    results["not_run"] = not_run(cfg)
    if (shards / SPLIT_FILE).is_file():
        results["split"] = json.loads((shards / SPLIT_FILE).read_text(encoding="utf-8"))
    results["precision"] = {"training": precision_note(params.quantization, pick_device()),
                            "scoring": precision_note(scoring_quantization(params.quantization, cfg.compute_dtype),
                                                      pick_device())}
    tests = intrinsic_tests(eval_docs, read_diacritized(files["diacritized"]) if "diacritized" in files else None,
                            params.intrinsic, params.seed)
    for name, metrics in intrinsic_metrics(model_location(base_model), str(tokenizer), adapters, quant, tests,
                                           cfg.batch_size).items():
        results["models"][name]["intrinsic"] = metrics
    (out_dir / RESULTS_FILE).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    summary = {"precision": results["precision"]["training"],
               "bits_per_char": {d: {name: round(m["bits_per_char"], 4) for name, m in row["models"].items()}
                                 for d, row in results["adaptation"]["dialects"].items()}}
    for name, m in results["models"].items():
        summary[name] = {"perplexity": m["overall"].get("perplexity"), "bits_per_char": m["overall"].get("bits_per_char")}
        if "qa" in m:
            summary[name]["qa_f1"] = m["qa"]["f1"]
        summary[name]["masked_word"] = m["intrinsic"]["masked_word"]
    return summary


def not_run(cfg: EvaluateConfig) -> list[dict]:
    """The suite's tasks this config leaves out, and why, so a report never reads a missing task as a zero."""
    reasons = []
    if cfg.qa is None:
        reasons.append({"task": "question answering (generative, F1/EM)", "key": "evaluate.qa",
                        "reason": "not configured; beyond a model of this size in the default (answers near 0 F1 "
                                  "say nothing about adaptation)"})
    if cfg.parallel is None and cfg.sib200 is None:
        reasons.append({"task": "translation, topic classification, the dialect table, dialect ID",
                        "key": "evaluate.parallel / evaluate.sib200",
                        "reason": "not configured; translation is beyond a model of this size in the default"})
    if cfg.sentiment is None:
        reasons.append({"task": "sentiment classification", "key": "evaluate.sentiment", "reason": "not configured"})
    return reasons
