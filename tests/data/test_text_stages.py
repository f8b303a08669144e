"""The text stages, called as plain functions, produce exactly what the arabic_nlp functions do."""

from __future__ import annotations

from pathlib import Path

import pytest
from text_chain import build_text_stages

from arabic_llm.config import TINY_CONFIG, SplitParams, load_config
from arabic_llm.data.documents import read_documents
from arabic_nlp.clean import clean_text
from arabic_nlp.diacritics import diacritic_ratio, strip_diacritics
from arabic_nlp.dialect import DialectTagger, tag_document
from arabic_nlp.normalize import normalize_text
from arabic_nlp.segment import split_sentences
from tasks.dialect_model import DialectModelParams, dialect_model, training_file

SPLIT = SplitParams(fraction=0.1, min_docs=8, max_share=0.5, seed=1)


@pytest.fixture(scope="module")
def stages(tmp_path_factory) -> dict[str, Path]:
    cfg = load_config(TINY_CONFIG, ["diacritics.mode=strip"])
    return build_text_stages(cfg, tmp_path_factory.mktemp("stages"), SPLIT) | {"cfg": cfg}


def test_chain_matches_the_library_functions(stages):
    cfg = stages["cfg"]
    raw = {d["id"]: d for d in read_documents(stages["download"])}
    staged = list(read_documents(stages["segment"]))
    assert len(staged) > 250
    for doc in staged:
        text = clean_text(raw[doc["id"]]["text"], keep_latin=cfg.clean.keep_latin, keep_digits=cfg.clean.keep_digits,
                          keep_punctuation=cfg.clean.keep_punctuation, keep_emoji=cfg.clean.keep_emoji).text
        text = normalize_text(text, **cfg.normalize.model_dump())
        assert doc["diacritic_ratio"] == round(diacritic_ratio(text), 6)
        text = strip_diacritics(text, cfg.diacritics.marks)
        assert doc["text"] == text
        assert doc["sentences"] == [s for s in split_sentences(text) if len(s) >= cfg.segment.min_sentence_chars]


def test_dialect_stage_uses_the_trained_tagger(stages):
    tagger = DialectTagger.load(stages["dialect_model"])
    for doc in read_documents(stages["dialect"]):
        whole, per_sentence = tag_document(tagger, doc["sentences"])
        assert doc["dialect"] == whole.label
        assert [label for label, _ in doc["sentence_dialects"]] == [p.label for p in per_sentence]


def test_trained_tagger_recovers_the_sample_labels(stages):
    import json

    from arabic_llm.data.documents import SAMPLE_DATA

    gold = json.loads((SAMPLE_DATA / "dialect-labels.json").read_text(encoding="utf-8"))
    docs = list(read_documents(stages["dialect"]))
    right = sum(d["dialect"] == gold[d["id"]] for d in docs)
    assert right / len(docs) > 0.9  # mostly training documents: a sanity check, not an accuracy claim


def test_audit_keeps_the_clean_sample(stages):
    before = sum(1 for _ in read_documents(stages["dialect"]))
    after = sum(1 for _ in read_documents(stages["data_audit"]))
    assert after == before  # the embedded sample has no abusive documents


def test_dialect_model_trains_from_a_hub_dataset(tmp_path, monkeypatch):
    import datasets

    from tasks.dialect_model import read_labelled_hub

    rows = {"text": ["ازيك عامل ايه النهارده", "شلونك اليوم وايد زين", "شو عم تعمل هلق", "واش بغيتي دابا"],
            "label": ["EGY", "GLF", "LEV", "MGR"]}
    seen = {}

    def fake_load(name, split):
        seen.update(name=name, split=split)
        return datasets.Dataset.from_dict(rows)

    monkeypatch.setattr(datasets, "load_dataset", fake_load)
    texts, labels = read_labelled_hub("hub:someone/arabic-dialects:validation")
    assert seen == {"name": "someone/arabic-dialects", "split": "validation"}
    assert (texts, labels) == (rows["text"], rows["label"])
    params = DialectModelParams.from_config(load_config(TINY_CONFIG, ["dialect.train_data=hub:someone/x"]).dialect, SPLIT)
    assert params.hub_data == "hub:someone/x"
    local = DialectModelParams.from_config(load_config(TINY_CONFIG).dialect, SPLIT)
    assert local.hub_data is None and "builtin" not in local.model_dump_json()  # paths are not keyed


def test_dialect_model_trains_from_a_local_dataset_through_datasets(tmp_path, monkeypatch):
    """The ``hub:`` path without a mock: ``datasets.load_dataset`` itself reads a dataset folder laid out
    as on the hub (``data/<split>-*.parquet``), the way it reads a downloaded hub dataset."""
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq

    from arabic_llm.data.documents import CorpusError
    from tasks.dialect_model import read_labelled_hub

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))  # no ~/.cache writes
    train = {
        "text": ["ازيك عامل ايه النهارده يا باشا", "انا عايز اروح البيت دلوقتي", "الفيلم ده حلو اوي بجد",
                 "شلونك اليوم وايد زين الحمد لله", "ابي اروح السوق الحين", "هالشي وايد حلو يا خوي",
                 "شو عم تعمل هلق يا زلمة", "بدي روح عالبيت هلق", "كتير منيح هالحكي",
                 "واش بغيتي دابا نمشيو", "بزاف زوين هاد الشي", "فين غادي دابا",
                 "أعلنت الحكومة عن مشروع جديد", "يعقد المؤتمر في العاصمة غدا", "صدر القرار بعد الاجتماع"],
        "label": ["EGY"] * 3 + ["GLF"] * 3 + ["LEV"] * 3 + ["MGR"] * 3 + ["MSA"] * 3,
    }
    validation = {"text": ["عايز اشوفك النهارده", "واش نتا مزيان"], "label": ["EGY", "MGR"]}
    repo = tmp_path / "someone--arabic-dialects"
    (repo / "data").mkdir(parents=True)
    pq.write_table(pa.table(train), repo / "data" / "train-00000-of-00001.parquet")
    pq.write_table(pa.table(validation), repo / "data" / "validation-00000-of-00001.parquet")

    assert read_labelled_hub(f"hub:{repo}:validation") == (validation["text"], validation["label"])
    assert read_labelled_hub(f"hub:{repo}") == (train["text"], train["label"])  # split defaults to train

    cfg = load_config(TINY_CONFIG, [f"dialect.train_data=hub:{repo}"]).dialect
    params = DialectModelParams.from_config(cfg, SPLIT)
    assert params.hub_data == f"hub:{repo}" and training_file(cfg) is None
    out = tmp_path / "model"
    out.mkdir()
    summary = dialect_model.build(out, params, docs=tmp_path, labels=None)
    assert summary["training_examples"] == {"EGY": 3, "GLF": 3, "LEV": 3, "MGR": 3, "MSA": 3}
    tagger = DialectTagger.load(out)
    assert tagger.kind == "ngram"
    assert [tagger.predict(text).label for text in train["text"]] == train["label"]

    # A wrong label or a missing column is named, not trained on.
    bad = tmp_path / "bad"
    (bad / "data").mkdir(parents=True)
    pq.write_table(pa.table({"text": ["نص"], "label": ["EGYPT"]}), bad / "data" / "train-00000-of-00001.parquet")
    bad_params = params.model_copy(update={"hub_data": f"hub:{bad}"})
    with pytest.raises(CorpusError, match=r"label 'EGYPT' \(example 1\)"):
        dialect_model.build(tmp_path / "model-bad", bad_params, docs=tmp_path, labels=None)
    nolabel = tmp_path / "nolabel"
    (nolabel / "data").mkdir(parents=True)
    pq.write_table(pa.table({"text": ["نص"], "dialect": ["EGY"]}), nolabel / "data" / "train-00000-of-00001.parquet")
    with pytest.raises(CorpusError, match="lacks column"):
        read_labelled_hub(f"hub:{nolabel}")


def test_a_tagger_trained_on_a_tsv_does_not_depend_on_the_corpus(tmp_path: Path):
    """Labels that carry their own text (a TSV) make the tagger's key independent of the documents: a
    refreshed corpus keeps the tagger (and so every tag of an unchanged document)."""
    from flows.pipeline import pipeline
    from tasks.dialect_model import labels_name_documents

    tsv = tmp_path / "labels.tsv"
    tsv.write_text("".join(f"{text}\t{label}\n" for text, label in [
        ("ازيك عامل ايه النهارده", "EGY"), ("شلونك شخبارك اليوم", "GLF"), ("كيفك شو عم تعمل", "LEV"),
        ("واش راك لاباس عليك", "MGR"), ("كيف حالك اليوم", "MSA")] * 3), encoding="utf-8")
    assert not labels_name_documents(tsv) and labels_name_documents(Path("labels.json"))
    assert not labels_name_documents(None)

    seen: dict[str, dict] = {}

    class Stop(Exception):
        pass

    def run(stage, params, **inputs):  # records what the flow hands each stage, up to the tagger
        seen[stage.spec.name] = inputs
        if stage.spec.name == "dialect_model":
            raise Stop
        return stage.spec.name

    cfg = load_config(TINY_CONFIG, [f"dialect.train_data={tsv}"])
    with pytest.raises(Stop):
        pipeline(cfg, run)
    assert seen["dialect_model"] == {"docs": None, "labels": tsv}
    cfg = load_config(None)  # the builtin JSON labels name corpus documents: the corpus is an input
    with pytest.raises(Stop):
        pipeline(cfg, run)
    assert seen["dialect_model"]["docs"] == "segment"
