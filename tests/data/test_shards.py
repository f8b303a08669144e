"""HDF5 shards: the streaming writer against the reference packer, attributes, the memory-mapped
index, the lazy DataLoader, and the round trip back to text."""

from __future__ import annotations

import os

import json
from pathlib import Path

import h5py
import numpy as np
import pytest

from arabic_llm.config import ShardsConfig
from arabic_llm.data.documents import SAMPLE_DATA, write_documents
from arabic_llm.data.instructions import parse_bactrian
from arabic_llm.data.shards import (
    Row,
    ShardDataset,
    ShardWriter,
    _GroupRows,
    pack,
    write_shards,
)
from arabic_llm.data.wikipedia import parse_wikipedia
from arabic_llm.layout import SHARDS_FILE
from tasks.shards import ShardsParams, shards, training_text

SEQ_LEN = 32


@pytest.mark.parametrize("emit_rows", [1, 3, 64])  # rows cut as they fill, a few at a time, all at the end
def test_streaming_writer_writes_what_the_reference_packer_packs(tmp_path: Path, monkeypatch, emit_rows: int):
    monkeypatch.setattr(_GroupRows, "EMIT_ROWS", emit_rows)
    rng = np.random.default_rng(0)
    groups = {("train", "MSA", "wikipedia"): [], ("train", "EGY", "oasst1"): [], ("eval", "MSA", "bactrian-x"): []}
    writer = ShardWriter(tmp_path / "s.h5", seq_len=SEQ_LEN, pad_id=0, eos_id=1, attrs={"x": "y"}, chunk_rows=4)
    keys = list(groups)
    for i in range(60):  # documents of every length, groups interleaved
        key = keys[i % 3]
        tokens = rng.integers(2, 100, size=int(rng.integers(0, 90))).tolist()  # empty ones too
        groups[key].append(tokens)
        writer.add(*key, tokens)
    assert writer.close() == {"train": len(pack(groups[keys[0]], SEQ_LEN, 1, "", "")) +
                              len(pack(groups[keys[1]], SEQ_LEN, 1, "", "")), "eval": len(pack(groups[keys[2]], SEQ_LEN, 1, "", ""))}
    splits = {"train": [], "eval": []}
    for key in sorted(groups):
        splits[key[0]] += pack(groups[key], SEQ_LEN, 1, key[1], key[2])
    write_shards(tmp_path / "ref.h5", splits, seq_len=SEQ_LEN, pad_id=0, attrs={"x": "y"})
    with h5py.File(tmp_path / "s.h5") as a, h5py.File(tmp_path / "ref.h5") as b:
        for split in ("train", "eval"):
            for name in ("input_ids", "doc_index", "lengths", "dialect", "source"):
                np.testing.assert_array_equal(a[split][name][()], b[split][name][()], err_msg=f"{split}/{name}")
        assert a["train"]["input_ids"].chunks == (4, SEQ_LEN) and a["train"]["input_ids"].compression == "gzip"
        n_egy, n_msa = (len(pack(groups[k], SEQ_LEN, 1, "", "")) for k in (keys[1], keys[0]))
        assert json.loads(a["train"].attrs["spans"]) == {"EGY/oasst1": [0, n_egy], "MSA/wikipedia": [n_egy, n_egy + n_msa]}
    assert not (tmp_path / "s.h5.spool").exists()


def test_documents_added_joined_in_runs_land_as_added_one_by_one(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(_GroupRows, "EMIT_ROWS", 2)
    rng = np.random.default_rng(1)
    docs = [rng.integers(2, 100, size=int(rng.integers(0, 70))).astype(np.int32) for _ in range(80)]
    keys = [("train", "MSA", "wikipedia"), ("train", "EGY", "wikipedia")]
    one = ShardWriter(tmp_path / "one.h5", seq_len=SEQ_LEN, pad_id=0, eos_id=1, attrs={}, chunk_rows=4)
    joined = ShardWriter(tmp_path / "joined.h5", seq_len=SEQ_LEN, pad_id=0, eos_id=1, attrs={}, chunk_rows=4)
    offsets_one, offsets_joined, i = [], [], 0
    while i < len(docs):  # runs of 1 to 6 documents, alternating groups
        run, key = docs[i : i + int(rng.integers(1, 7))], keys[i % 2]
        offsets_one += [one.add(*key, d.tolist()) for d in run]
        stream = np.concatenate([np.append(d, np.int32(1)) for d in run])
        offsets_joined += joined.add_joined(*key, stream, [len(d) + 1 for d in run])
        i += len(run)
    assert offsets_joined == offsets_one
    assert joined.close() == one.close()
    with h5py.File(tmp_path / "one.h5") as a, h5py.File(tmp_path / "joined.h5") as b:
        for name in ("input_ids", "doc_index", "lengths", "dialect", "source"):
            np.testing.assert_array_equal(a["train"][name][()], b["train"][name][()], err_msg=name)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The shards stage on sample documents, with a BPE trained on them."""
    from arabic_llm.model.modeling import train_bpe_tokenizer

    tmp = tmp_path_factory.mktemp("shards")
    docs = list(parse_wikipedia(SAMPLE_DATA / "arwiki-sample-pages-articles.xml.bz2"))
    docs += list(parse_bactrian(SAMPLE_DATA / "bactrian-x-ar.jsonl", limit=40))
    for i, doc in enumerate(docs):
        doc["sentences"] = [line for line in doc["text"].split("\n") if line]
        doc["dialect"] = ("MSA", "EGY", "LEV")[i % 3]
    write_documents(tmp / "docs", docs, shard_docs=25)
    tok_dir = tmp / "tok"
    train_bpe_tokenizer((d["text"] for d in docs), 500, tok_dir, seed=1)
    params = ShardsParams(shards=ShardsConfig(seq_len=SEQ_LEN, eval_fraction=0.2), seed=3)
    out = tmp / "out"
    out.mkdir()
    summary = shards.build(out, params, docs=tmp / "docs", tokenizer=tok_dir)
    return out / SHARDS_FILE, docs, tok_dir, params, summary


def held_out(docs: list[dict], params):
    """The split the shards stage makes: stratified by dialect (arabic_llm.data.split)."""
    from arabic_llm.data.split import EvalSplit

    split = params.split
    rule = EvalSplit.build(((d["id"], d["dialect"]) for d in docs), split.fraction, split.seed, split.min_docs,
                           split.max_share)
    return lambda d: rule.is_eval(d["id"], d["dialect"])


def test_detokenised_rows_give_back_every_document_text(built):
    from arabic_llm.model.modeling import load_tokenizer

    path, docs, tok_dir, params, _ = built
    is_eval_doc = held_out(docs, params)
    tok = load_tokenizer(str(tok_dir))
    expected: dict[str, list[str]] = {"train": [], "eval": []}
    for key in sorted({("eval" if is_eval_doc(d) else "train", d["dialect"], d["source"]) for d in docs}):
        expected[key[0]] += [training_text(d, tok) for d in docs
                             if (("eval" if is_eval_doc(d) else "train"), d["dialect"], d["source"]) == key]
    with h5py.File(path) as f:
        for split in ("train", "eval"):
            group = f[split]
            stream = np.concatenate([row[:n] for row, n in zip(group["input_ids"][()], group["lengths"][()])])
            cuts = np.flatnonzero(stream == tok.eos_token_id)
            pieces = np.split(stream, cuts + 1)[:-1]
            texts = [tok.decode(p[:-1].tolist()) for p in pieces]
            assert texts == expected[split]
    assert tok.chat_template and any(t.startswith("<|im_start|>") for t in expected["train"])  # ChatML turns


def test_attributes_name_the_tokenizer_recipe_and_sequence_length(built):
    from arabic_llm.cache.keys import canonical_json, sha256_bytes
    from arabic_llm.cache.store import directory_digest

    path, _, tok_dir, params, summary = built
    with h5py.File(path) as f:
        assert f.attrs["seq_len"] == SEQ_LEN
        assert f.attrs["tokenizer_digest"] == directory_digest(tok_dir)[0]
        assert f.attrs["recipe_key"] == sha256_bytes(canonical_json(params).encode())
        ids = f["train"]["input_ids"]
        assert ids.compression == "gzip" and ids.compression_opts == 1 and ids.shuffle and ids.chunks is not None
        assert set(json.loads(f["train"].attrs["spans"])) == {"MSA/wikipedia", "EGY/wikipedia", "LEV/wikipedia",
                                                               "MSA/bactrian-x", "EGY/bactrian-x", "LEV/bactrian-x"}
    assert summary["rows"]["train"] > 0 and summary["eval_documents"] > 0


def test_dataset_reads_lazily_through_a_memory_mapped_index_and_a_dataloader(built):
    path, *_ = built
    data = ShardDataset(path, "train", dialects=["EGY"], sources=["wikipedia"])
    assert isinstance(data.lengths, np.memmap)
    with h5py.File(path) as f:
        first, end = json.loads(f["train"].attrs["spans"])["EGY/wikipedia"]
    assert list(data.rows) == list(range(first, end))
    batches = list(data.loader(batch_size=4, workers=1))
    assert sum(len(b["input_ids"]) for b in batches) == len(data)
    row = data[0]
    n = int(row["attention_mask"].sum())
    assert (row["labels"][n:] == -100).all() and (row["labels"][:n] == row["input_ids"][:n]).all()


def test_shards_stage_output_is_deterministic(built, tmp_path: Path):
    path, docs, tok_dir, params, _ = built
    out = tmp_path / "again"
    out.mkdir()
    shards.build(out, params, docs=path.parent.parent / "docs", tokenizer=tok_dir)
    assert (out / SHARDS_FILE).read_bytes() == path.read_bytes()


def _artifact(store, stage: str, key: str, src: Path):
    """Commit a directory as an artifact, as a stage would, so run_stage can take it as an input."""
    import hashlib
    import shutil

    from arabic_llm.cache.store import Store

    s = Store(store)
    with s.staging(stage) as staged:
        shutil.rmtree(staged / "data")
        shutil.copytree(src, staged / "data")
        return s.commit(stage, hashlib.sha256(key.encode()).hexdigest(), staged, {})  # a well-formed key


class CountingTokenizer:
    def __init__(self, tok, seen: list):
        self._tok, self._seen = tok, seen

    def __call__(self, texts, **kwargs):
        self._seen.extend(texts)
        return self._tok(texts, **kwargs)

    @property
    def backend_tokenizer(self):  # where encode_texts tokenises
        return CountingTokenizer(self._tok.backend_tokenizer, self._seen)

    def encode_batch(self, texts, **kwargs):
        self._seen.extend(texts)
        return self._tok.encode_batch(texts, **kwargs)

    def __getattr__(self, name):
        return getattr(self._tok, name)


def test_encode_texts_gives_the_ids_of_the_tokenizers_own_call(built):
    from arabic_llm.model.modeling import load_tokenizer
    from tasks.shards import encode_texts

    _, docs, tok_dir, _, _ = built
    tok = load_tokenizer(str(tok_dir))
    texts = ["\n".join(d["sentences"]) for d in docs] + ["", "abc 123 ، ؟"]
    assert encode_texts(tok, texts) == tok(texts, add_special_tokens=False)["input_ids"]


def test_encode_texts_on_the_tokenizers_threads_gives_the_same_ids_and_restores_the_setting(built, monkeypatch):
    from arabic_llm.model.modeling import load_tokenizer
    from tasks.shards import PARALLELISM, encode_texts

    _, docs, tok_dir, _, _ = built
    tok = load_tokenizer(str(tok_dir))
    texts = ["\n".join(d["sentences"]) for d in docs] * 20
    monkeypatch.setenv(PARALLELISM, "false")
    assert encode_texts(tok, texts, parallel=True) == encode_texts(tok, texts)
    assert os.environ[PARALLELISM] == "false"
    monkeypatch.delenv(PARALLELISM)
    encode_texts(tok, texts, parallel=True)
    assert PARALLELISM not in os.environ


def test_refreshed_documents_are_tokenised_once_and_shards_equal_a_cold_build(built, tmp_path: Path, monkeypatch):
    import arabic_llm.model.modeling as modeling
    from arabic_llm.cache.stage import run_stage
    from arabic_llm.data.documents import read_documents

    path, docs, tok_dir, params, _ = built
    changed = [dict(d) for d in docs]
    changed[5]["sentences"] = changed[5]["sentences"] + ["جملة أضيفت بعد التحديث."]
    changed[30]["sentences"] = ["نص جديد كليا للمقالة."]
    del changed[12]
    write_documents(tmp_path / "v2", changed, shard_docs=25)
    tokenizer = _artifact(tmp_path / "warm", "tokenizer", "t", tok_dir)
    seen: list[str] = []
    real = modeling.load_tokenizer
    monkeypatch.setattr(modeling, "load_tokenizer", lambda name: CountingTokenizer(real(name), seen))

    def build(store: Path, docs_dir: Path, key: str):
        docs_ref = _artifact(store, "data_audit", key, docs_dir)
        tok_ref = tokenizer if store == tmp_path / "warm" else _artifact(store, "tokenizer", "t", tok_dir)
        return run_stage(shards.spec, shards.build, params, {"docs": docs_ref, "tokenizer": tok_ref}, str(store), None)

    build(tmp_path / "warm", path.parent.parent / "docs", "v1")
    assert len(seen) == len(docs)
    seen.clear()
    warm = build(tmp_path / "warm", tmp_path / "v2", "v2")
    assert seen == ["\n".join(changed[5]["sentences"]), "\n".join(changed[29]["sentences"])]
    cold = build(tmp_path / "cold", tmp_path / "v2", "v2")
    assert warm.digest == cold.digest
    assert len(list(read_documents(tmp_path / "v2"))) == len(docs) - 1


def test_instruction_records_are_rendered_with_the_tokenizers_chat_template(built, tmp_path: Path):
    from arabic_llm.model.modeling import load_tokenizer

    path, docs, tok_dir, params, _ = built
    is_eval_doc = held_out(docs, params)
    tok = load_tokenizer(str(tok_dir))
    tok.chat_template = "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
    tok.save_pretrained(tmp_path / "chat-tok")
    out = tmp_path / "out"
    out.mkdir()
    shards.build(out, params, docs=path.parent.parent / "docs", tokenizer=tmp_path / "chat-tok")
    chat = load_tokenizer(str(tmp_path / "chat-tok"))
    with h5py.File(out / SHARDS_FILE) as f:
        first, end = json.loads(f["train"].attrs["spans"])["MSA/bactrian-x"]
        rows = f["train"]["input_ids"][first:end]
        lengths = f["train"]["lengths"][first:end]
    stream = np.concatenate([row[:n] for row, n in zip(rows, lengths)])
    texts = [chat.decode(p[:-1].tolist()) for p in np.split(stream, np.flatnonzero(stream == chat.eos_token_id) + 1)[:-1]]
    wanted = [d for d in docs if d["source"] == "bactrian-x" and d["dialect"] == "MSA" and not is_eval_doc(d)]
    assert texts == [chat.apply_chat_template([{"role": "system", "content": ""}, {"role": "user", "content": d["prompt"]},
                                               {"role": "assistant", "content": d["response"]}], tokenize=False)
                     for d in wanted]
    assert texts[0].startswith("<|system|>\n\n<|user|>\n" + wanted[0]["prompt"])


def test_token_reader_reads_any_range_across_its_cached_blocks(built):
    from arabic_llm.data.shards import TokenReader

    path = built[0]
    with h5py.File(path, "r") as f:
        flat = {split: f[split]["input_ids"][()].reshape(-1) for split in ("train", "eval")}
    reader = TokenReader(path, block_rows=2, max_blocks=3)  # tiny blocks: ranges cross them, the cache evicts
    rng = np.random.default_rng(0)
    for _ in range(300):
        split = "train" if rng.random() < 0.8 else "eval"
        start = int(rng.integers(0, len(flat[split]) - 1))
        length = int(rng.integers(1, min(5 * SEQ_LEN, len(flat[split]) - start) + 1))
        assert np.array_equal(reader.read(split, start, length), flat[split][start : start + length])
    assert len(reader.blocks) <= 3
    reader.close()


def test_sources_beyond_the_built_in_ones_get_labels_in_sorted_order(tmp_path: Path):
    """download.text_files names its own sources (arsarcasm, shami, ...): both writers label them after
    the built-in ones, sorted, whatever order the documents arrive in, and readers filter by them."""
    arrivals = (["shami", "wikipedia", "arsarcasm"], ["arsarcasm", "shami", "wikipedia"])
    labels = []
    for n, order in enumerate(arrivals):
        writer = ShardWriter(tmp_path / f"w{n}.h5", seq_len=SEQ_LEN, pad_id=0, eos_id=1, attrs={}, chunk_rows=4)
        for i, source in enumerate(order):
            writer.add("train", "LEV", source, [10 + i, 11, 12])
        writer.close()
        with h5py.File(tmp_path / f"w{n}.h5") as f:
            labels.append(json.loads(f.attrs["source_labels"]))
        data = ShardDataset(tmp_path / f"w{n}.h5", "train", sources=["shami"])
        assert len(data) == 1 and data[0]["input_ids"][0] == 10 + order.index("shami")
    assert labels == [["wikipedia", "bactrian-x", "oasst1", "arsarcasm", "shami"]] * 2
    rows = {"train": [Row([5, 6], [0, 0], "EGY", "shami"), Row([7], [0], "MSA", "wikipedia")], "eval": []}
    write_shards(tmp_path / "p.h5", rows, seq_len=SEQ_LEN, pad_id=0, attrs={})
    with h5py.File(tmp_path / "p.h5") as f:
        assert json.loads(f.attrs["source_labels"])[3:] == ["shami"]
        assert list(f["train"]["source"][()]) == [3, 0]
    # the built-in sources alone keep the old labels
    write_shards(tmp_path / "builtin.h5", {"train": [Row([7], [0], "MSA", "wikipedia")], "eval": []}, seq_len=SEQ_LEN,
                 pad_id=0, attrs={})
    with h5py.File(tmp_path / "builtin.h5") as f:
        assert json.loads(f.attrs["source_labels"]) == ["wikipedia", "bactrian-x", "oasst1"]
