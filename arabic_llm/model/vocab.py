"""Morphology-aware vocabulary extension of a byte-level BPE tokenizer, and the new embedding rows.

Extension *continues* BPE training on the base tokenizer: Arabic pre-tokens of the training text are
split at clitic boundaries (unless the whole word is frequent), each unit is tokenised by the base
BPE, and the most frequent adjacent pair is merged, ``n_new`` times. New merges go after the base
merges (lowest priority) and new tokens take the next free ids, so no existing id or merge rank
changes, and text without Arabic words tokenises exactly as before (only pairs seen in Arabic words
are merged). Each new token is built from symbols the base BPE really produces, so it is reachable
(``tokenizer.add_tokens`` is not: added tokens are matched before pre-tokenisation, anywhere inside
words, without the leading-space marker).

New rows: the mean of the base rows of the sub-tokens the base tokenizer used for the same string
(the baseline), FastText vectors trained on the corpus mapped into the embedding space by a ridge
linear map fitted on anchors (WECHSEL-style), or the last sub-token's row as input with the mean as
output (rows apart: a tied head gets its own matrix; benchmarks/bench_arabic_adaptation.py compares).
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from arabic_llm.layout import VOCAB_ROWS_FILE

if TYPE_CHECKING:
    import torch

    from arabic_nlp.morphology import CliticSegmenter



def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte -> printable character table, the alphabet of byte-level BPE."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    table, extra = {b: chr(b) for b in printable}, 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


BYTE_ENCODER = _bytes_to_unicode()
BYTE_DECODER = {c: b for b, c in BYTE_ENCODER.items()}


def to_bytelevel(text: str) -> str:
    return "".join(BYTE_ENCODER[b] for b in text.encode("utf-8"))


def from_bytelevel(piece: str) -> str:
    """A byte-level token's text (U+FFFD for a partial UTF-8 sequence)."""
    return bytes(BYTE_DECODER[c] for c in piece).decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Extension:
    tokenizer_json: str  # the extended tokenizer.json
    new_tokens: tuple[str, ...]  # byte-level strings, in id order
    first_new_id: int

    @property
    def new_ids(self) -> list[int]:
        return list(range(self.first_new_id, self.first_new_id + len(self.new_tokens)))


def training_units(lines: Iterable[str], pre_tokenize, segmenter: "CliticSegmenter | None",
                   whole_word_min_count: int) -> Counter:
    """Byte-level BPE training units: the Arabic pre-tokens of ``lines`` (others dropped: other scripts
    keep their exact tokenisation), split at clitic boundaries unless the word is frequent."""
    from arabic_nlp.morphology import ARABIC_WORD_RE

    units: Counter = Counter()
    for line in lines:
        for pre in pre_tokenize(line):
            text = from_bytelevel(pre)
            space = text[:1] == " "
            word = text[1:] if space else text
            if not ARABIC_WORD_RE.fullmatch(word):
                continue
            segments = [word] if segmenter is None else segmenter.segment(word)
            frequent = segmenter is not None and segmenter.counts.get(word, 0) >= whole_word_min_count
            if len(segments) == 1 or frequent or "".join(segments) != word:  # (diacritised: kept whole)
                units[pre] += 1
                continue
            for i, segment in enumerate(segments):
                units[to_bytelevel((" " if space and i == 0 else "") + segment)] += 1
    return units


def learn_merges(units: Counter, base_tokenize, base_vocab: dict[str, int], n_new: int,
                 min_pair_count: int = 2) -> list[tuple[str, str]]:
    """Continue BPE over ``units`` until ``n_new`` merges have made tokens outside ``base_vocab``.

    A merge whose result is already a base token (one the base merges never build on this text) is
    kept without taking a new id. Ties go to the smaller pair, so the result is deterministic.
    """
    words = [list(base_tokenize(unit)) for unit in units]
    freqs = list(units.values())
    pairs: Counter = Counter()
    where: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, (word, freq) in enumerate(zip(words, freqs)):
        for pair in zip(word, word[1:]):
            pairs[pair] += freq
            where[pair].add(i)
    heap = [(-count, pair) for pair, count in pairs.items()]
    heapq.heapify(heap)
    merges, known, added = [], set(base_vocab), 0
    while added < n_new and heap:
        negative, pair = heapq.heappop(heap)
        count = pairs.get(pair, 0)
        if count != -negative:  # stale entry: its count changed since it was pushed
            if count > 0:
                heapq.heappush(heap, (-count, pair))
            continue
        if count < min_pair_count:
            break
        merged = pair[0] + pair[1]
        merges.append(pair)
        if merged not in known:
            known.add(merged)
            added += 1
        changed = set()
        for i in sorted(where.pop(pair, ())):
            old, freq = words[i], freqs[i]
            new, j = [], 0
            while j < len(old):
                if j + 1 < len(old) and (old[j], old[j + 1]) == pair:
                    new.append(merged)
                    j += 2
                else:
                    new.append(old[j])
                    j += 1
            if len(new) == len(old):
                continue
            for p in zip(old, old[1:]):
                pairs[p] -= freq
                changed.add(p)
            for p in zip(new, new[1:]):
                pairs[p] += freq
                where[p].add(i)
                changed.add(p)
            words[i] = new
        pairs.pop(pair, None)
        for p in sorted(changed - {pair}):
            if pairs.get(p, 0) > 0:
                heapq.heappush(heap, (-pairs[p], p))
    return merges


def _require_byte_level_bpe(spec: dict) -> None:
    kinds = json.dumps(spec.get("pre_tokenizer")) + json.dumps(spec.get("decoder"))
    if spec.get("model", {}).get("type") != "BPE" or '"ByteLevel"' not in kinds:
        raise ValueError("vocabulary extension needs a byte-level BPE tokenizer (tokenizer.json with a BPE model "
                         f"and a ByteLevel pre-tokenizer/decoder); got model {spec.get('model', {}).get('type')!r}")


def extend_tokenizer(tokenizer_json: str, lines: Iterable[str], n_new: int, segmenter: "CliticSegmenter | None" = None,
                     whole_word_min_count: int = 50, min_pair_count: int = 2) -> Extension:
    """Learn up to ``n_new`` Arabic tokens from ``lines`` and return the extended tokenizer.json.

    Args:
        tokenizer_json: a fast tokenizer's ``tokenizer.json`` (byte-level BPE).
        lines: training text.
        n_new: new ids wanted (fewer when the text has no more pairs seen ``min_pair_count`` times).
        segmenter: clitic segmenter; None learns from whole words.
        whole_word_min_count: a word this frequent (in ``segmenter.counts``) is learned whole.
    """
    from tokenizers import Tokenizer

    spec = json.loads(tokenizer_json)
    _require_byte_level_bpe(spec)
    base = Tokenizer.from_str(tokenizer_json)

    def pre_tokenize(line: str) -> list[str]:
        if base.normalizer is not None:
            line = base.normalizer.normalize_str(line)
        return [piece for piece, _ in base.pre_tokenizer.pre_tokenize_str(line)]

    units = training_units(lines, pre_tokenize, segmenter, whole_word_min_count)
    merges = learn_merges(units, lambda unit: [t.value for t in base.model.tokenize(unit)], spec["model"]["vocab"],
                          n_new, min_pair_count)
    vocab, listed = spec["model"]["vocab"], spec["model"]["merges"]
    first = max([*vocab.values(), *(t["id"] for t in spec.get("added_tokens", []))]) + 1
    as_text = bool(listed) and isinstance(listed[0], str)
    new_tokens = []
    for a, b in merges:
        listed.append(f"{a} {b}" if as_text else [a, b])
        if a + b not in vocab:
            vocab[a + b] = first + len(new_tokens)
            new_tokens.append(a + b)
    return Extension(json.dumps(spec, ensure_ascii=False), tuple(new_tokens), first)


# --- the new embedding rows ---------------------------------------------------------------------

def base_pieces(base_tokenizer_json: str, new_tokens: Sequence[str]) -> list[list[int]]:
    """Base ids of each new token's string, as the base BPE splits it."""
    from tokenizers import Tokenizer

    bpe = Tokenizer.from_str(base_tokenizer_json).model
    return [[bpe.token_to_id(t.value) for t in bpe.tokenize(token)] for token in new_tokens]


def mean_rows(weight: "torch.Tensor", pieces: list[list[int]]) -> "torch.Tensor":
    """Row i = the mean of ``weight``'s rows ``pieces[i]`` (the FOCUS / Chinese-LLaMA baseline)."""
    import torch

    return torch.stack([weight[p].float().mean(0) for p in pieces]).to(weight.dtype)


def last_piece_rows(weight: "torch.Tensor", pieces: list[list[int]]) -> "torch.Tensor":
    """Row i = ``weight``'s row of the last of ``pieces[i]``: as an input, the piece the base model reads
    just before predicting what follows the string (better than the mean there, worse as an output)."""
    return weight[[p[-1] for p in pieces]].clone()


def initial_rows(init: str, embed: "torch.Tensor", head: "torch.Tensor", pieces: list[list[int]]):
    """(input rows, output rows or None where ``head`` is ``embed``'s matrix and shares the input rows) of
    ``init`` "mean" or "last_piece" (whose output rows are the mean, apart even for a tied head)."""
    tied = head.data_ptr() == embed.data_ptr()
    if init == "mean":
        return mean_rows(embed, pieces), None if tied else mean_rows(head, pieces)
    if init == "last_piece":
        return last_piece_rows(embed, pieces), mean_rows(head, pieces)
    raise ValueError(f"init {init!r}: initial_rows knows 'mean' and 'last_piece' (FastText rows: fasttext_rows)")


def is_tied(model) -> bool:
    """Does the model's lm_head share the input embedding matrix?"""
    head = model.get_output_embeddings()
    return head is not None and head.weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()


def untie_head(model) -> None:
    """Give a tied lm_head its own copy of the embedding matrix, and say so in the config, so that
    transformers does not tie them again and peft trains the head's new rows apart (one more
    vocab x hidden matrix in memory)."""
    import torch

    embed, head = model.get_input_embeddings(), model.get_output_embeddings()
    for config in {id(c): c for c in (model.config, model.config.get_text_config())}.values():
        config.tie_word_embeddings = False
    model.all_tied_weights_keys = {}
    head.weight = torch.nn.Parameter(embed.weight.detach().clone(), requires_grad=head.weight.requires_grad)


def arabic_anchors(vocab: dict[str, int]) -> dict[str, int]:
    """Base tokens whose text is a whole Arabic string: the strings both vocabularies share."""
    from arabic_nlp.morphology import ARABIC_WORD_RE

    anchors = {}
    for token, i in vocab.items():
        text = from_bytelevel(token).strip()
        if all(c in BYTE_DECODER for c in token) and ARABIC_WORD_RE.fullmatch(text):
            anchors.setdefault(text, i)
    return anchors


def _stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


def fasttext_rows(weight: "torch.Tensor", pieces: list[list[int]], new_strings: Sequence[str],
                  sentences: list[list[str]], anchors: dict[str, int], dim: int = 100, epochs: int = 5,
                  ridge: float = 1.0, seed: int = 0) -> tuple["torch.Tensor", dict]:
    """WECHSEL-style rows: FastText vectors trained on ``sentences``, mapped into ``weight``'s space.

    The ridge map (dim + 1 -> hidden) is fitted on ``anchors`` (base tokens that are Arabic strings,
    paired with their own rows) and on every new string paired with its mean-of-pieces row: a base
    vocabulary with few Arabic tokens offers too few anchors alone. Returns the rows and the map's R^2
    on a tenth of the anchors held out.
    """
    import numpy as np
    import torch
    from gensim.models import FastText

    ft = FastText(vector_size=dim, window=5, min_count=2, sg=1, epochs=epochs, seed=seed, workers=1, min_n=2, max_n=5,
                  hashfxn=_stable_hash)  # Python's str hash changes per process: the vectors would too
    ft.build_vocab(corpus_iterable=sentences)
    ft.train(corpus_iterable=sentences, total_examples=len(sentences), epochs=epochs)
    strings = list(new_strings) + list(anchors)
    x = torch.tensor(np.stack([ft.wv[s] for s in strings]), dtype=torch.float32)
    x = torch.cat([x, torch.ones(len(x), 1)], 1)
    y = torch.cat([mean_rows(weight, pieces).float(), weight[list(anchors.values())].float()])

    def fit(rows):
        a = x[rows]
        return torch.linalg.solve(a.T @ a + ridge * torch.eye(a.shape[1]), a.T @ y[rows])

    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    cut = max(1, int(0.9 * len(order)))
    held = order[cut:]
    r2 = float("nan")
    if len(held):
        residual = ((x[held] @ fit(order[:cut]) - y[held]) ** 2).sum()
        r2 = float(1 - residual / ((y[held] - y[held].mean(0)) ** 2).sum())
    rows = x[: len(new_strings)] @ fit(order)
    return rows.to(weight.dtype), {"heldout_r2": r2, "fasttext_words": len(ft.wv.key_to_index), "anchors": len(anchors)}


def save_rows(path: Path, ids: Sequence[int], input_rows: "torch.Tensor", output_rows: "torch.Tensor | None") -> None:
    import torch
    from safetensors.torch import save_file

    tensors = {"ids": torch.tensor(list(ids), dtype=torch.int64), "input": input_rows.contiguous()}
    if output_rows is not None:
        tensors["output"] = output_rows.contiguous()
    save_file(tensors, str(path))


def load_rows(path: Path) -> dict[str, "torch.Tensor"]:
    from safetensors.torch import load_file

    rows = load_file(str(path))
    missing = {"ids", "input"} - set(rows)
    if missing or len(rows["ids"]) != len(rows["input"]):
        raise ValueError(f"{path}: not a vocabulary rows file (needs 'ids' and 'input' of the same length)")
    return rows


def apply_vocab(model, rows: dict[str, "torch.Tensor"]) -> list[int]:
    """Give ``model`` the new rows (:func:`load_rows`): grow the embeddings where the new ids do not fit
    (a padded vocabulary may already have room) and write the rows; old rows stay as they are. A tied
    head shares the input rows, unless ``rows["output"]`` differs from them: then it is untied
    (:func:`untie_head`). An untied head gets ``rows["output"]``. Returns the new ids."""
    import torch

    ids = rows["ids"].tolist()
    if model.get_input_embeddings().weight.shape[0] <= max(ids):
        model.resize_token_embeddings(max(ids) + 1, mean_resizing=False)
    output = rows.get("output", rows["input"])
    if is_tied(model) and not torch.equal(output, rows["input"]):
        untie_head(model)
    embed, head = model.get_input_embeddings(), model.get_output_embeddings()
    index = torch.tensor(ids, device=embed.weight.device)
    with torch.no_grad():
        embed.weight.index_copy_(0, index, rows["input"].to(embed.weight))
        if head is not None and not is_tied(model):
            head.weight.index_copy_(0, index.to(head.weight.device), output.to(head.weight))
    return ids


def apply_tokenizer_rows(model, tokenizer_dir: str | Path) -> list[int]:
    """:func:`apply_vocab` with the rows a `vocab` tokenizer directory holds; a base tokenizer (no rows
    file, or a hub id) changes nothing. Every loader of a base model for a tokenizer calls this."""
    path = Path(tokenizer_dir) / VOCAB_ROWS_FILE
    return apply_vocab(model, load_rows(path)) if path.is_file() else []


def new_token_ids(tokenizer_dir: str | Path) -> list[int]:
    """The new ids a `vocab` tokenizer directory adds (its rows file); [] for any other tokenizer."""
    path = Path(tokenizer_dir) / VOCAB_ROWS_FILE
    return load_rows(path)["ids"].tolist() if path.is_file() else []
