"""`shards`: tokenise, pack into fixed-length rows per dialect and source, write HDF5.

Documents stream through in batches: memory is bounded by a batch and a few dozen rows per
(split, dialect, source) group, whatever the corpus size.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from arabic_llm.cache.keys import canonical_json, sha256_bytes
from arabic_llm.cache.records import current_job, tokens_digest
from arabic_llm.cache.stage import stage_task
from arabic_llm.cache.store import directory_digest
from arabic_llm.config import RuntimeConfig, ShardsConfig, SplitParams
from arabic_llm.data.documents import CHAT_FIELDS, doc_tables, row_doc
from arabic_llm.data.split import EvalSplit, split_from_documents
from arabic_llm.layout import EVAL_DOCS_FILE, SHARDS_FILE, SPLIT_FILE

if TYPE_CHECKING:  # annotations only: the stage body imports it where it runs
    from arabic_llm.data.shards import ShardWriter

BATCH_DOCS = 1000  # documents tokenised per call
PARALLELISM = "TOKENIZERS_PARALLELISM"


class ShardsParams(BaseModel):
    shards: ShardsConfig
    seed: int

    @property
    def split(self) -> SplitParams:
        return SplitParams.of(self.shards, self.seed)


def training_text(doc: dict, tok) -> str:
    """A document's training text: an instruction record in the tokenizer's chat template where it has
    one (an empty system turn, prompt as the user turn, response as the assistant's), else its sentences,
    one a line. The system turn is explicit because some templates (SmolLM2's) insert an English system
    prompt when there is none, which would put the same English sentence into every Arabic record."""
    if getattr(tok, "chat_template", None) and all(isinstance(doc.get(f), str) for f in CHAT_FIELDS):
        messages = [{"role": "system", "content": ""}, {"role": "user", "content": doc["prompt"]},
                    {"role": "assistant", "content": doc["response"]}]
        return tok.apply_chat_template(messages, tokenize=False)
    return "\n".join(doc["sentences"])


def held_out_text(doc: dict) -> str:
    """The text a held-out document is scored on: its own words only (an instruction record's prompt,
    then its response), never a chat template's markup, which every model would predict alike."""
    if all(isinstance(doc.get(f), str) for f in CHAT_FIELDS):
        return doc["prompt"] + "\n" + doc["response"]
    return "\n".join(doc["sentences"])


def encode_texts(tok, texts: list[str], parallel: bool = False) -> list[list[int]]:
    """Token ids of texts, no special tokens: the fast tokenizer's own batch call where there is one
    (the same ids as ``tok(texts)``, without transformers' per-text Python work), on all cores with
    ``parallel`` (each text is encoded alone: the ids do not depend on it)."""
    backend = getattr(tok, "backend_tokenizer", None)
    if backend is None:
        return tok(texts, add_special_tokens=False)["input_ids"]
    with tokenizer_threads(parallel):
        return [encoding.ids for encoding in backend.encode_batch(texts, add_special_tokens=False)]


@contextlib.contextmanager
def tokenizer_threads(parallel: bool):
    """Let the Rust tokenizer batch over its thread pool for the duration. The CLI turns its threads off
    (TOKENIZERS_PARALLELISM=false) because stages fork worker processes; the variable is read at each
    call and set back after, so a later fork stays quiet and safe (tokenizers then runs serially in the child)."""
    before = os.environ.get(PARALLELISM)
    if parallel:
        os.environ[PARALLELISM] = "true"
    try:
        yield
    finally:
        if parallel:
            if before is None:
                del os.environ[PARALLELISM]
            else:
                os.environ[PARALLELISM] = before


def build_rows(docs: Path, tok, params: ShardsParams, writer: ShardWriter, held_out, reuse=None,
               split: EvalSplit | None = None, parallel: bool = False) -> dict:
    """Tokenise every document into ``writer``'s groups; held-out documents also go to ``held_out``.
    With ``reuse`` (records.TokenReuse), documents tokenised before by the same recipe are read back
    and not even decoded (unless held out: their text is written).

    Returns:
        Tokens per split.
    """
    tokens = {"train": 0, "eval": 0}
    if split is None:
        split = split_from_documents(docs, **params.split.model_dump(exclude={"seed"}), seed=params.seed)
    for table in doc_tables(docs):
        for start in range(0, table.num_rows, BATCH_DOCS):
            batch = table.slice(start, BATCH_DOCS)
            ids, dialects, sources = (batch.column(c).to_pylist() for c in ("id", "dialect", "source"))
            keys, known = reuse.lookup(batch) if reuse else ([None] * len(ids), {})
            # The split is decided afresh (a dialect's threshold moves as the corpus grows; a known
            # document's tokens are reused whichever side it falls on).
            splits = ["eval" if split.is_eval(doc_id, dialect) else "train" for doc_id, dialect in zip(ids, dialects)]
            known = {key: entry for key, entry in known.items()}
            for n, key in enumerate(keys):
                if key in known and known[key][1] != splits[n]:
                    del known[key]  # it changed sides: tokenised again, in its new group
            need = [n for n, key in enumerate(keys) if key not in known or splits[n] == "eval"]
            needed = batch.take(need).to_pylist() if need else []  # (an empty take has no type)
            rows_needed = dict(zip(need, (row_doc(r) for r in needed)))
            texts = {n: training_text(doc, tok) for n, doc in rows_needed.items()}
            todo = [n for n in need if keys[n] not in known]
            fresh = dict(zip(todo, encode_texts(tok, [texts[n] for n in todo], parallel) if todo else []))
            for n in need:
                if splits[n] == "eval":
                    held_out.write(json.dumps({"dialect": dialects[n], "id": ids[n], "source": sources[n],
                                               "text": held_out_text(rows_needed[n])}, ensure_ascii=False, sort_keys=True,
                                              separators=(",", ":")))
                    held_out.write("\n")
            members: dict[tuple[str, str, str], list[int]] = defaultdict(list)
            for n, group in enumerate(zip(splits, dialects, sources)):
                members[group].append(n)
            for group, numbers in members.items():  # a document's place depends only on those of its group
                for run in _runs(numbers, keys, known):
                    if keys[run[0]] in known:
                        tokens[group[0]] += _add_known(writer, group, [keys[n] for n in run], known, reuse)
                    else:
                        doc_ids = fresh[run[0]]
                        offset = writer.add(*group, doc_ids)
                        if reuse:
                            reuse.place([keys[run[0]]], group, [offset], [len(doc_ids)], [tokens_digest(doc_ids)])
                        tokens[group[0]] += len(doc_ids)
    return tokens


def _runs(numbers: list[int], keys: list, known: dict) -> list[list[int]]:
    """A group's documents cut into runs: each new document alone, known documents together while each
    follows the one before in the earlier file's stream (so one read gives them all, with their EOS)."""
    runs: list[list[int]] = []
    end = None  # where the last known document's stream position ends (after its EOS)
    for n in numbers:
        entry = known.get(keys[n])
        if entry is None:
            runs.append([n])
            end = None
            continue
        artifact, split, start, length, _, _ = entry
        if end == (artifact, split, start):
            runs[-1].append(n)
        else:
            runs.append([n])
        end = (artifact, split, start + length + 1)
    return runs


def _add_known(writer: ShardWriter, group: tuple[str, str, str], keys: list[bytes], known: dict, reuse) -> int:
    """Append a run of known documents, read back in one piece; returns their tokens (without EOS)."""
    entries = [known[key] for key in keys]
    lengths = [entry[3] for entry in entries]
    stream = reuse.stream(entries[0], sum(lengths) + len(lengths))  # each document and its EOS
    offsets = writer.add_joined(*group, stream, [length + 1 for length in lengths])
    reuse.place(keys, group, offsets, lengths, [entry[5] for entry in entries])  # digests proved at lookup
    return sum(lengths)


@stage_task("shards", libraries=("h5py", "tokenizers", "transformers"))
def shards(out_dir: Path, params: ShardsParams, docs: Path, tokenizer: Path,
           runtime: RuntimeConfig = RuntimeConfig()) -> dict:
    from arabic_llm.data.shards import ShardWriter
    from arabic_llm.data.token_reuse import TokenReuse
    from arabic_llm.model.modeling import load_tokenizer

    tok = load_tokenizer(str(tokenizer))
    tokenizer_digest = directory_digest(tokenizer)[0]
    recipe = canonical_json(params)
    writer = ShardWriter(out_dir / SHARDS_FILE, seq_len=params.shards.seq_len, pad_id=tok.pad_token_id,
                         eos_id=tok.eos_token_id, compression=params.shards.compression,
                         compression_level=params.shards.compression_level,
                         attrs={"eos_token_id": tok.eos_token_id, "tokenizer_digest": tokenizer_digest,
                                "recipe": recipe, "recipe_key": sha256_bytes(recipe.encode())})
    job = current_job()
    reuse = TokenReuse(job, SHARDS_FILE) if job else None
    held = split_from_documents(docs, **params.split.model_dump(exclude={"seed"}), seed=params.seed)
    with open(out_dir / EVAL_DOCS_FILE, "w", encoding="utf-8", newline="\n") as held_out:
        tokens = build_rows(docs, tok, params, writer, held_out, reuse, held, parallel=runtime.workers > 1)
    rows = writer.close()
    if reuse:
        reuse.commit(writer)
    per_dialect: dict[str, int] = defaultdict(int)
    for (split, dialect, _), group in writer.groups.items():
        if split == "train":
            per_dialect[dialect] += len(group.lengths)
    eval_documents = sum(group.docs for (split, _, _), group in writer.groups.items() if split == "eval")
    sizes = {"split": held.describe(), "sizes": split_sizes(docs, held)}
    (out_dir / SPLIT_FILE).write_text(json.dumps(sizes, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return {"rows": rows, "tokens": tokens, "eval_documents": eval_documents,
            "train_rows_per_dialect": dict(sorted(per_dialect.items())), **sizes}


def split_sizes(docs: Path, split: EvalSplit) -> dict:
    """{train|eval: {dialect: {documents, chars}}}: what each side of the split holds, in characters of
    the documents' text (what bits per character divide by)."""
    import pyarrow.compute as pc

    sizes: dict = {"train": {}, "eval": {}}
    for table in doc_tables(docs, columns=["id", "dialect", "text"]):
        chars = pc.utf8_length(table.column("text").fill_null("")).to_pylist()
        for doc_id, dialect, n in zip(table.column("id").to_pylist(), table.column("dialect").to_pylist(), chars):
            cell = sizes["eval" if split.is_eval(doc_id, dialect) else "train"].setdefault(str(dialect),
                                                                                          {"documents": 0, "chars": 0})
            cell["documents"] += 1
            cell["chars"] += n
    return {side: dict(sorted(cells.items())) for side, cells in sizes.items()}
