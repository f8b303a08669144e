"""Batched scoring and generation against one-at-a-time references, the tasks, the eval sets, human eval."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import peft
import pytest
import torch
from env_settings import SHARED_DATA

from arabic_llm.config import EvaluateConfig, QuantizationConfig, TinyModelConfig
from arabic_llm.data.documents import CorpusError
from arabic_llm.eval.downstream import (
    balanced_subset,
    classification_pairs,
    continuation_logprobs,
    greedy_generate,
    pick_labels,
    pick_shots,
)
from arabic_llm.eval.run import evaluate_models
from arabic_llm.eval.scoring import score_text, score_texts
from arabic_llm.eval.sets import (
    EvalData,
    load_eval_data,
    local_files,
    read_parallel,
    read_sib200,
    read_squad,
)
from arabic_llm.eval.suite import model_tasks, write_human_eval
from arabic_llm.model.modeling import (
    build_tiny_qwen2,
    load_base_model,
    load_tokenizer,
    quiet_peft_deprecations,
    train_bpe_tokenizer,
)

EVAL_DIR = Path(__file__).resolve().parents[2] / "arabic_llm" / "sample_data" / "eval"
FLOAT = QuantizationConfig(load_in_4bit=False, compute_dtype="float32")
SMALL = EvaluateConfig(max_examples=4, k_shot=1, batch_size=16, max_new_tokens=4, noise_levels=(0.0, 0.5),
                       robustness_examples=3, human_eval_samples=3)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("downstream")
    data = load_eval_data(local_files("builtin:eval/qa.json", "builtin:eval/sentiment.tsv", "builtin:eval/parallel.tsv",
                                      None, "dev"), qa=None, sentiment=None, sib200=None, sib200_split="dev")
    texts = [q["context"] for q in data.qa] + [s["text"] for s in data.sentiment]
    texts += [r["text"] for rows in data.parallel.values() for r in rows] + [r["en"] for r in data.parallel["MSA"]]
    train_bpe_tokenizer(texts, vocab_size=600, out_dir=root / "tok", seed=0)
    build_tiny_qwen2(root / "tok", TinyModelConfig(), seed=0, out_dir=root / "model")
    torch.manual_seed(0)
    base = load_base_model(str(root / "model"), QuantizationConfig(), for_training=False)
    lora = peft.LoraConfig(r=4, lora_alpha=16, target_modules=["q_proj", "v_proj"], init_lora_weights=False, task_type="CAUSAL_LM")
    with quiet_peft_deprecations():
        peft.get_peft_model(base, lora).save_pretrained(str(root / "adapter"))
    model = load_base_model(str(root / "model"), FLOAT, for_training=False)
    return {"root": root, "tok": load_tokenizer(str(root / "tok")), "model": model, "data": data}


def reference_logprob(model, tok, context: str, continuation: str) -> float:
    ids = [tok.eos_token_id, *tok(context, add_special_tokens=False)["input_ids"]]
    target = tok(continuation, add_special_tokens=False)["input_ids"]
    logp = torch.log_softmax(model(input_ids=torch.tensor([ids + target])).logits[0].float(), -1)
    return sum(float(logp[len(ids) - 1 + j, t]) for j, t in enumerate(target))


def test_continuation_logprobs_match_one_sequence_at_a_time(tiny):
    model, tok = tiny["model"], tiny["tok"]
    pairs = [("النص: الخدمة ممتازة\nالمشاعر:", " إيجابي"), ("النص: الخدمة ممتازة\nالمشاعر:", " سلبي جدا"),
             ("نص أطول بكثير من النص الأول في هذا المثال", " رياضة"), ("", " كلمة واحدة"), ("قصير", " إيجابي")]
    with torch.inference_mode():
        batched = continuation_logprobs(model, tok, pairs, batch_size=2)
        for (context, continuation), got in zip(pairs, batched):
            assert got == pytest.approx(reference_logprob(model, tok, context, continuation), abs=1e-4)
    with pytest.raises(ValueError, match="tokenises to nothing"):
        continuation_logprobs(model, tok, [("x", "")], 2)


def test_greedy_generate_matches_a_manual_loop_without_cache(tiny):
    model, tok = tiny["model"], tiny["tok"]
    prompts = ["السياق: نهر النيل\nالسؤال: ما\nالجواب:", "Arabic: فاز الفريق\nEnglish:", "قصير"]
    with torch.inference_mode():
        batched = greedy_generate(model, tok, prompts, max_new_tokens=6, batch_size=2)
        for prompt, got in zip(prompts, batched):
            ids = [tok.eos_token_id, *tok(prompt, add_special_tokens=False)["input_ids"]]
            new = []
            for _ in range(6):  # no cache, no padding: the whole sequence every step
                nxt = int(model(input_ids=torch.tensor([ids + new])).logits[0, -1].argmax())
                if nxt == tok.eos_token_id:
                    break
                new.append(nxt)
            assert got == tok.decode(new, skip_special_tokens=True).split("\n", 1)[0].strip()


def test_batched_document_scores_match_one_at_a_time(tiny):
    model, tok = tiny["model"], tiny["tok"]
    texts = [r["text"] for r in tiny["data"].parallel["EGY"]][:5] + ["نص " * 40]  # the last needs several windows
    with torch.inference_mode():
        batched = score_texts(model, tok, texts, seq_len=16, top_k=3, batch_size=4)
        for text, got in zip(texts, batched):
            one = score_text(model, tok, text, seq_len=16, top_k=3)
            assert got.nll == pytest.approx(one.nll, abs=1e-4)
            assert (got.top1, got.topk, got.word_starts, got.n_chars) == (one.top1, one.topk, one.word_starts, one.n_chars)


def test_label_likelihood_classification_picks_the_most_likely_label():
    assert pick_labels([-3.0, -1.0, -2.0, -0.5, -4.0, -9.0], ["a", "b", "c"]) == ["b", "a"]
    items = [{"id": "1", "text": "t1", "label": "x"}, {"id": "2", "text": "t2", "label": "y"}, {"id": "3", "text": "t3", "label": "x"}]
    pairs = classification_pairs(items[:1], labels=["x", "y"], field="الموضوع", words={"x": "س", "y": "ص"}, k=1,
                                 pool=items, seed=0)
    assert [c for _, c in pairs] == [" س", " ص"]
    assert pairs[0][0].endswith("النص: t1\nالموضوع:") and pairs[0][0].count("النص:") == 2  # one solved example first
    sorted_file = [{"label": "pos", "i": i} for i in range(4)] + [{"label": "neg", "i": i} for i in range(2)]
    assert [(x["label"], x["i"]) for x in balanced_subset(sorted_file, 5, "label")] == [
        ("pos", 0), ("neg", 0), ("pos", 1), ("neg", 1), ("pos", 2)]
    shots = pick_shots(items, 2, "1", "s")
    assert all(s["id"] != "1" for s in shots) and shots == pick_shots(items, 2, "1", "s")


def test_model_tasks_end_to_end(tiny):
    with torch.inference_mode():
        result, outputs = model_tasks(tiny["model"], tiny["tok"], tiny["data"], ["نص للتقييم " * 3] * 4, SMALL, 32, 0)
    assert set(result) == {"qa", "sentiment", "dialect_table", "translation", "topic", "dialect_id", "robustness"}
    assert result["qa"]["n"] == 4 and 0 <= result["qa"]["f1"] <= 100
    for task in ("sentiment", "topic"):
        for shot in ("zero_shot", "k_shot"):
            assert 0 <= result[task][shot]["accuracy"] <= 1 and result[task][shot]["n"] == 4
    assert list(result["dialect_table"]) == ["MSA", "EGY", "GLF", "LEV", "MGR"]
    msa = result["dialect_table"]["MSA"]
    assert msa["n_texts"] == 4 and msa["perplexity"] > 1 and msa["bits_per_char"] > 0
    assert result["translation"]["ar_en"]["bleu"] == msa["bleu_to_en"]
    assert set(result["dialect_id"]["per_dialect"]) == {"MSA", "EGY", "GLF", "LEV", "MGR"}
    rob = result["robustness"]
    assert rob["levels"] == [0.0, 0.5] and rob["chrf_vs_clean"][0] == pytest.approx(100.0)
    assert rob["perplexity"][1] != rob["perplexity"][0]  # noise changes what the model sees
    tasks = {o["task"] for o in outputs}
    assert {"qa", "translation_en_ar", "translation_MSA_en", "translation_MGR_en"} <= tasks


def test_evaluate_models_with_tasks_tagger_and_human_eval(tiny, tmp_path):
    root = tiny["root"]
    from arabic_nlp.dialect import DialectTagger

    DialectTagger.default().save(tmp_path / "tagger")
    docs = [{"id": "d1", "dialect": "MSA", "text": "ذهب الطالب إلى المدرسة"}, {"id": "d2", "dialect": "EGY", "text": "إزيك عامل إيه"}]
    full = tiny["data"]
    data = EvalData(qa=full.qa[:2], sentiment=[full.sentiment[i] for i in (0, 1, 8, 9)],
                    parallel={d: full.parallel[d][:2] for d in ("MSA", "EGY")})
    settings = SMALL.model_copy(update={"max_examples": 2, "robustness_examples": 2})
    results = evaluate_models(model_dir=str(root / "model"), tokenizer_dir=str(root / "tok"), eval_docs=docs,
                              adapters={"msa": root / "adapter"}, quant=QuantizationConfig(compute_dtype="float32"), settings=settings, seq_len=32,
                              seed=0, data=data, tagger_dir=tmp_path / "tagger", out_dir=tmp_path)
    assert set(results["models"]) == {"base", "msa"}
    assert "qa" in results["models"]["msa"] and "robustness" in results["models"]["base"]
    assert 0 <= results["dialect_id_tagger"]["accuracy"] <= 1
    json.dumps(results, allow_nan=False)
    predictions = [json.loads(line) for line in (tmp_path / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {p["model"] for p in predictions} == {"base", "msa"}
    rows = list(csv.DictReader(open(tmp_path / "human_eval.csv", encoding="utf-8")))
    key = list(csv.DictReader(open(tmp_path / "human_eval_key.csv", encoding="utf-8")))
    assert results["human_eval_samples"] == 3 and len(rows) == 6 and len(key) == 6  # 3 prompts x 2 models
    assert {r["system"] for r in rows} == {"A", "B"} and "model" not in rows[0]  # blind: models only in the key
    assert {k["model"] for k in key} == {"base", "msa"}


def test_write_human_eval_keeps_prompts_every_model_answered(tmp_path):
    outputs = {"a": [{"task": "qa", "id": "1", "prompt": "p", "output": "x"}, {"task": "qa", "id": "2", "prompt": "q", "output": "y"}],
               "b": [{"task": "qa", "id": "1", "prompt": "p", "output": "z"}]}
    assert write_human_eval(outputs, 5, 0, tmp_path) == 1
    assert write_human_eval(outputs, 0, 0, tmp_path) == 0


# ---------------------------------------------------------------------------------------------- the eval sets


def test_embedded_sets_read_and_are_parallel():
    qa = read_squad(EVAL_DIR / "qa.json")
    assert len(qa) >= 10 and all(q["answers"] and q["question"] for q in qa)
    for q in qa:  # every gold answer is a span of its context (SQuAD)
        assert all(a in q["context"] for a in q["answers"]), q["id"]
    parallel = read_parallel(EVAL_DIR / "parallel.tsv")
    assert list(parallel) == ["MSA", "EGY", "GLF", "LEV", "MGR"]
    ids = [r["id"] for r in parallel["MSA"]]
    assert all([r["id"] for r in rows] == ids for rows in parallel.values())
    assert len({r["topic"] for r in parallel["MSA"]}) == 7


def test_bad_eval_files_name_the_record(tmp_path):
    bad = tmp_path / "qa.json"
    bad.write_text(json.dumps({"data": [{"paragraphs": [{"context": "c", "qas": [{"id": "x", "question": "q", "answers": []}]}]}]}),
                   encoding="utf-8")
    with pytest.raises(CorpusError, match=r"qa.json: data\[0\].paragraphs\[0\].qas\[0\] \(id 'x'\)"):
        read_squad(bad)
    tsv = tmp_path / "p.tsv"
    tsv.write_text("id\ttopic\ten\tMSA\np1\tsports\t\tنص\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"p.tsv:2: empty column\(s\) \['en'\]"):
        read_parallel(tsv)
    with pytest.raises(CorpusError, match="not a folder"):
        local_files(None, None, None, str(tmp_path / "nowhere"), "dev")


@pytest.mark.skipif(not (SHARED_DATA / "sib200").is_dir(), reason="../shared/data/sib200 is absent")
def test_sib200_from_shared_data():
    files = local_files(None, None, None, str(SHARED_DATA / "sib200"), "dev")
    assert "sib200/eng_Latn/dev.tsv" in files and "sib200/acm_Arab/dev.tsv" not in files  # Iraqi: none of the five
    parallel = read_sib200(files, "dev")
    assert list(parallel) == ["MSA", "EGY", "GLF", "LEV", "MGR"]
    assert len(parallel["MSA"]) == 99 and len(parallel["GLF"]) == 2 * 99  # ars + acq
    assert [r["id"].split(":")[0] for r in parallel["GLF"][:4]] == ["ars_Arab", "acq_Arab"] * 2  # interleaved
    assert parallel["EGY"][0]["en"] == next(r for r in parallel["MSA"] if r["id"].split(":")[1] == parallel["EGY"][0]["id"].split(":")[1])["en"]
    data = load_eval_data(files, qa=None, sentiment=None, sib200=str(SHARED_DATA / "sib200"), sib200_split="dev")
    assert len(data.parallel_shots["MSA"]) == 701


@pytest.mark.skipif(not (SHARED_DATA / "qa" / "arcd").is_dir(), reason="../shared/data/qa/arcd is absent")
def test_arcd_reads_as_squad():
    qa = read_squad(SHARED_DATA / "qa" / "arcd" / "arcd-train.json")
    assert len(qa) == 693 and all(q["answers"] for q in qa)


def test_hub_style_sets_load_through_datasets(tmp_path):
    """hub:<id>[:split] goes through datasets.load_dataset; a local dataset folder stands in for a hub id offline."""
    folder = tmp_path / "sentiment_ds"
    folder.mkdir()
    rows = [{"text": "رائع", "label": "positive"}, {"text": "سيء", "label": "negative"}]
    (folder / "train.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    qa = tmp_path / "qa_ds"
    qa.mkdir()
    (qa / "validation.jsonl").write_text(json.dumps({"id": "q1", "context": "فاس مدينة", "question": "ما؟",
                                                     "answers": {"text": ["فاس"], "answer_start": [0]}}, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    data = load_eval_data({}, qa=f"hub:{qa}", sentiment=f"hub:{folder}:train", sib200=None, sib200_split="dev")
    assert data.sentiment == rows
    assert data.qa == [{"id": "q1", "context": "فاس مدينة", "question": "ما؟", "answers": ["فاس"]}]
    assert local_files(f"hub:{qa}", f"hub:{folder}:train", None, None, "dev") == {}
    with pytest.raises(CorpusError, match="lacks column"):
        load_eval_data({}, qa=f"hub:{folder}:train", sentiment=None, sib200=None, sib200_split="dev")
