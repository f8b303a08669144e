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
  stage computes for every document;
* ``baseline full`` (with ``--baseline REF``): ``ours full`` as the library
  was at git revision REF (e.g. ``main``), imported beside the working tree's
  copy, so an optimisation is measured against what it replaces in the same
  run.

Rounds are interleaved (every chain once per round, order rotated) and the
best round of each chain is kept, so background load hits all chains alike.
Time is the CPU time of this process (``time.process_time``): throughput per
core, not counting the time another process holds the CPU. ``--runs N``
repeats the whole measurement and prints the median of each figure (and the
range of each ratio). MB/s counts UTF-8 bytes of the input. ``--doc-lines 1``
calls each chain once per sentence (about 150 bytes), where the fixed Python
cost of a call weighs most.

Usage: python benchmarks/bench_throughput.py [--doc-lines N] [--repeat N] [--rounds N] [--runs N] [--baseline REF]
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from camel_tools.utils.dediac import dediac_ar
from camel_tools.utils.normalize import (
    normalize_alef_ar,
    normalize_alef_maksura_ar,
    normalize_unicode,
)

from arabic_nlp.clean import clean_text
from arabic_nlp.diacritics import diacritic_ratio, strip_diacritics
from arabic_nlp.normalize import normalize_text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
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
RATIOS = [
    ("ours normalise NFC", "camel NFC"),
    ("ours normalise NFKC", "camel NFKC"),
    ("ours full", "camel NFC"),
    ("ours full", "camel NFKC"),
    ("ours full + ratio", "camel NFC"),
]


def load_baseline(ref: str) -> Callable[[str], str]:
    """The ``ours full`` chain of the library as it is at a git revision, imported beside the working tree's.

    ``arabic_nlp`` at REF is extracted (``git archive``) to a temporary folder and imported under the
    same name with the working tree's modules set aside; its modules are then removed from
    ``sys.modules`` again (its functions keep their own globals) and the working tree's put back.

    Args:
        ref: A git revision of this repository.

    Returns:
        clean_text -> normalize_text -> strip_diacritics at REF.
    """
    done = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref, "arabic_nlp"], capture_output=True)
    if done.returncode:
        raise SystemExit(f"--baseline {ref}: git archive failed: {done.stderr.decode(errors='replace').strip()}")
    tar = done.stdout
    folder = tempfile.mkdtemp(prefix="bench-throughput-baseline-")
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(folder, filter="data")
    ours = {name: sys.modules.pop(name) for name in list(sys.modules) if name.partition(".")[0] == "arabic_nlp"}
    sys.path.insert(0, folder)
    try:
        from arabic_nlp.clean import clean_text as base_clean
        from arabic_nlp.diacritics import strip_diacritics as base_strip
        from arabic_nlp.normalize import normalize_text as base_normalize
    finally:
        sys.path.remove(folder)
        for name in [name for name in sys.modules if name.partition(".")[0] == "arabic_nlp"]:
            del sys.modules[name]
        sys.modules.update(ours)
    if base_clean is clean_text:  # pragma: no cover - would mean the swap did not happen
        raise RuntimeError("baseline import returned the working tree's module")
    return lambda text: base_strip(base_normalize(base_clean(text).text))


def measure(docs: list[str], rounds: int, chains: dict[str, Callable[[str], str]]) -> dict[str, float]:
    """Best CPU time of each chain over all documents.

    Args:
        docs: Documents.
        rounds: Interleaved rounds.
        chains: Name -> chain.

    Returns:
        Chain name -> best seconds.
    """
    names = list(chains)
    best = dict.fromkeys(names, float("inf"))
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            chain = chains[name]
            started = time.process_time()
            for doc in docs:
                chain(doc)
            best[name] = min(best[name], time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--doc-lines", type=int, default=10, help="lines per document (default 10)")
    parser.add_argument("--repeat", type=int, default=1, help="repeat the text N times (default 1)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds, best one kept (default 5)")
    parser.add_argument("--runs", type=int, default=1, help="whole measurements, median reported (default 1)")
    parser.add_argument("--baseline", metavar="REF", help="also time the full chain as it is at git revision REF")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"SKIP: shared data folder not found at {DATA} (bench_throughput needs SIB-200 and Shami text)")
        return 0
    chains, ratios = dict(CHAINS), list(RATIOS)
    if args.baseline:
        chains["baseline full"] = load_baseline(args.baseline)
        ratios += [("ours full", "baseline full"), ("baseline full", "camel NFC")]
    lines = load_lines() * args.repeat
    docs = ["\n".join(lines[i : i + args.doc_lines]) for i in range(0, len(lines), args.doc_lines)]
    megabytes = sum(len(doc.encode("utf-8")) for doc in docs) / 1e6
    print(f"text: {len(lines)} lines (SIB-200 Arabic x9 + Shami), {len(docs)} documents of {args.doc_lines} lines, "
          f"{megabytes:.2f} MB UTF-8; {args.runs} run(s) of {args.rounds} interleaved rounds, best round kept, "
          f"median of runs; CPU time; Python {sys.version.split()[0]}")
    same = sum(ours_normalise_nfc(doc) == camel_nfc(doc) for doc in docs)
    print(f"ours normalise NFC == camel NFC output on {same}/{len(docs)} documents "
          "(differences: Persian letters, tatweel, Quranic marks, wavy-hamza alef, which camel leaves)")
    if args.baseline:
        same = sum(chains["baseline full"](doc) == ours_full(doc) for doc in docs)
        print(f"ours full == baseline full ({args.baseline}) output on {same}/{len(docs)} documents")
    runs = []
    for _ in range(args.runs):
        best = measure(docs, args.rounds, chains)
        runs.append({name: megabytes / seconds for name, seconds in best.items()})
    rate = {name: statistics.median(run[name] for run in runs) for name in chains}
    print()
    print(f"| {'chain':22} | {'MB/s':>8} | {'us/doc':>8} |")
    print(f"|{'-' * 24}|{'-' * 10}|{'-' * 10}|")
    for name in chains:
        print(f"| {name:22} | {rate[name]:8.1f} | {megabytes / rate[name] * 1e6 / len(docs):8.2f} |")
    print()
    print(f"| {'ratio (median of runs)':38} | {'x':>6} | {'min':>6} | {'max':>6} |")
    print(f"|{'-' * 40}|{'-' * 8}|{'-' * 8}|{'-' * 8}|")
    for ours, theirs in ratios:
        each = [run[ours] / run[theirs] for run in runs]
        print(f"| {ours + ' / ' + theirs:38} | {statistics.median(each):6.2f} | {min(each):6.2f} | {max(each):6.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
