"""`shards`: tokenise, pack into fixed-length rows per dialect and source, write HDF5.

Documents stream through in batches: memory is bounded by a batch and a few dozen rows per
(split, dialect, source) group, whatever the corpus size.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.config import ShardsConfig
from arabic_llm.corpus import CHAT_FIELDS, doc_shards, read_doc_table, row_doc
from arabic_llm.records import TokenReuse, current_job
from arabic_llm.shards import ShardWriter, is_eval_doc
from arabic_llm.store import canonical_json, directory_digest, sha256_bytes, stage_task

SHARDS_FILE = "shards.h5"
EVAL_DOCS_FILE = "eval_docs.jsonl"
BATCH_DOCS = 1000  # documents tokenised per call


class ShardsParams(BaseModel):
    shards: ShardsConfig
    seed: int


def training_text(doc: dict, tok) -> str:
    """A document's training text: an instruction record in the tokenizer's chat template where it has
    one (prompt as the user turn, response as the assistant's), else its sentences, one a line."""
    if getattr(tok, "chat_template", None) and all(isinstance(doc.get(f), str) for f in CHAT_FIELDS):
        messages = [{"role": "user", "content": doc["prompt"]}, {"role": "assistant", "content": doc["response"]}]
        return tok.apply_chat_template(messages, tokenize=False)
    return "\n".join(doc["sentences"])


def encode_texts(tok, texts: list[str]) -> list[list[int]]:
    """Token ids of texts, no special tokens: the fast tokenizer's own batch call where there is one
    (the same ids as ``tok(texts)``, without transformers' per-text Python work)."""
    backend = getattr(tok, "backend_tokenizer", None)
    if backend is None:
        return tok(texts, add_special_tokens=False)["input_ids"]
    return [encoding.ids for encoding in backend.encode_batch(texts, add_special_tokens=False)]


def build_rows(docs: Path, tok, params: ShardsParams, writer: ShardWriter, held_out, reuse=None) -> dict:
    """Tokenise every document into ``writer``'s groups; held-out documents also go to ``held_out``.
    With ``reuse`` (records.TokenReuse), documents tokenised before by the same recipe are read back
    and not even decoded (unless held out: their text is written).

    Returns:
        Tokens per split.
    """
    tokens = {"train": 0, "eval": 0}
    for shard in doc_shards(docs):
        table = read_doc_table(shard)
        for start in range(0, table.num_rows, BATCH_DOCS):
            batch = table.slice(start, BATCH_DOCS)
            ids, dialects, sources = (batch.column(c).to_pylist() for c in ("id", "dialect", "source"))
            splits = ["eval" if is_eval_doc(i, params.shards.eval_fraction, params.seed) else "train" for i in ids]
            keys, known = reuse.lookup(batch) if reuse else ([None] * len(ids), {})
            need = [n for n, key in enumerate(keys) if key not in known or splits[n] == "eval"]
            texts = dict(zip(need, (training_text(row_doc(r), tok) for r in batch.take(need).to_pylist())))
            todo = [n for n in need if keys[n] not in known]
            fresh = dict(zip(todo, encode_texts(tok, [texts[n] for n in todo]) if todo else []))
            for n, (doc_id, dialect, source, split, key) in enumerate(zip(ids, dialects, sources, splits, keys)):
                doc_ids = reuse.tokens(known[key]) if key in known else fresh[n]
                offset = writer.add(split, dialect, source, doc_ids)
                if reuse:
                    reuse.place(key, (split, dialect, source), offset, len(doc_ids))
                tokens[split] += len(doc_ids)
                if split == "eval":
                    held_out.write(json.dumps({"dialect": dialect, "id": doc_id, "source": source, "text": texts[n]},
                                              ensure_ascii=False, sort_keys=True, separators=(",", ":")))
                    held_out.write("\n")
    return tokens


@stage_task("shards", libraries=("h5py", "tokenizers", "transformers"))
def shards(out_dir: Path, params: ShardsParams, docs: Path, tokenizer: Path) -> dict:
    from arabic_llm.modeling import load_tokenizer
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
    with open(out_dir / EVAL_DOCS_FILE, "w", encoding="utf-8", newline="\n") as held_out:
        tokens = build_rows(docs, tok, params, writer, held_out, reuse)
    rows = writer.close()
    if reuse:
        reuse.commit(writer)
    per_dialect: dict[str, int] = defaultdict(int)
    for (split, dialect, _), group in writer.groups.items():
        if split == "train":
            per_dialect[dialect] += len(group.lengths)
    eval_documents = sum(group.docs for (split, _, _), group in writer.groups.items() if split == "eval")
    return {"rows": rows, "tokens": tokens, "eval_documents": eval_documents,
            "train_rows_per_dialect": dict(sorted(per_dialect.items()))}
