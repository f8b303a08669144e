"""Evaluation metrics: hand-computed values, a model whose logits we control, and the tiny 4-bit Qwen2."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import pytest
import torch
from tiny_training import build_tiny_adapted

from arabic_llm.config import EvaluateConfig, QuantizationConfig
from arabic_llm.eval.run import evaluate_models, select_docs
from arabic_llm.eval.scoring import (
    bits_per_char,
    perplexity,
    score_text,
    score_token_ids,
    word_start_tokens,
)
from arabic_llm.model.modeling import (
    load_base_model,
    load_tokenizer,
    train_bpe_tokenizer,
)

EVAL_DOCS = [
    {"id": "w1", "dialect": "MSA", "source": "wikipedia", "text": "تقع مدينة القاهرة على ضفاف نهر النيل"},
    {"id": "w2", "dialect": "MSA", "source": "wikipedia", "text": "اللغة العربية من أكثر اللغات انتشارا في العالم"},
    {"id": "w3", "dialect": "MSA", "source": "wikipedia", "text": "كتب الصحفي مقالا عن الاقتصاد"},
    {"id": "e1", "dialect": "EGY", "source": "oasst1", "text": "إزيك يا صاحبي عامل إيه النهارده"},
    {"id": "e2", "dialect": "EGY", "source": "oasst1", "text": "أنا رايح الشغل دلوقتي وراجع بالليل"},
    {"id": "l1", "dialect": "LEV", "source": "oasst1", "text": "كيفك شو عم تعمل هلق بدي روح عالبيت"},
]
EXTRA = ["ذهب الولد إلى المدرسة في الصباح", "شلونك اليوم إن شاء الله بخير", "واش راك لاباس عليك"]


# ---------------------------------------------------------------------------------------------
# Pure helpers, hand-computed
# ---------------------------------------------------------------------------------------------


def test_perplexity_hand_values():
    assert perplexity(3 * math.log(5), 3) == pytest.approx(5.0)
    assert perplexity(0.0, 4) == 1.0
    # exp(mean NLL): NLLs 1, 2, 3 nats -> exp(2)
    assert perplexity(1 + 2 + 3, 3) == pytest.approx(math.e**2)
    assert math.isnan(perplexity(1.0, 0))
    assert perplexity(1e6, 1) == math.inf


def test_bits_per_char_hand_values():
    # 8 bits of information (8 ln 2 nats) over 4 characters = 2 bits per character.
    assert bits_per_char(8 * math.log(2), 4) == pytest.approx(2.0)
    # 10 tokens, each with p = 1/4 (2 bits), over 5 characters = 4 bits per character.
    assert bits_per_char(10 * math.log(4), 5) == pytest.approx(4.0)
    assert math.isnan(bits_per_char(1.0, 0))


def test_word_start_tokens():
    text = "ab cd ef"
    # tokens: "a", "b", " c", "d", " ef"
    offsets = [(0, 1), (1, 2), (2, 4), (4, 5), (5, 8)]
    assert word_start_tokens(text, offsets) == [2, 4]
    assert word_start_tokens("single", [(0, 3), (3, 6)]) == []
    # A multi-byte character split over two byte tokens shares its offsets: the first one counts.
    assert word_start_tokens("x yz", [(0, 1), (1, 3), (2, 3), (3, 4)]) == [1]


def test_select_docs_caps_and_orders():
    docs = [{"dialect": d, "text": "t"} for d in ["LEV", "MSA", "MSA", "MSA", "EGY"]]
    groups = select_docs(docs, 2)
    assert list(groups) == ["MSA", "EGY", "LEV"]
    assert [len(v) for v in groups.values()] == [2, 1, 1]
    with pytest.raises(KeyError, match="dialect"):
        select_docs([{"id": "x", "text": "t"}], 2)


# ---------------------------------------------------------------------------------------------
# A model whose logits we control: a bigram table
# ---------------------------------------------------------------------------------------------


class Bigram(torch.nn.Module):
    """logits[t] = table[input_ids[t]]: the next token depends only on the current one."""

    def __init__(self, table: torch.Tensor):
        super().__init__()
        self.table = torch.nn.Parameter(table, requires_grad=False)

    def forward(self, input_ids, **_):
        return SimpleNamespace(logits=self.table[input_ids])


def _bigram(vocab: int, seed: int = 0) -> Bigram:
    g = torch.Generator().manual_seed(seed)
    return Bigram(torch.randn(vocab, vocab, generator=g, dtype=torch.float64))


@pytest.mark.parametrize("seq_len", [2, 3, 5, 64])
def test_score_token_ids_matches_hand_computation(seq_len):
    vocab, eos = 7, 0
    model = _bigram(vocab)
    ids = [3, 1, 4, 1, 5, 2, 6, 5, 3]
    logp = torch.log_softmax(model.table, dim=-1)
    prev = [eos] + ids[:-1]
    expected_nll = [-logp[p, t].item() for p, t in zip(prev, ids)]
    expected_top1 = [int(model.table[p].argmax()) == t for p, t in zip(prev, ids)]
    expected_top3 = [t in model.table[p].topk(3).indices.tolist() for p, t in zip(prev, ids)]

    nll, top1, top3 = score_token_ids(model, ids, eos, seq_len, top_k=3)
    # Whatever the window length, each token is scored once with its true predecessor.
    assert nll == pytest.approx(expected_nll)
    assert top1 == expected_top1 and top3 == expected_top3
    assert perplexity(sum(nll), len(nll)) == pytest.approx(math.exp(sum(expected_nll) / len(ids)))


def test_uniform_model_has_perplexity_vocab_size():
    vocab = 11
    model = Bigram(torch.zeros(vocab, vocab))
    nll, top1, topk = score_token_ids(model, [1, 2, 3, 4], eos_id=0, seq_len=3, top_k=vocab)
    assert perplexity(sum(nll), len(nll)) == pytest.approx(vocab)
    assert all(topk)  # k = vocab: always a hit


def test_score_text_bits_per_char_and_next_word(tmp_path):
    tok_dir = tmp_path / "tok"
    train_bpe_tokenizer([d["text"] for d in EVAL_DOCS] + EXTRA, vocab_size=350, out_dir=tok_dir, seed=0)
    tok = load_tokenizer(str(tok_dir))
    model = _bigram(len(tok), seed=1)
    text = EVAL_DOCS[0]["text"]
    score = score_text(model, tok, text, seq_len=4, top_k=5)
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert len(score.nll) == len(ids) and score.n_chars == len(text)
    assert len(score.word_starts) == len(text.split()) - 1
    # Every word-start token carries the space before its word (byte-level BPE).
    starts = [tok.convert_ids_to_tokens(ids[j]) for j in score.word_starts]
    assert all(s.startswith("Ġ") for s in starts)
    expected_bpc = sum(score.nll) / math.log(2) / len(text)
    assert bits_per_char(score.nll_sum, score.n_chars) == pytest.approx(expected_bpc)


# ---------------------------------------------------------------------------------------------
# evaluate_models on the tiny 4-bit Qwen2 with a random adapter
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> dict:
    return build_tiny_adapted(tmp_path_factory.mktemp("evaluation"), [d["text"] for d in EVAL_DOCS] + EXTRA, vocab_size=400)


@pytest.fixture(scope="module")
def results(tiny) -> dict:
    return evaluate_models(
        model_dir=str(tiny["model"]),
        tokenizer_dir=str(tiny["tok"]),
        eval_docs=EVAL_DOCS,
        adapters={"msa": tiny["adapter"]},
        quant=QuantizationConfig(),
        settings=EvaluateConfig(max_docs_per_dialect=2, top_k=3),
        seq_len=16,
        seed=0,
    )


def test_evaluate_models_structure(results):
    assert results["n_docs"] == {"MSA": 2, "EGY": 2, "LEV": 1}
    assert set(results["models"]) == {"base", "msa"}
    for name, res in results["models"].items():
        assert list(res["per_dialect"]) == ["MSA", "EGY", "LEV"]
        for m in [*res["per_dialect"].values(), res["overall"]]:
            assert m["perplexity"] == pytest.approx(math.exp(m["nll_nats"] / m["n_tokens"]))
            assert m["bits_per_char"] == pytest.approx(m["nll_nats"] / math.log(2) / m["n_chars"])
            assert 0 <= m["next_word_top1"] <= m["next_word_topk"] <= 1
            assert m["top_k"] == 3
        # "overall" pools the groups.
        per = res["per_dialect"].values()
        assert res["overall"]["nll_nats"] == pytest.approx(sum(m["nll_nats"] for m in per))
        assert res["overall"]["n_words"] == sum(m["n_words"] for m in per)
    chars = sum(len(d["text"]) for d in EVAL_DOCS if d["id"] in {"w1", "w2", "e1", "e2", "l1"})
    assert results["models"]["base"]["overall"]["n_chars"] == chars
    json.dumps(results, allow_nan=False)  # strict JSON for the stage's artifact


def test_base_perplexity_matches_transformers_loss(tiny, results):
    """A doc that fits one window: our perplexity = exp(the model's own loss on EOS + text)."""
    tok = load_tokenizer(str(tiny["tok"]))
    model = load_base_model(str(tiny["model"]), QuantizationConfig(), for_training=False)
    doc = EVAL_DOCS[5]  # the only LEV doc
    ids = [tok.eos_token_id] + tok(doc["text"], add_special_tokens=False)["input_ids"]
    assert len(ids) <= 16  # one window at seq_len=16
    with torch.no_grad():
        loss = model(input_ids=torch.tensor([ids]), labels=torch.tensor([ids])).loss.item()
    lev = results["models"]["base"]["per_dialect"]["LEV"]
    assert lev["n_tokens"] == len(ids) - 1
    assert lev["perplexity"] == pytest.approx(math.exp(loss), rel=1e-4)


def test_lm_head_chunking_does_not_change_scores(tiny):
    model = load_base_model(str(tiny["model"]), QuantizationConfig(), for_training=False)
    ids = load_tokenizer(str(tiny["tok"]))(EVAL_DOCS[1]["text"], add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        whole = score_token_ids(model, ids, 0, seq_len=8, top_k=3, chunk=1000)
        chunked = score_token_ids(model, ids, 0, seq_len=8, top_k=3, chunk=3)
        # The generic path (full logits from forward) agrees with the decoder + chunked head path.
        generic = score_token_ids(lambda input_ids: model(input_ids=input_ids), ids, 0, seq_len=8, top_k=3)
    assert chunked[0] == pytest.approx(whole[0], rel=1e-6) and chunked[1:] == whole[1:]
    assert generic[0] == pytest.approx(whole[0], rel=1e-3) and generic[1] == whole[1]


def test_adapter_changes_the_scores(results):
    base, msa = results["models"]["base"]["overall"], results["models"]["msa"]["overall"]
    assert base["n_tokens"] == msa["n_tokens"]
    assert base["nll_nats"] != pytest.approx(msa["nll_nats"], rel=1e-6)


def test_unknown_adapter_dir_is_a_clear_error(tiny, tmp_path):
    with pytest.raises(FileNotFoundError, match="adapter_config.json"):
        evaluate_models(
            model_dir=str(tiny["model"]),
            tokenizer_dir=str(tiny["tok"]),
            eval_docs=EVAL_DOCS,
            adapters={"msa": tmp_path},
            quant=QuantizationConfig(),
            settings=EvaluateConfig(),
            seq_len=16,
            seed=0,
        )
