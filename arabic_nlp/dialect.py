"""Coarse Arabic dialect identification: MSA, Egyptian, Gulf, Levantine, Maghrebi.

Two models, one interface (:class:`DialectTagger`):

* :meth:`DialectTagger.default` needs no training data. It adds up weighted
  cues (words and affixes, ``data/dialect_cues.tsv``) found among the folded
  tokens of the text, gives MSA a constant prior (``msa_prior``) so text with
  no dialect evidence is MSA, and turns the evidence into probabilities with a
  softmax. Cues and prior are on the same scale: a single unambiguous cue
  (weight 3) outweighs the prior, a weak one (0.5) does not.
* :meth:`DialectTagger.train` fits a multinomial Naive Bayes model over
  character n-grams (2-5, inside word boundaries) and words of the folded
  text, in pure Python + numpy, deterministic; the cue evidence is added to
  its log-posterior so cues still count for n-grams the training data lacks.

Folding (shared by cues and text): Unicode NFKC (presentation forms), Persian
letter variants, alef variants -> ا, ى -> ي, ة -> ه, no diacritics or
tatweel, letters repeated 3+ times collapsed to one (كتيييير -> كتير).

Ties are broken by the order of :data:`DIALECTS` (MSA first).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np

from arabic_nlp._data import DATA_DIR
from arabic_nlp.charsets import ARABIC_LETTERS, char_class
from arabic_nlp.diacritics import strip_diacritics
from arabic_nlp.normalize import normalize_text

__all__ = [
    "DIALECTS",
    "Cue",
    "CueLexicon",
    "DialectPrediction",
    "DialectTagger",
    "fold_text",
    "tokenize",
]

DIALECTS: tuple[str, ...] = ("MSA", "EGY", "GLF", "LEV", "MGR")
_INDEX = {label: i for i, label in enumerate(DIALECTS)}

_TOKEN_RE = re.compile(f"[{char_class(ARABIC_LETTERS)}]+")
_ELONGATION_RE = re.compile(r"(.)\1{2,}")
_CUE_PARTS_RE = re.compile(f"^[{char_class(ARABIC_LETTERS)}]*$")
_CONJUNCTIONS = ("و", "ف")  # proclitics stripped before a second whole-word lookup
_MIN_STEM = 3  # letters a "*" in an affix cue must cover
_HEADER = ("dialect", "cue", "weight")


@dataclass(frozen=True)
class DialectPrediction:
    """Result of :meth:`DialectTagger.predict`.

    Attributes:
        label: One of :data:`DIALECTS`.
        scores: Probability per dialect (all five keys, summing to 1).
    """

    label: str
    scores: dict[str, float]


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
class CueLexicon:
    """Validated cue lexicon.

    Attributes:
        words: Folded word -> {dialect: weight}.
        affixes: Affix cues, in file order.
    """

    words: Mapping[str, Mapping[str, float]]
    affixes: tuple[Cue, ...]

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

    def evidence(self, tokens: Iterable[str]) -> np.ndarray:
        """Sum cue weights per dialect over folded tokens.

        A token counts through its whole-word entry (also after stripping a
        و/ف conjunction); only a token with no word entry at all is checked
        against affix cues, taking the largest matching weight per dialect.

        Args:
            tokens: Folded tokens.

        Returns:
            Evidence per dialect, in :data:`DIALECTS` order.
        """
        total = np.zeros(len(DIALECTS))
        for token in tokens:
            entry = self.words.get(token)
            if entry is None and len(token) > 2 and token.startswith(_CONJUNCTIONS):
                entry = self.words.get(token[1:])
            if entry is not None:
                for dialect, weight in entry.items():
                    total[_INDEX[dialect]] += weight
                continue
            best = np.zeros(len(DIALECTS))
            for cue in self.affixes:
                if cue.matches(token):
                    i = _INDEX[cue.dialect]
                    best[i] = max(best[i], cue.weight)
            total += best
        return total


def _features(tokens: Sequence[str], ngram_range: tuple[int, int]) -> Counter[str]:
    """Character n-grams inside word boundaries, plus whole words.

    Args:
        tokens: Folded tokens.
        ngram_range: Smallest and largest n.

    Returns:
        Feature counts.
    """
    low, high = ngram_range
    counts: Counter[str] = Counter()
    for token in tokens:
        counts["w:" + token] += 1
        padded = f"<{token}>"
        for n in range(low, high + 1):
            for i in range(len(padded) - n + 1):
                counts[padded[i : i + n]] += 1
    return counts


@dataclass(frozen=True, eq=False)  # holds numpy arrays: compare by identity
class _NaiveBayes:
    """Multinomial Naive Bayes over sparse feature counts (fitted, read-only)."""

    vocabulary: Mapping[str, int]
    log_likelihood: np.ndarray  # (n_features, n_dialects)
    log_prior: np.ndarray  # (n_dialects,)
    ngram_range: tuple[int, int]

    def log_joint(self, tokens: Sequence[str]) -> np.ndarray:
        """Unnormalised log posterior; features never seen in training are ignored.

        Args:
            tokens: Folded tokens.

        Returns:
            One value per dialect.
        """
        counts = _features(tokens, self.ngram_range)
        rows = [self.vocabulary[f] for f in counts if f in self.vocabulary]
        if not rows:
            return self.log_prior.copy()
        weights = np.array([counts[f] for f in counts if f in self.vocabulary], dtype=float)
        return self.log_prior + weights @ self.log_likelihood[rows]


def _softmax(logits: np.ndarray) -> np.ndarray:
    """Numerically stable softmax.

    Args:
        logits: Scores.

    Returns:
        Probabilities summing to 1.
    """
    shifted = np.exp(logits - logits.max())
    return shifted / shifted.sum()


@dataclass(frozen=True, eq=False)
class DialectTagger:
    """Five-way dialect tagger (see the module docstring).

    Attributes:
        lexicon: Cue lexicon.
        msa_prior: Constant evidence for MSA (cue model only).
        model: Fitted Naive Bayes model, or None for the cue-only tagger.
    """

    lexicon: CueLexicon
    msa_prior: float = 1.0
    model: _NaiveBayes | None = field(default=None, repr=False)

    @classmethod
    def default(cls) -> DialectTagger:
        """Cue-only tagger with the shipped lexicon (``arabic_nlp/data/dialect_cues.tsv``).

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
        lexicon: CueLexicon | None = None,
        alpha: float = 0.1,
        ngram_range: tuple[int, int] = (2, 5),
        uniform_prior: bool = True,
    ) -> DialectTagger:
        """Fit a character n-gram Naive Bayes tagger (cues still add evidence).

        Args:
            texts: Training texts.
            labels: One of :data:`DIALECTS` per text; every dialect needs at
                least one example.
            lexicon: Cue lexicon (default: the shipped one).
            alpha: Additive (Lidstone) smoothing, > 0.
            ngram_range: Character n-gram sizes (whole words are always
                features too).
            uniform_prior: Use equal class priors (better macro-F1 on
                imbalanced data) instead of label frequencies.

        Returns:
            A new, trained tagger.

        Raises:
            ValueError: On length mismatch, ``alpha <= 0``, an unknown label,
                or a dialect without examples.
        """
        if len(texts) != len(labels):
            raise ValueError(f"train: {len(texts)} texts but {len(labels)} labels")
        if alpha <= 0:
            raise ValueError(f"train: alpha must be > 0, got {alpha}")
        unknown = sorted(set(labels) - _INDEX.keys())
        if unknown:
            raise ValueError(f"train: unknown labels {unknown}; expected {DIALECTS}")
        present = set(labels)
        missing = [d for d in DIALECTS if d not in present]
        if missing:
            raise ValueError(f"train: no examples for {missing}")
        vocabulary: dict[str, int] = {}
        class_counts: list[Counter[int]] = [Counter() for _ in DIALECTS]
        for text, label in zip(texts, labels):
            bucket = class_counts[_INDEX[label]]
            for feature, count in _features(tokenize(text), ngram_range).items():
                bucket[vocabulary.setdefault(feature, len(vocabulary))] += count
        counts = np.zeros((len(vocabulary), len(DIALECTS)))
        for column, bucket in enumerate(class_counts):
            if bucket:
                index = np.fromiter(bucket.keys(), dtype=np.int64, count=len(bucket))
                counts[index, column] = np.fromiter(bucket.values(), dtype=float, count=len(bucket))
        smoothed = counts + alpha
        log_likelihood = np.log(smoothed) - np.log(smoothed.sum(axis=0, keepdims=True))
        if uniform_prior:
            log_prior = np.full(len(DIALECTS), -math.log(len(DIALECTS)))
        else:
            label_counts = Counter(labels)
            frequency = np.array([label_counts[d] for d in DIALECTS], dtype=float)
            log_prior = np.log(frequency / frequency.sum())
        model = _NaiveBayes(vocabulary, log_likelihood, log_prior, ngram_range)
        return cls(lexicon or cls.default().lexicon, model=model)

    def logits(self, text: str) -> np.ndarray:
        """Unnormalised log-scores per dialect.

        Args:
            text: Raw text.

        Returns:
            Scores in :data:`DIALECTS` order.
        """
        tokens = tokenize(text)
        evidence = self.lexicon.evidence(tokens)
        if self.model is None:
            evidence[_INDEX["MSA"]] += self.msa_prior
            return evidence
        return self.model.log_joint(tokens) + evidence

    def predict(self, text: str) -> DialectPrediction:
        """Tag one text.

        Args:
            text: Raw text (cleaning first helps but is not required).

        Returns:
            The most probable dialect (ties -> earliest in :data:`DIALECTS`)
            and the probabilities of all five.
        """
        probabilities = _softmax(self.logits(text))
        # np.argmax returns the first maximum, i.e. the DIALECTS order breaks ties.
        label = DIALECTS[int(np.argmax(probabilities))]
        return DialectPrediction(label, {d: float(p) for d, p in zip(DIALECTS, probabilities)})

    def predict_batch(self, texts: Iterable[str]) -> list[DialectPrediction]:
        """Tag many texts.

        Args:
            texts: Raw texts.

        Returns:
            One prediction per text, in order.
        """
        return [self.predict(text) for text in texts]
