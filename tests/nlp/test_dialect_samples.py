"""The dialect tagger on the embedded sample corpora (arabic_llm/sample_data), as the pipeline uses it.

`dialect_model` trains on the documents' intended dialects (dialect-labels.json, whole documents with
their sentences joined) and `dialect` tags every document with tag_document. Offline; a few seconds.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from arabic_llm.data.documents import SAMPLE_DATA
from arabic_llm.data.instructions import parse_bactrian, parse_oasst
from arabic_llm.data.wikipedia import parse_wikipedia

WIKI_DUMP = SAMPLE_DATA / "arwiki-sample-pages-articles.xml.bz2"
BACTRIAN_JSONL = SAMPLE_DATA / "bactrian-x-ar.jsonl"
OASST_JSONL = SAMPLE_DATA / "oasst1-ar.jsonl"
DIALECT_LABELS = SAMPLE_DATA / "dialect-labels.json"
from arabic_nlp.dialect import DIALECTS, DialectTagger, tag_document
from arabic_nlp.segment import split_sentences


@pytest.fixture(scope="module")
def corpus() -> tuple[list[list[str]], list[str]]:
    labels = json.loads(DIALECT_LABELS.read_text(encoding="utf-8"))
    docs = [*parse_wikipedia(WIKI_DUMP), *parse_bactrian(BACTRIAN_JSONL), *parse_oasst(OASST_JSONL)]
    docs = [doc for doc in docs if doc["id"] in labels]
    assert len(docs) >= 250
    return [split_sentences(doc["text"]) for doc in docs], [labels[doc["id"]] for doc in docs]


def test_train_on_sample_documents_and_tag_them(corpus, tmp_path):
    sentences, labels = corpus
    texts = [" ".join(s) for s in sentences]
    tagger = DialectTagger.train(texts, labels, seed=1234)
    assert tagger.model.settings["training_examples"] == {d: labels.count(d) for d in DIALECTS}
    tagger.save(tmp_path)
    loaded = DialectTagger.load(tmp_path)
    predicted = [tag_document(loaded, s)[0].label for s in sentences]
    assert np.mean([p == g for p, g in zip(predicted, labels)]) >= 0.97


def test_held_out_sample_documents(corpus):
    """5-fold: a tagger trained on 4/5 of the sample documents tags the other fifth."""
    sentences, labels = corpus
    texts = [" ".join(s) for s in sentences]
    order = np.random.RandomState(0).permutation(len(texts))
    correct = {"ngram": 0, "lexicon": 0}
    lexicon = DialectTagger.default()
    for fold in range(5):
        held_out = set(order[fold::5].tolist())
        train = [i for i in range(len(texts)) if i not in held_out]
        tagger = DialectTagger.train([texts[i] for i in train], [labels[i] for i in train])
        for i in held_out:
            correct["ngram"] += tag_document(tagger, sentences[i])[0].label == labels[i]
            correct["lexicon"] += tag_document(lexicon, sentences[i])[0].label == labels[i]
    assert correct["ngram"] / len(texts) >= 0.95
    assert correct["lexicon"] / len(texts) >= 0.95


def test_sentences_of_dialect_documents_are_mostly_tagged_with_that_dialect(corpus):
    """A tagger trained on whole documents must still tag single sentences sensibly."""
    sentences, labels = corpus
    tagger = DialectTagger.train([" ".join(s) for s in sentences], labels)
    for dialect in DIALECTS[1:]:
        tagged = [p.label for s, g in zip(sentences, labels) if g == dialect for p in tag_document(tagger, s)[1]]
        assert tagged.count(dialect) / len(tagged) >= 0.5, dialect
