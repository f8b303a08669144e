"""Simulated nights for incremental training (tests/train/test_incremental.py, benchmarks/bench_nightly.py):
a dump file per night that differs from the previous by a share of its pages (edits, creations,
deletions), a tokenizer fixed across nights, and the real wiring run through the store's stage
body up to the training stages."""

from __future__ import annotations

import copy
import random
from pathlib import Path

from fake_dumps import dump_bytes, sample_pages

from arabic_llm.cache.stage import run_stage
from arabic_llm.cache.store import Store
from arabic_llm.config import PipelineConfig
from flows.pipeline import pipeline


class Stop(Exception):
    """Raised by :class:`TrainChain` at the first stage after the training stages."""


class TrainChain:
    """Stands in for the flow's runner: each stage of the real wiring through ``run_stage`` (the Prefect
    task's body), up to ``train_dialects``; records refs, outcomes and the training plans."""

    def __init__(self, store: Path, last: str = "train_dialects"):
        self.store = Store(store)
        self.last = last
        self.refs: dict = {}
        self.plans: dict[str, str] = {}
        self.reused: dict[str, bool] = {}

    def __call__(self, stage, params, **inputs):
        name = stage.spec.name
        ref = run_stage(stage.spec, stage.build, params, inputs, str(self.store.root), None)
        self.refs[name], self.reused[name] = ref, ref.reused
        if name == self.last:
            raise Stop
        return ref

    def run(self, cfg: PipelineConfig) -> TrainChain:
        try:
            pipeline(cfg, self)
        except Stop:
            pass
        return self


def articles(pages: list[dict]) -> list[dict]:
    return [p for p in pages if p["ns"] == 0 and not p["redirect"]]


def next_night(pages: list[dict], fraction: float, seed: int) -> tuple[list[dict], dict]:
    """The next night's pages: ``fraction`` of the articles changed, half edited, a quarter deleted, a
    quarter created (copies of other articles with new text); returns (pages, changed ids by kind)."""
    rng = random.Random(seed)
    pages = copy.deepcopy(pages)
    pool = articles(pages)
    n = max(3, round(len(pool) * fraction))
    picked = rng.sample(pool, n)
    n_edit, n_delete = (n + 1) // 2, n // 4
    edited, deleted, created = picked[:n_edit], picked[n_edit : n_edit + n_delete], []
    for page in edited:
        page["text"] += f"\n\nفقرة أضيفت في تحديث الليلة {seed} عن تاريخ المكان وسكانه واقتصاده."
        page["rev_id"] += 1
    for page in deleted:
        pages.remove(page)
    top = max(p["id"] for p in pages)
    for k, source in enumerate(picked[n_edit + n_delete :]):
        new = copy.deepcopy(source)
        new.update(id=top + 1 + k, title=f"{source['title']} ({seed}-{k})", rev_id=source["rev_id"] + 100_000,
                   text=source["text"] + f"\nمقالة جديدة كتبت في الليلة {seed} عن موضوع قريب.")
        pages.append(new)
        created.append(new)
    return pages, {"edited": [p["id"] for p in edited], "deleted": [p["id"] for p in deleted],
                   "created": [p["id"] for p in created]}


def write_dump(path: Path, pages: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(dump_bytes(pages))
    return path


def fixed_tokenizer(out_dir: Path, vocab_size: int = 400) -> Path:
    """A BPE trained once on the first night's sample, fixed for every later night (a tokenizer learned
    from each night's corpus would change the recipe every night)."""
    from arabic_llm.model.modeling import train_bpe_tokenizer

    if not (out_dir / "tokenizer.json").is_file():
        texts = [p["text"] for p in articles(sample_pages())]
        train_bpe_tokenizer(texts, vocab_size=vocab_size, out_dir=out_dir, seed=0)
    return out_dir
