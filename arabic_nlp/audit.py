"""Lexicon-based content audit: drop documents with hateful or abusive content, counting by reason.

The lexicon is data (``data/audit_lexicon.tsv``; more files and extra terms can be added), one
entry per row: a *reason* (``hate_religion``, ``hate_ethnic``, ``hate_gender``, ``threat``,
``insult``, ``profanity``, ``spam``), a *term*, how it *matches* and an optional *weight*.

Matching works on folded text, so spelling variants match the same entry: Unicode NFKC,
Persian letter variants, alef variants -> ا, ى -> ي, ة -> ه, no diacritics or tatweel,
zero-width and bidi controls removed, Latin lowercased, digits Western, any letter repeated
3+ times collapsed to one (حمااااار -> حمار). Entries are folded the same way when loaded,
so write them in ordinary spelling.

Match kinds:

* ``word``: whole tokens, never substrings (كس does not match كسر, عكس, المكسيك). A term may
  be a phrase of several words (``يا حمار``), matched as consecutive tokens. A token also
  matches after proclitics are removed: ال-forms (ال وال بال فال كال لل ...) when at least 3
  letters remain, the letter clitics و ف ب ل ك (and pairs like وب) only when at least 4
  remain, because a single letter plus a three-letter word is usually another word
  (فخرا is "proudly", not ف + خرا). A phrase starting with يا also matches written
  attached (ياحمار, يابن الكلب).
* ``prefix``: like ``word`` but the (last) token only has to start with the term
  (شرموط matches شرموطة, الشراميط does not); at least 3 characters.
* ``regex``: a Python regular expression searched in the folded text (case-insensitive);
  every non-overlapping match is a hit. It must not match the empty string.

At one position only the longest matching entry of each reason counts, so ``يا ابن الكلب`` is
one insult, not three.

Scoring and thresholds: each reason's *score* is the sum of the weights of the *distinct*
entries that matched (a term repeated ten times counts once, so an article that mentions
واتساب often is not spam); :class:`AuditVerdict.reasons` reports raw hit counts. A document is
dropped when any reason's score reaches its threshold. Defaults (:data:`DEFAULT_THRESHOLDS`):
hard reasons (``hate_*``, ``threat``) drop on 1 (one entry of weight 1), soft reasons
(``insult``, ``profanity``, ``spam``) on 2 (two distinct entries, or one of weight 2 such as
the strongest sexual profanity). Reasons are scored separately: one insult plus one
profanity is not a drop. Ambiguous entries carry weight 0.5 (a hard one alone then never
drops). A threshold of ``None`` disables dropping for that reason (hits are still counted).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from arabic_nlp._data import DATA_DIR
from arabic_nlp.charsets import (
    ARABIC_WORD_CHARS,
    BIDI_CONTROLS,
    ZERO_WIDTH_CHARS,
    char_class,
)
from arabic_nlp.diacritics import strip_diacritics
from arabic_nlp.normalize import normalize_text

__all__ = [
    "DEFAULT_LEXICON",
    "DEFAULT_THRESHOLDS",
    "MATCH_KINDS",
    "AuditReport",
    "AuditTerm",
    "AuditVerdict",
    "ContentAuditor",
    "LexiconError",
    "fold_for_audit",
    "load_lexicon",
]

DEFAULT_LEXICON = DATA_DIR / "audit_lexicon.tsv"
MATCH_KINDS = ("word", "prefix", "regex")
DEFAULT_THRESHOLDS: Mapping[str, float] = MappingProxyType(
    {
        "hate_religion": 1.0,
        "hate_ethnic": 1.0,
        "hate_gender": 1.0,
        "threat": 1.0,
        "insult": 2.0,
        "profanity": 2.0,
        "spam": 2.0,
    }
)
_HEADER = ("reason", "term", "match", "weight")
_REASON_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_MIN_PREFIX = 3

_INVISIBLE_TABLE = str.maketrans(dict.fromkeys(BIDI_CONTROLS | ZERO_WIDTH_CHARS))
_ELONGATION_RE = re.compile(r"([^\W\d_])\1{2,}")
_ARABIC = char_class(ARABIC_WORD_CHARS)
# An Arabic run, or a run of other letters/digits (Latin, Arabizi "a7a"): the two never merge.
_TOKEN_RE = re.compile(f"[{_ARABIC}]+|[^\\W_{_ARABIC}]+")
_ARABIC_START_RE = re.compile(f"[{_ARABIC}]")


def _proclitics() -> tuple[tuple[str, int], ...]:
    """Proclitic strings with the letters that must remain after removing them.

    Returns:
        (proclitic, minimum remaining length), longest proclitic first.
    """
    found: dict[str, int] = {}
    for conj in ("", "و", "ف"):
        for prep in ("", "ب", "ل", "ك"):
            for det in ("", "ال"):
                clitic = conj + prep + det
                if clitic:
                    found[clitic.replace("لال", "لل")] = 3 if det else 4
    return tuple(sorted(found.items(), key=lambda item: -len(item[0])))


_PROCLITICS = _proclitics()


def fold_for_audit(text: str, *, lower: bool = True) -> str:
    """Fold text the way the auditor matches it (see the module docstring).

    Args:
        text: Raw text.
        lower: Lowercase (off for regex sources, whose escapes are case-sensitive).

    Returns:
        The folded text.
    """
    text = normalize_text(
        text.translate(_INVISIBLE_TABLE), teh_marbuta=True, digits="western", unicode_form="NFKC"
    )
    text = strip_diacritics(text)
    if lower:
        text = text.lower()
    return _ELONGATION_RE.sub(r"\1", text)


def _tokens(folded: str) -> list[str]:
    """Split folded text into tokens (see ``_TOKEN_RE``).

    Args:
        folded: Output of :func:`fold_for_audit`.

    Returns:
        Tokens in order.
    """
    return _TOKEN_RE.findall(folded)


@lru_cache(maxsize=1 << 16)
def _candidates(token: str) -> tuple[str, ...]:
    """The token and what remains after removing each proclitic that may be removed.

    Args:
        token: A folded token.

    Returns:
        The token first, then the stripped forms.
    """
    if not _ARABIC_START_RE.match(token):
        return (token,)
    found = [token]
    for clitic, min_rest in _PROCLITICS:
        if token.startswith(clitic) and len(token) - len(clitic) >= min_rest:
            rest = token[len(clitic) :]
            if rest not in found:
                found.append(rest)
    return tuple(found)


class LexiconError(ValueError):
    """A lexicon row or extra term that does not validate; the message names ``file:line``."""


@dataclass(frozen=True)
class AuditTerm:
    """One validated lexicon entry.

    Attributes:
        reason: Why a match counts (``insult``, ``threat`` ...).
        term: The term as written in the source.
        match: ``"word"``, ``"prefix"`` or ``"regex"``.
        weight: Score added when the entry matches (> 0).
        folded: The folded term (tokens joined by one space; the folded pattern for regex).
        source: Where the entry comes from (``file:line`` or ``extra_terms``), for messages.
    """

    reason: str
    term: str
    match: str
    weight: float
    folded: str
    source: str


def _make_term(reason: str, term: str, match: str, weight: float, source: str) -> AuditTerm:
    """Validate and fold one entry.

    Args:
        reason: Reason name.
        term: Term as written.
        match: Match kind.
        weight: Weight.
        source: ``file:line`` for messages.

    Returns:
        The entry.

    Raises:
        LexiconError: Naming ``source`` and what is wrong.
    """
    if not _REASON_RE.match(reason):
        raise LexiconError(f"{source}: reason {reason!r} must be lowercase letters, digits and '_'")
    if match not in MATCH_KINDS:
        raise LexiconError(f"{source}: match {match!r} must be one of {', '.join(MATCH_KINDS)}")
    if not math.isfinite(weight) or weight <= 0:
        raise LexiconError(f"{source}: weight {weight!r} must be a positive finite number")
    if not term.strip():
        raise LexiconError(f"{source}: empty term")
    if match == "regex":
        folded = fold_for_audit(term, lower=False)
        try:
            pattern = re.compile(folded, re.IGNORECASE)
        except re.error as error:
            raise LexiconError(f"{source}: regex {term!r} does not compile: {error}") from None
        if pattern.fullmatch(""):
            raise LexiconError(f"{source}: regex {term!r} matches the empty string")
        return AuditTerm(reason, term, match, weight, folded, source)
    folded = fold_for_audit(term)
    tokens = _tokens(folded)
    if " ".join(tokens) != " ".join(folded.split()):
        raise LexiconError(
            f"{source}: term {term!r} may only hold letters, digits and spaces (folded: {folded!r}); "
            "use match=regex for anything else"
        )
    if match == "prefix" and len(tokens[-1]) < _MIN_PREFIX:
        raise LexiconError(f"{source}: prefix {term!r} is shorter than {_MIN_PREFIX} characters")
    if len(tokens) == 1 and len(tokens[0]) < 2:
        raise LexiconError(f"{source}: term {term!r} is a single character")
    return AuditTerm(reason, term, match, weight, " ".join(tokens), source)


def load_lexicon(lines: Iterable[str], source: str = "<lexicon>") -> tuple[AuditTerm, ...]:
    """Parse a TSV lexicon.

    Format: ``#`` comment lines and blank lines are ignored; the first other line is the
    header ``reason<TAB>term<TAB>match<TAB>weight`` (``weight`` optional); then one entry a
    line with 3 or 4 tab-separated columns (empty weight = 1).

    Args:
        lines: Lines of the file.
        source: File name used in error messages.

    Returns:
        The entries, in file order.

    Raises:
        LexiconError: Naming ``source:line`` for a missing/wrong header, a wrong column
            count, a bad reason, match kind, weight, term or regex, or a duplicate entry.
    """
    terms: list[AuditTerm] = []
    seen: dict[tuple[str, str, str], int] = {}
    header: tuple[str, ...] | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{source}:{number}"
        columns = line.split("\t")
        if header is None:
            header = tuple(c.strip() for c in columns)
            if header not in (_HEADER, _HEADER[:3]):
                raise LexiconError(f"{where}: expected header {'<TAB>'.join(_HEADER)!r}, got {line!r}")
            continue
        if len(columns) not in (3, 4) or len(columns) > len(header):
            raise LexiconError(
                f"{where}: expected {'3 or 4' if len(header) == 4 else '3'} tab-separated columns, "
                f"got {len(columns)}: {line!r}"
            )
        reason, term, match = (c.strip() for c in columns[:3])
        weight_text = columns[3].strip() if len(columns) == 4 else ""
        try:
            weight = float(weight_text) if weight_text else 1.0
        except ValueError:
            raise LexiconError(f"{where}: weight {weight_text!r} is not a number") from None
        entry = _make_term(reason, term, match, weight, where)
        key = (entry.reason, entry.match, entry.folded)
        if key in seen:
            raise LexiconError(
                f"{where}: duplicate {match} term {term!r} for {reason} (same folded form as line {seen[key]})"
            )
        seen[key] = number
        terms.append(entry)
    if header is None:
        raise LexiconError(f"{source}: no header line {'<TAB>'.join(_HEADER)!r}")
    return tuple(terms)


def _read_lexicon(path: str | Path) -> tuple[AuditTerm, ...]:
    """Load a TSV lexicon file.

    Args:
        path: File path.

    Returns:
        The entries.

    Raises:
        LexiconError: If the file cannot be read or does not validate (names the file).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LexiconError(f"{path}: cannot read lexicon: {error}") from None
    return load_lexicon(text.splitlines(), source=str(path))


@dataclass(frozen=True)
class AuditVerdict:
    """Result of :meth:`ContentAuditor.check`.

    Attributes:
        keep: False when some reason reached its threshold.
        reasons: Hits (occurrences) per reason, only reasons with at least one hit.
        triggered: The reasons whose score reached the threshold (empty when kept).
    """

    keep: bool
    reasons: dict[str, int]
    triggered: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Entry:
    """A compiled word/prefix entry."""

    index: int
    reason: str
    tokens: tuple[str, ...]
    prefix: bool  # the last token is matched by prefix
    raw_only: bool = False  # the first token is compared as written, not after clitic stripping


def _attached_forms(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The attached spellings of a phrase that starts with the vocative يا.

    Args:
        tokens: The entry's tokens.

    Returns:
        Token tuples with يا glued to the next word (ياحمار; يا ابن -> ياابن, يابن);
        empty when the entry does not start with يا.
    """
    if len(tokens) < 2 or tokens[0] != "يا":
        return []
    forms = [("يا" + tokens[1],) + tokens[2:]]
    if tokens[1].startswith("ا") and len(tokens[1]) > 2:
        forms.append(("يا" + tokens[1][1:],) + tokens[2:])
    return forms


class ContentAuditor:
    """Drop-or-keep decisions for documents from a term lexicon (see the module docstring).

    Instances are immutable: :meth:`extend` returns a new auditor.

    Args:
        terms: Lexicon entries (duplicates of an earlier (reason, match, folded term) are skipped).
        thresholds: Per-reason score at which a document is dropped, merged over
            :data:`DEFAULT_THRESHOLDS`; ``None`` disables dropping for that reason. A new
            reason must be given a threshold here before terms may use it.

    Raises:
        LexiconError: If an entry uses a reason without a threshold (names the entry's source).
        ValueError: If a threshold is not a positive finite number or ``None``.
    """

    def __init__(self, terms: Iterable[AuditTerm], thresholds: Mapping[str, float | None] | None = None) -> None:
        merged: dict[str, float | None] = dict(DEFAULT_THRESHOLDS)
        for reason, value in (thresholds or {}).items():
            if not _REASON_RE.match(reason):
                raise ValueError(f"audit threshold for {reason!r}: reason must be lowercase letters, digits and '_'")
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0
            ):
                raise ValueError(f"audit threshold for {reason!r} must be a positive number or None, got {value!r}")
            merged[reason] = None if value is None else float(value)
        self.thresholds: Mapping[str, float | None] = MappingProxyType(merged)
        unique: list[AuditTerm] = []
        seen: set[tuple[str, str, str]] = set()
        for term in terms:
            if term.reason not in merged:
                raise LexiconError(
                    f"{term.source}: unknown reason {term.reason!r}; known: {', '.join(sorted(merged))} "
                    "(give a new reason a threshold first)"
                )
            key = (term.reason, term.match, term.folded)
            if key not in seen:
                seen.add(key)
                unique.append(term)
        self.terms: tuple[AuditTerm, ...] = tuple(unique)
        self._compile()

    def _compile(self) -> None:
        """Build the lookup tables: first token -> entries, prefix -> entries, regex list."""
        self._by_first: dict[str, list[_Entry]] = {}
        # Attached vocatives (ياحمار) are compared with the token as written, never after
        # clitic stripping: في + الوطى written together must not become ف + يالوطي.
        self._by_attached: dict[str, list[_Entry]] = {}
        self._by_prefix: dict[str, list[_Entry]] = {}
        self._regexes: list[tuple[int, str, re.Pattern[str]]] = []
        for index, term in enumerate(self.terms):
            if term.match == "regex":
                self._regexes.append((index, term.reason, re.compile(term.folded, re.IGNORECASE)))
                continue
            tokens = tuple(term.folded.split(" "))
            prefix = term.match == "prefix"
            if prefix and len(tokens) == 1:
                self._by_prefix.setdefault(tokens[0], []).append(_Entry(index, term.reason, tokens, True))
            else:
                self._by_first.setdefault(tokens[0], []).append(_Entry(index, term.reason, tokens, prefix))
            for form in _attached_forms(tokens):
                entry = _Entry(index, term.reason, form, prefix, raw_only=True)
                table = self._by_prefix if prefix and len(form) == 1 else self._by_attached
                table.setdefault(form[0], []).append(entry)
        self._prefix_lengths = sorted({len(p) for p in self._by_prefix})

    @classmethod
    def default(cls, thresholds: Mapping[str, float | None] | None = None) -> ContentAuditor:
        """Auditor with the shipped starter lexicon (``arabic_nlp/data/audit_lexicon.tsv``).

        Args:
            thresholds: Per-reason overrides (see the class).

        Returns:
            The auditor.
        """
        return cls(_default_terms(), thresholds)

    @classmethod
    def from_files(
        cls, paths: Iterable[str | Path], thresholds: Mapping[str, float | None] | None = None
    ) -> ContentAuditor:
        """Auditor from TSV lexicon files (the shipped one only if listed: :data:`DEFAULT_LEXICON`).

        Args:
            paths: Lexicon files, in order.
            thresholds: Per-reason overrides (see the class).

        Returns:
            The auditor.

        Raises:
            LexiconError: Naming the file (and line) that does not load.
        """
        terms: list[AuditTerm] = []
        for path in paths:
            terms.extend(_default_terms() if Path(path) == DEFAULT_LEXICON else _read_lexicon(path))
        return cls(terms, thresholds)

    @classmethod
    def build(
        cls,
        lexicons: Iterable[str | Path] = ("builtin",),
        extra_terms: Mapping[str, Iterable[str]] | None = None,
        thresholds: Mapping[str, float | None] | None = None,
    ) -> ContentAuditor:
        """Auditor from configuration values (what the ``audit`` config section holds).

        Args:
            lexicons: TSV files; ``"builtin"`` stands for :data:`DEFAULT_LEXICON`.
            extra_terms: Reason -> terms, as for :meth:`extend`.
            thresholds: Per-reason overrides (see the class).

        Returns:
            The auditor.
        """
        paths = [DEFAULT_LEXICON if str(p) == "builtin" else Path(p) for p in lexicons]
        auditor = cls.from_files(paths, thresholds)
        return auditor.extend(extra_terms) if extra_terms else auditor

    def extend(self, extra_terms: Mapping[str, Iterable[str]]) -> ContentAuditor:
        """A new auditor with more terms (this one is unchanged).

        Each term is a ``word`` entry of weight 1, except: a trailing ``*`` makes it a
        ``prefix`` entry (``شرموط*``), a leading ``re:`` a ``regex`` entry (``re:\\d{10}``).

        Args:
            extra_terms: Reason -> terms. A reason not among the thresholds is an error.

        Returns:
            The extended auditor, with the same thresholds.

        Raises:
            LexiconError: Naming the reason and term that do not validate.
        """
        added: list[AuditTerm] = []
        for reason, terms in extra_terms.items():
            if isinstance(terms, str):
                raise LexiconError(f"extra_terms[{reason!r}]: expected a list of terms, got the string {terms!r}")
            for position, raw in enumerate(terms):
                source = f"extra_terms[{reason!r}][{position}]"
                if reason not in self.thresholds:
                    raise LexiconError(
                        f"{source}: unknown reason {reason!r}; known: {', '.join(sorted(self.thresholds))} "
                        "(give a new reason a threshold first)"
                    )
                if not isinstance(raw, str):
                    raise LexiconError(f"{source}: term must be a string, got {raw!r}")
                if raw.startswith("re:"):
                    added.append(_make_term(reason, raw[3:], "regex", 1.0, source))
                elif raw.endswith("*"):
                    added.append(_make_term(reason, raw[:-1], "prefix", 1.0, source))
                else:
                    added.append(_make_term(reason, raw, "word", 1.0, source))
        return ContentAuditor(self.terms + tuple(added), self.thresholds)

    def _token_hits(self, tokens: list[str]) -> Iterator[tuple[int, str]]:
        """Yield (entry index, reason) for every word/prefix hit, longest entry per reason and position.

        Args:
            tokens: Folded tokens.

        Yields:
            One pair per hit.
        """
        cands = [_candidates(t) for t in tokens]
        n = len(tokens)
        i = 0
        while i < n:
            best: dict[str, tuple[int, int]] = {}  # reason -> (length, entry index)

            def consider(entry: _Entry) -> None:
                size = len(entry.tokens)
                if size > 1 and not self._continues(entry, cands, i):
                    return
                if size > best.get(entry.reason, (0, -1))[0]:
                    best[entry.reason] = (size, entry.index)

            for entry in self._by_attached.get(tokens[i], ()):
                consider(entry)
            for position, cand in enumerate(cands[i]):
                for entry in self._by_first.get(cand, ()):
                    consider(entry)
                for length in self._prefix_lengths:
                    if length > len(cand):
                        break
                    for entry in self._by_prefix.get(cand[:length], ()):
                        if position == 0 or not entry.raw_only:
                            consider(entry)
            if not best:
                i += 1
                continue
            for reason, (_, index) in best.items():
                yield index, reason
            i += max(size for size, _ in best.values())

    @staticmethod
    def _continues(entry: _Entry, cands: list[tuple[str, ...]], i: int) -> bool:
        """Tell whether tokens after position ``i`` complete a multi-token entry.

        Args:
            entry: Entry whose first token matched at ``i``.
            cands: Candidate forms of every token.
            i: Position of the first token.

        Returns:
            True if every later token of the entry matches.
        """
        last = len(entry.tokens) - 1
        if i + last >= len(cands):
            return False
        for j in range(1, last + 1):
            want, have = entry.tokens[j], cands[i + j]
            if j == last and entry.prefix:
                if not any(c.startswith(want) for c in have):
                    return False
            elif want not in have:
                return False
        return True

    def check(self, text: str) -> AuditVerdict:
        """Audit one document.

        Args:
            text: Raw or cleaned text.

        Returns:
            Whether to keep it and the hits per reason.
        """
        folded = fold_for_audit(text)
        hits: Counter[str] = Counter()
        matched: dict[int, str] = {}
        for index, reason in self._token_hits(_tokens(folded)):
            hits[reason] += 1
            matched[index] = reason
        for index, reason, pattern in self._regexes:
            count = sum(1 for _ in pattern.finditer(folded))
            if count:
                hits[reason] += count
                matched[index] = reason
        scores: Counter[str] = Counter()
        for index, reason in matched.items():
            scores[reason] += self.terms[index].weight
        triggered = tuple(
            sorted(r for r, s in scores.items() if self.thresholds[r] is not None and s >= self.thresholds[r] - 1e-9)
        )
        return AuditVerdict(keep=not triggered, reasons=dict(sorted(hits.items())), triggered=triggered)

    def explain(self, text: str) -> list[AuditTerm]:
        """The entries that match a text (for debugging false positives).

        Args:
            text: Raw text.

        Returns:
            Matching entries in lexicon order, each once.
        """
        folded = fold_for_audit(text)
        indices = {index for index, _ in self._token_hits(_tokens(folded))}
        indices |= {index for index, _, pattern in self._regexes if pattern.search(folded)}
        return [self.terms[i] for i in sorted(indices)]

    def filter_documents(
        self, docs: Iterable[Mapping], report: AuditReport | None = None, *, key: str = "text"
    ) -> Iterator[Mapping]:
        """Yield the documents to keep, recording every verdict in ``report``.

        Args:
            docs: Document records.
            report: Collects the counts (optional).
            key: The field holding the text.

        Yields:
            Kept documents, unchanged.
        """
        for doc in docs:
            verdict = self.check(doc[key])
            if report is not None:
                report.add(verdict)
            if verdict.keep:
                yield doc


@lru_cache(maxsize=1)
def _default_terms() -> tuple[AuditTerm, ...]:
    """The shipped lexicon, parsed once per process.

    Returns:
        Its entries.
    """
    return _read_lexicon(DEFAULT_LEXICON)


@dataclass
class AuditReport:
    """Counts over many verdicts.

    Attributes:
        documents: Verdicts added.
        dropped: Documents dropped.
        dropped_by_reason: Dropped documents per reason that reached its threshold (a
            document dropped for two reasons counts under both).
        flagged_by_reason: Documents with at least one hit, per reason (kept or dropped).
        hits_by_reason: Hits over all documents, per reason.
    """

    documents: int = 0
    dropped: int = 0
    dropped_by_reason: Counter[str] = field(default_factory=Counter)
    flagged_by_reason: Counter[str] = field(default_factory=Counter)
    hits_by_reason: Counter[str] = field(default_factory=Counter)

    def add(self, verdict: AuditVerdict) -> None:
        """Count one verdict.

        Args:
            verdict: From :meth:`ContentAuditor.check`.
        """
        self.documents += 1
        self.dropped += not verdict.keep
        self.dropped_by_reason.update(verdict.triggered)
        self.flagged_by_reason.update(verdict.reasons.keys())
        self.hits_by_reason.update(verdict.reasons)

    def as_dict(self) -> dict:
        """JSON-ready summary with sorted keys.

        Returns:
            ``documents``, ``kept``, ``dropped`` and the three per-reason maps.
        """
        return {
            "documents": self.documents,
            "kept": self.documents - self.dropped,
            "dropped": self.dropped,
            "dropped_by_reason": dict(sorted(self.dropped_by_reason.items())),
            "flagged_by_reason": dict(sorted(self.flagged_by_reason.items())),
            "hits_by_reason": dict(sorted(self.hits_by_reason.items())),
        }
