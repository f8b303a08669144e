"""Corpus at scale: a synthetic Wikipedia dump through `shards`, a 2% refresh, and the shard loader.

    python benchmarks/bench_corpus.py --pages 1200000          # the issue's size (hours on 2 cores)
    python benchmarks/bench_corpus.py --pages 20000 --changed 0.02

1. Cold run: a dump of --pages pages (the sample's article paragraphs recombined, short pages) is
   parsed and processed through `shards` (the real stages and wiring; training is not run):
   pages/s, MB/s of XML and of bz2, seconds per stage, peak RSS of the process.
2. Refresh: the same dump with --changed of its pages edited (plus half as many deleted and half as
   many created: 2 x --changed of the pages change), run
   against the warm store, and its cost against the cold run's (goal <= 0.10).
3. Shard loader: tokens/s read through ShardDataset's DataLoader against the tokens/s the QLoRA
   stage trains at (the figure it prints, or --train-tok-s).
The tokenizer is fixed (trained once on the sample and named in tokenizer.name_or_path), as with
the paper's Qwen2 tokenizer: a BPE retrained on every refresh would change every shard.
The cold run and the refresh each run in a fresh process, as scheduled deployment runs do: the
refresh's memory figures are its own, not what the cold run left behind.
"""

from __future__ import annotations

import argparse
import bz2
import html
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "helpers")]
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
WORKERS = int(os.environ.get("ARABIC_LLM_WORKERS", "2"))  # runtime.workers of every stage (this machine: 2 cores)

from fake_dumps import header, mediawiki_sha1, sample_pages  # noqa: E402


def paragraphs() -> list[str]:
    """Paragraphs of the sample's articles (wikitext, markup kept), XML-escaped once."""
    out = []
    for page in sample_pages():
        if page["ns"] == 0 and not page["redirect"]:
            out += [p for p in re.split(r"\n\s*\n", page["text"]) if len(p) > 80]
    return out


def page_text(rng: random.Random, paras: list[str], i: int, edit: int = 0) -> str:
    picked = rng.sample(paras, 2)
    extra = f"\nتعديل رقم {edit} أضاف هذه الجملة إلى الصفحة." if edit else ""
    return f"'''صفحة {i}''' {picked[0]}\n\n{picked[1]}{extra}"


def write_dump(path: Path, pages: int, seed: int, changed: float = 0.0) -> dict:
    """Stream a pages-articles dump to ``path`` (bz2); with ``changed``, edit that fraction of pages,
    delete half as many and create half as many. Returns counts."""
    paras = paragraphs()
    rng = random.Random(seed)
    pick = random.Random(seed + 1)
    compressor = bz2.BZ2Compressor(6)
    edited = deleted = 0
    with open(path, "wb") as f:
        f.write(compressor.compress(header().encode()))
        buf = []
        for i in range(1, pages + 1):
            text = page_text(rng, paras, i)
            roll = pick.random() if changed else 1.0
            if roll < changed / 2:
                deleted += 1
                continue
            if roll < changed / 2 + changed:
                edited += 1
                text = page_text(random.Random(i), paras, i, edit=1)
            buf.append(_page(i, text))
            if len(buf) == 2000:
                f.write(compressor.compress("".join(buf).encode()))
                buf = []
        created = deleted if changed else 0
        for j in range(created):
            buf.append(_page(pages + 1 + j, page_text(rng, paras, pages + 1 + j, edit=2)))
        f.write(compressor.compress(("".join(buf) + "</mediawiki>\n").encode()))
        f.write(compressor.flush())
    return {"pages": pages - deleted + created, "edited": edited, "deleted": deleted, "created": created}


def _page(i: int, text: str) -> str:
    return (f"  <page>\n    <title>صفحة {i}</title>\n    <ns>0</ns>\n    <id>{i}</id>\n    <revision>\n"
            f"      <id>{10_000_000 + i}</id>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
            f'      <text bytes="{len(text.encode())}" xml:space="preserve">{html.escape(text, quote=False)}</text>\n'
            f"      <sha1>{mediawiki_sha1(text)}</sha1>\n    </revision>\n  </page>\n")


class Done(Exception):
    pass


class Timed:
    """The real wiring through `shards`, each stage timed (the same body as the Prefect tasks)."""

    def __init__(self, store: Path, stop_after: str | None = None, workers: int | None = None):
        from arabic_llm.cache.store import Store
        from arabic_llm.config import RuntimeConfig

        self.runtime = RuntimeConfig(workers=workers or WORKERS)  # what `run` passes every stage

        self.store = Store(store)  # the pipeline plans learned resources and training against it
        self.seconds, self.cpu, self.refs, self.peaks, self.plans = {}, {}, {}, {}, {}
        self.stop_after = stop_after

    def __call__(self, stage, params, **inputs):
        from arabic_llm.cache.stage import run_stage

        name = stage.spec.name
        if name == "train_msa":
            raise Done
        reset_stage_peak()
        started, cpu = time.perf_counter(), cpu_seconds()
        ref = run_stage(stage.spec, stage.build, params, inputs, str(self.store.root), None, self.runtime)
        self.seconds[name] = time.perf_counter() - started
        self.cpu[name] = cpu_seconds() - cpu
        self.refs[name] = ref
        peak = self.peaks[name] = stage_peak_mb()
        print(f"  {name}: {self.seconds[name]:.1f}s, CPU {self.cpu[name]:.1f}s"  # a long run shows progress
              + (f", peak RSS of this process {peak:.0f} MB" if peak else ""), flush=True)
        if name == self.stop_after:
            raise Done
        return ref


def run_chain_in_process(store: Path, dump: Path, tokenizer: Path, labels: Path,
                         stop_after: str | None = None, layout: str = "parts") -> SimpleNamespace:
    """:func:`run_chain` in a fresh Python process: its figures (as :func:`chain_main` prints them); its
    progress lines pass through."""
    cmd = [sys.executable, __file__, "--chain", str(store), str(dump), str(tokenizer), str(labels), "--layout", layout]
    child = subprocess.Popen(cmd + (["--stop-after", stop_after] if stop_after else []), stdout=subprocess.PIPE,
                             text=True)
    figures = None
    for line in child.stdout:
        if line.startswith("{"):
            figures = json.loads(line)
        else:
            print(line, end="", flush=True)
    if child.wait() or figures is None:
        raise SystemExit(f"the chain run on {dump} failed (exit status {child.returncode})")
    return SimpleNamespace(**figures)


def chain_main(store: Path, dump: Path, tokenizer: Path, labels: Path, stop_after: str | None, layout: str) -> int:
    started = time.perf_counter()
    timed = run_chain(store, dump, tokenizer, labels, stop_after, layout)
    print(json.dumps({"seconds": timed.seconds, "cpu": timed.cpu, "peaks": timed.peaks,
                      "wall": time.perf_counter() - started, "paths": {k: r.path for k, r in timed.refs.items()},
                      "peak_rss": max([peak_rss_mb(), *timed.peaks.values()]), "worker_rss": peak_worker_rss_mb()}))
    return 0


def run_chain(store: Path, dump: Path, tokenizer: Path, labels: Path, stop_after: str | None = None,
              layout: str = "parts") -> Timed:
    from arabic_llm.config import load_config
    from flows.pipeline import pipeline

    cfg = load_config(None, [f"download.wikipedia={dump}", "download.bactrian_x=null", "download.oasst1=null",
                             f"tokenizer.name_or_path={tokenizer}", f"dialect.train_data={labels}",
                             "shards.seq_len=512", f"download.layout={layout}"])
    timed = Timed(store, stop_after)
    try:
        pipeline(cfg, timed)
    except Done:
        pass
    return timed


def prepare(work: Path) -> tuple[Path, Path]:
    """A fixed tokenizer and dialect training file from the sample."""
    import json

    from arabic_llm.data.documents import SAMPLE_DATA
    from arabic_llm.data.instructions import parse_bactrian, parse_oasst
    from arabic_llm.data.wikipedia import parse_wikipedia
    from arabic_llm.model.modeling import train_bpe_tokenizer

    docs = list(parse_wikipedia(SAMPLE_DATA / "arwiki-sample-pages-articles.xml.bz2"))
    docs += list(parse_bactrian(SAMPLE_DATA / "bactrian-x-ar.jsonl")) + list(parse_oasst(SAMPLE_DATA / "oasst1-ar.jsonl"))
    tok = work / "tokenizer"
    train_bpe_tokenizer((d["text"] for d in docs), 2000, tok, seed=1)
    labels = json.loads((SAMPLE_DATA / "dialect-labels.json").read_text(encoding="utf-8"))
    tsv = work / "dialect.tsv"
    tsv.write_text("".join(f"{d['text'].replace(chr(10), ' ').replace(chr(9), ' ')}\t{labels[d['id']]}\n"
                           for d in docs if d["id"] in labels), encoding="utf-8")
    return tok, tsv


def xml_size(path: Path) -> int:
    """Bytes of XML in a bz2 dump, decompressed a block at a time (the peak RSS figure stays honest)."""
    size = 0
    with bz2.open(path, "rb") as f:
        while block := f.read(1 << 20):
            size += len(block)
    return size


def cpu_seconds() -> float:
    """CPU time of this process (every thread) and of its finished worker processes: steadier than wall
    time on a shared machine."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def reset_stage_peak() -> None:
    """Reset this process's peak RSS (Linux: /proc/self/clear_refs), so each stage reports its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def stage_peak_mb() -> float:
    """This process's peak RSS since the last reset (VmHWM), 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_worker_rss_mb() -> float:
    """The largest peak RSS of a finished worker process ($ARABIC_LLM_WORKERS > 1), 0 without workers."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def loader_throughput(shards_h5: Path, batch: int, workers: int, seconds: float = 10.0) -> float:
    from arabic_llm.data.shards import ShardDataset

    data = ShardDataset(shards_h5, "train")
    tokens, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for b in data.loader(batch_size=batch, shuffle=True, workers=workers):
            tokens += int(b["attention_mask"].sum())
            if time.perf_counter() - started > seconds:
                break
    return tokens / (time.perf_counter() - started)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=20_000)
    ap.add_argument("--changed", type=float, default=0.02,
                    help="fraction of pages edited in the refresh; half as many are deleted and half as many "
                         "created, so 2x this fraction of pages change in all (0.01: 2%% of pages changed)")
    ap.add_argument("--work", type=Path, default=None, help="working directory (default: a temporary one)")
    ap.add_argument("--train-tok-s", type=float, default=None,
                    help="training consumption to compare the loader with (default: measured tiny QLoRA steps)")
    ap.add_argument("--stop-after", default=None, metavar="STAGE",
                    help="a cold run only, up to this stage (e.g. download): throughput and memory at sizes "
                         "where the whole chain takes too long")
    ap.add_argument("--layout", choices=("parts", "segments", "both"), default="parts",
                    help="download.layout of the runs: parts (every artifact holds all its documents), segments "
                         "(a refresh links the unchanged parts), or both side by side on the same dumps")
    ap.add_argument("--chain", nargs=4, type=Path, metavar=("STORE", "DUMP", "TOKENIZER", "LABELS"),
                    help=argparse.SUPPRESS)  # one chain run, in the child process
    args = ap.parse_args()
    if args.chain:
        return chain_main(*args.chain, args.stop_after, args.layout)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    work.mkdir(parents=True, exist_ok=True)
    tok, labels = prepare(work)

    started = time.perf_counter()
    v1 = write_dump(work / "dump-v1.xml.bz2", args.pages, seed=7)
    gen_s = time.perf_counter() - started
    v2 = (write_dump(work / "dump-v2.xml.bz2", args.pages, seed=7, changed=args.changed) if not args.stop_after
          else {"edited": 0, "deleted": 0, "created": 0})
    xml_mb = xml_size(work / "dump-v1.xml.bz2") / 1e6
    bz2_mb = (work / "dump-v1.xml.bz2").stat().st_size / 1e6
    print(f"dump: {v1['pages']} pages, {bz2_mb:.1f} MB bz2" + (f", {xml_mb:.1f} MB XML" if xml_mb else "") +
          f", generated in {gen_s:.1f}s; refresh: {v2['edited']} edited, {v2['deleted']} deleted, {v2['created']} created")

    layouts = ("parts", "segments") if args.layout == "both" else (args.layout,)
    refresh = {}
    for layout in layouts:
        store = work / ("store" if layout == "parts" else f"store-{layout}")
        shutil.rmtree(store, ignore_errors=True)  # a cold run starts from an empty store, even in a reused --work
        print(f"\n== download.layout: {layout}")
        cold = run_chain_in_process(store, work / "dump-v1.xml.bz2", tok, labels, args.stop_after, layout)
        cold_s, rss_cold = cold.wall, cold.peak_rss
        if args.stop_after:
            print(f"cold through {args.stop_after}: {cold_s:.1f}s, {v1['pages'] / cold_s:.0f} pages/s, "
                  f"{bz2_mb / cold_s:.2f} MB/s bz2, {xml_mb / cold_s:.2f} MB/s XML; peak RSS {rss_cold:.0f} MB")
            continue
        warm = run_chain_in_process(store, work / "dump-v2.xml.bz2", tok, labels, layout=layout)
        warm_s = warm.wall
        refresh[layout] = (cold_s, warm_s)

        print(f"\n{'stage':<15}{'cold s':>10}{'refresh s':>11}{'ratio':>8}{'cold CPU s':>12}{'refresh CPU s':>15}{'ratio':>8}")
        for name in cold.seconds:
            c, w = cold.seconds[name], warm.seconds.get(name, 0.0)
            cc, wc = cold.cpu[name], warm.cpu.get(name, 0.0)
            print(f"{name:<15}{c:>10.2f}{w:>11.2f}{w / c if c else 0:>8.3f}{cc:>12.2f}{wc:>15.2f}{wc / cc if cc else 0:>8.3f}")
        cold_cpu, warm_cpu = sum(cold.cpu.values()), sum(warm.cpu.values())
        print(f"{'total':<15}{cold_s:>10.2f}{warm_s:>11.2f}{warm_s / cold_s:>8.3f}{cold_cpu:>12.2f}{warm_cpu:>15.2f}"
              f"{warm_cpu / cold_cpu:>8.3f}")
        print(f"\ncold: {v1['pages'] / cold_s:.0f} pages/s, {bz2_mb / cold_s:.2f} MB/s bz2"
              + (f", {xml_mb / cold_s:.2f} MB/s XML" if xml_mb else "") + f"; peak RSS {rss_cold:.0f} MB")
        print(f"refresh with {args.changed:.0%} pages edited (+{v2['deleted']} deleted, +{v2['created']} created): "
              f"{warm_s:.1f}s = {warm_s / cold_s:.3f} of the cold run (goal <= 0.03), CPU time {warm_cpu / cold_cpu:.3f}; "
              f"peak RSS {warm.peak_rss:.0f} MB")
        if WORKERS > 1:
            print(f"workers: {WORKERS} processes, largest worker peak RSS "
                  f"{max(cold.worker_rss, warm.worker_rss):.0f} MB")
    if args.stop_after:
        return 0
    if len(refresh) == 2:
        (pc, pw), (sc, sw) = refresh["parts"], refresh["segments"]
        print(f"\nrefresh: segments {sw:.1f}s against parts {pw:.1f}s = {sw / pw:.3f}; of its own cold run: "
              f"segments {sw / sc:.3f}, parts {pw / pc:.3f}")

    shards_h5 = store / cold.paths["shards"] / "data" / "shards.h5"
    for workers in (0, 2):
        rate = loader_throughput(shards_h5, batch=8, workers=workers)
        print(f"shard loader ({workers} workers, batch 8, seq 512, shuffled): {rate:,.0f} tokens/s")
    train = args.train_tok_s
    if train:
        print(f"training consumes {train:,.0f} tokens/s: loader/training = {rate / train:,.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
