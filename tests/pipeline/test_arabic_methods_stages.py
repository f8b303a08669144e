"""The `vocab` and `counterfactual` stage functions on hand-made documents (no store, no Prefect)."""

import json

import torch

from arabic_llm.config import (
    CounterfactualConfig,
    SplitParams,
    TinyModelConfig,
    VocabConfig,
)
from arabic_llm.data.documents import DOCS_DIR, read_documents, write_doc_shard
from arabic_llm.data.split import split_from_documents
from arabic_llm.layout import VOCAB_ROWS_FILE
from arabic_llm.model.modeling import (
    build_tiny_qwen2,
    load_tokenizer,
    train_bpe_tokenizer,
)
from arabic_llm.model.vocab import apply_tokenizer_rows, load_rows
from tasks.counterfactual import CounterfactualParams, counterfactual
from tasks.vocab import VocabParams, vocab

SPLIT = SplitParams(fraction=0.1, min_docs=0, max_share=0.5, seed=1)

SENTENCES = ["ذهب الولد إلى المدرسة والكتاب معه", "الكتاب في البيت وبيتك كبير", "قلبك طيب والناس تحبك",
             "قال محمد إنه سيزور الرجل", "he met Mary at the school"]


def write_docs(folder, n=60):
    docs = [{"id": f"d{i}", "source": "wikipedia", "dialect": "MSA", "text": SENTENCES[i % 5],
             "sentences": [SENTENCES[i % 5], SENTENCES[(i + 1) % 5]]} for i in range(n)]
    (folder / DOCS_DIR).mkdir(parents=True)
    write_doc_shard(folder / DOCS_DIR / "part-00000.parquet", docs)
    return folder


def test_vocab_stage_writes_an_extended_tokenizer_and_rows(tmp_path):
    docs = write_docs(tmp_path / "docs")
    tok_dir, model_dir, out = tmp_path / "tok", tmp_path / "model", tmp_path / "out"
    train_bpe_tokenizer(["the cat sat on the mat, hello world"] * 50 + SENTENCES[:1], 300, tok_dir, seed=0)
    build_tiny_qwen2(tok_dir, TinyModelConfig(), seed=0, out_dir=model_dir)
    out.mkdir()
    summary = vocab.build(out, VocabParams(vocab=VocabConfig(new_tokens=20), split=SPLIT), docs=docs,
                       tokenizer=tok_dir, base_model=model_dir)
    base, extended = load_tokenizer(str(tok_dir)), load_tokenizer(str(out))
    assert summary["new_tokens"] == 20 and len(extended) == len(base) + 20
    assert extended("the cat sat")["input_ids"] == base("the cat sat")["input_ids"]
    tpw = summary["held_out_tokens_per_word"]
    assert tpw["extended"] < tpw["base"]
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(model_dir))
    old = model.get_input_embeddings().weight.detach().clone()
    ids = apply_tokenizer_rows(model, out)
    assert ids == list(range(summary["first_new_id"], summary["first_new_id"] + 20))
    assert torch.equal(model.get_input_embeddings().weight[: len(old)], old)
    assert (out / VOCAB_ROWS_FILE).is_file() and apply_tokenizer_rows(model, tok_dir) == []
    assert model.get_output_embeddings().weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()

    # last_piece: input rows from each new token's last base piece, output rows the mean; the head is untied
    out_lp = tmp_path / "out-last-piece"
    out_lp.mkdir()
    vocab.build(out_lp, VocabParams(vocab=VocabConfig(new_tokens=20, init="last_piece"), split=SPLIT), docs=docs,
                tokenizer=tok_dir, base_model=model_dir)
    rows, mean = load_rows(out_lp / VOCAB_ROWS_FILE), load_rows(out / VOCAB_ROWS_FILE)
    assert torch.equal(rows["ids"], mean["ids"]) and torch.equal(rows["output"], mean["input"])
    assert not torch.equal(rows["input"], mean["input"])
    untied = AutoModelForCausalLM.from_pretrained(str(model_dir))
    apply_tokenizer_rows(untied, out_lp)
    assert untied.get_output_embeddings().weight.data_ptr() != untied.get_input_embeddings().weight.data_ptr()
    assert torch.equal(untied.get_output_embeddings().weight[ids], rows["output"])


def test_counterfactual_stage_copies_training_documents_only(tmp_path):
    docs = write_docs(tmp_path / "docs")
    out = tmp_path / "out"
    split = SplitParams(fraction=0.3, min_docs=0, max_share=0.5, seed=1)
    params = CounterfactualParams(counterfactual=CounterfactualConfig(enabled=True), split=split)
    counterfactual.build(out, params, docs=docs)
    originals = {d["id"]: d for d in read_documents(docs)}
    held = split_from_documents(docs, 0.3, 1, 0, 0.5)
    result = list(read_documents(out))
    copies = [d for d in result if d["id"] not in originals]
    assert {d["id"] for d in result} >= set(originals)
    # The split of the augmented corpus is that of the original: copies are never held out, never counted.
    assert split_from_documents(out, 0.3, 1, 0, 0.5) == held
    assert copies and all(not held.is_eval(d["id"], d.get("dialect")) for d in copies)
    for copy in copies:
        source = originals[copy["id"].split("#")[0]]
        assert not held.is_eval(source["id"], source.get("dialect"))
        assert copy["sentences"] != source["sentences"]
    assert any("فاطمة" in s and "إنها" in s for d in copies for s in d["sentences"])
    # d1, d6 ... hold no listed gendered word; every other training document is copied once
    expected = sum(not held.is_eval(i, d.get("dialect")) and int(i[1:]) % 5 != 1 for i, d in originals.items())
    assert len(copies) == expected, json.dumps([d["id"] for d in copies])
