"""`arabic-llm text`: the pipeline's text steps as UTF-8 stdin -> stdout filters.

Line commands (one text a line in, one line out, same count, empty line in -> empty line out):
``clean``, ``normalize``, ``diacritics``, ``dialect``, ``audit``. Document commands: ``segment``
(all of stdin in, one sentence a line out) and ``train-dialect`` (a TSV file in, a model
directory out). Every command takes the pipeline's ``-c/--config`` and ``--set KEY=VALUE``, so
``arabic-llm text normalize --set normalize.alef=false`` does what the ``normalize`` stage
would do with that override.

Line commands stream: each output line is written before the next input line is read, and
flushed at once when stdout is a terminal. A reader that goes away (``| head``) ends the
command quietly with status 0. Errors (bad config key, unreadable file, bad data line) print
one line naming the key or ``file:line`` on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["add_text_commands", "build_parser", "main"]

PROG = "arabic-llm"


_TEXT_DESCRIPTION = """\
The pipeline's text steps as filters: UTF-8 on stdin, UTF-8 on stdout.

Line steps (one text a line in, one line out; an empty line stays empty):
  clean, normalize, diacritics, dialect, audit
Document steps: segment (all of stdin in, one sentence a line out),
  train-dialect (a TSV file in, a model directory out).

Every step takes -c/--config and --set KEY=VALUE like `arabic-llm run`, e.g.
  arabic-llm text normalize --set normalize.alef=false < in.txt > out.txt
Errors (bad config key, unreadable file, bad data line) exit with status 2."""


class TextCommandError(Exception):
    """A user error: printed as ``arabic-llm: <message>`` on stderr, exit status 2."""


# --- plumbing -------------------------------------------------------------------------------------


def _utf8(stream: TextIO) -> TextIO:
    """Make a real console/pipe stream UTF-8 whatever the locale says; leave test streams alone.

    Args:
        stream: ``sys.stdin`` or ``sys.stdout``.

    Returns:
        The same stream.
    """
    if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower().replace("-", "") != "utf8":
        stream.reconfigure(encoding="utf-8")
    return stream


def _isatty(stream: TextIO) -> bool:
    """Tell whether a stream is a terminal, False for streams that cannot say.

    Args:
        stream: An output stream.

    Returns:
        True for a terminal.
    """
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        pass  # not a real file (tests): nothing will flush it at exit


def _load_config(args: argparse.Namespace):
    """Load and validate the config the way the pipeline does.

    Args:
        args: Parsed arguments with ``config`` and ``set``.

    Returns:
        The validated ``PipelineConfig``.

    Raises:
        TextCommandError: Naming the file or key that does not validate.
    """
    from arabic_llm.config import ConfigError, load_config

    try:
        return load_config(args.config, args.set or [])
    except ConfigError as exc:
        raise TextCommandError(str(exc)) from None


def _run(body: Callable[[argparse.Namespace, TextIO, TextIO], None]) -> Callable[[argparse.Namespace], int]:
    """Wrap a command body with the shared error, encoding and broken-pipe handling.

    Args:
        body: ``body(args, stdin, stdout)``; raises :class:`TextCommandError` on user errors.

    Returns:
        The ``fn`` the parser calls, returning the exit status.
    """

    def command(args: argparse.Namespace) -> int:
        try:
            stdin, stdout = _utf8(sys.stdin), _utf8(sys.stdout)
            body(args, stdin, stdout)
            stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            return 0
        except TextCommandError as exc:
            print(f"{PROG}: {exc}", file=sys.stderr)
            return 2
        except UnicodeDecodeError as exc:
            print(f"{PROG}: stdin is not valid UTF-8: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
        return 0

    return command


def _lines(stdin: TextIO) -> Iterator[str]:
    """Input lines without their line break, read one at a time.

    Args:
        stdin: Input stream.

    Yields:
        Each line, ``\\n`` / ``\\r\\n`` removed.
    """
    while True:
        line = stdin.readline()
        if not line:
            return
        yield line.rstrip("\r\n")


def _map_lines(stdin: TextIO, stdout: TextIO, transform: Callable[[str], str]) -> None:
    """One output line per input line; blank lines stay blank and are not passed to ``transform``.

    Args:
        stdin: Input stream.
        stdout: Output stream.
        transform: Text -> output text (line breaks in it become spaces, keeping alignment).
    """
    tty = _isatty(stdout)
    for line in _lines(stdin):
        out = transform(line) if line.strip() else ""
        stdout.write(out.replace("\r", " ").replace("\n", " ") + "\n")
        if tty:
            stdout.flush()


# --- commands -------------------------------------------------------------------------------------


def _clean(args, stdin, stdout) -> None:
    from arabic_nlp.clean import clean_text

    c = _load_config(args).clean
    # clean.min_doc_chars drops whole documents in the pipeline; a line filter keeps every line.
    _map_lines(stdin, stdout, lambda text: clean_text(
        text, keep_latin=c.keep_latin, keep_digits=c.keep_digits, keep_punctuation=c.keep_punctuation,
        keep_emoji=c.keep_emoji).text)


def _normalize(args, stdin, stdout) -> None:
    from arabic_nlp.normalize import normalize_text

    options = _load_config(args).normalize.model_dump()  # the same call as tasks/normalize.py
    _map_lines(stdin, stdout, lambda text: normalize_text(text, **options))


def _diacritics(args, stdin, stdout) -> None:
    from arabic_nlp.diacritics import diacritic_ratio, strip_diacritics

    d = _load_config(args).diacritics

    def transform(text: str) -> str:
        out = strip_diacritics(text, d.marks) if d.mode == "strip" else text
        return f"{diacritic_ratio(text):.4f}\t{out}" if args.ratio else out

    _map_lines(stdin, stdout, transform)


def _segment(args, stdin, stdout) -> None:
    from arabic_nlp.segment import split_sentences

    minimum = _load_config(args).segment.min_sentence_chars
    for sentence in split_sentences(stdin.read()):
        if len(sentence) >= minimum:  # the same filter as tasks/segment.py
            stdout.write(sentence + "\n")


def _dialect(args, stdin, stdout) -> None:
    from arabic_nlp.dialect import DialectTagger

    _load_config(args)  # validates -c/--set like every other command
    if args.model is None:
        tagger = DialectTagger.default()
    else:
        if not Path(args.model).is_dir():
            raise TextCommandError(f"--model {args.model}: not a directory")
        if not hasattr(DialectTagger, "load"):
            raise TextCommandError("this arabic_nlp has no DialectTagger.load: --model is not supported")
        try:
            tagger = DialectTagger.load(Path(args.model))
        except (OSError, ValueError, KeyError, RuntimeError) as exc:  # DialectModelError is a ValueError
            raise TextCommandError(f"--model {args.model}: cannot load a dialect model: {exc}") from None

    def transform(text: str) -> str:
        prediction = tagger.predict(text)
        return f"{prediction.label}\t{max(prediction.scores.values()):.4f}"

    _map_lines(stdin, stdout, transform)


def _read_training_data(path: Path) -> tuple[list[str], list[str]]:
    from arabic_nlp.dialect import DialectDataError, read_labelled_tsv

    try:
        return read_labelled_tsv(path)
    except DialectDataError as exc:
        raise TextCommandError(str(exc)) from None


def _train_dialect(args, stdin, stdout) -> None:
    from arabic_nlp.dialect import DialectTagger

    cfg = _load_config(args)
    texts, labels = _read_training_data(Path(args.data))
    missing = [name for name in ("train", "save") if not hasattr(DialectTagger, name)]
    if missing:
        raise TextCommandError(f"this arabic_nlp has no DialectTagger.{'/'.join(missing)}")
    try:
        tagger = DialectTagger.train(texts, labels, seed=cfg.seed)
    except ValueError as exc:  # e.g. a dialect without examples
        raise TextCommandError(f"--data {args.data}: {exc}") from None
    out = Path(args.out)
    try:
        tagger.save(out)
    except OSError as exc:
        raise TextCommandError(f"--out {out}: cannot write the model: {exc}") from None
    counts = ", ".join(f"{label} {n}" for label, n in sorted(Counter(labels).items()))
    stdout.write(f"trained a dialect tagger on {len(texts)} examples ({counts}); saved to {out}\n")


def _audit(args, stdin, stdout) -> None:
    from arabic_nlp.audit import AuditReport, ContentAuditor, LexiconError

    section = _load_config(args).audit
    # lexicons and thresholds are the proposed additions to AuditConfig; until they exist the
    # shipped lexicon and the default thresholds apply.
    lexicons = list(getattr(section, "lexicons", ("builtin",))) + list(args.lexicon or [])
    try:
        auditor = ContentAuditor.build(
            lexicons=lexicons,
            extra_terms={reason: list(terms) for reason, terms in section.extra_terms.items()},
            thresholds=dict(getattr(section, "thresholds", {}) or {}),
        )
    except (LexiconError, ValueError) as exc:
        raise TextCommandError(f"audit lexicon: {exc}") from None
    report = AuditReport()

    def transform(text: str) -> str:
        verdict = auditor.check(text)
        report.add(verdict)
        reasons = ",".join(f"{reason}:{hits}" for reason, hits in verdict.reasons.items())
        return f"{'keep' if verdict.keep else 'drop'}\t{reasons}"

    _map_lines(stdin, stdout, transform)
    if args.summary:
        print(json.dumps(report.as_dict(), ensure_ascii=False, sort_keys=True), file=sys.stderr)


# --- parser ---------------------------------------------------------------------------------------


def add_text_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``text`` and its subcommands on the main parser's subparsers.

    Each leaf sets ``fn`` (``args.fn(args)`` returns the exit status), as the other
    ``arabic-llm`` commands do.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.

    Returns:
        The ``text`` parser.
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-c", "--config", type=Path, default=None, help="YAML config (default: configs/default.yaml)")
    common.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="override one config key, e.g. normalize.alef=false (repeatable)")

    text = subparsers.add_parser(
        "text", help="run one text step on UTF-8 stdin, write stdout (clean, normalize, segment, dialect, audit ...)",
        description=_TEXT_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = text.add_subparsers(dest="text_command", required=True, metavar="STEP")

    def leaf(name: str, help_text: str, body) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(fn=_run(body))
        return p

    leaf("clean", "strip URLs, markup, controls and non-Arabic noise (config: clean.*); a line in, a line out",
         _clean)
    leaf("normalize", "normalise letters, digits and Unicode form (config: normalize.*); a line in, a line out",
         _normalize)
    p = leaf("diacritics", "strip or keep diacritics (config: diacritics.mode, diacritics.marks); "
             "a line in, a line out", _diacritics)
    p.add_argument("--ratio", action="store_true",
                   help="prefix each line with its diacritic ratio (marks per Arabic letter, of the input) and a tab")
    leaf("segment", "split all of stdin into sentences, one a line (config: segment.min_sentence_chars)", _segment)
    p = leaf("dialect", "tag each line MSA/EGY/GLF/LEV/MGR; prints LABEL<TAB>CONFIDENCE", _dialect)
    p.add_argument("--model", metavar="DIR", default=None,
                   help="a tagger saved by train-dialect (default: the built-in marker-word tagger)")
    p = leaf("train-dialect", "train the n-gram dialect tagger from a TSV of text<TAB>label", _train_dialect)
    p.add_argument("--data", required=True, metavar="FILE", help="UTF-8 TSV, text<TAB>label (MSA EGY GLF LEV MGR)")
    p.add_argument("--out", required=True, metavar="DIR", help="directory to save the tagger in (seed: config seed)")
    p = leaf("audit", "flag hateful/abusive/spam lines; prints keep|drop<TAB>reason:hits,...", _audit)
    p.add_argument("--lexicon", action="append", metavar="FILE",
                   help="extra TSV lexicon (reason<TAB>term<TAB>match[<TAB>weight]); repeatable")
    p.add_argument("--summary", action="store_true", help="print counts by reason as JSON on stderr at the end")
    return text


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser with just the ``text`` command (``python -m arabic_llm.ops.text_cli text ...``).

    Returns:
        The parser.
    """
    parser = argparse.ArgumentParser(prog=PROG, description="Arabic text steps on stdin/stdout")
    add_text_commands(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the command.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status.
    """
    args = build_parser().parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    raise SystemExit(main())
