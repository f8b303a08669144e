"""Zero-initialised diacritic bias: the base model's outputs exactly; trained, it changes only what it should."""

import torch

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
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                      num_key_value_heads=2, max_position_embeddings=64, attn_implementation="sdpa")
    return LlamaForCausalLM(cfg).eval()


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
