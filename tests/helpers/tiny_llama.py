"""A tiny random Llama (64 tokens, 2 layers, SDPA) for model-level tests."""

import torch


def tiny_llama(vocab: int = 64, tie: bool = True):
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                      tie_word_embeddings=tie, attn_implementation="sdpa")
    return LlamaForCausalLM(cfg).eval()
