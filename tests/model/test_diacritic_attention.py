"""Zero-initialised diacritic bias: the base model's outputs exactly; trained, it changes only what it should."""

import torch
from tiny_llama import tiny_llama as tiny_llama_of

from arabic_llm.model.diacritic_attention import (
    disable_diacritic_bias,
    enable_diacritic_bias,
    save_diacritic_bias,
)


class FlagTokenizer:
    """Token i decodes to a diacritised letter for i in MARKED, a bare one otherwise."""

    MARKED = {7, 9, 12}

    def __len__(self):
        return 64

    def decode(self, ids):
        return "بَ" if ids[0] in self.MARKED else "ب"


def tiny_llama():
    return tiny_llama_of(tie=False)  # untied: LlamaConfig's default


IDS = torch.tensor([[3, 7, 9, 11, 13, 2, 5, 8], [4, 6, 9, 10, 12, 14, 0, 0]])
MASK = torch.tensor([[1] * 8, [1] * 6 + [0] * 2])


def logits(model, ids=IDS):
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=MASK).logits


def test_zero_bias_is_the_base_model_and_learns(tmp_path):
    model = tiny_llama()
    reference = logits(model)
    state = enable_diacritic_bias(model, FlagTokenizer())
    assert torch.allclose(logits(model), reference, atol=1e-6, rtol=0)
    model.train()
    model(input_ids=IDS, attention_mask=MASK, labels=IDS).loss.backward()
    assert state.bias.grad is not None and state.bias.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        state.bias.fill_(3.0)
    biased = logits(model)
    assert torch.allclose(biased[0, :1], reference[0, :1], atol=1e-6)  # position 0 sees no diacritised key
    assert not torch.allclose(biased[0, 2:], reference[0, 2:], atol=1e-4)
    # padding stays masked: a padded token's id changes nothing at the real positions
    other = IDS.clone()
    other[1, 7] = 7
    assert torch.allclose(logits(model, other)[1, :6], biased[1, :6], atol=1e-6)
    # saved and loaded with the adapter
    save_diacritic_bias(model, tmp_path)
    disable_diacritic_bias(model)
    assert torch.allclose(logits(model), reference, atol=1e-6)
    enable_diacritic_bias(model, FlagTokenizer(), bias_dir=tmp_path)
    assert torch.allclose(logits(model), biased, atol=1e-6)


def test_cached_generation_at_init_equals_the_base_model():
    model = tiny_llama()
    prompt = torch.tensor([[3, 7, 9, 11]])
    plain = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=6, do_sample=False)
    enable_diacritic_bias(model, FlagTokenizer())
    biased = model.generate(prompt, attention_mask=torch.ones_like(prompt), max_new_tokens=6, do_sample=False)
    assert torch.equal(plain, biased)


def test_adapter_bias_switches_with_the_adapter_directory(tmp_path):
    from arabic_llm.model.diacritic_attention import use_adapter_bias

    model = tiny_llama()
    reference = logits(model)
    state = enable_diacritic_bias(model, FlagTokenizer())
    with torch.no_grad():
        state.bias.fill_(2.0)
    biased = logits(model)
    save_diacritic_bias(model, tmp_path)
    assert use_adapter_bias(model, FlagTokenizer(), None) is False  # the base model: no bias
    assert torch.allclose(logits(model), reference, atol=1e-6) and model.config._attn_implementation == "sdpa"
    assert use_adapter_bias(model, FlagTokenizer(), tmp_path) is True
    assert torch.allclose(logits(model), biased, atol=1e-6)


def byte_tokenizer():
    """A byte-level BPE with no merges: every byte its own token, so each diacritic spans two tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    backend = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(tokenizer_object=backend)


def test_a_diacritic_split_over_two_byte_tokens_is_flagged_at_its_second_byte():
    from arabic_llm.model.diacritic_attention import (
        DiacriticBias,
        diacritic_token_table,
    )

    tokenizer = byte_tokenizer()
    text = "بَّ مٌ й"  # fatha and shadda on ba, tanween on mim; Cyrillic й shares no byte pattern with them
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    raw = text.encode("utf-8")
    assert len(ids) == len(raw)  # one token per byte
    marks = {i + 1 for i in range(len(raw)) if raw[i:i + 2] in {ch.encode() for ch in "\u064e\u0651\u064c"}}
    state = DiacriticBias(1, 1, diacritic_token_table(tokenizer))
    state.set_ids(torch.tensor([ids]), continuing=False)
    assert {i for i, f in enumerate(state.key_flags[0].tolist()) if f} == marks == {3, 5, 10}
    # Cached generation: the lead byte ends one step, the second byte starts the next.
    state.set_ids(torch.tensor([ids[:3]]), continuing=False)
    state.set_ids(torch.tensor([ids[3:4]]), continuing=True)
    assert state.key_flags[0].tolist() == [0.0] * 3 + [1.0]
    state.set_ids(torch.tensor([ids[3:4]]), continuing=False)  # without its lead byte: not a diacritic
    assert state.key_flags[0].tolist() == [0.0]
