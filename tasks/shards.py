"""`shards`: tokenise, pack into fixed-length rows per dialect and source, write HDF5."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel

from arabic_llm.config import ShardsConfig
from arabic_llm.corpus import read_documents, write_jsonl
from arabic_llm.shards import is_eval_doc, pack, write_shards
from arabic_llm.store import canonical_json, directory_digest, stage_task

SHARDS_FILE = "shards.h5"
EVAL_DOCS_FILE = "eval_docs.jsonl"


class ShardsParams(BaseModel):
    shards: ShardsConfig
    seed: int


def build_rows(docs: Path, tok, params: ShardsParams):
    """Group documents by split, dialect and source (sorted), tokenise, pack."""
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    held_out = []
    for doc in read_documents(docs):
        split = "eval" if is_eval_doc(doc["id"], params.shards.eval_fraction, params.seed) else "train"
        groups[(split, doc["dialect"], doc["source"])].append(doc)
        if split == "eval":
            held_out.append({"id": doc["id"], "source": doc["source"], "dialect": doc["dialect"],
                             "text": "\n".join(doc["sentences"])})
    splits: dict[str, list] = {"train": [], "eval": []}
    tokens = {"train": 0, "eval": 0}
    for (split, dialect, source), members in sorted(groups.items()):
        texts = ["\n".join(d["sentences"]) for d in members]
        ids = tok(texts, add_special_tokens=False)["input_ids"]
        tokens[split] += sum(map(len, ids))
        splits[split].extend(pack(ids, params.shards.seq_len, tok.eos_token_id, dialect, source))
    return splits, held_out, tokens


@stage_task("shards", libraries=("h5py", "tokenizers", "transformers"))
def shards(out_dir: Path, params: ShardsParams, docs: Path, tokenizer: Path) -> dict:
    from arabic_llm.modeling import load_tokenizer
    tok = load_tokenizer(str(tokenizer))
    splits, held_out, tokens = build_rows(docs, tok, params)
    tokenizer_digest = directory_digest(tokenizer)[0]
    rows = write_shards(
        out_dir / SHARDS_FILE, splits, seq_len=params.shards.seq_len, pad_id=tok.pad_token_id,
        attrs={"eos_token_id": tok.eos_token_id, "tokenizer_digest": tokenizer_digest,
               "recipe": canonical_json(params)},
        compression=params.shards.compression,
    )
    write_jsonl(out_dir / EVAL_DOCS_FILE, held_out)
    per_dialect: dict[str, int] = defaultdict(int)
    for row in splits["train"]:
        per_dialect[row.dialect] += 1
    return {"rows": rows, "tokens": tokens, "eval_documents": len(held_out),
            "train_rows_per_dialect": dict(sorted(per_dialect.items()))}
