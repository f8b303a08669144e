"""arabic-llm: adapt a causal language model to Arabic with QLoRA, as cached Prefect stages.

Importing this package is cheap: heavy libraries (torch, transformers) load inside the stages.
"""

__version__ = "0.1.0"
