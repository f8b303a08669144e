"""Evaluation: held-out scoring (perplexity, bits per character, next word), downstream tasks, noise,
metrics, and the evaluation of every model."""
