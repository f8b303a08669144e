"""Throughput of our clean/normalise/dediacritise chain against camel-tools' own chain.

Same real text, same process, one core. The text is every Arabic sentence of
SIB-200 (train + dev, all nine Arabic varieties) plus the Shami corpus
(Lebanese, Palestinian, Jordanian), read from ``../shared/data`` and grouped
into documents of ``--doc-lines`` consecutive lines (default 10 lines, about
1.5 KB, the size of a short article or a chat message thread). The text is
repeated ``--repeat`` times if a bigger sample is wanted.

Chains (each applied document by document, as the pipeline does):

* ``camel NFKC``: camel_tools.utils.normalize.normalize_unicode (NFKC),
  normalize_alef_ar, normalize_alef_maksura_ar, then dediac.dediac_ar;
* ``camel NFC``: the same with ``normalize_unicode(s, compatibility=False)``;
* ``ours normalise NFC``: normalize_text (defaults: NFC, Persian letters,
  alef, alef maksura, tatweel) then strip_diacritics (defaults: camel's marks
  plus Quranic marks): the comparable chain, doing a little more than camel's;
* ``ours normalise NFKC``: the same with ``unicode_form="NFKC"``;
* ``ours full``: clean_text (defaults) -> normalize_text -> strip_diacritics,
  as the pipeline's clean, normalize and diacritics (mode strip) stages run
  them; clean_text does far more (markup, URLs, e-mails, controls, emoji,
  non-Arabic filtering, white space);
* ``ours full + ratio``: the same plus diacritic_ratio, which the diacritics
  stage computes for every document.

Rounds are interleaved (every chain once per round, order rotated) and the
best round of each chain is reported, so background load hits all chains
alike. MB/s counts UTF-8 bytes of the input. ``--doc-lines 1`` calls each
chain once per sentence (about 150 bytes), where the fixed Python cost of a
call (about 1 us per function) weighs most.

Usage: python benchmarks/bench_throughput.py [--doc-lines N] [--repeat N] [--rounds N]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable
from pathlib import Path

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import normalize_alef_ar, normalize_alef_maksura_ar, normalize_unicode

from arabic_nlp.clean import clean_text
from arabic_nlp.diacritics import diacritic_ratio, strip_diacritics
from arabic_nlp.normalize import normalize_text

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SIB_ARABIC = ("acm", "acq", "aeb", "ajp", "apc", "arb", "ars", "ary", "arz")


def load_lines(data: Path = DATA) -> list[str]:
    """Read the benchmark text: SIB-200 Arabic sentences, then Shami lines.

    Args:
        data: The shared data folder.

    Returns:
        Non-empty lines, in a fixed order.
    """
    lines: list[str] = []
    for variety in SIB_ARABIC:
        for split in ("train", "dev"):
            with open(data / "sib200" / f"{variety}_Arab" / f"{split}.tsv", encoding="utf-8", newline="") as f:
                lines += [row["text"] for row in csv.DictReader(f, delimiter="\t")]
    for name in ("Lebanees", "Palestinian", "jordinian"):
        text = (data / "dialect" / "shami" / f"{name}.txt").read_text(encoding="utf-8")
        lines += [line for line in text.splitlines() if line.strip()]
    return lines


def camel_nfkc(text: str) -> str:
    return dediac_ar(normalize_alef_maksura_ar(normalize_alef_ar(normalize_unicode(text))))


def camel_nfc(text: str) -> str:
    return dediac_ar(normalize_alef_maksura_ar(normalize_alef_ar(normalize_unicode(text, compatibility=False))))


def ours_normalise_nfc(text: str) -> str:
    return strip_diacritics(normalize_text(text))


def ours_normalise_nfkc(text: str) -> str:
    return strip_diacritics(normalize_text(text, unicode_form="NFKC"))


def ours_full(text: str) -> str:
    return strip_diacritics(normalize_text(clean_text(text).text))


def ours_full_ratio(text: str) -> str:
    cleaned = normalize_text(clean_text(text).text)
    diacritic_ratio(cleaned)
    return strip_diacritics(cleaned)


CHAINS: dict[str, Callable[[str], str]] = {
    "camel NFKC": camel_nfkc,
    "camel NFC": camel_nfc,
    "ours normalise NFKC": ours_normalise_nfkc,
    "ours normalise NFC": ours_normalise_nfc,
    "ours full": ours_full,
    "ours full + ratio": ours_full_ratio,
}
RATIOS = (
    ("ours normalise NFC", "camel NFC"),
    ("ours normalise NFKC", "camel NFKC"),
    ("ours full", "camel NFC"),
    ("ours full", "camel NFKC"),
    ("ours full + ratio", "camel NFC"),
)


def measure(docs: list[str], rounds: int) -> dict[str, float]:
    """Best wall time of each chain over all documents.

    Args:
        docs: Documents.
        rounds: Interleaved rounds.

    Returns:
        Chain name -> best seconds.
    """
    names = list(CHAINS)
    best = dict.fromkeys(names, float("inf"))
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            chain = CHAINS[name]
            started = time.perf_counter()
            for doc in docs:
                chain(doc)
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--doc-lines", type=int, default=10, help="lines per document (default 10)")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the text N times (default 1)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds, best one kept (default 5)")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"SKIP: shared data folder not found at {DATA} (bench_throughput needs SIB-200 and Shami text)")
        return 0
    lines = load_lines() * args.repeat
    docs = ["\n".join(lines[i : i + args.doc_lines]) for i in range(0, len(lines), args.doc_lines)]
    megabytes = sum(len(doc.encode("utf-8")) for doc in docs) / 1e6
    print(f"text: {len(lines)} lines (SIB-200 Arabic x9 + Shami), {len(docs)} documents of {args.doc_lines} lines, "
          f"{megabytes:.2f} MB UTF-8; {args.rounds} interleaved rounds, best kept; Python {sys.version.split()[0]}")
    same = sum(ours_normalise_nfc(doc) == camel_nfc(doc) for doc in docs)
    print(f"ours normalise NFC == camel NFC output on {same}/{len(docs)} documents "
          "(differences: Persian letters, tatweel, Quranic marks, wavy-hamza alef, which camel leaves)")
    best = measure(docs, args.rounds)
    rate = {name: megabytes / seconds for name, seconds in best.items()}
    print()
    print(f"| {'chain':22} | {'MB/s':>8} | {'us/doc':>8} |")
    print(f"|{'-' * 24}|{'-' * 10}|{'-' * 10}|")
    for name in CHAINS:
        print(f"| {name:22} | {rate[name]:8.1f} | {best[name] * 1e6 / len(docs):8.1f} |")
    print()
    print(f"| {'ratio':38} | {'x':>6} |")
    print(f"|{'-' * 40}|{'-' * 8}|")
    for ours, theirs in RATIOS:
        print(f"| {ours + ' / ' + theirs:38} | {rate[ours] / rate[theirs]:6.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
