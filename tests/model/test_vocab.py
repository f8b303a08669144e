"""Vocabulary extension keeps every old id, and the new rows: mean init, FastText map, peft trainable tokens."""

from collections import Counter

import pytest
import torch
from tiny_llama import tiny_llama
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from arabic_llm.model.vocab import (
    apply_vocab,
    base_pieces,
    extend_tokenizer,
    from_bytelevel,
    initial_rows,
    is_tied,
    last_piece_rows,
    load_rows,
    mean_rows,
    save_rows,
)
from arabic_nlp.morphology import CliticSegmenter

ARABIC = ["ذهب الولد إلى المدرسة والكتاب معه", "الكتاب في البيت وبيتك كبير", "قلبك طيب والناس تحبك"] * 30
ENGLISH = ["the cat sat on the mat", "a dog and a cat", "hello world, this is english text"] * 20


def english_bpe() -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(ENGLISH, trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"],
                                                         initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    return tok


def segmenter() -> CliticSegmenter:
    return CliticSegmenter(Counter(w for line in ARABIC for w in line.split()), min_count=1)


def test_new_tokens_keep_old_ids_and_other_text():
    base = english_bpe()
    ext = extend_tokenizer(base.to_str(), ARABIC, 40, segmenter(), whole_word_min_count=10**9)
    new = Tokenizer.from_str(ext.tokenizer_json)
    assert len(ext.new_tokens) == 40 and ext.first_new_id == base.get_vocab_size()
    assert all(new.token_to_id(t) == i for t, i in base.get_vocab().items())
    for text in ["the cat sat", "hello, world!", "x = 1 + 2", "Ünïcödé", "<|endoftext|>"]:
        assert new.encode(text).ids == base.encode(text).ids
    sentence = "الكتاب في البيت"
    assert len(new.encode(sentence).ids) < len(base.encode(sentence).ids)
    assert new.decode(new.encode(sentence).ids) == sentence
    assert {new.token_to_id(t) for t in ext.new_tokens} == set(ext.new_ids)
    # no new token crosses و|ال|كتاب while the whole-word exception is off
    assert not any(from_bytelevel(t).strip() in ("والكتاب", "وال", "والك") for t in ext.new_tokens)


def test_frequent_word_learned_whole():
    ext = extend_tokenizer(english_bpe().to_str(), ARABIC, 200, segmenter(), whole_word_min_count=30)
    strings = {from_bytelevel(t).strip() for t in ext.new_tokens}
    assert "والكتاب" in strings  # seen 30 times: kept whole


def test_non_bpe_tokenizer_is_a_clear_error():
    tok = Tokenizer(models.WordLevel({"a": 0, "[UNK]": 1}, unk_token="[UNK]"))
    with pytest.raises(ValueError, match="byte-level BPE"):
        extend_tokenizer(tok.to_str(), ARABIC, 5)


def pieces_and_weight() -> tuple[list[list[int]], torch.Tensor]:
    base = english_bpe()
    ext = extend_tokenizer(base.to_str(), ARABIC, 10)
    return base_pieces(base.to_str(), ext.new_tokens), torch.randn(base.get_vocab_size(), 8)


def test_mean_rows_are_means_of_the_base_pieces():
    pieces, weight = pieces_and_weight()
    rows = mean_rows(weight, pieces)
    for row, piece in zip(rows, pieces):
        assert len(piece) >= 2 and torch.allclose(row, weight[piece].mean(0))


def test_last_piece_rows_are_the_last_base_pieces():
    pieces, weight = pieces_and_weight()
    rows = last_piece_rows(weight, pieces)
    assert torch.equal(rows, torch.stack([weight[p[-1]] for p in pieces]))
    rows += 1  # a copy: the base matrix is not touched
    assert torch.equal(weight[pieces[0][-1]] + 1, rows[0])


def test_initial_rows_keep_a_tied_head_tied_only_for_the_mean():
    pieces, weight = pieces_and_weight()
    head = torch.randn_like(weight)
    assert initial_rows("mean", weight, weight, pieces)[1] is None
    assert torch.equal(initial_rows("mean", weight, head, pieces)[1], mean_rows(head, pieces))
    rows_in, rows_out = initial_rows("last_piece", weight, weight, pieces)
    assert torch.equal(rows_in, last_piece_rows(weight, pieces)) and torch.equal(rows_out, mean_rows(weight, pieces))
    with pytest.raises(ValueError, match="fasttext_rows"):
        initial_rows("fasttext", weight, weight, pieces)


def test_fasttext_rows_map_into_the_embedding_space():
    from arabic_llm.model.vocab import fasttext_rows

    base = english_bpe()
    ext = extend_tokenizer(base.to_str(), ARABIC, 10)
    pieces = base_pieces(base.to_str(), ext.new_tokens)
    weight = torch.randn(base.get_vocab_size(), 8)
    strings = [from_bytelevel(t).strip() for t in ext.new_tokens]
    rows, info = fasttext_rows(weight, pieces, strings, [line.split() for line in ARABIC], {}, dim=16, epochs=2)
    assert rows.shape == (10, 8) and torch.isfinite(rows).all()
    assert not torch.allclose(rows, mean_rows(weight, pieces))
    assert info["anchors"] == 0 and info["fasttext_words"] > 0


@pytest.mark.parametrize("tie", [True, False])
def test_apply_vocab_grows_and_keeps_old_rows(tmp_path, tie):
    model = tiny_llama(tie=tie)
    before_in = model.get_input_embeddings().weight.detach().clone()
    before_out = model.get_output_embeddings().weight.detach().clone()
    rows_in, rows_out = torch.randn(3, 32), torch.randn(3, 32)
    save_rows(tmp_path / "rows.safetensors", [64, 65, 66], rows_in, None if tie else rows_out)
    assert apply_vocab(model, load_rows(tmp_path / "rows.safetensors")) == [64, 65, 66]
    weight_in, weight_out = model.get_input_embeddings().weight, model.get_output_embeddings().weight
    assert weight_in.shape[0] == 67 and torch.equal(weight_in[:64], before_in)
    assert torch.equal(weight_in[64:], rows_in)
    assert torch.equal(weight_out[:64], before_out)
    assert torch.equal(weight_out[64:], rows_in if tie else rows_out)


def test_separate_output_rows_untie_a_tied_head(tmp_path):
    from transformers import AutoModelForCausalLM

    model = tiny_llama(tie=True)
    before = model.get_input_embeddings().weight.detach().clone()
    rows_in, rows_out = torch.randn(3, 32), torch.randn(3, 32)
    apply_vocab(model, {"ids": torch.arange(64, 67), "input": rows_in, "output": rows_out})
    embed, head = model.get_input_embeddings().weight, model.get_output_embeddings().weight
    assert not is_tied(model) and not model.config.tie_word_embeddings
    assert torch.equal(embed[:64], before) and torch.equal(head[:64], before)
    assert torch.equal(embed[64:], rows_in) and torch.equal(head[64:], rows_out)
    model.resize_token_embeddings(70, mean_resizing=False)  # transformers re-ties only what the config says
    assert not is_tied(model) and torch.equal(model.get_output_embeddings().weight[64:67], rows_out)
    model.save_pretrained(tmp_path / "m")
    again = AutoModelForCausalLM.from_pretrained(tmp_path / "m")
    assert not is_tied(again) and torch.equal(again.get_output_embeddings().weight[64:67], rows_out)
    # Output rows equal to the input rows keep a tied head tied (no second matrix).
    tied = tiny_llama(tie=True)
    apply_vocab(tied, {"ids": torch.arange(64, 67), "input": rows_in, "output": rows_in.clone()})
    assert is_tied(tied) and torch.equal(tied.get_output_embeddings().weight[64:], rows_in)


def test_peft_trainable_tokens_train_only_the_new_rows():
    from peft import LoraConfig, get_peft_model

    model = tiny_llama()
    new_ids = apply_vocab(model, {"ids": torch.arange(64, 68), "input": torch.randn(4, 32)})
    before = model.get_input_embeddings().weight.detach().clone()
    peft_model = get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj", "v_proj"],
                                                  trainable_token_indices={"embed_tokens": new_ids}))
    optimiser = torch.optim.AdamW([p for p in peft_model.parameters() if p.requires_grad], lr=1e-2)
    ids = torch.tensor([[1, 2, new_ids[0], 3, new_ids[1], 5]])
    peft_model.train()
    peft_model(input_ids=ids, labels=ids).loss.backward()
    optimiser.step()
    merged = peft_model.merge_and_unload()
    after = merged.get_input_embeddings().weight.detach()
    assert torch.equal(after[:64], before[:64])
    assert not torch.equal(after[new_ids[0]], before[new_ids[0]])
    assert merged.get_output_embeddings().weight.data_ptr() == merged.get_input_embeddings().weight.data_ptr()
