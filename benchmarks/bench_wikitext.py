"""Wikitext to plain text: mwparserfromhell against wikiextractor, on quality and speed.

    python benchmarks/bench_wikitext.py                    # 10,000 synthetic pages
    python benchmarks/bench_wikitext.py --pages 50000 --repeat 3

Both converters of arabic_llm/data/wikitext.py run on the same Arabic wikitext (wikiextractor, AGPL, is
not a dependency: `pip install wikiextractor==3.1.0`):

1. Gold set (tests/data/wikitext_gold.yaml): 13 snippets written for this project with the plain
   text expected of each (3 held out: written after the mwparserfromhell converter was tuned on
   the other 10); exact matches, mean chrF (sacrebleu) and edit similarity (difflib), and the
   Arabic letters kept against the expected text.
2. Pages: the sample dump's 80 articles, and --pages synthetic pages recombined from their
   paragraphs (bench_corpus.py's generator, see synthetic_pages). Residual markup per 1,000 pages,
   reference text leaked (phrases found only inside <ref> that reach the output), and Arabic letters
   kept against a reference: the wikitext with the non-prose spans cut out by the regexes of
   reference_prose (no converter involved; on the gold set it keeps exactly the expected letters).
3. Speed on the synthetic pages: pages/s and MB/s of wikitext in CPU time (the converters take
   turns every 500 pages; mean of --repeat passes), with the ratio to mwparserfromhell, and on how
   many pages each gives the very text mwparserfromhell gives. The chosen converter cuts comments
   and <ref>s out with a regex before parsing; the column "no pre-pass" is the same converter
   without it: the pre-pass changes no output, and this is what it saves.
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "helpers"), str(ROOT / "benchmarks")]

from bench_corpus import page_text, paragraphs  # noqa: E402
from fake_dumps import sample_pages  # noqa: E402
from wikitext_gold import gold_snippets, score  # noqa: E402

from arabic_llm.data.wikitext import (  # noqa: E402
    CONVERTERS,
    DEFAULT_CONVERTER,
    mwparserfromhell_text,
)

ARABIC_LETTER = re.compile(r"[\u0621-\u063a\u0641-\u064a]")
RESIDUES = {  # what must not survive into plain text
    "{{": re.compile(r"\{\{"), "}}": re.compile(r"\}\}"), "[[": re.compile(r"\[\["), "]]": re.compile(r"\]\]"),
    "<ref": re.compile(r"<ref", re.I), "'''": re.compile(r"'''"), "|": re.compile(r"\|"),
    "http": re.compile(r"https?://"), "{|": re.compile(r"\{\|"),
    "file/category": re.compile(r"(?:تصنيف|ملف|صورة|category|file|image)\s*:", re.I),
    "html tag": re.compile(r"</?[a-z][a-z0-9]*\b[^>]*>", re.I),
    "entity": re.compile(r"&[a-z]+;|&#\d+;", re.I),
    "__switch__": re.compile(r"__[A-Z\u0621-\u064a_]+__"),
    "placeholder": re.compile(r"\b(?:formula|codice)_\d+"),
}

# ---------------------------------------------------------------- the reference for pages

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_REF = re.compile(r"<ref[^>]*/>|<ref[^>]*>.*?</ref>|<references[^>]*/>", re.S | re.I)
_BLOCK_TAGS = re.compile(r"<(gallery|math|table)[^>]*>.*?</\1>", re.S | re.I)
_INNER_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
_TABLE = re.compile(r"^\{\|.*?^\|\}", re.S | re.M)
_INNER_LINK = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
_EXTERNAL = re.compile(r"\[(?:https?:)?//[^\s\]]+(?:\s+([^\]]*))?\]")
_NON_TEXT = re.compile(r"^\s*(?:تصنيف|ملف|صورة|category|file|image|[a-z]{2,3})\s*:", re.I)


def reference_prose(wikitext: str) -> str:
    """The wikitext without comments, references, templates, tables, galleries, math, files,
    categories and interlanguage links; links reduced to their labels (regexes, innermost first)."""
    text = _BLOCK_TAGS.sub("", _REF.sub("", _COMMENT.sub("", wikitext)))
    while _INNER_TEMPLATE.search(text):
        text = _INNER_TEMPLATE.sub("", text)
    text = _TABLE.sub("", text)
    text = _EXTERNAL.sub(lambda m: m.group(1) or "", text)

    def link(m: re.Match) -> str:
        target, label = m.group(1), m.group(2)
        if _NON_TEXT.match(target):
            return ""
        # The last pipe-separated part is the label (file links have options before it).
        return (label.rsplit("|", 1)[-1] if label is not None else target).strip()

    while _INNER_LINK.search(text):
        text = _INNER_LINK.sub(link, text)
    return text


_REF_BODY = re.compile(r"<ref[^>]*(?<!/)>(.*?)</ref>", re.S | re.I)
_PHRASE = re.compile(r"[\u0621-\u064a\u064b-\u0652]+(?:\s+[\u0621-\u064a\u064b-\u0652]+){2,}")


def reference_phrases(wikitext: str) -> list[str]:
    """Phrases of 3+ Arabic words inside <ref> that appear nowhere else in the page."""
    outside = _REF_BODY.sub("", wikitext)
    return [p for body in _REF_BODY.findall(wikitext) for p in _PHRASE.findall(body) if p not in outside]


def letters(text: str) -> int:
    return len(ARABIC_LETTER.findall(text))


# ---------------------------------------------------------------- measuring


def page_quality(pages: list[str], outputs: list[str]) -> dict:
    residues = {name: sum(len(rx.findall(out)) for out in outputs) * 1000 / len(pages)
                for name, rx in RESIDUES.items()}
    phrases = leaked = 0
    for wikitext, out in zip(pages, outputs):
        found = reference_phrases(wikitext)
        phrases += len(found)
        flat = " ".join(out.split())
        leaked += sum(" ".join(p.split()) in flat for p in found)
    kept = sum(letters(o) for o in outputs) / sum(letters(reference_prose(p)) for p in pages)
    return {"residues": residues, "residues_total": sum(residues.values()), "ref_phrases": phrases,
            "ref_leaked": leaked, "letters_kept": kept}


def timed(converters: dict, pages: list[str], repeat: int, chunk: int = 500) -> tuple[dict, dict]:
    """CPU seconds of this process per converter over ``repeat`` passes, and their outputs. The
    converters take turns every ``chunk`` pages, so that a busy spell on a shared machine hits all
    of them alike; CPU time, not wall time, so that waiting for a core is not counted."""
    seconds = {n: 0.0 for n in converters}
    outputs: dict[str, list[str]] = {n: [] for n in converters}
    for r in range(repeat):
        for start in range(0, len(pages), chunk):
            for n, convert in converters.items():
                started = time.process_time()
                out = [convert(p) for p in pages[start : start + chunk]]
                seconds[n] += time.process_time() - started
                if r == 0:
                    outputs[n] += out
    return {n: s / repeat for n, s in seconds.items()}, outputs


def synthetic_pages(n: int, seed: int) -> list[str]:
    """bench_corpus's pages (a bold title glued to 2 paragraphs) with a third paragraph. The title goes
    on a line of its own before a table, template, heading or list: glued after it they would not be
    markup any more (MediaWiki prints "'''title''' {| ..." as text, and so does mwparserfromhell)."""
    paras, rng = paragraphs(), random.Random(seed)
    pages = []
    for i in range(1, n + 1):
        title, first = page_text(rng, paras, i).split("''' ", 1)
        glue = "'''\n" if first.startswith(("{", "=", "*", "#", ":", ";", "[[", "<")) else "''' "
        pages.append(title + glue + first + "\n\n" + rng.choice(paras))
    return pages


NO_PREPASS = f"{DEFAULT_CONVERTER} no pre-pass"


def available_converters() -> dict:
    """The converters of arabic_llm/data/wikitext.py, and the default one without its regex pre-pass."""
    out = {}
    candidates = {**CONVERTERS, NO_PREPASS: functools.partial(mwparserfromhell_text, prepass=False)}
    for name, convert in candidates.items():
        try:
            convert("'''x'''")
        except ImportError as exc:
            print(f"{name}: not installed ({exc.name}); skipped")
            continue
        out[name] = convert
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10_000, help="synthetic pages")
    ap.add_argument("--repeat", type=int, default=1, help="timing passes over the pages (mean kept)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", action="store_true", help="print each converter's output of the failed gold snippets")
    args = ap.parse_args()
    converters = available_converters()
    names = list(converters)
    width = max(18, *(len(n) + 2 for n in names))

    def row(label: str, values: list[str]) -> None:
        print(f"{label:<26}" + "".join(f"{v:>{width}}" for v in values))

    snippets = gold_snippets()
    expected_letters = sum(letters(s["expected"]) for s in snippets)
    gold = {n: score(c, snippets) for n, c in converters.items()}
    print(f"\n1. gold set: {len(snippets)} snippets (tests/data/wikitext_gold.yaml)")
    row("", names)
    row("exact match", [f"{g['exact']}/{g['snippets']}" for g in gold.values()])
    row("exact match, held out", [f"{g['exact_heldout']}/{g['heldout']}" for g in gold.values()])
    row("chrF (0-100)", [f"{g['chrf']:.1f}" for g in gold.values()])
    row("edit similarity", [f"{g['edit_similarity']:.3f}" for g in gold.values()])
    row("Arabic letters kept", [f"{sum(letters(o) for o in g['outputs'].values()) / expected_letters:.3f}"
                                for g in gold.values()])
    for n, g in gold.items():
        print(f"  {n} misses: {', '.join(g['failed']) or 'none'}")
        if args.show:
            for name in g["failed"]:
                print(f"    --- {name}\n" + "\n".join("    " + line for line in g["outputs"][name].splitlines()))

    agree = sum(letters(reference_prose(s["wikitext"])) == letters(s["expected"]) for s in snippets)
    print(f"  the pages' regex reference has exactly the expected Arabic letters on {agree}/{len(snippets)} snippets")

    articles = [p["text"] for p in sample_pages() if p["ns"] == 0 and not p["redirect"]]
    synthetic = synthetic_pages(args.pages, args.seed)
    mb = sum(len(p.encode()) for p in synthetic) / 1e6
    seconds, outputs = timed(converters, synthetic, args.repeat)
    sample_outputs = {n: [c(p) for p in articles] for n, c in converters.items()}
    for label, pages, outs in (("sample articles", articles, sample_outputs), ("synthetic pages", synthetic, outputs)):
        quality = {n: page_quality(pages, o) for n, o in outs.items()}
        print(f"\n2. {label}: {len(pages)} pages; per 1,000 pages unless said")
        row("", names)
        for residue in RESIDUES:
            row(f"residual {residue}", [f"{q['residues'][residue]:.0f}" for q in quality.values()])
        row("residual markup, total", [f"{q['residues_total']:.0f}" for q in quality.values()])
        row("ref phrases leaked", [f"{q['ref_leaked']}/{q['ref_phrases']}" for q in quality.values()])
        row("Arabic letters kept/ref", [f"{q['letters_kept']:.3f}" for q in quality.values()])
        row("mean chars of text", [f"{sum(map(len, o)) / len(o):.0f}" for o in outs.values()])

    base = seconds.get(DEFAULT_CONVERTER) or next(iter(seconds.values()))
    print(f"\n3. speed: {len(synthetic)} synthetic pages, {mb:.1f} MB of wikitext, CPU time of one process, "
          f"mean of {args.repeat}")
    row("", names)
    row("CPU seconds", [f"{s:.2f}" for s in seconds.values()])
    row("pages/s", [f"{len(synthetic) / s:,.0f}" for s in seconds.values()])
    row("MB/s", [f"{mb / s:.2f}" for s in seconds.values()])
    row(f"speed / {DEFAULT_CONVERTER}", [f"{base / s:.2f}x" for s in seconds.values()])
    for n in names:
        if n != DEFAULT_CONVERTER:
            same = sum(a == b for a, b in zip(outputs[n], outputs[DEFAULT_CONVERTER]))
            print(f"{n}: output identical to {DEFAULT_CONVERTER}'s on {same}/{len(synthetic)} synthetic pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
