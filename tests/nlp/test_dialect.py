"""Tests for arabic_nlp.dialect: cue lexicon, n-gram training, save/load, documents, camel-tools guard.

Offline and self-contained (real-data checks live in test_arabic_nlp_dialect_accuracy.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import math
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from arabic_nlp._data import DATA_DIR
from arabic_nlp.dialect import (
    CAMEL_LABEL_TO_DIALECT,
    DIALECTS,
    CamelDataMissingError,
    CueLexicon,
    DialectModelError,
    DialectPrediction,
    DialectTagger,
    fold_text,
    tag_document,
    tokenize,
)

CLEAR_EXAMPLES = {
    "MSA": [
        "ذهب الرئيس إلى المؤتمر الذي عقد في العاصمة لمناقشة القضايا الاقتصادية.",
        "لقد أعلنت الوزارة أنها سوف تبدأ المشروع الذي تأخر منذ سنوات.",
    ],
    "EGY": [
        "انا عايز اروح البيت دلوقتي عشان تعبان اوي",
        "ازاي تعمل كده؟ ده مش كويس خالص",
    ],
    "GLF": [
        "شلونك يا خوي؟ وايد مشتاق لك والله، ابي اشوفك الحين",
        "وش تسوي الحين؟ ابغى اروح السوق",
    ],
    "LEV": [
        "شو بدك تعمل هلق؟ كتير منيح هيك",
        "هاد الشي مش منيح، ليش عم تحكي هيك؟",
    ],
    "MGR": [
        "واش نتا مزيان؟ بغيت نمشي دابا للدار",
        "كيفاش داير؟ بزاف ديال الخدمة اليوم",
    ],
}

# Harder cases: MSA words that look like dialect affixes, negation circumfixes,
# future/progressive prefixes, Iraqi within Gulf, Tunisian/Algerian within Maghrebi.
HARD_EXAMPLES = {
    "MSA": [
        "بيان الحكومة حول هيكلة المؤسسات العامة",  # بي*, هي* look Egyptian
        "لم يذهب الطلاب إلى المدرسة لأن الطقس كان سيئاً جداً",
        "هل تعلم أين تقع هذه المدينة؟",
        "كانت الدولة العثمانية تحكم معظم المنطقة",  # كان* looks Moroccan
    ],
    "EGY": [
        "مبحبش الكلام ده",  # م...ش negation
        "هتيجي امتى؟",  # ه- future
        "الواد ده بيضحك على طول",
        "انا مش فاهم حاجة خالص",
    ],
    "GLF": [
        "شكو ماكو؟ اريد اروح للبيت هسه",  # Iraqi
        "مدري وش السالفة بس ابغى افهم",
        "والله ما ادري شلون اسويها",
        "الحين انت وين؟",
    ],
    "LEV": [
        "بدي روح عالبيت هلأ",
        "فش اشي بيستاهل",
        "شو عم تعمل؟",
        "هيدا الشي ما بيزبط",
    ],
    "MGR": [
        "شنوة أحوالك؟ لاباس برشا",  # Tunisian
        "راني نحوس على خدمة بصح ما لقيت والو",  # Algerian
        "كنقولك الصراحة، كاين بزاف ديال المشاكل",  # Moroccan ك- progressive
        "واش راك خويا؟",
    ],
}

TOY_TEXTS = [t for group in (CLEAR_EXAMPLES, HARD_EXAMPLES) for texts in group.values() for t in texts]
TOY_LABELS = [label for group in (CLEAR_EXAMPLES, HARD_EXAMPLES) for label, texts in group.items() for _ in texts]


@pytest.fixture(scope="module")
def tagger() -> DialectTagger:
    return DialectTagger.default()


@pytest.fixture(scope="module")
def trained() -> DialectTagger:
    return DialectTagger.train(TOY_TEXTS, TOY_LABELS, seed=7)


# --- lexicon tagger ---------------------------------------------------------------


@pytest.mark.parametrize("label,text", [(label, text) for label, texts in CLEAR_EXAMPLES.items() for text in texts])
def test_clear_examples(tagger, label, text):
    assert tagger.predict(text).label == label


@pytest.mark.parametrize("label,text", [(label, text) for label, texts in HARD_EXAMPLES.items() for text in texts])
def test_hard_examples(tagger, label, text):
    assert tagger.predict(text).label == label


def test_prediction_shape_and_confidence(tagger):
    prediction = tagger.predict("شو بدك؟")
    assert isinstance(prediction, DialectPrediction)
    assert tuple(prediction.scores) == DIALECTS
    assert math.isclose(sum(prediction.scores.values()), 1.0, abs_tol=1e-9)
    assert all(0.0 <= p <= 1.0 for p in prediction.scores.values())
    assert prediction.scores[prediction.label] == max(prediction.scores.values())
    assert prediction.confidence == max(prediction.scores.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        prediction.label = "EGY"  # type: ignore[misc]


@pytest.mark.parametrize("text", ["", "hello world 123", "كتاب على الطاولة"])
def test_no_evidence_is_msa(tagger, text):
    assert tagger.predict(text).label == "MSA"


def test_ties_broken_by_dialect_order():
    lexicon = CueLexicon.from_lines(["dialect\tcue\tweight", "LEV\tفلان\t2", "GLF\tفلان\t2"])
    tagger = DialectTagger(lexicon, msa_prior=0.0)
    prediction = tagger.predict("فلان")
    assert prediction.scores["GLF"] == prediction.scores["LEV"]
    assert prediction.label == "GLF"  # GLF precedes LEV in DIALECTS


def test_deterministic_and_batch_matches_single(tagger):
    first = tagger.predict_batch(TOY_TEXTS)
    assert first == tagger.predict_batch(TOY_TEXTS)
    assert first == [tagger.predict(t) for t in TOY_TEXTS]
    assert tagger.predict_batch([]) == []


def test_folding_and_tokens():
    assert fold_text("عايزةةة") == "عايزه"
    assert tokenize("كتيييير أوووي! #ده_مش_كده") == ["كتير", "اوي", "ده", "مش", "كده"]
    assert tokenize("ﻋﺎﻭﺯ") == ["عاوز"]  # presentation forms
    assert tokenize("https://t.co/x 😂 @user 123") == []


def test_conjunction_and_affix_cues(tagger):
    assert tagger.predict("ومش فاهم حاجة").label == "EGY"  # و + مش
    assert tagger.predict("ماعرفتش ماكانش").label == "EGY"  # ما...ش circumfix
    assert tagger.predict("چان ايام").label == "GLF"  # چ letter cue


def test_elongation_does_not_hide_cues(tagger):
    assert tagger.predict("حلو اوووووي").label == "EGY"


def test_shipped_lexicon_is_valid_and_covers_all_dialects():
    lexicon = CueLexicon.from_path(DATA_DIR / "dialect_cues.tsv")
    dialects = {d for entry in lexicon.words.values() for d in entry} | {c.dialect for c in lexicon.affixes}
    assert dialects == set(DIALECTS)


def test_lexicon_round_trips_through_lines(tagger):
    again = CueLexicon.from_lines(tagger.lexicon.to_lines())
    assert again == tagger.lexicon
    assert again.to_lines() == tagger.lexicon.to_lines()


@pytest.mark.parametrize(
    "lines,message",
    [
        (["dialect\tcue"], r"cues.tsv:1: expected header"),
        (["dialect\tcue\tweight", "EGY\tده"], r"cues.tsv:2: expected 3 tab-separated columns"),
        (["dialect\tcue\tweight", "# c", "IRQ\tاكو\t1"], r"cues.tsv:3: unknown dialect 'IRQ'"),
        (["dialect\tcue\tweight", "EGY\tده\tmuch"], r"cues.tsv:2: weight 'much' is not a number"),
        (["dialect\tcue\tweight", "EGY\tده\t-1"], r"cues.tsv:2: weight '-1' must be a positive"),
        (["dialect\tcue\tweight", "EGY\tde\t1"], r"cues.tsv:2: cue 'de' may only contain Arabic letters"),
        (["dialect\tcue\tweight", "EGY\t**\t1"], r"cues.tsv:2: cue '\*\*'"),
        (
            ["dialect\tcue\tweight", "EGY\tده\t1", "EGY\tدهـ\t2"],  # same cue once folded
            r"cues.tsv:3: duplicate cue 'دهـ' for EGY \(first on line 2\)",
        ),
        ([], r"cues.tsv: no header"),
    ],
)
def test_lexicon_validation_names_file_and_line(lines, message):
    with pytest.raises(ValueError, match=message):
        CueLexicon.from_lines(lines, source="cues.tsv")


def test_affix_cue_needs_a_real_stem():
    lexicon = CueLexicon.from_lines(["dialect\tcue\tweight", "EGY\tبي*\t1", "MGR\t*ش\t1", "LEV\tما*ش\t1"])
    assert lexicon.evidence(["بيت"]).sum() == 0  # stem "ت" is too short
    assert lexicon.evidence(["بيقول"])[DIALECTS.index("EGY")] == 1
    assert lexicon.evidence(["ماكانش"])[DIALECTS.index("LEV")] == 1
    assert lexicon.evidence(["ماكانش"])[DIALECTS.index("MGR")] == 1


def test_word_cue_wins_over_affix_cues():
    lexicon = CueLexicon.from_lines(["dialect\tcue\tweight", "MSA\tبيان\t0.5", "EGY\tبي*\t1"])
    assert list(lexicon.evidence(["بيان", "وبيان"])) == [1.0, 0, 0, 0, 0]
    assert list(lexicon.evidence(["بيقول", "بيقول"])) == [0, 2.0, 0, 0, 0]  # memoised lookups add up too


# --- n-gram training ----------------------------------------------------------------


def test_train_fits_toy_data(trained):
    assert trained.kind == "ngram" and trained.model is not None
    assert [p.label for p in trained.predict_batch(TOY_TEXTS)] == TOY_LABELS
    assert trained.predict_batch(TOY_TEXTS) == [trained.predict(t) for t in TOY_TEXTS]
    assert trained.predict("").label == "MSA"
    assert trained.predict("hello 123").label == "MSA"


def test_train_is_deterministic(trained):
    again = DialectTagger.train(TOY_TEXTS, TOY_LABELS, seed=7)
    assert again.predict_batch(TOY_TEXTS) == trained.predict_batch(TOY_TEXTS)
    assert np.array_equal(again.model.coef, trained.model.coef)


def test_lexicon_expert_keeps_cues_decisive_for_unseen_words():
    # Toy training data without any Maghrebi cue word below: the lexicon still decides.
    tagger = DialectTagger.train(TOY_TEXTS, TOY_LABELS)
    assert tagger.predict("بلاصه زوينه وفيها الدراري").label == "MGR"
    without = DialectTagger.train(TOY_TEXTS, TOY_LABELS, lexicon_weight=0.0, lexicon_feature_scale=0.0)
    assert without.model.settings["lexicon_weight"] == 0.0


def test_train_rejects_bad_input():
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        DialectTagger.train(["a", "b"], ["MSA"])
    with pytest.raises(ValueError, match="unknown labels"):
        DialectTagger.train(["a"], ["egypt"])
    with pytest.raises(ValueError, match="no examples for"):
        DialectTagger.train(["a", "b"], ["MSA", "EGY"])
    with pytest.raises(ValueError, match="C must be > 0"):
        DialectTagger.train(TOY_TEXTS, TOY_LABELS, C=0)
    with pytest.raises(ValueError, match="char_ngram_range"):
        DialectTagger.train(TOY_TEXTS, TOY_LABELS, char_ngram_range=(3, 2))


def test_train_without_any_arabic_text_still_works():
    labels = list(DIALECTS) * 2
    tagger = DialectTagger.train(["hello", "123"] * 5, labels)
    assert tagger.model.char_features == () and tagger.model.word_features == ()
    assert tagger.predict("شو بدك").label == "LEV"  # the lexicon expert alone


# --- save / load ----------------------------------------------------------------------


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_save_load_round_trip_and_byte_identical(trained, tmp_path):
    trained.save(tmp_path / "a")
    DialectTagger.train(TOY_TEXTS, TOY_LABELS, seed=7).save(tmp_path / "b")  # independent training
    files = _files(tmp_path / "a")
    assert set(files) == {"tagger.json", "lexicon.tsv", "ngram_vocabulary.json", "ngram_weights.npz"}
    assert files == _files(tmp_path / "b")
    loaded = DialectTagger.load(tmp_path / "a")
    assert loaded.kind == "ngram"
    probe = [*TOY_TEXTS, "", "نص جديد لم يره النموذج", "hello"]
    assert loaded.predict_batch(probe) == trained.predict_batch(probe)
    loaded.save(tmp_path / "c")
    assert _files(tmp_path / "c") == files
    manifest = json.loads(files["tagger.json"])
    settings = manifest["ngram"]["settings"]
    assert settings["sklearn_version"] and settings["seed"] == 7
    assert settings["training_examples"] == {d: TOY_LABELS.count(d) for d in DIALECTS}
    with np.load(tmp_path / "a" / "ngram_weights.npz", allow_pickle=False) as archive:
        assert sorted(archive.files) == ["char_idf", "coef", "intercept", "word_idf"]


def test_seed_is_recorded(tmp_path):
    DialectTagger.train(TOY_TEXTS, TOY_LABELS, seed=1).save(tmp_path / "a")
    DialectTagger.train(TOY_TEXTS, TOY_LABELS, seed=2).save(tmp_path / "b")
    assert json.loads((tmp_path / "a" / "tagger.json").read_text())["ngram"]["settings"]["seed"] == 1
    assert json.loads((tmp_path / "b" / "tagger.json").read_text())["ngram"]["settings"]["seed"] == 2


def test_lexicon_tagger_round_trip(tagger, tmp_path):
    tagger.save(tmp_path)
    assert set(_files(tmp_path)) == {"tagger.json", "lexicon.tsv"}
    loaded = DialectTagger.load(tmp_path)
    assert loaded.kind == "lexicon"
    assert loaded.lexicon == tagger.lexicon
    assert loaded.predict_batch(TOY_TEXTS) == tagger.predict_batch(TOY_TEXTS)


def test_saving_lexicon_over_ngram_removes_stale_files(trained, tagger, tmp_path):
    trained.save(tmp_path)
    tagger.save(tmp_path)
    assert set(_files(tmp_path)) == {"tagger.json", "lexicon.tsv"}
    assert DialectTagger.load(tmp_path).kind == "lexicon"


def _rewrite(directory: Path, name: str, data: bytes) -> None:
    """Replace a file and record its new sha256 in the manifest (a consistent but bad directory)."""
    (directory / name).write_bytes(data)
    manifest_path = directory / "tagger.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    digest = hashlib.sha256(data).hexdigest()
    if name == "lexicon.tsv":
        manifest["lexicon"]["sha256"] = digest
    elif name == "ngram_vocabulary.json":
        manifest["ngram"]["vocabulary_sha256"] = digest
    elif name == "ngram_weights.npz":
        manifest["ngram"]["weights_sha256"] = digest
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")


def _manifest(directory: Path) -> dict:
    return json.loads((directory / "tagger.json").read_text(encoding="utf-8"))


def _edit_manifest(directory: Path, **changes: object) -> None:
    (directory / "tagger.json").write_text(json.dumps({**_manifest(directory), **changes}), encoding="utf-8")


def _npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda d: (d / "tagger.json").unlink(), r"tagger\.json: missing"),
        (lambda d: (d / "tagger.json").write_text("{not json"), r"tagger\.json: not valid JSON"),
        (lambda d: (d / "tagger.json").write_text('{"format": "other/9"}'), r"tagger\.json: format 'other/9'"),
        (lambda d: _edit_manifest(d, kind="neural"), r"tagger\.json: unknown tagger kind 'neural'"),
        (
            lambda d: _edit_manifest(d, ngram={**_manifest(d)["ngram"], "settings": {"char_ngram_range": "1-4"}}),
            r"tagger\.json: ngram\.settings\.char_ngram_range must be \[low, high\]",
        ),
        (lambda d: (d / "ngram_weights.npz").unlink(), r"ngram_weights\.npz: cannot read"),
        (
            lambda d: (d / "ngram_weights.npz").write_bytes((d / "ngram_weights.npz").read_bytes() + b"x"),
            r"ngram_weights\.npz: contents do not match the sha256",
        ),
        (lambda d: _rewrite(d, "ngram_weights.npz", b"garbage"), r"ngram_weights\.npz: not a readable \.npz"),
        (
            lambda d: _rewrite(d, "ngram_weights.npz", _npz(coef=np.zeros((5, 3)))),
            r"ngram_weights\.npz: missing array 'intercept'",
        ),
        (
            lambda d: _rewrite(
                d, "ngram_weights.npz",
                _npz(coef=np.array([None] * 4, dtype=object), intercept=np.zeros(5), char_idf=np.zeros(1),
                     word_idf=np.zeros(1)),
            ),
            r"ngram_weights\.npz: not a readable \.npz archive of plain arrays",
        ),  # pickled object arrays are refused
        (
            lambda d: _rewrite(
                d, "ngram_vocabulary.json",
                json.dumps({"char": [*json.loads((d / "ngram_vocabulary.json").read_text())["char"], "zzz"],
                            "word": json.loads((d / "ngram_vocabulary.json").read_text())["word"]}).encode(),
            ),
            r"ngram_weights\.npz: array 'coef' has shape .* \(from ngram_vocabulary\.json\)",
        ),
        (lambda d: _rewrite(d, "ngram_vocabulary.json", b"[1, 2]"), r"ngram_vocabulary\.json: expected JSON"),
        (
            lambda d: _rewrite(d, "lexicon.tsv", "dialect\tcue\tweight\nXXX\tده\t1\n".encode()),
            r"lexicon\.tsv:2: unknown dialect 'XXX'",
        ),
    ],
)
def test_load_bad_directory_names_the_file(trained, tmp_path, damage, message):
    trained.save(tmp_path)
    damage(tmp_path)
    with pytest.raises(DialectModelError, match=message):
        DialectTagger.load(tmp_path)


def test_load_missing_directory(tmp_path):
    with pytest.raises(DialectModelError, match="not a directory"):
        DialectTagger.load(tmp_path / "nope")
    with pytest.raises(DialectModelError, match=r"tagger\.json: missing"):
        DialectTagger.load(tmp_path)


# --- documents --------------------------------------------------------------------


def test_tag_document_per_sentence_and_whole(tagger):
    sentences = ["انا عايز اروح البيت دلوقتي.", "الطريق زحمة.", "عشان كده مش هقدر اجي النهارده."]
    doc, per_sentence = tag_document(tagger, sentences)
    assert [p.label for p in per_sentence] == ["EGY", "MSA", "EGY"]  # the neutral sentence stays MSA ...
    assert per_sentence == tagger.predict_batch(sentences)
    assert doc.label == "EGY"  # ... but does not make the document MSA
    assert tuple(doc.scores) == DIALECTS and math.isclose(sum(doc.scores.values()), 1.0)
    assert doc.confidence == max(doc.scores.values())


def test_tag_document_long_msa_text_with_one_dialect_sentence_stays_msa(tagger):
    sentences = [
        "ذهب الرئيس إلى المؤتمر الذي عقد في العاصمة.",
        "وقد ناقش المؤتمر القضايا التي تهم المواطنين.",
        "كما أعلن عن مشروع جديد سوف يبدأ العام المقبل.",
        "ده مش كويس",
    ]
    doc, per_sentence = tag_document(tagger, sentences)
    assert [p.label for p in per_sentence] == ["MSA", "MSA", "MSA", "EGY"]
    assert doc.label == "MSA"


def test_tag_document_edge_cases(tagger, trained):
    for model in (tagger, trained):
        doc, per_sentence = tag_document(model, [])
        assert doc.label == "MSA" and per_sentence == []
        doc, per_sentence = tag_document(model, ["hello", "123"])
        assert doc.label == "MSA" and len(per_sentence) == 2
    doc, _ = tag_document(trained, ["شو بدك؟", "كتير منيح هيك"])
    assert doc.label == "LEV"


# --- camel-tools ------------------------------------------------------------------------


def test_importing_the_module_does_not_import_camel_dialectid():
    code = (
        "import sys, arabic_nlp, arabic_nlp.dialect\n"
        "print(any(m.startswith(('camel_tools.dialectid', 'camel_tools.data')) for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_camel_guard_without_data(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path))
    before = {m for m in sys.modules if m.startswith("camel_tools.dialectid")}
    with pytest.raises(CamelDataMissingError, match=r"catalogue\.json is missing.*camel_data -i dialectid"):
        DialectTagger.camel()
    (tmp_path / "catalogue.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CamelDataMissingError, match="dialect-identification data not found"):
        DialectTagger.camel("model6")
    assert {m for m in sys.modules if m.startswith("camel_tools.dialectid")} == before
    with pytest.raises(ValueError, match="unknown camel-tools dialect-id model 'nope'"):
        DialectTagger.camel("nope")


def test_camel_tagger_saved_without_data_fails_to_load_clearly(tmp_path, monkeypatch):
    monkeypatch.setenv("CAMELTOOLS_DATA", str(tmp_path / "camel"))
    DialectTagger.default().save(tmp_path / "tagger")
    manifest = json.loads((tmp_path / "tagger" / "tagger.json").read_text())
    manifest.update(kind="camel", camel={"model_name": "default"})
    (tmp_path / "tagger" / "tagger.json").write_text(json.dumps(manifest))
    with pytest.raises(CamelDataMissingError, match="camel_data"):
        DialectTagger.load(tmp_path / "tagger")


class _FakeDID:
    """Stands in for camel_tools.dialectid.DIDModel26 (its real data is not installed here)."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def predict(self, sentences, output="label"):
        pred = types.SimpleNamespace
        out = []
        for sentence in sentences:
            scores = {label: 0.01 for label in CAMEL_LABEL_TO_DIALECT}
            scores["CAI" if "ده" in sentence else "RAB" if "ديال" in sentence else "MSA"] = 0.5
            scores["DAM"] = 0.3 if "شو" in sentence else 0.01
            out.append(pred(top=max(scores, key=scores.get), scores=scores))
        return out


@pytest.fixture
def fake_camel(tmp_path, monkeypatch):
    root = tmp_path / "camel"
    (root / "data" / "dialectid" / "model26").mkdir(parents=True)
    (root / "data" / "dialectid" / "model26" / "did_pretrained_311.dill").write_bytes(b"")
    (root / "catalogue.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("CAMELTOOLS_DATA", str(root))
    module = types.ModuleType("camel_tools.dialectid")
    module.DIDModel26 = types.SimpleNamespace(pretrained=lambda: _FakeDID())
    module.DIDModel6 = types.SimpleNamespace(pretrained=lambda: (_ for _ in ()).throw(OSError("no kenlm")))
    import camel_tools

    monkeypatch.setitem(sys.modules, "camel_tools.dialectid", module)
    monkeypatch.setattr(camel_tools, "dialectid", module, raising=False)
    return root


def test_camel_labels_map_to_five_groups(fake_camel, tmp_path):
    assert set(CAMEL_LABEL_TO_DIALECT.values()) == set(DIALECTS)
    assert len(CAMEL_LABEL_TO_DIALECT) == 26
    tagger = DialectTagger.camel()
    assert tagger.kind == "camel"
    egy, mgr, lev, empty = tagger.predict_batch(["ده كويس", "ديال الدار", "شو", ""])
    assert egy.label == "EGY" and math.isclose(sum(egy.scores.values()), 1.0)
    assert egy.scores["EGY"] == pytest.approx((0.5 + 3 * 0.01) / (0.5 + 25 * 0.01))  # CAI+ALX+ASW+KHA
    assert mgr.label == "MGR"
    assert lev.scores["LEV"] > lev.scores["GLF"]
    assert empty.label == "MSA"  # no Arabic: not sent to camel-tools
    tagger.save(tmp_path / "saved")
    assert json.loads((tmp_path / "saved" / "tagger.json").read_text())["camel"] == {"model_name": "default"}
    assert DialectTagger.load(tmp_path / "saved").predict("ده كويس") == egy


def test_camel_load_failure_is_wrapped(fake_camel):
    (fake_camel / "data" / "dialectid" / "model6").mkdir(parents=True)
    (fake_camel / "data" / "dialectid" / "model6" / "did_pretrained_311.dill").write_bytes(b"")
    with pytest.raises(CamelDataMissingError, match="could not be loaded.*no kenlm"):
        DialectTagger.camel("model6")
