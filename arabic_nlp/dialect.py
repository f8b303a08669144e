"""Coarse Arabic dialect identification: MSA, Egyptian, Gulf, Levantine, Maghrebi.

Three back-ends, one interface (:class:`DialectTagger`):

* **Lexicon** (:meth:`DialectTagger.default`, no training data). Weighted cues
  (words and affixes, ``data/dialect_cues.tsv``) found among the folded tokens
  are summed per dialect; MSA gets a constant prior (``msa_prior`` = 1.0) so
  text without dialect evidence is MSA. The sums are the *lexicon logits*
  ``E(x)``; probabilities are ``softmax(E(x))``. A single unambiguous cue
  (weight 3) outweighs the prior, a weak one (0.5) does not.
* **Lexicon + n-grams** (:meth:`DialectTagger.train`, any labelled corpus). A
  multinomial logistic regression (scikit-learn, ``lbfgs``, balanced class
  weights, ``C`` = 0.1) over three feature blocks of the folded text:
  character 1-4-grams inside word boundaries (``char_wb``) and word unigrams,
  both sublinear TF-IDF (smoothed idf) with L2-normalised rows, plus the
  lexicon tagger's five probabilities ``softmax(E(x))`` as extra features
  (bounded, so they mean the same for a sentence and a whole document). The
  final scores are a product of experts::

      scores = softmax(log p_ngram(x) + lexicon_weight * E(x)),  lexicon_weight = 0.5

  The lexicon appears twice on purpose: as features, the regression learns how
  far to trust it *on the training source*; as a fixed second expert, it keeps
  the marker words decisive on text from other sources, where the n-gram
  weights (tweets' topics, names, spellings) transfer poorly. All settings
  were chosen on development data disjoint from the benchmark test sets
  (cross-validation inside the ArSarcasm-v2 training split; QCRI tweets folds
  4-5, half of Shami and ARCD contexts for other sources), see
  ``benchmarks/bench_dialect.py``.
* **camel-tools** (:meth:`DialectTagger.camel`). camel-tools' city-level
  dialect identification, its 26 (or 6) labels summed into the five groups
  with :data:`CAMEL_LABEL_TO_DIALECT`. Needs its data installed
  (``camel_data -i dialectid-model26``; imported lazily, never at import time).

Folding (shared by cues and text): Unicode NFKC (presentation forms), Persian
letter variants, alef variants -> ا, ى -> ي, ة -> ه, no diacritics or
tatweel, letters repeated 3+ times collapsed to one (كتيييير -> كتير). Only
Arabic-letter tokens are kept (Latin, digits, URLs, emoji are ignored).

Ties are broken by the order of :data:`DIALECTS` (MSA first).

Speed: :meth:`DialectTagger.predict_batch` and :func:`tag_documents` work on
token ids (:class:`_TokenBatch`): cue evidence and n-gram columns are looked
up once per distinct token (and cached), per-text counts are sparse matrix
products, and a document's sentences are folded in one call. The results are
bit-identical to the plain per-text computation (scikit-learn's
``CountVectorizer`` on each folded text, cue weights added token by token),
which training still uses; ``tests/nlp/test_dialect_fast.py`` holds the two
to each other and ``benchmarks/bench_dialect.py --speed`` times them.

Documents: :func:`tag_document` tags every sentence and combines them (see
there for the rule); :func:`tag_documents` does the same for many documents
in one batch. Persistence: :meth:`DialectTagger.save` writes a directory of
JSON, TSV and ``.npz`` files (no pickle), byte-identical for the same
training data and seed (and library versions); :meth:`DialectTagger.load`
validates it and names the offending file on any problem.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
import re
import sys
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from arabic_nlp._data import DATA_DIR
from arabic_nlp.charsets import ARABIC_LETTERS, char_class
from arabic_nlp.diacritics import strip_diacritics
from arabic_nlp.normalize import normalize_text

__all__ = [
    "CAMEL_LABEL_TO_DIALECT",
    "DIALECTS",
    "CamelDataMissingError",
    "Cue",
    "CueLexicon",
    "DialectModelError",
    "DialectPrediction",
    "DialectTagger",
    "fold_text",
    "tag_document",
    "tag_documents",
    "tokenize",
]

DIALECTS: tuple[str, ...] = ("MSA", "EGY", "GLF", "LEV", "MGR")
_INDEX = {label: i for i, label in enumerate(DIALECTS)}
_MSA = _INDEX["MSA"]

_TOKEN_RE = re.compile(f"[{char_class(ARABIC_LETTERS)}]+")
_ELONGATION_RE = re.compile(r"(.)\1{2,}")
_CUE_PARTS_RE = re.compile(f"^[{char_class(ARABIC_LETTERS)}]*$")
_CONJUNCTIONS = ("و", "ف")  # proclitics stripped before a second whole-word lookup
_MIN_STEM = 3  # letters a "*" in an affix cue must cover
_HEADER = ("dialect", "cue", "weight")
_CACHE_SIZE = 500_000  # memoised token evidences per lexicon (cleared when full)
_TOKEN_CACHE_SIZE = 200_000  # memoised n-gram columns per model (about 200 bytes a token; cleared when full)

# --- n-gram model settings (see the module docstring) -------------------------
_CHAR_NGRAMS = (1, 4)
_WORD_NGRAMS = (1, 1)
_C = 0.1
_LEXICON_FEATURE_SCALE = 1.0
_LEXICON_WEIGHT = 0.5
_MIN_DF = 2  # feature must occur in 2+ training texts ...
_MIN_DF_SMALL = 1  # ... unless there are fewer than _SMALL_CORPUS texts
_SMALL_CORPUS = 50
_BATCH = 4096  # texts vectorised at once by predict_batch

# --- saved tagger layout --------------------------------------------------------
_FORMAT = "arabic_nlp.dialect.tagger/1"
MANIFEST_FILE = "tagger.json"
LEXICON_FILE = "lexicon.tsv"
VOCABULARY_FILE = "ngram_vocabulary.json"
WEIGHTS_FILE = "ngram_weights.npz"
_ARRAYS = ("coef", "intercept", "char_idf", "word_idf")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamp: byte-identical archives

# camel-tools city/variety labels (model26 and model6) -> the five groups. Sudanese
# (KHA) joins Egyptian (both "Nile Basin" in camel-tools' regions); Iraqi (BAG, BAS,
# MOS) and Yemeni (SAN) join Gulf, as in the ArSarcasm-v2 "gulf" class and the
# project's SIB-200 mapping (acq, Ta'izzi-Adeni, is GLF).
CAMEL_LABEL_TO_DIALECT: Mapping[str, str] = MappingProxyType(
    {
        "MSA": "MSA",
        "CAI": "EGY", "ALX": "EGY", "ASW": "EGY", "KHA": "EGY",
        "DOH": "GLF", "JED": "GLF", "RIY": "GLF", "MUS": "GLF", "BAG": "GLF", "BAS": "GLF", "MOS": "GLF",
        "SAN": "GLF",
        "ALE": "LEV", "AMM": "LEV", "BEI": "LEV", "DAM": "LEV", "JER": "LEV", "SAL": "LEV",
        "ALG": "MGR", "BEN": "MGR", "FES": "MGR", "RAB": "MGR", "SFX": "MGR", "TRI": "MGR", "TUN": "MGR",
    }
)  # fmt: skip
_CAMEL_MODELS = {"default": "DIDModel26", "model26": "DIDModel26", "model6": "DIDModel6"}
_CAMEL_INSTALL_HINT = (
    "install camel-tools and kenlm (pip install camel-tools kenlm) and its dialect-identification data "
    "(camel_data -i dialectid-model26, or dialectid-model6; `camel_data -l` lists the packages); the data "
    "goes to ~/.camel_tools or to $CAMELTOOLS_DATA"
)


class DialectModelError(ValueError):
    """A saved tagger directory is missing, incomplete or corrupt (the message names the file)."""


class DialectDataError(ValueError):
    """Labelled training data that cannot be used; the message names the file and line."""


class CamelDataMissingError(RuntimeError):
    """camel-tools' dialect identification cannot be used here (package or data missing)."""


@dataclass(frozen=True)
class DialectPrediction:
    """Result of :meth:`DialectTagger.predict`.

    Attributes:
        label: One of :data:`DIALECTS`.
        scores: Probability per dialect (all five keys, in :data:`DIALECTS`
            order, summing to 1).
    """

    label: str
    scores: dict[str, float]

    @property
    def confidence(self) -> float:
        """Probability of the predicted label (the largest score)."""
        return self.scores[self.label]


def fold_text(text: str) -> str:
    """Fold text for dialect matching (see the module docstring).

    Args:
        text: Raw text.

    Returns:
        The folded text.
    """
    text = normalize_text(text, teh_marbuta=True, unicode_form="NFKC")
    return _ELONGATION_RE.sub(r"\1", strip_diacritics(text))


def tokenize(text: str) -> list[str]:
    """Split text into folded Arabic-letter tokens (everything else separates).

    Args:
        text: Raw text.

    Returns:
        Folded tokens in order.
    """
    return _TOKEN_RE.findall(fold_text(text))


def _sentence_tokens(sentences: Sequence[str]) -> list[list[str]]:
    """``[tokenize(s) for s in sentences]`` with one :func:`fold_text` call for all of them.

    Folding ``"\\n".join(sentences)`` and splitting at ``"\\n"`` gives each
    sentence's folding: every folding step maps single characters, except the
    Unicode normalisation (a line break is a starter that never composes or
    reorders with its neighbours), the decomposed alef + hamza rule (its
    pattern holds no line break) and the elongation rule (``.`` never
    matches a line break). Sentences that hold a line break themselves are
    folded one by one.
    """
    joined = "\n".join(sentences)
    if len(sentences) > 1 and joined.count("\n") == len(sentences) - 1:
        parts = fold_text(joined).split("\n")
        if len(parts) == len(sentences):
            return [_TOKEN_RE.findall(part) for part in parts]
    return [tokenize(sentence) for sentence in sentences]


@dataclass(frozen=True)
class _TokenBatch:
    """Folded token lists of many texts, as integer ids into their distinct tokens.

    Per-token work (cue evidence, n-gram ids) is then done once per distinct
    token, and per-text sums become sparse matrix products.

    Attributes:
        types: Distinct tokens, in order of first occurrence.
        ids: Index into ``types`` of every token, texts one after the other.
        offsets: Text ``i`` holds ``ids[offsets[i]:offsets[i + 1]]``.
    """

    types: list[str]
    ids: np.ndarray
    offsets: np.ndarray

    @classmethod
    def of(cls, token_lists: Sequence[Sequence[str]]) -> _TokenBatch:
        flat = list(chain.from_iterable(token_lists))
        index = dict.fromkeys(flat, 0)  # distinct tokens in order of first occurrence (all in C)
        index.update(zip(index, range(len(index))))
        offsets = np.zeros(len(token_lists) + 1, dtype=np.int64)
        np.cumsum([len(tokens) for tokens in token_lists], out=offsets[1:])
        return cls(list(index), np.fromiter(map(index.__getitem__, flat), np.int64, len(flat)), offsets)

    @classmethod
    def of_documents(cls, documents: Sequence[Sequence[Sequence[str]]]) -> _TokenBatch:
        """The texts of every document's sentences followed by the whole document.

        Args:
            documents: Each document's sentences' tokens.

        Returns:
            A batch of ``sum(len(d) + 1 for d in documents)`` texts; a whole
            document's tokens are its sentences' tokens one after the other.
        """
        sentences = cls.of([tokens for document in documents for tokens in document])
        per_document = np.array([len(document) for document in documents], dtype=np.int64)
        first_sentence = np.cumsum(per_document) - per_document
        token_start = sentences.offsets[first_sentence]
        document_length = sentences.offsets[first_sentence + per_document] - token_start
        # Each document's token range twice: as its sentences, then as the whole text.
        segment_start, segment_length = np.repeat(token_start, 2), np.repeat(document_length, 2)
        total = segment_length.sum()
        gather = np.repeat(segment_start - (np.cumsum(segment_length) - segment_length), segment_length)
        lengths = np.empty(len(sentences) + len(documents), dtype=np.int64)
        whole = np.cumsum(per_document + 1) - 1
        is_whole = np.zeros(len(lengths), dtype=bool)
        is_whole[whole] = True
        lengths[whole] = document_length
        lengths[~is_whole] = np.diff(sentences.offsets)
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        return cls(sentences.types, sentences.ids[gather + np.arange(total)], offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def lengths(self) -> np.ndarray:
        """Number of tokens of every text."""
        return np.diff(self.offsets)

    def counts(self, start: int, stop: int) -> Any:
        """CSR matrix (texts ``start:stop`` x types) of token counts (duplicates not summed)."""
        from scipy import sparse

        first, last = self.offsets[start], self.offsets[stop]
        ids = self.ids[first:last]
        return sparse.csr_matrix(
            (np.ones(len(ids)), ids, self.offsets[start : stop + 1] - first), shape=(stop - start, len(self.types))
        )


@dataclass(frozen=True)
class Cue:
    """One row of the cue lexicon, already folded.

    Attributes:
        dialect: One of :data:`DIALECTS`.
        head: Letters the token must start with (the whole word for word cues).
        tail: Letters the token must end with (affix cues only).
        weight: Evidence added when the cue matches.
        kind: ``"word"``, ``"prefix"``, ``"suffix"``, ``"circumfix"`` or ``"infix"``.
    """

    dialect: str
    head: str
    tail: str
    weight: float
    kind: str

    def matches(self, token: str) -> bool:
        """Tell whether an affix cue matches a token.

        Args:
            token: A folded token.

        Returns:
            True if the token has the affix(es) around a stem of at least
            three letters (infix: the letters occur anywhere).
        """
        if self.kind == "infix":
            return self.head in token
        stem = len(token) - len(self.head) - len(self.tail)
        return stem >= _MIN_STEM and token.startswith(self.head) and token.endswith(self.tail)


def _parse_cue(dialect: str, cue: str, weight: float) -> Cue:
    """Turn a lexicon cue string into a :class:`Cue`.

    Args:
        dialect: Dialect label.
        cue: Word or ``*`` pattern (unfolded).
        weight: Cue weight.

    Returns:
        The folded cue.

    Raises:
        ValueError: If the pattern is malformed (message without location;
            the caller adds it).
    """
    parts = [fold_text(part) for part in cue.split("*")]
    if any(not _CUE_PARTS_RE.match(part) for part in parts):
        raise ValueError(f"cue {cue!r} may only contain Arabic letters and '*'")
    if len(parts) == 1:
        if not parts[0]:
            raise ValueError("empty cue")
        return Cue(dialect, parts[0], "", weight, "word")
    if len(parts) == 2:
        head, tail = parts
        if head and tail:
            return Cue(dialect, head, tail, weight, "circumfix")
        if head or tail:
            return Cue(dialect, head, tail, weight, "prefix" if head else "suffix")
    if len(parts) == 3 and not parts[0] and not parts[2] and parts[1]:
        return Cue(dialect, parts[1], "", weight, "infix")
    raise ValueError(f"cue {cue!r}: use word, X*, *X, X*Y or *X*")


@dataclass(frozen=True)
class _AffixIndex:
    """Affix cues by their first or last letters, so a token is checked only against cues it may match."""

    by_head: Mapping[str, tuple[Cue, ...]]  # prefix and circumfix cues
    by_tail: Mapping[str, tuple[Cue, ...]]  # suffix cues
    anywhere: tuple[Cue, ...]  # infix cues
    longest_head: int
    longest_tail: int

    @classmethod
    def of(cls, affixes: Iterable[Cue]) -> _AffixIndex:
        by_head: dict[str, tuple[Cue, ...]] = {}
        by_tail: dict[str, tuple[Cue, ...]] = {}
        anywhere: list[Cue] = []
        for cue in affixes:
            if cue.kind == "infix":
                anywhere.append(cue)
            elif cue.head:
                by_head[cue.head] = (*by_head.get(cue.head, ()), cue)
            else:
                by_tail[cue.tail] = (*by_tail.get(cue.tail, ()), cue)
        return cls(by_head, by_tail, tuple(anywhere), max(map(len, by_head), default=0),
                   max(map(len, by_tail), default=0))  # fmt: skip

    def candidates(self, token: str) -> list[Cue]:
        """Every affix cue that can match ``token`` (a superset: :meth:`Cue.matches` decides)."""
        found = list(self.anywhere)
        for size in range(1, min(self.longest_head, len(token)) + 1):
            found += self.by_head.get(token[:size], ())
        for size in range(1, min(self.longest_tail, len(token)) + 1):
            found += self.by_tail.get(token[-size:], ())
        return found


@dataclass(frozen=True)
class CueLexicon:
    """Validated cue lexicon.

    Attributes:
        words: Folded word -> {dialect: weight}.
        affixes: Affix cues, in file order.
    """

    words: Mapping[str, Mapping[str, float]]
    affixes: tuple[Cue, ...]
    _cache: dict[str, tuple[tuple[int, float], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )  # token -> evidence; tokens follow Zipf's law, so most lookups hit
    _affix_index: _AffixIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_affix_index", _AffixIndex.of(self.affixes))

    @classmethod
    def from_lines(cls, lines: Iterable[str], source: str = "<cues>") -> CueLexicon:
        """Parse a TSV lexicon (header ``dialect<TAB>cue<TAB>weight``, ``#`` comments).

        Args:
            lines: Lines of the file.
            source: File name used in error messages.

        Returns:
            The lexicon.

        Raises:
            ValueError: Naming ``source:line`` for a missing/wrong header, a
                wrong column count, an unknown dialect, a bad or non-positive
                weight, a malformed cue, or a duplicate (dialect, folded cue).
        """
        words: dict[str, dict[str, float]] = {}
        affixes: list[Cue] = []
        seen: dict[tuple[str, str, str, str], int] = {}
        header_seen = False
        for number, raw in enumerate(lines, start=1):
            line = raw.rstrip("\n\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            columns = line.split("\t")
            where = f"{source}:{number}"
            if not header_seen:
                if tuple(c.strip() for c in columns) != _HEADER:
                    raise ValueError(f"{where}: expected header {'<TAB>'.join(_HEADER)!r}, got {line!r}")
                header_seen = True
                continue
            if len(columns) != 3:
                raise ValueError(f"{where}: expected 3 tab-separated columns, got {len(columns)}: {line!r}")
            dialect, cue_text, weight_text = (c.strip() for c in columns)
            if dialect not in _INDEX:
                raise ValueError(f"{where}: unknown dialect {dialect!r}; expected one of {DIALECTS}")
            try:
                weight = float(weight_text)
            except ValueError:
                raise ValueError(f"{where}: weight {weight_text!r} is not a number") from None
            if not math.isfinite(weight) or weight <= 0:
                raise ValueError(f"{where}: weight {weight_text!r} must be a positive finite number")
            try:
                cue = _parse_cue(dialect, cue_text, weight)
            except ValueError as error:
                raise ValueError(f"{where}: {error}") from None
            key = (cue.dialect, cue.kind, cue.head, cue.tail)
            if key in seen:
                raise ValueError(f"{where}: duplicate cue {cue_text!r} for {dialect} (first on line {seen[key]})")
            seen[key] = number
            if cue.kind == "word":
                words.setdefault(cue.head, {})[dialect] = weight
            else:
                affixes.append(cue)
        if not header_seen:
            raise ValueError(f"{source}: no header line {'<TAB>'.join(_HEADER)!r}")
        frozen = MappingProxyType({word: MappingProxyType(entry) for word, entry in words.items()})
        return cls(words=frozen, affixes=tuple(affixes))

    @classmethod
    def from_path(cls, path: str | Path) -> CueLexicon:
        """Load a TSV lexicon from a file.

        Args:
            path: File path.

        Returns:
            The lexicon.
        """
        path = Path(path)
        return cls.from_lines(path.read_text(encoding="utf-8").splitlines(), source=str(path))

    def to_lines(self) -> list[str]:
        """Serialise as TSV lines that :meth:`from_lines` reads back to an equal lexicon.

        Cues are written folded: words sorted (then by :data:`DIALECTS`
        order), affixes in their original order.

        Returns:
            Lines without newlines, header first.
        """
        lines = ["# Dialect cue lexicon (folded), written by arabic_nlp.dialect", "\t".join(_HEADER)]
        for word in sorted(self.words):
            for dialect in sorted(self.words[word], key=_INDEX.__getitem__):
                lines.append(f"{dialect}\t{word}\t{self.words[word][dialect]!r}")
        patterns = {
            "prefix": "{head}*",
            "suffix": "*{tail}",
            "circumfix": "{head}*{tail}",
            "infix": "*{head}*",
        }
        for cue in self.affixes:
            pattern = patterns[cue.kind].format(head=cue.head, tail=cue.tail)
            lines.append(f"{cue.dialect}\t{pattern}\t{cue.weight!r}")
        return lines

    def token_evidence(self, token: str) -> tuple[tuple[int, float], ...]:
        """Evidence of one folded token as ``(dialect index, weight)`` pairs (memoised).

        A token counts through its whole-word entry (also after stripping a
        و/ف conjunction); only a token with no word entry at all is checked
        against affix cues, taking the largest matching weight per dialect.

        Args:
            token: A folded token.

        Returns:
            Pairs in :data:`DIALECTS` order (empty when nothing matches).
        """
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        entry = self.words.get(token)
        if entry is None and len(token) > 2 and token.startswith(_CONJUNCTIONS):
            entry = self.words.get(token[1:])
        best: dict[int, float] = {}
        if entry is not None:
            best = {_INDEX[dialect]: weight for dialect, weight in entry.items()}
        else:
            for cue in self._affix_index.candidates(token):  # the largest weight wins: order does not matter
                if cue.weight > best.get(_INDEX[cue.dialect], 0.0) and cue.matches(token):
                    best[_INDEX[cue.dialect]] = cue.weight
        result = tuple(sorted(best.items()))
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[token] = result
        return result

    def evidence(self, tokens: Iterable[str]) -> np.ndarray:
        """Sum cue weights per dialect over folded tokens (see :meth:`token_evidence`).

        Args:
            tokens: Folded tokens.

        Returns:
            Evidence per dialect, in :data:`DIALECTS` order.
        """
        total = [0.0] * len(DIALECTS)
        for token in tokens:
            for index, weight in self.token_evidence(token):
                total[index] += weight
        return np.array(total)

    def batch_evidence(self, batch: _TokenBatch) -> np.ndarray:
        """:meth:`evidence` of every text in a batch, shape (len(batch), 5).

        Bit-identical to :meth:`evidence` text by text: the weights are added
        one at a time in token order (``np.add.at`` is unbuffered and goes
        through its indices in order), not summed in another order, which
        would change the last bits of weights like 0.3.
        """
        evidence = [self.token_evidence(token) for token in batch.types]
        per_type = np.array([len(pairs) for pairs in evidence], dtype=np.int64)
        pairs = [pair for type_pairs in evidence for pair in type_pairs]
        dimension = np.array([index for index, _ in pairs], dtype=np.int64)
        weight = np.array([w for _, w in pairs], dtype=np.float64)
        type_start = np.cumsum(per_type) - per_type
        # Every (token occurrence, pair) in order: its text and its index into the pairs.
        per_token = per_type[batch.ids]
        token_start = np.cumsum(per_token) - per_token
        source = np.repeat(type_start[batch.ids] - token_start, per_token) + np.arange(per_token.sum())
        text = np.repeat(np.repeat(np.arange(len(batch)), np.diff(batch.offsets)), per_token)
        total = np.zeros((len(batch), len(DIALECTS)))
        np.add.at(total.reshape(-1), text * len(DIALECTS) + dimension[source], weight[source])
        return total


def _softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable softmax over the last axis.

    Args:
        logits: Scores, shape (..., n).

    Returns:
        Probabilities summing to 1 along the last axis.
    """
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable log-softmax over the last axis (rows of a matrix)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _tfidf(counts: Any, idf: np.ndarray) -> Any:
    """Sublinear TF-IDF with L2-normalised rows (scikit-learn's ``TfidfVectorizer`` maths).

    Args:
        counts: CSR matrix of raw counts (float64).
        idf: Inverse document frequency per column.

    Returns:
        A new CSR matrix.
    """
    matrix = counts.tocsr(copy=True)
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    _normalize_rows_l2(matrix)
    return matrix


def _normalize_rows_l2(matrix: Any) -> None:
    """Scale each row of a CSR matrix to unit L2 norm in place, as scikit-learn's
    ``normalize(norm="l2")`` does, bit for bit: each row's squares summed left to right from 0.0
    (its Cython loop), rows of norm 0 left alone (tests compare the two). Done here so that tagging
    does not import scikit-learn (2 s a process; the tagger is loaded in every worker of every run).
    """
    from scipy import sparse

    data, indptr = matrix.data, matrix.indptr
    # scipy's CSR matrix-vector product sums each row left to right from 0.0 (sparsetools' csr_matvec);
    # times a vector of ones, the terms are the squares unchanged
    squares = sparse.csr_matrix((data * data, matrix.indices, indptr), shape=matrix.shape)
    norms = np.sqrt(squares @ np.ones(matrix.shape[1]))
    norms[norms == 0.0] = 1.0  # such a row holds zeros only: divided by 1.0, each stays as it is
    data /= np.repeat(norms, np.diff(indptr))


def _char_wb_ngrams(token: str, low: int, high: int) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one token (``_char_wb_ngrams``, for text without spaces).

    The token is padded with a space on each side; an n-gram longer than the
    padded token is the padded token itself, counted once for all such n.
    """
    padded = f" {token} "
    grams = []
    for n in range(low, high + 1):
        if n >= len(padded):
            grams.append(padded)
            break
        grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


def _counts_sorted(columns_t: Any, texts_t: Any) -> Any:
    """(texts x n-grams) counts as CSR with sorted columns, as ``CountVectorizer`` returns them.

    Args:
        columns_t: (n-grams x tokens) counts, CSR.
        texts_t: (tokens x texts) counts, CSR.

    Returns:
        The transpose of ``columns_t @ texts_t``: converting that product to
        CSC sorts every column in one linear pass, faster than sorting the
        rows of ``texts @ columns``.
    """
    product = (columns_t @ texts_t).tocsc().T
    product.sort_indices()  # only checks: already sorted
    return product


def _round32(array: np.ndarray) -> np.ndarray:
    """float64 array holding float32-rounded values (how weights are stored)."""
    return np.ascontiguousarray(np.asarray(array, dtype=np.float32), dtype=np.float64)


def _count_vectorizer(kind: str, ngram_range: tuple[int, int], **kwargs: Any) -> Any:
    """A scikit-learn ``CountVectorizer`` for character (``char_wb``) or word n-grams of folded text."""
    from sklearn.feature_extraction.text import CountVectorizer

    if kind == "char":
        return CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False, dtype=np.float64, **kwargs)
    return CountVectorizer(
        analyzer="word", token_pattern=r"\S+", ngram_range=ngram_range, lowercase=False, dtype=np.float64, **kwargs
    )


@dataclass(frozen=True)
class _TokenColumns:
    """N-gram counts of the distinct tokens of a :class:`_TokenBatch`, transposed (n-grams x tokens, CSR).

    ``word`` is None when the model has no word features or word n-grams longer than one token.
    """

    char: Any
    word: Any


@dataclass(frozen=True, eq=False)  # holds numpy arrays: compare by identity
class _NgramModel:
    """Fitted n-gram logistic regression (read-only); see the module docstring.

    ``coef`` columns: character features, then word features, then the five
    lexicon probabilities ``softmax(E(x))`` (times ``lexicon_feature_scale``);
    rows in :data:`DIALECTS` order.
    """

    char_features: tuple[str, ...]
    word_features: tuple[str, ...]
    char_idf: np.ndarray
    word_idf: np.ndarray
    coef: np.ndarray  # (5, n_char + n_word + 5)
    intercept: np.ndarray  # (5,)
    settings: Mapping[str, Any]  # JSON-able: ranges, C, weights, seed, versions, counts
    _vocabularies: tuple[dict[str, int] | None, dict[str, int] | None] = field(init=False, repr=False)
    # token -> (char n-gram columns as C int bytes, a column repeated per occurrence; word column or -1)
    _token_cache: dict[str, tuple[bytes, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        vocabularies = tuple({f: i for i, f in enumerate(features)} if features else None
                             for features in (self.char_features, self.word_features))
        object.__setattr__(self, "_vocabularies", vocabularies)
        object.__setattr__(self, "_token_cache", {})

    @functools.cached_property
    def _vectorizers(self) -> tuple[Any, Any]:
        """scikit-learn's vectorizers over the vocabularies, for :meth:`features` and word n-grams
        longer than one: built on first use (the batch path needs only the vocabularies)."""
        char_vocabulary, word_vocabulary = self._vocabularies
        char = tuple(self.settings["char_ngram_range"])
        word = tuple(self.settings["word_ngram_range"])
        return (
            _count_vectorizer("char", char, vocabulary=char_vocabulary) if char_vocabulary else None,
            _count_vectorizer("word", word, vocabulary=word_vocabulary) if word_vocabulary else None,
        )

    @property
    def lexicon_weight(self) -> float:
        return float(self.settings["lexicon_weight"])

    def features(self, folded: Sequence[str], lexicon_logits: np.ndarray) -> Any:
        """Feature matrix (CSR) for folded texts (tokens joined by spaces).

        Args:
            folded: Folded texts.
            lexicon_logits: Lexicon logits, shape (len(folded), 5).

        Returns:
            CSR matrix, shape (len(folded), n_features).
        """
        from scipy import sparse

        blocks = []
        for vectorizer, idf in zip(self._vectorizers, (self.char_idf, self.word_idf)):
            if vectorizer is not None:
                blocks.append(_tfidf(vectorizer.transform(folded), idf))
        scale = float(self.settings["lexicon_feature_scale"])
        blocks.append(sparse.csr_matrix(scale * _softmax(lexicon_logits)))
        return sparse.hstack(blocks, format="csr")

    def log_proba(self, folded: Sequence[str], lexicon_logits: np.ndarray) -> np.ndarray:
        """Log-probabilities of the regression alone, shape (n, 5)."""
        return self._log_proba_of(self.features(folded, lexicon_logits))

    def _log_proba_of(self, features: Any) -> np.ndarray:
        logits = np.asarray(features @ self.coef.T) + self.intercept
        return _log_softmax(logits)

    def batch_log_proba(
        self, batch: _TokenBatch, columns: _TokenColumns, start: int, stop: int, lexicon_logits: np.ndarray
    ) -> np.ndarray:
        """:meth:`log_proba` of texts ``start:stop`` of a token batch (bit-identical, much faster)."""
        return self._log_proba_of(self.batch_features(batch, columns, start, stop, lexicon_logits))

    def token_columns(self, batch: _TokenBatch) -> _TokenColumns:
        """The n-gram counts of every distinct token of a batch (from the per-token cache)."""
        from scipy import sparse

        records = [self._token_record(token) for token in batch.types]
        char = word = None
        if self._vocabularies[0] is not None:
            columns = np.frombuffer(b"".join([r[0] for r in records]), dtype=np.intc)
            indptr = np.zeros(len(records) + 1, dtype=np.int64)
            np.cumsum([len(r[0]) for r in records], out=indptr[1:])
            indptr //= columns.itemsize
            char = sparse.csr_matrix(
                (np.ones(len(columns)), columns, indptr), shape=(len(records), len(self.char_features))
            ).T.tocsr()
        if self._vocabularies[1] is not None and tuple(self.settings["word_ngram_range"]) == (1, 1):
            column = np.array([r[1] for r in records], dtype=np.int64)
            known = np.flatnonzero(column >= 0)
            word = sparse.csr_matrix(
                (np.ones(len(known)), (column[known], known)), shape=(len(self.word_features), len(records))
            )
        return _TokenColumns(char, word)

    def batch_features(
        self, batch: _TokenBatch, columns: _TokenColumns, start: int, stop: int, lexicon_logits: np.ndarray
    ) -> Any:
        """:meth:`features` of texts ``start:stop`` of a token batch, without scikit-learn's analyzers.

        A text's n-gram counts are the sums of its tokens' (``char_wb``
        n-grams never cross a space, and word unigrams are the tokens), so
        they are (text x token counts) @ (token x n-gram counts), the
        second computed once per distinct token and cached. Counts are
        small integers, exact in float64 whatever the order of the sums, and
        the matrix is laid out as ``CountVectorizer.transform`` lays out its
        own (CSR, sorted columns), so the TF-IDF, normalisation and product
        that follow are the same computation on the same arrays.
        """
        from scipy import sparse

        texts_t = batch.counts(start, stop).T.tocsr()
        blocks = []
        if columns.char is not None:
            blocks.append(_tfidf(_counts_sorted(columns.char, texts_t), self.char_idf))
        if self._vocabularies[1] is not None:
            if columns.word is not None:
                counts = _counts_sorted(columns.word, texts_t)
            else:  # word n-grams cross tokens: scikit-learn's analyzer on the joined text
                counts = self._vectorizers[1].transform(
                    [" ".join(batch.types[i] for i in batch.ids[batch.offsets[t] : batch.offsets[t + 1]])
                     for t in range(start, stop)]
                )  # fmt: skip
            blocks.append(_tfidf(counts, self.word_idf))
        scale = float(self.settings["lexicon_feature_scale"])
        blocks.append(sparse.csr_matrix(scale * _softmax(lexicon_logits)))
        return sparse.hstack(blocks, format="csr")

    def _token_record(self, token: str) -> tuple[bytes, int]:
        """A token's char n-gram columns (as C int bytes, repeated per occurrence) and word column (-1: none)."""
        record = self._token_cache.get(token)
        if record is None:
            columns = b""
            if self._vocabularies[0] is not None:
                low, high = self.settings["char_ngram_range"]
                found = map(self._vocabularies[0].get, _char_wb_ngrams(token, low, high))
                columns = array("i", [column for column in found if column is not None]).tobytes()
            word = -1
            if self._vocabularies[1] is not None:
                word = self._vocabularies[1].get(token, -1)
            record = (columns, word)
            if len(self._token_cache) >= _TOKEN_CACHE_SIZE:
                self._token_cache.clear()
            self._token_cache[token] = record
        return record


def _fit_ngram(
    folded: Sequence[str],
    lexicon_logits: np.ndarray,
    labels: Sequence[str],
    *,
    seed: int,
    C: float,
    char_ngram_range: tuple[int, int],
    word_ngram_range: tuple[int, int],
    lexicon_feature_scale: float,
    lexicon_weight: float,
) -> _NgramModel:
    """Fit the n-gram model (see :meth:`DialectTagger.train`)."""
    import sklearn
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    min_df = _MIN_DF if len(folded) >= _SMALL_CORPUS else _MIN_DF_SMALL
    vocabularies, idfs = [], []
    for kind, ngram_range in (("char", char_ngram_range), ("word", word_ngram_range)):
        vectorizer = _count_vectorizer(kind, ngram_range, min_df=min_df)
        try:
            counts = vectorizer.fit_transform(folded).tocsc()
        except ValueError:  # no feature left (e.g. no Arabic text at all)
            vocabularies.append(())
            idfs.append(np.zeros(0))
            continue
        vocabularies.append(tuple(str(f) for f in vectorizer.get_feature_names_out()))
        document_frequency = np.diff(counts.indptr).astype(np.float64)
        idfs.append(np.log((1.0 + len(folded)) / (1.0 + document_frequency)) + 1.0)
    settings = {
        "C": C,
        "char_ngram_range": list(char_ngram_range),
        "class_weight": "balanced",
        "lexicon_feature_scale": lexicon_feature_scale,
        "lexicon_features": "softmax(lexicon_logits)",
        "lexicon_weight": lexicon_weight,
        "min_df": min_df,
        "numpy_version": np.__version__,
        "seed": seed,
        "sklearn_version": sklearn.__version__,
        "solver": "lbfgs",
        "training_examples": {d: int(n) for d, n in sorted(Counter(labels).items(), key=lambda kv: _INDEX[kv[0]])},
        "word_ngram_range": list(word_ngram_range),
    }
    n_features = len(vocabularies[0]) + len(vocabularies[1]) + len(DIALECTS)
    blank = _NgramModel(
        vocabularies[0], vocabularies[1], idfs[0], idfs[1], np.zeros((len(DIALECTS), n_features)),
        np.zeros(len(DIALECTS)), settings,
    )  # fmt: skip
    matrix = blank.features(folded, lexicon_logits)  # exactly the prediction-time features
    classifier = LogisticRegression(C=C, class_weight="balanced", solver="lbfgs", max_iter=2000, random_state=seed)
    # One BLAS thread: multi-threaded reductions change the last bits with the thread count;
    # rounding to float32 (far finer than lbfgs's tolerance) absorbs what is left, so the
    # saved weights are byte-identical run after run.
    with threadpool_limits(limits=1):
        classifier.fit(matrix, list(labels))
    order = [list(classifier.classes_).index(d) for d in DIALECTS]
    coef = _round32(classifier.coef_[order])
    intercept = _round32(classifier.intercept_[order])
    return _NgramModel(
        vocabularies[0], vocabularies[1], idfs[0], idfs[1], coef, intercept, MappingProxyType(settings)
    )


# --- camel-tools --------------------------------------------------------------------


def _camel_data_dir() -> Path:
    """Where camel-tools looks for its data (same rule as ``camel_tools.data.catalogue``)."""
    configured = os.environ.get("CAMELTOOLS_DATA")
    if configured:
        return Path(configured).expanduser().absolute()
    return Path.home() / ("AppData/Roaming/camel_tools" if sys.platform == "win32" else ".camel_tools")


def _check_camel_data(model: str) -> None:
    """Raise :class:`CamelDataMissingError` unless camel-tools and its dialect-id data are installed.

    Checked without importing ``camel_tools.data``: that import downloads the
    catalogue when it is missing, which must not happen here.
    """
    try:
        import camel_tools  # noqa: F401  (the package itself is light and offline)
    except ImportError as error:
        raise CamelDataMissingError(f"camel-tools is not installed ({error}); {_CAMEL_INSTALL_HINT}") from None
    root = _camel_data_dir()
    catalogue = root / "catalogue.json"
    if not catalogue.is_file():
        raise CamelDataMissingError(f"camel-tools data not found: {catalogue} is missing; {_CAMEL_INSTALL_HINT}")
    dataset = "model26" if _CAMEL_MODELS[model] == "DIDModel26" else "model6"
    try:
        entry = json.loads(catalogue.read_text(encoding="utf-8"))["components"]["DialectID"]["datasets"][dataset]
        relative = entry["path"]
    except (OSError, ValueError, KeyError, TypeError):
        relative = f"dialectid/{dataset}"
    data_dir = root / "data" / relative
    if not data_dir.is_dir() or not any(data_dir.glob("did_pretrained_*.dill")):
        raise CamelDataMissingError(
            f"camel-tools dialect-identification data not found in {data_dir}; {_CAMEL_INSTALL_HINT}"
        )


class _CamelBackend:
    """camel-tools' pretrained dialect identifier, scores summed into the five groups."""

    def __init__(self, model_name: str) -> None:
        if model_name not in _CAMEL_MODELS:
            raise ValueError(f"unknown camel-tools dialect-id model {model_name!r}; expected one of {sorted(_CAMEL_MODELS)}")
        _check_camel_data(model_name)
        try:  # imported here, never at module import: it loads the catalogue
            import camel_tools.dialectid as dialectid

            self._model = getattr(dialectid, _CAMEL_MODELS[model_name]).pretrained()
        except CamelDataMissingError:
            raise
        except Exception as error:  # noqa: BLE001  (kenlm missing, no model for this Python, ...)
            raise CamelDataMissingError(
                f"camel-tools dialect identification could not be loaded ({type(error).__name__}: {error}); "
                f"{_CAMEL_INSTALL_HINT}"
            ) from error
        self.model_name = model_name

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Five-group probabilities, shape (len(texts), 5)."""
        out = np.zeros((len(texts), len(DIALECTS)))
        if not texts:
            return out
        for row, prediction in zip(out, self._model.predict(list(texts))):
            for label, probability in prediction.scores.items():
                if label not in CAMEL_LABEL_TO_DIALECT:
                    raise ValueError(f"camel-tools returned label {label!r}, which has no dialect group here")
                row[_INDEX[CAMEL_LABEL_TO_DIALECT[label]]] += float(probability)
            total = row.sum()
            if total > 0:
                row /= total
            else:
                row[_MSA] = 1.0
        return out


# --- saving and loading -----------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def _npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    """An ``.npz`` archive with fixed timestamps (``np.savez`` stamps the current time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def _read_checked(path: Path, digest: str | None) -> bytes:
    """File contents, checked against the manifest's sha256."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DialectModelError(f"{path}: cannot read ({error.strerror or error})") from None
    if digest is not None and _sha256(data) != digest:
        raise DialectModelError(f"{path}: contents do not match the sha256 recorded in {MANIFEST_FILE} (file changed?)")
    return data


def _load_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST_FILE
    if not directory.is_dir():
        raise DialectModelError(f"{directory}: not a directory (expected a saved dialect tagger)")
    if not path.is_file():
        raise DialectModelError(f"{path}: missing (is {directory} a saved dialect tagger?)")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise DialectModelError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise DialectModelError(f"{path}: format {found!r} is not {_FORMAT!r}")
    if manifest.get("kind") not in ("lexicon", "ngram", "camel"):
        raise DialectModelError(f"{path}: unknown tagger kind {manifest.get('kind')!r}")
    if manifest.get("dialects") != list(DIALECTS):
        raise DialectModelError(f"{path}: dialects {manifest.get('dialects')!r} are not {list(DIALECTS)}")
    return manifest


def _manifest_field(manifest: Mapping[str, Any], path: Path, *keys: str) -> Any:
    value: Any = manifest
    for key in keys:
        if not isinstance(value, Mapping) or key not in value:
            raise DialectModelError(f"{path}: missing field {'.'.join(keys)!r}")
        value = value[key]
    return value


def _load_ngram(directory: Path, manifest: Mapping[str, Any]) -> _NgramModel:
    manifest_path = directory / MANIFEST_FILE
    section = _manifest_field(manifest, manifest_path, "ngram")
    settings = _manifest_field(manifest, manifest_path, "ngram", "settings")
    for key in ("char_ngram_range", "word_ngram_range"):
        value = _manifest_field(manifest, manifest_path, "ngram", "settings", key)
        if not (
            isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)
            and 1 <= value[0] <= value[1]
        ):  # fmt: skip
            raise DialectModelError(f"{manifest_path}: ngram.settings.{key} must be [low, high], got {value!r}")
    for key in ("lexicon_feature_scale", "lexicon_weight"):
        value = _manifest_field(manifest, manifest_path, "ngram", "settings", key)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
            raise DialectModelError(f"{manifest_path}: ngram.settings.{key} must be a number >= 0, got {value!r}")
    vocabulary_path = directory / VOCABULARY_FILE
    weights_path = directory / WEIGHTS_FILE
    vocabulary_bytes = _read_checked(vocabulary_path, _manifest_field(section, manifest_path, "vocabulary_sha256"))
    weights_bytes = _read_checked(weights_path, _manifest_field(section, manifest_path, "weights_sha256"))
    try:
        vocabulary = json.loads(vocabulary_bytes.decode("utf-8"))
        char_features = tuple(vocabulary["char"])
        word_features = tuple(vocabulary["word"])
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise DialectModelError(f"{vocabulary_path}: expected JSON {{'char': [...], 'word': [...]}} ({error})") from None
    for name, features in (("char", char_features), ("word", word_features)):
        if not all(isinstance(f, str) for f in features) or len(set(features)) != len(features):
            raise DialectModelError(f"{vocabulary_path}: {name!r} must be a list of distinct strings")
    try:
        with np.load(io.BytesIO(weights_bytes), allow_pickle=False) as archive:
            absent = [name for name in _ARRAYS if name not in archive.files]
            if absent:
                raise DialectModelError(f"{weights_path}: missing array {absent[0]!r}")
            arrays = {name: np.array(archive[name], dtype=np.float64) for name in _ARRAYS}
    except DialectModelError:
        raise
    except (OSError, ValueError, TypeError, zipfile.BadZipFile) as error:
        raise DialectModelError(f"{weights_path}: not a readable .npz archive of plain arrays ({error})") from None
    n_char, n_word = len(char_features), len(word_features)
    expected = {
        "coef": (len(DIALECTS), n_char + n_word + len(DIALECTS)),
        "intercept": (len(DIALECTS),),
        "char_idf": (n_char,),
        "word_idf": (n_word,),
    }
    for name, shape in expected.items():
        if arrays[name].shape != shape:
            raise DialectModelError(
                f"{weights_path}: array {name!r} has shape {arrays[name].shape}, expected {shape} "
                f"(from {vocabulary_path.name})"
            )
        if not np.all(np.isfinite(arrays[name])):
            raise DialectModelError(f"{weights_path}: array {name!r} holds non-finite values")
    return _NgramModel(
        char_features, word_features, arrays["char_idf"], arrays["word_idf"], arrays["coef"], arrays["intercept"],
        MappingProxyType(dict(settings)),
    )  # fmt: skip


# --- the tagger ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DialectTagger:
    """Five-way dialect tagger (see the module docstring).

    Attributes:
        lexicon: Cue lexicon.
        msa_prior: Constant lexicon evidence for MSA.
        model: Fitted n-gram model, or None (lexicon-only or camel-tools).
        camel_backend: camel-tools back-end, or None.
    """

    lexicon: CueLexicon
    msa_prior: float = 1.0
    model: _NgramModel | None = field(default=None, repr=False)
    camel_backend: _CamelBackend | None = field(default=None, repr=False)

    @property
    def kind(self) -> str:
        """``"lexicon"``, ``"ngram"`` or ``"camel"``."""
        if self.camel_backend is not None:
            return "camel"
        return "lexicon" if self.model is None else "ngram"

    @classmethod
    def default(cls) -> DialectTagger:
        """Lexicon-only tagger with the shipped lexicon (``arabic_nlp/data/dialect_cues.tsv``).

        Returns:
            A tagger that needs no training data.
        """
        return cls(CueLexicon.from_path(DATA_DIR / "dialect_cues.tsv"))

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        seed: int = 0,
        lexicon: CueLexicon | None = None,
        C: float = _C,
        char_ngram_range: tuple[int, int] = _CHAR_NGRAMS,
        word_ngram_range: tuple[int, int] = _WORD_NGRAMS,
        lexicon_feature_scale: float = _LEXICON_FEATURE_SCALE,
        lexicon_weight: float = _LEXICON_WEIGHT,
    ) -> DialectTagger:
        """Fit the lexicon + n-gram tagger on labelled texts.

        Deterministic: the same texts, labels, settings and seed give the same
        predictions and byte-identical :meth:`save` output (lbfgs has no
        randomness; ``seed`` is passed to scikit-learn and recorded).

        Args:
            texts: Training texts (raw; folded here).
            labels: One of :data:`DIALECTS` per text; every dialect needs at
                least one example.
            seed: Random seed (recorded in the saved tagger).
            lexicon: Cue lexicon (default: the shipped one).
            C: Inverse L2 regularisation strength, > 0.
            char_ngram_range: Character n-gram sizes (inside word boundaries).
            word_ngram_range: Word n-gram sizes.
            lexicon_feature_scale: Multiplier of the lexicon probabilities
                used as features (0 disables them as features).
            lexicon_weight: Weight of the lexicon expert in the final scores,
                >= 0 (0: the regression alone).

        Returns:
            A new, trained tagger.

        Raises:
            ValueError: On length mismatch, a bad setting, an unknown label, or
                a dialect without examples.
        """
        if len(texts) != len(labels):
            raise ValueError(f"train: {len(texts)} texts but {len(labels)} labels")
        if not C > 0:
            raise ValueError(f"train: C must be > 0, got {C}")
        if not (math.isfinite(lexicon_weight) and lexicon_weight >= 0):
            raise ValueError(f"train: lexicon_weight must be >= 0, got {lexicon_weight}")
        if not (math.isfinite(lexicon_feature_scale) and lexicon_feature_scale >= 0):
            raise ValueError(f"train: lexicon_feature_scale must be >= 0, got {lexicon_feature_scale}")
        for name, (low, high) in (("char_ngram_range", char_ngram_range), ("word_ngram_range", word_ngram_range)):
            if not 1 <= low <= high:
                raise ValueError(f"train: {name} must be (low, high) with 1 <= low <= high, got {(low, high)}")
        unknown = sorted(set(labels) - _INDEX.keys())
        if unknown:
            raise ValueError(f"train: unknown labels {unknown}; expected {DIALECTS}")
        present = set(labels)
        missing = [d for d in DIALECTS if d not in present]
        if missing:
            raise ValueError(f"train: no examples for {missing}")
        tagger = cls(lexicon or cls.default().lexicon)
        tokens = [tokenize(text) for text in texts]
        model = _fit_ngram(
            [" ".join(t) for t in tokens],
            tagger._lexicon_logits(tokens),
            labels,
            seed=int(seed),
            C=float(C),
            char_ngram_range=(int(char_ngram_range[0]), int(char_ngram_range[1])),
            word_ngram_range=(int(word_ngram_range[0]), int(word_ngram_range[1])),
            lexicon_feature_scale=float(lexicon_feature_scale),
            lexicon_weight=float(lexicon_weight),
        )
        return cls(tagger.lexicon, tagger.msa_prior, model=model)

    @classmethod
    def camel(cls, model_name: str = "default") -> DialectTagger:
        """camel-tools' dialect identification, mapped to the five groups.

        camel-tools is imported here, lazily: importing its ``dialectid`` module
        reads (and, when missing, downloads) its data catalogue.

        Args:
            model_name: ``"default"`` / ``"model26"`` (25 cities + MSA) or
                ``"model6"`` (5 cities + MSA).

        Returns:
            A tagger backed by camel-tools (its lexicon is the shipped one,
            used by :func:`tag_document` only for sentences without Arabic
            letters).

        Raises:
            CamelDataMissingError: If camel-tools, kenlm or the data is not
                installed (the message says how to install them).
            ValueError: On an unknown model name.
        """
        return cls(cls.default().lexicon, camel_backend=_CamelBackend(model_name))

    # --- scoring ------------------------------------------------------------------

    def _lexicon_logits(self, token_lists: Sequence[Sequence[str]]) -> np.ndarray:
        """Lexicon logits ``E(x)`` (cue evidence + MSA prior), shape (n, 5)."""
        return self._batch_lexicon_logits(_TokenBatch.of(token_lists))

    def _batch_lexicon_logits(self, batch: _TokenBatch) -> np.ndarray:
        logits = self.lexicon.batch_evidence(batch)
        logits[:, _MSA] += self.msa_prior
        return logits

    def _probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (len(texts), 5), in :data:`DIALECTS` order."""
        texts = list(texts)
        return self._batch_probabilities(_TokenBatch.of([tokenize(text) for text in texts]), texts)

    def _batch_probabilities(self, batch: _TokenBatch, texts: Sequence[str] | None) -> np.ndarray:
        """:meth:`_probabilities` of a token batch (``texts``: the raw texts, read by camel-tools only)."""
        lexicon_logits = self._batch_lexicon_logits(batch)
        if self.camel_backend is not None:
            out = _softmax(lexicon_logits)
            arabic = np.flatnonzero(batch.lengths()).tolist()
            if arabic:
                out[arabic] = self.camel_backend.probabilities([texts[i] for i in arabic])
            return out
        if self.model is None:
            return _softmax(lexicon_logits)
        out = np.empty((len(batch), len(DIALECTS)))
        # Chunks of _BATCH texts as before: every array below is then the one the
        # scikit-learn path computed, so vectorised maths cannot round differently.
        columns = self.model.token_columns(batch)
        for start in range(0, len(batch), _BATCH):
            stop = min(start + _BATCH, len(batch))
            log_p = self.model.batch_log_proba(batch, columns, start, stop, lexicon_logits[start:stop])
            out[start:stop] = _softmax(log_p + self.model.lexicon_weight * lexicon_logits[start:stop])
        return out

    def logits(self, text: str) -> np.ndarray:
        """Log-scores per dialect (softmax gives :attr:`DialectPrediction.scores`).

        Args:
            text: Raw text.

        Returns:
            Scores in :data:`DIALECTS` order (normalised log-probabilities for
            the n-gram and camel-tools taggers, lexicon logits otherwise).
        """
        if self.model is None and self.camel_backend is None:
            return self._lexicon_logits([tokenize(text)])[0]
        with np.errstate(divide="ignore"):
            return np.log(self._probabilities([text])[0])

    def predict(self, text: str) -> DialectPrediction:
        """Tag one text.

        Args:
            text: Raw text (cleaning first helps but is not required).

        Returns:
            The most probable dialect (ties -> earliest in :data:`DIALECTS`)
            and the probabilities of all five.
        """
        return self.predict_batch([text])[0]

    def predict_batch(self, texts: Iterable[str]) -> list[DialectPrediction]:
        """Tag many texts at once (vectorised; same results as :meth:`predict` one by one).

        Args:
            texts: Raw texts.

        Returns:
            One prediction per text, in order.
        """
        return _predictions(self._probabilities(list(texts)))

    # --- persistence ----------------------------------------------------------------

    def save(self, directory: str | Path) -> None:
        """Write the tagger to a directory (created if needed).

        Files: ``tagger.json`` (manifest: kind, settings, versions and the
        sha256 of every other file), ``lexicon.tsv`` (the lexicon, folded), and
        for the n-gram tagger ``ngram_vocabulary.json`` (feature strings in
        column order) and ``ngram_weights.npz`` (idf vectors as float64,
        coefficients and intercepts as float32, which is the precision they
        are trained to; plain arrays, no pickle, fixed zip timestamps).
        The same tagger always gives byte-identical files.

        Args:
            directory: Target directory.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        lexicon_bytes = ("\n".join(self.lexicon.to_lines()) + "\n").encode("utf-8")
        manifest: dict[str, Any] = {
            "format": _FORMAT,
            "kind": self.kind,
            "dialects": list(DIALECTS),
            "msa_prior": self.msa_prior,
            "lexicon": {"file": LEXICON_FILE, "sha256": _sha256(lexicon_bytes)},
        }
        files = {LEXICON_FILE: lexicon_bytes}
        if self.model is not None:
            vocabulary_bytes = _json_bytes({"char": list(self.model.char_features), "word": list(self.model.word_features)})
            weights_bytes = _npz_bytes(
                {
                    "coef": self.model.coef.astype(np.float32),
                    "intercept": self.model.intercept.astype(np.float32),
                    "char_idf": self.model.char_idf,
                    "word_idf": self.model.word_idf,
                }
            )
            manifest["ngram"] = {
                "combination": "softmax(log p_ngram + lexicon_weight * lexicon_logits)",
                "settings": dict(self.model.settings),
                "vocabulary_file": VOCABULARY_FILE,
                "vocabulary_sha256": _sha256(vocabulary_bytes),
                "weights_file": WEIGHTS_FILE,
                "weights_sha256": _sha256(weights_bytes),
            }
            files[VOCABULARY_FILE] = vocabulary_bytes
            files[WEIGHTS_FILE] = weights_bytes
        if self.camel_backend is not None:
            manifest["camel"] = {"model_name": self.camel_backend.model_name}
        files[MANIFEST_FILE] = _json_bytes(manifest)
        for name in (VOCABULARY_FILE, WEIGHTS_FILE):
            if name not in files and (directory / name).exists():
                (directory / name).unlink()  # stale n-gram files from an earlier save
        for name, data in files.items():
            (directory / name).write_bytes(data)

    @classmethod
    def load(cls, directory: str | Path) -> DialectTagger:
        """Read a tagger written by :meth:`save`.

        Args:
            directory: Directory written by :meth:`save`.

        Returns:
            The tagger (predictions identical to the saved one's).

        Raises:
            DialectModelError: If the directory or one of its files is missing,
                unreadable, inconsistent with ``tagger.json`` or malformed (the
                message names the file).
            CamelDataMissingError: For a camel-tools tagger whose data is not
                installed here.
        """
        directory = Path(directory)
        manifest = _load_manifest(directory)
        manifest_path = directory / MANIFEST_FILE
        lexicon_name = _manifest_field(manifest, manifest_path, "lexicon", "file")
        if lexicon_name != LEXICON_FILE:
            raise DialectModelError(f"{manifest_path}: lexicon file must be {LEXICON_FILE!r}, got {lexicon_name!r}")
        lexicon_path = directory / LEXICON_FILE
        lexicon_bytes = _read_checked(lexicon_path, _manifest_field(manifest, manifest_path, "lexicon", "sha256"))
        try:
            lexicon = CueLexicon.from_lines(lexicon_bytes.decode("utf-8").splitlines(), source=str(lexicon_path))
        except UnicodeDecodeError as error:
            raise DialectModelError(f"{lexicon_path}: not UTF-8 ({error})") from None
        except ValueError as error:  # message already names the file and line
            raise DialectModelError(str(error)) from None
        msa_prior = _manifest_field(manifest, manifest_path, "msa_prior")
        if not isinstance(msa_prior, (int, float)) or not math.isfinite(msa_prior):
            raise DialectModelError(f"{manifest_path}: msa_prior must be a number, got {msa_prior!r}")
        kind = manifest["kind"]
        if kind == "camel":
            model_name = _manifest_field(manifest, manifest_path, "camel", "model_name")
            return cls(lexicon, float(msa_prior), camel_backend=_CamelBackend(model_name))
        model = _load_ngram(directory, manifest) if kind == "ngram" else None
        return cls(lexicon, float(msa_prior), model=model)


def _predictions(probabilities: np.ndarray) -> list[DialectPrediction]:
    """One prediction per row of probabilities."""
    rows = _PredictionRows(probabilities)
    return [rows.prediction(row) for row in range(len(probabilities))]


class _PredictionRows:
    """Predictions made on demand from rows of probabilities (Python floats, read out once)."""

    def __init__(self, probabilities: np.ndarray) -> None:
        # np.argmax returns the first maximum, i.e. the DIALECTS order breaks ties.
        self._labels = np.argmax(probabilities, axis=1).tolist()
        self._flat = probabilities.ravel().tolist()  # one list, not one per row: less for the GC to track

    def prediction(self, row: int) -> DialectPrediction:
        n = len(DIALECTS)
        return DialectPrediction(DIALECTS[self._labels[row]], dict(zip(DIALECTS, self._flat[row * n : row * n + n])))


# --- documents ----------------------------------------------------------------------


def tag_document(tagger: DialectTagger, sentences: Sequence[str]) -> tuple[DialectPrediction, list[DialectPrediction]]:
    """Tag a document sentence by sentence, and the document as a whole.

    Rule: every sentence is tagged on its own. The document's scores are the
    average of two views: (1) the scores of the whole text (all sentences
    joined), which pool the evidence of every sentence, so one dialect
    sentence among neutral ones still counts and MSA wins only when the
    dialect evidence is weaker than the MSA evidence overall; (2) the mean of
    the sentence scores weighted by each sentence's number of Arabic tokens
    (sentences without Arabic letters weigh nothing), so a long run of
    clearly-MSA (or clearly-dialect) sentences is not outvoted by one short
    outlier. The label is the highest score (ties -> :data:`DIALECTS`
    order) and the confidence that score. A document without Arabic tokens
    gets the whole-text view only (MSA by the prior for the lexicon tagger).

    On the embedded sample corpora (doc-level labels), this rule matched the
    labels as well as or better than either view alone for lexicon-only,
    tweet-trained and document-trained taggers; a tagger trained on whole
    documents is not calibrated for single sentences, so the whole-text view
    keeps its document labels reliable.

    Args:
        tagger: Any tagger.
        sentences: The document's sentences (e.g. from
            :func:`arabic_nlp.segment.split_sentences`).

    Returns:
        (document prediction, one prediction per sentence in order).
    """
    return tag_documents(tagger, [sentences])[0]


def tag_documents(
    tagger: DialectTagger, documents: Iterable[Sequence[str]]
) -> list[tuple[DialectPrediction, list[DialectPrediction]]]:
    """:func:`tag_document` for many documents with one batched prediction (much faster per document).

    Args:
        tagger: Any tagger.
        documents: Each document's sentences.

    Returns:
        One (document prediction, sentence predictions) pair per document, in order.
    """
    documents = [list(sentences) for sentences in documents]
    # Rows as the texts [*sentences, " ".join(sentences)] of every document, each
    # sentence folded once: the whole text's tokens are its sentences' tokens one
    # after the other (a space never joins, splits or changes a token when folding).
    batch = _TokenBatch.of_documents([_sentence_tokens(sentences) for sentences in documents])
    texts = None
    if tagger.camel_backend is not None:
        texts = [text for sentences in documents for text in (*sentences, " ".join(sentences))]
    probabilities = tagger._batch_probabilities(batch, texts)
    rows = _PredictionRows(probabilities)
    lengths = batch.lengths().tolist()
    results = []
    start = 0
    for sentences in documents:
        stop = start + len(sentences)
        per_sentence = [rows.prediction(row) for row in range(start, stop)]
        weights = np.array(lengths[start:stop], dtype=np.float64)
        if weights.sum() == 0:
            results.append((rows.prediction(stop), per_sentence))
            start = stop + 1
            continue
        # The same numpy calls on the same values as ever (rows copied, as they once
        # were built from the predictions): a vectorised form could round differently.
        sentence_scores = probabilities[start:stop].copy()
        mean = weights @ sentence_scores / weights.sum()
        scores = 0.5 * (probabilities[stop] + mean)
        start = stop + 1
        label = DIALECTS[int(np.argmax(scores))]
        results.append((DialectPrediction(label, dict(zip(DIALECTS, scores.tolist()))), per_sentence))
    return results


def read_labelled_tsv(path: Path) -> tuple[list[str], list[str]]:
    """Read ``text<TAB>label`` training data (labels MSA EGY GLF LEV MGR).

    Blank lines are skipped; a first line ``text<TAB>label`` is taken as a header. The label
    is the last tab-separated column, so the text itself may hold tabs.

    Args:
        path: The TSV file (UTF-8).

    Returns:
        Texts and labels, in file order.

    Raises:
        DialectDataError: Naming ``file:line`` for a line without a tab, an empty text or an
            unknown label, or the file when it cannot be read or holds no examples.
    """
    texts: list[str] = []
    labels: list[str] = []
    try:
        with open(path, encoding="utf-8") as f:
            for number, raw in enumerate(f, start=1):
                line = raw.rstrip("\r\n")
                if not line.strip():
                    continue
                text, tab, label = line.rpartition("\t")
                where = f"{path}:{number}"
                if not tab:
                    raise DialectDataError(f"{where}: expected text<TAB>label, found no tab")
                label = label.strip()
                if number == 1 and (text.strip(), label) == ("text", "label"):
                    continue
                if not text.strip():
                    raise DialectDataError(f"{where}: empty text")
                if label not in DIALECTS:
                    raise DialectDataError(f"{where}: label {label!r} is not one of {', '.join(DIALECTS)}")
                texts.append(text)
                labels.append(label)
    except OSError as exc:
        raise DialectDataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise DialectDataError(f"{path}: not UTF-8 text: {exc}") from None
    if not texts:
        raise DialectDataError(f"{path}: no labelled examples")
    return texts, labels
