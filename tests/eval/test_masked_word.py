import random
from collections import Counter

from arabic_llm.eval.diacritics import attested_readings, disambiguation_choices
from arabic_llm.eval.masked_word import (
    FrequencyBands,
    choice_accuracy,
    masked_word_choices,
)

WORDS = [f"كلمة{chr(0x0628 + i)}" for i in range(20)]


def bands() -> FrequencyBands:
    counts = Counter({w: 100 - i for i, w in enumerate(WORDS)})
    counts.update({"نادرة": 2, "english": 500})
    return FrequencyBands(counts, min_count=3)


def test_distractors_come_from_the_frequency_window():
    b = bands()
    assert "نادرة" not in b.rank and "english" not in b.rank
    chosen = b.distractors(WORDS[5], 4, random.Random(0), window=3)
    assert len(chosen) == 4 and WORDS[5] not in chosen
    assert all(abs(b.rank[w] - 5) <= 3 for w in chosen)
    assert b.distractors(WORDS[0], 30, random.Random(0)) is None  # too few words around
    assert b.distractors("نادرة", 2, random.Random(0)) is None


def test_choices_and_accuracy():
    choices = masked_word_choices([f"هذه {WORDS[3]} جميلة", "no arabic here"], bands(), k=5, seed=1)
    assert len(choices) == 1
    (choice,) = choices
    assert len(choice.texts) == 5 and choice.texts[choice.answer] == f"هذه {WORDS[3]} جميلة"
    assert all(t.startswith("هذه ") and t.endswith(" جميلة") for t in choice.texts)
    truth = choice.texts[choice.answer]
    assert choice_accuracy(choices, lambda ts: [1.0 if t == truth else 0.0 for t in ts]) == 1.0
    assert choice_accuracy(choices, lambda ts: [0.0] * len(ts)) == 0.0  # a tie is wrong
    assert choice_accuracy([], lambda ts: []) is None


def test_disambiguation_uses_other_attested_readings():
    corpus = ["عَلِمَ الوَلَدُ", "العِلْمُ نُورٌ", "عُلِمَ الأَمْرُ", "كَتَبَ"]
    readings = attested_readings(corpus)
    assert readings["علم"] == {"عَلِمَ", "عُلِمَ"}
    choices = disambiguation_choices(["عَلِمَ الوَلَدُ", "كَتَبَ"], readings, seed=0)
    assert len(choices) == 1
    assert choices[0].texts[choices[0].answer] == "عَلِمَ الوَلَدُ"
    assert sorted(choices[0].texts) == sorted(["عَلِمَ الوَلَدُ", "عُلِمَ الوَلَدُ"])


def test_choice_accuracy_scores_every_test_in_one_call_and_reads_each_test_back():
    from arabic_llm.eval.masked_word import Choice

    choices = [Choice(("a1", "a2", "a3"), 2), Choice(("b1", "b2"), 0), Choice(("c1", "c2"), 1)]
    score = {"a1": -3.0, "a2": -2.0, "a3": -1.0, "b1": -5.0, "b2": -4.0, "c1": -1.0, "c2": -0.5}
    calls = []

    def logprob(texts):
        calls.append(list(texts))
        return [score[t] for t in texts]

    assert choice_accuracy(choices, logprob) == 2 / 3  # a3 and c2 win; b1 loses to b2
    assert calls == [["a1", "a2", "a3", "b1", "b2", "c1", "c2"]]
