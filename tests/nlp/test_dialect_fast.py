"""The batched tagging path of arabic_nlp.dialect against a straightforward reference, bit for bit.

`predict_batch` and `tag_documents` fold each sentence once, sum cue weights with numpy and count
n-grams per distinct token with sparse products instead of scikit-learn's analyzers. The reference
below is the plain form of the same rules (every text folded on its own, cue weights added token by
token, scikit-learn's CountVectorizer on the folded text, the document rule with one prediction per
text): labels and probabilities must be equal as floats, not close, because the `dialect` stage
writes them into its output. Offline; the sample corpus plus seeded random text.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

import arabic_nlp.dialect as dialect
from arabic_llm.data.documents import SAMPLE_DATA
from arabic_llm.data.instructions import parse_bactrian, parse_oasst
from arabic_llm.data.wikipedia import parse_wikipedia
from arabic_nlp.dialect import (
    DIALECTS,
    CueLexicon,
    DialectPrediction,
    DialectTagger,
    tag_documents,
    tokenize,
)
from arabic_nlp.segment import split_sentences


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def reference_probabilities(tagger: DialectTagger, texts: list[str]) -> np.ndarray:
    """Every text tokenized on its own, cue weights added one by one, scikit-learn's n-gram counts."""
    tokens = [tokenize(text) for text in texts]
    logits = np.zeros((len(texts), len(DIALECTS)))
    for row, text_tokens in zip(logits, tokens):
        row += tagger.lexicon.evidence(text_tokens)
    logits[:, 0] += tagger.msa_prior
    if tagger.model is None:
        return _softmax(logits)
    out = np.empty((len(texts), len(DIALECTS)))
    for start in range(0, len(texts), dialect._BATCH):
        stop = start + dialect._BATCH
        folded = [" ".join(t) for t in tokens[start:stop]]
        log_p = tagger.model.log_proba(folded, logits[start:stop])  # CountVectorizer.transform inside
        out[start:stop] = _softmax(log_p + tagger.model.lexicon_weight * logits[start:stop])
    return out


def reference_predict_batch(tagger: DialectTagger, texts: list[str]) -> list[DialectPrediction]:
    probabilities = reference_probabilities(tagger, texts)
    return [
        DialectPrediction(DIALECTS[int(np.argmax(row))], {d: float(p) for d, p in zip(DIALECTS, row)})
        for row in probabilities
    ]


def reference_tag_documents(tagger: DialectTagger, documents: list[list[str]]):
    """The document rule of tag_document, every sentence and every joined document a text of its own."""
    texts = [text for sentences in documents for text in (*sentences, " ".join(sentences))]
    predictions = reference_predict_batch(tagger, texts)
    results, start = [], 0
    for sentences in documents:
        per_sentence = predictions[start : start + len(sentences)]
        whole = predictions[start + len(sentences)]
        start += len(sentences) + 1
        weights = np.array([len(tokenize(s)) for s in sentences], dtype=np.float64)
        if weights.sum() == 0:
            results.append((whole, per_sentence))
            continue
        sentence_scores = np.array([[p.scores[d] for d in DIALECTS] for p in per_sentence])
        mean = weights @ sentence_scores / weights.sum()
        scores = 0.5 * (np.array([whole.scores[d] for d in DIALECTS]) + mean)
        label = DIALECTS[int(np.argmax(scores))]
        results.append((DialectPrediction(label, {d: float(p) for d, p in zip(DIALECTS, scores)}), per_sentence))
    return results


# Characters that exercise every folding step: letters, harakat, hamza marks (decomposed alef),
# presentation forms (NFKC), Persian letters, alef variants, tatweel, digits, Latin, spaces and
# line breaks (inside a sentence), zero-width joiners, emoji.
_ALPHABET = (
    [chr(c) for c in range(0x621, 0x64B)] * 4
    + [chr(c) for c in range(0x64B, 0x656)]
    + list("آأإٱٲٳـیکۀةىژپچگ٠١٢0123abcX.,!؟#@ \n\r\t\u200c\u200d\u00a0\u0670\u06d6\u0306😀")
    + [chr(c) for c in range(0xFB50, 0xFB60)]
    + [chr(c) for c in range(0xFE70, 0xFE90)]
    + ["\ufdf2", "\ufefb"]
)
_WORDS = ["كتيييير", "ههههه", "شو", "ليش", "دلوقتي", "وش", "بزاف", "عايز", "اللي", "الذي", "مش", "بدي", "ومش", "فشو"]


def _random_sentence(rng: random.Random) -> str:
    text = "".join(rng.choice(_ALPHABET) for _ in range(rng.choice([0, 1, 3, 8, 25, 80])))
    if rng.random() < 0.5:
        text += " " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 6)))
    if rng.random() < 0.2:  # a sentence that starts with a mark or an alef, at the join
        text = rng.choice(["\u0651", "\u064e", "\u0654", " ", "ا"]) + text
    return text


def _random_documents(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[_random_sentence(rng) for _ in range(rng.choice([0, 1, 1, 2, 3, 6]))] for _ in range(n)]


EDGE_DOCUMENTS = [
    [],
    [""],
    ["", "", ""],
    ["hello world", "123"],
    ["شو\nبدك", "ليش هيك"],  # a line break inside a sentence
    ["عايز اروح", "\n", "الذي ذهب"],
    ["ههههه", "ههه ههه"],  # elongation runs at the joins
    ["ﻻ ﺑﺄﺱ", "\u0651ﺷﻮ"],  # presentation forms; a mark first
]


@pytest.fixture(scope="module")
def sample_documents() -> tuple[list[list[str]], list[str]]:
    labels = json.loads((SAMPLE_DATA / "dialect-labels.json").read_text(encoding="utf-8"))
    docs = [
        *parse_wikipedia(SAMPLE_DATA / "arwiki-sample-pages-articles.xml.bz2"),
        *parse_bactrian(SAMPLE_DATA / "bactrian-x-ar.jsonl"),
        *parse_oasst(SAMPLE_DATA / "oasst1-ar.jsonl"),
    ]
    documents = [split_sentences(doc["text"]) for doc in docs]
    return documents, [labels.get(doc["id"]) for doc in docs]


@pytest.fixture(scope="module")
def taggers(sample_documents) -> dict[str, DialectTagger]:
    documents, labels = sample_documents
    texts = [" ".join(sentences) for sentences, label in zip(documents, labels) if label]
    tags = [label for label in labels if label]
    return {
        "lexicon": DialectTagger.default(),
        "ngram": DialectTagger.train(texts, tags, seed=0),
        # word bigrams cross tokens: the word block goes through scikit-learn's analyzer
        "ngram-word-bigrams": DialectTagger.train(texts, tags, seed=0, char_ngram_range=(2, 3), word_ngram_range=(1, 2)),
        "ngram-no-features": DialectTagger.train(["hello", "abc", "x", "y", "z"], list(DIALECTS), seed=0),
    }


@pytest.mark.parametrize("kind", ["lexicon", "ngram", "ngram-word-bigrams", "ngram-no-features"])
@pytest.mark.parametrize("batch", [dialect._BATCH, 37])  # 37: many chunk boundaries, inside documents too
def test_tag_documents_equals_reference(taggers, sample_documents, kind, batch, monkeypatch):
    monkeypatch.setattr(dialect, "_BATCH", batch)
    tagger = taggers[kind]
    documents = sample_documents[0] + _random_documents(seed=1, n=400) + EDGE_DOCUMENTS
    fast = tag_documents(tagger, documents)
    reference = reference_tag_documents(tagger, documents)
    assert len(fast) == len(reference) == len(documents)
    for i, (got, want) in enumerate(zip(fast, reference)):
        assert got == want, f"document {i}: {documents[i]!r}"  # exact float equality
    if kind == "ngram":  # the scores really vary: the test compares more than constants
        assert len({result[0].scores["MSA"] for result in fast}) > 100
        assert {result[0].label for result in fast} == set(DIALECTS)


@pytest.mark.parametrize("kind", ["lexicon", "ngram", "ngram-word-bigrams"])
def test_predict_batch_equals_reference(taggers, sample_documents, kind):
    tagger = taggers[kind]
    texts = [s for sentences in sample_documents[0][:120] for s in sentences]
    texts += [s for sentences in _random_documents(seed=2, n=300) for s in sentences] + ["", "\n", "abc"]
    assert tagger.predict_batch(texts) == reference_predict_batch(tagger, texts)
    assert [tagger.predict(text) for text in texts[:50]] == reference_predict_batch(tagger, texts[:50])


def test_one_fold_per_document_equals_folding_each_sentence():
    """_sentence_tokens folds "\\n".join(sentences) once; the document's tokens are its sentences' in turn."""
    for sentences in _random_documents(seed=3, n=1500) + EDGE_DOCUMENTS:
        per_sentence = [tokenize(s) for s in sentences]
        assert dialect._sentence_tokens(sentences) == per_sentence, sentences
        assert tokenize(" ".join(sentences)) == [t for tokens in per_sentence for t in tokens], sentences


def test_cue_sums_keep_token_order():
    """Weights like 0.1 and 0.3 sum to different floats in different orders; the batch keeps the order."""
    lexicon = CueLexicon.from_lines(
        ["dialect\tcue\tweight", "EGY\tده\t0.1", "EGY\tكده\t0.3", "EGY\tبي*\t0.7", "LEV\tشو\t0.2", "MSA\tالذي\t0.3"]
    )
    rng = random.Random(4)
    words = ["ده", "كده", "بيكتب", "شو", "الذي", "كتاب"]
    token_lists = [[rng.choice(words) for _ in range(rng.randint(0, 40))] for _ in range(500)]
    batch = dialect._TokenBatch.of(token_lists)
    expected = np.array([lexicon.evidence(tokens) for tokens in token_lists])
    assert np.array_equal(lexicon.batch_evidence(batch), expected)
    # The check has teeth: summing the same weights per text in another order differs somewhere.
    counts = np.array([[tokens.count(w) for w in words] for tokens in token_lists], dtype=np.float64)
    egy = counts @ np.array([0.1, 0.3, 0.7, 0.0, 0.0, 0.0])
    assert not np.array_equal(egy, expected[:, DIALECTS.index("EGY")])


def test_document_batch_layout():
    batch = dialect._TokenBatch.of_documents([[["a", "b"], [], ["c"]], [], [["b"]]])
    assert batch.types == ["a", "b", "c"]
    texts = [[batch.types[i] for i in batch.ids[batch.offsets[t] : batch.offsets[t + 1]]] for t in range(len(batch))]
    assert texts == [["a", "b"], [], ["c"], ["a", "b", "c"], [], ["b"], ["b"]]


def test_affix_index_finds_what_a_linear_scan_finds(sample_documents):
    """token_evidence checks only indexed candidates; the result is the linear scan's (largest weight per dialect)."""
    lexicon = DialectTagger.default().lexicon
    tokens = {t for sentences in sample_documents[0] for s in sentences for t in tokenize(s)}
    tokens |= {t for sentences in _random_documents(seed=5, n=500) for s in sentences for t in tokenize(s)}
    tokens |= {head + "كتب" + tail for head in ("", "بي", "ما", "ح", "تي") for tail in ("", "ش", "و", "ها")}
    assert len(tokens) > 3000
    matched = 0
    for token in sorted(tokens):
        if lexicon.words.get(token) is not None or (len(token) > 2 and lexicon.words.get(token[1:]) and token[0] in "وف"):
            continue  # whole-word entries win before any affix is looked at
        best: dict[int, float] = {}
        for cue in lexicon.affixes:
            if cue.matches(token):
                best[DIALECTS.index(cue.dialect)] = max(cue.weight, best.get(DIALECTS.index(cue.dialect), 0.0))
        assert lexicon.token_evidence(token) == tuple(sorted(best.items())), token
        matched += bool(best)
    assert matched > 50


@pytest.mark.parametrize("low,high", [(1, 4), (2, 3), (1, 1), (3, 6)])
def test_char_ngrams_equal_scikit_learn(low, high):
    from sklearn.feature_extraction.text import CountVectorizer

    analyzer = CountVectorizer(analyzer="char_wb", ngram_range=(low, high), lowercase=False).build_analyzer()
    rng = random.Random(6)
    for _ in range(300):
        token = "".join(rng.choice("ابتثجحخدذرزسشصض") for _ in range(rng.randint(1, 9)))
        assert dialect._char_wb_ngrams(token, low, high) == analyzer(token), token


def test_l2_normalisation_equals_scikit_learn(taggers, sample_documents):
    """The rows' L2 normalisation (done in numpy so that tagging does not import scikit-learn) is
    scikit-learn's ``normalize``, bit for bit: on random sparse matrices with empty, one-value and long
    rows, stored zeros, and on the real TF-IDF blocks of the sample's texts."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    rng = np.random.default_rng(3)
    matrices = [sparse.random(300, 2000, density=d, format="csr", random_state=rng,
                              data_rvs=lambda n: rng.lognormal(0, 3, n)) for d in (0.0005, 0.01, 0.3)]
    stored_zeros = sparse.csr_matrix((np.array([0.0, 0.0, 3.0, -0.0, 1e-300, 2.5]), np.array([0, 4, 1, 2, 0, 3]),
                                      np.array([0, 2, 3, 4, 6])), shape=(4, 5))  # a row of stored zeros, tiny values
    matrices.append(stored_zeros)
    model = taggers["ngram"].model
    folded = [" ".join(tokenize(" ".join(sentences))) for sentences in sample_documents[0]]
    for vectorizer, idf in zip(model._vectorizers, (model.char_idf, model.word_idf)):
        counts = vectorizer.transform(folded)
        tfidf = counts.tocsr(copy=True)
        tfidf.data = (1.0 + np.log(tfidf.data)) * idf[tfidf.indices]
        matrices.append(tfidf)
    for matrix in matrices:
        ours, theirs = matrix.copy(), normalize(matrix, norm="l2", copy=True)
        dialect._normalize_rows_l2(ours)
        assert np.array_equal(ours.indptr, theirs.indptr) and np.array_equal(ours.indices, theirs.indices)
        assert ours.data.tobytes() == theirs.data.tobytes()


def test_tagging_a_saved_tagger_does_not_import_scikit_learn(taggers, sample_documents, tmp_path):
    """Loading a saved n-gram tagger and tagging documents needs numpy and scipy only: scikit-learn's
    import (about 2 s) is paid by training, not by every worker of every `dialect` run."""
    import subprocess
    import sys

    taggers["ngram"].save(tmp_path / "tagger")
    (tmp_path / "docs.json").write_text(json.dumps(sample_documents[0][:50], ensure_ascii=False), encoding="utf-8")
    script = (
        "import json, sys\n"
        "from arabic_nlp.dialect import DialectTagger, tag_documents\n"
        f"tagger = DialectTagger.load({str(tmp_path / 'tagger')!r})\n"
        f"docs = json.loads(open({str(tmp_path / 'docs.json')!r}, encoding='utf-8').read())\n"
        "tagged = tag_documents(tagger, docs)\n"
        "print(json.dumps({'labels': [[doc.label, [s.label for s in sents]] for doc, sents in tagged],"
        " 'sklearn': sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn')}))\n"
    )
    out = json.loads(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    assert out["sklearn"] == []
    want = tag_documents(taggers["ngram"], sample_documents[0][:50])
    assert out["labels"] == [[doc.label, [s.label for s in sents]] for doc, sents in want]
