"""The split lookup/scoring of trainable new token rows against peft's merged-matrix path."""

import pytest
import torch
from tiny_llama import tiny_llama

from arabic_llm.model.trainable_rows import (
    SplitHead,
    output_head,
    output_weight,
    split_trainable_rows,
    token_targets,
)
from arabic_llm.model.vocab import apply_vocab
from arabic_llm.train.loss import causal_lm_loss_module, chunked_causal_lm_loss, make_loss



@pytest.mark.parametrize("ids", [[60, 61, 62, 63], [3, 17, 40, 41]], ids=["one run", "scattered"])
def test_split_head_logits_and_gradients_equal_the_merged_matrix(ids):
    torch.manual_seed(0)
    frozen = torch.randn(64, 8)
    rows = torch.randn(len(ids), 8, requires_grad=True)
    index = torch.tensor(ids)
    run = ids == list(range(ids[0], ids[0] + len(ids)))
    head = SplitHead(frozen, index, rows, ids[0] if run else None)
    hidden = torch.randn(5, 8, requires_grad=True)
    split = head.logits(hidden)
    (split * torch.arange(64.0)).sum().backward()
    grads = hidden.grad.clone(), rows.grad.clone()
    hidden.grad, rows.grad = None, None
    merged = hidden @ head.merged().T
    (merged * torch.arange(64.0)).sum().backward()
    assert torch.allclose(split, merged, atol=1e-5)
    assert torch.allclose(grads[0], hidden.grad, atol=1e-4) and torch.allclose(grads[1], rows.grad, atol=1e-4)
    assert torch.equal(head.merged()[ids], rows.detach()) and torch.equal(head.merged()[:3], frozen[:3])


def _peft_with_new_rows(new_ids, untied=False):
    from peft import LoraConfig, get_peft_model

    model = tiny_llama()
    rows = {"ids": torch.tensor(new_ids), "input": torch.randn(len(new_ids), 32)}
    if untied:  # last-piece style: output rows of their own, the head untied
        rows["output"] = torch.randn(len(new_ids), 32)
    apply_vocab(model, rows)
    peft_model = get_peft_model(model, LoraConfig(r=4, target_modules=["q_proj", "v_proj"],
                                                  trainable_token_indices=token_targets(model, new_ids)))
    with torch.no_grad():  # trained rows differ from the frozen originals, as after a few steps
        peft_model.get_input_embeddings().token_adapter.trainable_tokens_delta["default"].add_(0.5)
        if untied:
            peft_model.get_output_embeddings().token_adapter.trainable_tokens_delta["default"].sub_(0.5)
    return peft_model.train()


def test_token_targets_follow_the_tie():
    assert token_targets(tiny_llama(tie=True), [64, 65]) == {"embed_tokens": [64, 65]}
    assert token_targets(tiny_llama(tie=False), [64]) == {"embed_tokens": [64], "lm_head": [64]}
    assert token_targets(tiny_llama(), []) is None


@pytest.mark.parametrize("untied", [False, True], ids=["tied", "untied"])
@pytest.mark.parametrize("new_ids", [[64, 65, 66, 67], [5, 64, 66]], ids=["appended", "scattered"])
def test_split_path_gives_peft_loss_and_gradients(new_ids, untied):
    ids = torch.tensor([[1, 2, new_ids[0], 3, new_ids[1], 5, new_ids[-1], 7]])
    positions = torch.arange(ids.shape[1])[None]
    reference = _peft_with_new_rows(new_ids, untied)
    loss = reference(input_ids=ids, labels=ids).loss  # peft's merged matrix, HF's loss
    loss.backward()
    expected = {n: p.grad.clone() for n, p in reference.named_parameters() if p.requires_grad}

    split = _peft_with_new_rows(new_ids, untied)
    assert split_trainable_rows(split)
    head = output_head(split.get_base_model())
    assert isinstance(head, SplitHead) and head.start == (64 if new_ids[0] == 64 else None)
    summed = causal_lm_loss_module(split, make_loss("chunked", 3))(ids, positions, ids)
    (summed / (ids.shape[1] - 1)).backward()
    got = {n: p.grad for n, p in split.named_parameters() if p.requires_grad}
    assert torch.allclose(summed / (ids.shape[1] - 1), loss, atol=1e-5)
    deltas = [n for n in got if "trainable_tokens_delta" in n]
    assert got.keys() == expected.keys() and len(deltas) == (2 if untied else 1)
    assert all(got[n].abs().sum() > 0 for n in deltas)  # input and (untied) output rows both learn
    for name in expected:
        assert torch.allclose(got[name], expected[name], atol=1e-5), name
    # the matrix itself gets no gradient, and a disabled adapter falls back to the plain weight
    base = split.get_base_model()
    assert not base.get_input_embeddings().token_adapter.base_layer.weight.requires_grad
    with split.disable_adapter():
        assert isinstance(output_head(base), torch.Tensor)
        assert torch.equal(split.get_input_embeddings()(ids), base.get_input_embeddings().token_adapter.base_layer(ids))


def test_output_weight_is_the_merged_matrix_and_no_grad_scoring_matches():
    split = _peft_with_new_rows([64, 65])
    split_trainable_rows(split)
    base = split.get_base_model()
    merged = output_weight(base)
    adapter = base.get_output_embeddings().token_adapter
    assert torch.equal(merged, adapter.get_merged_weights(["default"]))
    hidden, labels = torch.randn(1, 6, 32), torch.tensor([[1, 64, 2, 65, 3, 4]])
    with torch.no_grad():
        a = chunked_causal_lm_loss(hidden, output_head(base), labels, 2, reduction="sum")
        b = chunked_causal_lm_loss(hidden, merged, labels, 2, reduction="sum")
    assert torch.allclose(a, b, atol=1e-5)


def test_no_trainable_rows_leaves_the_model_alone():
    from peft import LoraConfig, get_peft_model

    peft_model = get_peft_model(tiny_llama(), LoraConfig(r=4, target_modules=["q_proj"]))
    assert not split_trainable_rows(peft_model)
    assert output_head(peft_model.get_base_model()) is peft_model.get_base_model().lm_head.weight
