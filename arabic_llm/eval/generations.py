"""Example generations: the beginning of a few held-out documents per dialect, continued greedily by the
base model and by each adapter, side by side with what the document really says next (like the
paper's Table 5). Short and greedy: they illustrate; the bits/char table is the measurement."""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s")


def prompt_and_rest(text: str, chars: int) -> tuple[str, str]:
    """The first ``chars`` characters of a text cut back to a word boundary, and what follows."""
    text = text.strip()
    if len(text) <= chars:
        return text, ""
    cut = max((m.start() for m in _SPACE.finditer(text, 0, chars + 1)), default=chars)
    cut = cut if cut > chars // 2 else chars
    return text[:cut].rstrip(), text[cut:].strip()


def example_prompts(groups: dict[str, list[dict]], per_dialect: int, chars: int) -> list[dict]:
    """[{dialect, id, prompt, reference}] from the first ``per_dialect`` documents of each dialect."""
    rows = []
    for dialect, docs in groups.items():
        for doc in docs[:per_dialect]:
            prompt, rest = prompt_and_rest(doc["text"], chars)
            rows.append({"dialect": dialect, "id": doc["id"], "prompt": prompt, "reference": rest[: 3 * chars]})
    return rows


def continue_texts(model, tokenizer, prompts: list[str], max_new_tokens: int) -> list[str]:
    """Greedy continuations, one prompt at a time (no padding to get wrong), each after an EOS as the
    documents follow one in the training rows."""
    import torch

    from arabic_llm.model.modeling import model_device

    device = model_device(model)
    outputs = []
    for prompt in prompts:
        ids = [tokenizer.eos_token_id, *tokenizer(prompt, add_special_tokens=False)["input_ids"]]
        inputs = torch.tensor([ids], dtype=torch.long, device=device)
        generated = model.generate(input_ids=inputs, attention_mask=torch.ones_like(inputs), do_sample=False,
                                   max_new_tokens=max_new_tokens, pad_token_id=tokenizer.pad_token_id,
                                   eos_token_id=tokenizer.eos_token_id)
        outputs.append(tokenizer.decode(generated[0, len(ids):], skip_special_tokens=True).strip())
    return outputs
