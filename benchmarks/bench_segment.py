"""Sentence-boundary precision, recall and F1 of split_sentences against other segmenters.

Gold-segmented text, two sets:

* ``sib200``: paragraphs rebuilt from consecutive SIB-200 (FLORES-200)
  sentences of MSA (arb) and four dialects (arz, apc, ars, ary): 3-6
  consecutive items joined with a space (``random.Random(seed)`` picks the
  lengths; seed fixed), gold boundaries at the joins. A FLORES item is
  sometimes two or three sentences, and a boundary inside it would count as a
  false positive although it is right; so items are kept only when their
  English version (the corpus is parallel) is a single sentence by a simple
  capitalisation rule, which involves no Arabic segmenter at all.
  ``sib200-all`` keeps every item (noisy gold: correct splits inside a
  multi-sentence item count against a system), for reference.
* ``hard``: short texts written for this project (not taken from any data
  set) with abbreviations, numbers, dates, quotes, brackets, lists, line
  breaks, ؛ and ، , ۝, dialect questions and informal glued punctuation; ``¦``
  marks each gold boundary. Convention for quotations (the one FLORES
  follows: in SIB-200 an end mark + closing quote ends the sentence in 83
  of 90 cases): a quotation that ends with an end mark ends the sentence;
  one followed by ، or ending without an end mark does not.

A boundary is the point where a sentence's text ends; systems are aligned to
the gold by counting non-white-space characters, so differences in the white
space a system keeps do not matter. Every system sees the same texts and is
scored the same way. Systems: ours (arabic_nlp.segment.split_sentences),
pysbd (``Segmenter(language="ar", clean=False)``), sentencex
(``segment("ar", text)``) and arabic-sentencizer
(``ArabicSentencizer(train_on_reuters=False)``, so it never downloads);
a system whose package is not installed is listed as such
(``pip install pysbd sentencex arabic-sentencizer``).

Usage: python benchmarks/bench_segment.py [--seed N] [--errors N]
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from arabic_nlp.segment import split_sentences

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
VARIETIES = ("arb", "arz", "apc", "ars", "ary")  # MSA, Egyptian, Levantine, Najdi (Gulf), Moroccan
MARK = "¦"

# fmt: off
HARD = [
    # abbreviations and initials
    "حاضر د. سمير حداد في كلية الطب صباح الأحد.¦ وحضر المحاضرة أكثر من مئتي طالب.",
    "أشرف أ.د. منى الشريف على الرسالة.¦ ونوقشت في جامعة عين شمس بحضور لجنة من ثلاثة أساتذة.",
    "صمّم م. وليد عبد الله الجسر الجديد فوق النهر.¦ وافتُتح الجسر في الربيع الماضي.",
    "انظر ص. ٤٥ من ج. ٢ من الكتاب.¦ ففيها تفصيل المسألة.",
    "بُنيت المدينة نحو سنة ٣٠٠ ق.م. على ضفة النهر.¦ ثم هجرها أهلها بعد قرون.",
    "شُيّد المعبد في القرن الخامس ق.م.¦ وما زالت أطلاله قائمة حتى اليوم.",
    "توفي الطبري سنة ٣١٠ هـ. في بغداد.¦ وترك مؤلفات كثيرة في التفسير والتاريخ.",
    "للمراسلة: ص.ب. ١٢٣٤ عمّان.¦ أو عبر البريد الإلكتروني.",
    "قدّم Dr. Smith عرضا عن الذكاء الاصطناعي.¦ وكان العرض مفيدا للطلاب.",
    "كتب المقال ع. الخطيب ونُشر في الصحيفة.¦ ولاقى صدى واسعا بين القراء.",
    "يعمل الدكتور م. ع. الهاشمي في المستشفى الجامعي.¦ وهو جراح معروف.",
    "صدر الكتاب (ط. ٣، د.ت.) عن دار المعارف.¦ ونفدت نسخه سريعا.",
    # numbers, dates, versions, times
    "بلغت نسبة النمو ٣٫٥٪ في الربع الأول.¦ وتراجعت البطالة إلى ٧.٢٪ في الفترة نفسها.",
    "قيمة الثابت π تساوي 3.14159 تقريبا.¦ ويُستخدم في حساب مساحة الدائرة.",
    "وُقّع الاتفاق في ١٢/٥/٢٠٢٤ في الرياض.¦ ويدخل حيز التنفيذ بعد شهر.",
    "ارتفع سعر البرميل إلى 85.40 دولارا.¦ وهو أعلى سعر منذ عامين.",
    "صدر الإصدار 2.1.3 من البرنامج أمس.¦ ويتضمن إصلاحات أمنية مهمة.",
    "يبدأ الاجتماع الساعة 10.30 صباحا.¦ ويستمر حتى الظهر.",
    "حدث ذلك في عام 1990.¦ ثم تغيرت الأحوال كثيرا.",
    "حصل الفريق على المركز 3.¦ وكان ذلك إنجازا كبيرا بالنسبة إليه.",
    "يبلغ عدد السكان نحو ٢٫٥ مليون نسمة.¦ ويعمل أغلبهم في الزراعة.",
    # quotes and brackets
    "قال الوزير: «سنبدأ التنفيذ غدا. ولن نتأخر!»¦ ثم غادر القاعة.¦ وتابع الصحفيون أسئلتهم.",
    "قال الوزير: «سنبدأ التنفيذ غدا»، ثم غادر القاعة.¦ وتابع الصحفيون أسئلتهم.",
    "قالت المعلمة: «افتحوا كتبكم على الصفحة العاشرة.»¦ ففتح التلاميذ كتبهم.",
    "وقال المتحدث: \"لن نتراجع عن قرارنا.\"¦ وأضاف أن المفاوضات مستمرة.",
    "وصف المحلل الخبر بأنه «مفاجأة كبرى».¦ ولم يعلق أحد من المسؤولين.",
    "كتب الشاعر: «الحياة قصيرة… فلا تضيعها»، ثم أغلق الدفتر.¦ ونام مبكرا.",
    "يُعرف الحمض النووي (DNA) بأنه حامل المعلومات الوراثية.¦ ويوجد في كل خلية حية.",
    "انتهت المباراة بالتعادل (١-١).¦ وسيلتقي الفريقان مجددا الأسبوع القادم.",
    "أعلنت الشركة (وهي الأكبر في المنطقة. وفق تقرير حديث) عن أرباح قياسية.¦ وارتفع سهمها.",
    "سألني: \"هل أنت متأكد؟\"¦ فأجبته بأنني متأكد تماما.",
    # end marks, ؛ and ، , ۝
    "هل زرت القدس من قبل؟¦ نعم، زرتها مرتين!¦ كانت رحلة لا تُنسى.",
    "يا إلهي؟!¦ ما الذي حدث هنا؟",
    "كنت أنتظرك طويلا…¦ لكنك لم تأت.",
    "تأخرت الطائرة؛ بسبب سوء الأحوال الجوية، ولم نصل إلا ليلا.¦ وكان الجميع متعبين.",
    "أولا، نحدد المشكلة؛ ثانيا، نجمع البيانات؛ ثالثا، نحلل النتائج.¦ هذه هي الخطوات.",
    "الْحَمْدُ لِلَّهِ رَبِّ الْعَالَمِينَ ۝٢¦ الرَّحْمَٰنِ الرَّحِيمِ ۝٣¦ مَالِكِ يَوْمِ الدِّينِ ۝٤",
    "وصل القطار متأخرا ساعتين۔¦ واعتذرت الشركة للمسافرين۔",
    "Welcome to Cairo.¦ هذه الجملة بالعربية.¦ And this one is English again!",
    # line breaks and list items
    "المكونات:¦\n- كوبان من الطحين¦\n- ملعقة سكر¦\n- رشة ملح",
    "خطوات التسجيل:¦\n١. افتح الموقع.¦\n٢. أدخل بياناتك.¦\n٣. اضغط على زر الإرسال.",
    "العنوان الرئيسي¦\nهذا أول سطر في الفقرة.¦ وهذه جملة ثانية.",
    "مزايا الجهاز:¦ • سهل الاستخدام¦ • رخيص¦ • متين",
    "1) التسجيل في الموقع¦\n2) تأكيد البريد الإلكتروني",
    # dialects (EGY, LEV, GLF, MGR)
    "إنت فين يا عم؟¦ أنا مستنيك من الصبح.",
    "شو عم تعمل هلق؟¦ تعا نطلع نشرب قهوة!",
    "وين رايح؟¦ بروح السوق أشتري خضرة.",
    "واش نتا مزيان؟¦ الحمد لله، كلشي بخير.",
    # informal: glued punctuation, URLs, e-mails
    "وصلت البيت.¦تعبان كثير والله",
    "زوروا موقعنا www.example.com للمزيد.¦ أو راسلونا على info@example.com في أي وقت.",
    "الملف اسمه report.pdf وحجمه كبير.¦ سأرسله غدا.",
]
# fmt: on

# English side: a sentence end followed by a capital/digit opens a new sentence,
# unless the period ends a common abbreviation or an initial.
_EN_INTERNAL = re.compile(r"[.!?…]+[\"'”’)\]]*\s+[\"'“‘(\[]*[A-Z0-9]")
_EN_ABBREVIATION = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Gov|Sen|Rep|Lt|Col|Capt|Mt|Ft|Inc|Ltd|Co|Corp|vs|v|etc|No|"
    r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|U\.S|U\.K|a\.m|p\.m|e\.g|i\.e|[A-Z])\.$"
)


def english_is_one_sentence(text: str) -> bool:
    """Tell whether an English FLORES item holds a single sentence (capitalisation rule)."""
    for match in _EN_INTERNAL.finditer(text):
        if text[match.start()] == "." and _EN_ABBREVIATION.search(text[: match.start() + 1]):
            continue
        return False
    return True


def _read(variety: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for split in ("train", "dev"):
        with open(DATA / "sib200" / variety / f"{split}.tsv", encoding="utf-8", newline="") as f:
            rows += [(row["index_id"], row["text"].strip()) for row in csv.DictReader(f, delimiter="\t")]
    return rows


def sib_paragraphs(seed: int, single_only: bool) -> list[tuple[str, set[int]]]:
    """Paragraphs of 3-6 consecutive SIB-200 items, with gold boundaries.

    Args:
        seed: Seed for the paragraph lengths.
        single_only: Keep only items whose English version is one sentence.

    Returns:
        ``(text, gold)`` pairs; gold holds boundary positions as counts of
        non-white-space characters before the boundary.
    """
    english = dict(_read("eng_Latn"))
    rng = random.Random(seed)
    paragraphs = []
    for variety in VARIETIES:
        items = [text for index, text in _read(f"{variety}_Arab") if not single_only
                 or english_is_one_sentence(english[index])]
        i = 0
        while i < len(items):
            group = items[i : i + rng.randint(3, 6)]
            i += len(group)
            if len(group) < 2:
                continue
            paragraphs.append((" ".join(group), _boundaries(group)))
    return paragraphs


def hard_set() -> list[tuple[str, set[int]]]:
    """The hand-written set as ``(text, gold)`` pairs."""
    return [(item.replace(MARK, ""), _boundaries(item.split(MARK))) for item in HARD]


def _nonspace(text: str) -> int:
    return sum(not c.isspace() for c in text)


def _boundaries(sentences: list[str]) -> set[int]:
    """Boundary positions (non-white-space characters before each boundary, the final end excluded)."""
    positions, total = set(), 0
    for sentence in sentences[:-1]:
        total += _nonspace(sentence)
        positions.add(total)
    return positions


def _systems() -> dict[str, Callable[[str], list[str]] | str]:
    """Name -> segmenter, or a string saying why it is missing."""
    systems: dict[str, Callable[[str], list[str]] | str] = {"ours": split_sentences}
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="ar", clean=False)
        systems["pysbd"] = lambda text: list(segmenter.segment(text))
    except ImportError:
        systems["pysbd"] = "not installed (pip install pysbd)"
    try:
        import sentencex

        systems["sentencex"] = lambda text: list(sentencex.segment("ar", text))
    except ImportError:
        systems["sentencex"] = "not installed (pip install sentencex)"
    try:
        from arabic_sentencizer import ArabicSentencizer

        sentencizer = ArabicSentencizer(train_on_reuters=False)  # True would download NLTK's Reuters corpus
        systems["arabic-sentencizer"] = sentencizer.split_sentences
    except ImportError:
        systems["arabic-sentencizer"] = "not installed (pip install arabic-sentencizer)"
    return systems


def score(system: Callable[[str], list[str]], data: list[tuple[str, set[int]]]) -> dict:
    """Boundary P/R/F1 of one system on one set, plus its errors and speed."""
    tp = fp = fn = misaligned = 0
    errors = []
    started = time.perf_counter()
    outputs = [system(text) for text, _ in data]
    seconds = time.perf_counter() - started
    for (text, gold), sentences in zip(data, outputs):
        sentences = [s for s in sentences if s.strip()]
        if sum(map(_nonspace, sentences)) != _nonspace(text):
            misaligned += 1  # the system changed the text; score what can be aligned
        predicted = _boundaries(sentences)
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
        if predicted != gold:
            errors.append((text, sentences))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"P": precision, "R": recall, "F1": f1, "tp": tp, "fp": fp, "fn": fn, "misaligned": misaligned,
            "errors": errors, "chars_per_s": sum(len(t) for t, _ in data) / seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="seed for SIB-200 paragraph lengths (default 0)")
    parser.add_argument("--errors", type=int, default=0, help="print up to N mis-segmented texts per system")
    parser.add_argument("--systems", default="", help="comma-separated subset of systems to run")
    args = parser.parse_args(argv)
    sets: dict[str, list[tuple[str, set[int]]]] = {"hard": hard_set()}
    if DATA.is_dir():
        sets["sib200"] = sib_paragraphs(args.seed, single_only=True)
        sets["sib200-all"] = sib_paragraphs(args.seed, single_only=False)
    else:
        print(f"SKIP sib200: shared data folder not found at {DATA}; scoring the hand-written set only")
    systems = _systems()
    if args.systems:
        systems = {name: systems[name] for name in args.systems.split(",")}
    for name, data in sets.items():
        gold = sum(len(g) for _, g in data)
        print(f"\n{name}: {len(data)} texts, {gold} gold boundaries"
              + (f", varieties {', '.join(VARIETIES)}, seed {args.seed}" if name.startswith("sib") else ""))
        header = ("system", "P", "R", "F1", "TP", "FP", "FN", "kchar/s")
        print(f"| {header[0]:18} | " + " | ".join(f"{h:>{w}}" for h, w in zip(header[1:], (6, 6, 6, 5, 5, 5, 8))) + " |")
        print(f"|{'-' * 20}|{'-' * 8}|{'-' * 8}|{'-' * 8}|{'-' * 7}|{'-' * 7}|{'-' * 7}|{'-' * 10}|")
        for system_name, system in systems.items():
            if isinstance(system, str):
                print(f"| {system_name:18} | {system} |")
                continue
            s = score(system, data)
            note = f" ({s['misaligned']} texts altered by the system)" if s["misaligned"] else ""
            print(f"| {system_name:18} | {s['P']:6.3f} | {s['R']:6.3f} | {s['F1']:6.3f} | {s['tp']:5d} | {s['fp']:5d} "
                  f"| {s['fn']:5d} | {s['chars_per_s'] / 1000:8.0f} |{note}")
            for text, sentences in s["errors"][: args.errors]:
                print(f"    {system_name} ERR: {text!r}\n        -> {sentences!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
