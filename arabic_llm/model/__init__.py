"""Tokenizers and base models: training a BPE, building the tiny Qwen2, converting GGUF, loading with NF4,
merging adapters for export."""
