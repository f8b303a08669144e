"""Tokenizer and model building blocks: train a byte-level BPE, build a tiny Qwen2, load a (4-bit) base model.

The real setup loads Qwen2-1.5B in NF4 (QLoRA) on a 4 GB GPU; the embedded default trains a small
byte-level BPE on the corpus and builds a tiny random Qwen2 with the same architecture, so the whole
pipeline runs on CPU in minutes. Both go through the same ``load_base_model``.

Heavy libraries (torch, transformers, tokenizers) are imported inside the functions: the pipeline
imports task modules cheaply and only pays for them when a stage really runs.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from arabic_llm.config import QuantizationConfig, TinyModelConfig

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

EOS_TOKEN = "<|endoftext|>"
IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
SPECIAL_TOKENS = (EOS_TOKEN, IM_START, IM_END)

# A plain ChatML template, the format Qwen2 chat models use, so a tokenizer trained here can format
# instruction data (Bactrian-X, oasst1) the same way the real Qwen2 tokenizer would.
CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

_DTYPES = ("bfloat16", "float16", "float32")


def train_bpe_tokenizer(texts: Iterable[str], vocab_size: int, out_dir: Path, seed: int) -> None:
    """Train a byte-level BPE tokenizer and save it as a transformers tokenizer directory.

    Byte-level BPE (the GPT-2 / Qwen2 scheme) never meets an unknown character: every string falls
    back to bytes, so Arabic with diacritics, Latin, digits and emoji all round-trip.

    Args:
        texts: training texts (the cleaned corpus); iterated once.
        vocab_size: target vocabulary size including the 256 byte symbols and the special tokens.
        out_dir: directory to write (``tokenizer.json``, ``tokenizer_config.json``, chat template).
        seed: recorded for the stage's cache key; BPE training itself has no randomness (merge ties
            are broken deterministically by the ``tokenizers`` trainer), so same texts -> same bytes.
    Returns:
        None; the tokenizer loads back with ``load_tokenizer(out_dir)``.
    """
    from tokenizers import (
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        trainers,
    )
    from transformers import PreTrainedTokenizerFast

    del seed  # nothing random to seed; kept in the signature so every stage takes the same arguments
    min_vocab = 256 + len(SPECIAL_TOKENS)
    if vocab_size < min_vocab:
        raise ValueError(f"tokenizer.vocab_size={vocab_size} is below {min_vocab} (256 bytes + special tokens)")

    tokenizer = Tokenizer(models.BPE())
    # NFC so that the same visible text (e.g. a letter + hamza written two ways) gives the same ids.
    tokenizer.normalizer = normalizers.NFC()
    # add_prefix_space=False: a document's first word is not given a fake leading space.
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),  # ids 0, 1, 2 in this order
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),  # all 256 bytes, even unseen ones
        show_progress=False,
    )
    # Materialise the texts in their given order: the trainer counts words, so order does not change
    # the result, but a generator could only be consumed once.
    tokenizer.train_from_iterator(list(texts), trainer=trainer)

    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        eos_token=EOS_TOKEN,
        pad_token=EOS_TOKEN,  # Qwen2 convention: pad with <|endoftext|>; padded labels are masked anyway
        additional_special_tokens=[IM_START, IM_END],
    )
    fast.chat_template = CHATML_TEMPLATE
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(str(out_dir))


def gguf_location(name_or_path: str) -> tuple[str, dict]:
    """(directory or hub id, extra from_pretrained kwargs): a ``.gguf`` file loads through ``gguf_file``."""
    path = Path(str(name_or_path))
    if path.suffix == ".gguf":
        if not path.is_file():
            raise FileNotFoundError(f"GGUF model file not found: {path}")
        return str(path.parent), {"gguf_file": path.name}
    return str(name_or_path), {}


def convert_gguf(gguf_path: Path, out_dir: Path, dtype: str = "bfloat16", tokenizer_dir: Path | None = None) -> dict:
    """Dequantise a GGUF checkpoint (transformers + the ``gguf`` package) into a safetensors directory.

    QLoRA then re-quantises it to NF4 from these weights; training straight on GGUF's own block
    formats is not something bitsandbytes or peft can do. With ``tokenizer_dir`` (the pipeline's
    tokenizer, already taken from this file) that tokenizer is saved beside the weights instead of
    parsing the GGUF's vocabulary a second time (a third of the conversion time).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    where, kwargs = gguf_location(str(gguf_path))
    try:
        model = AutoModelForCausalLM.from_pretrained(where, dtype=getattr(torch, dtype), **kwargs)
        tokenizer = load_tokenizer(str(tokenizer_dir)) if tokenizer_dir else AutoTokenizer.from_pretrained(where, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any parse failure is the file's fault; say which file
        raise ValueError(f"{gguf_path}: cannot load as a GGUF model ({type(exc).__name__}: {exc})") from exc
    # The loaded model still carries the GGUF "quantizer", which refuses to save; its weights are
    # plain dequantised tensors, so move them into an ordinary model of the same config.
    config = model.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config, dtype=getattr(torch, dtype))
    plain.load_state_dict(model.state_dict())
    plain.generation_config = model.generation_config
    model = plain
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out_dir), safe_serialization=True)
    tokenizer.save_pretrained(str(out_dir))
    return {"architecture": model.config.model_type, "parameters": sum(p.numel() for p in model.parameters()),
            "vocab_size": len(tokenizer), "dtype": dtype}


def load_tokenizer(name_or_path: str) -> PreTrainedTokenizerBase:
    """Load a tokenizer (local directory or hub id) and make sure it can pad.

    Args:
        name_or_path: a directory written by ``train_bpe_tokenizer`` / ``save_pretrained``, a hub id,
            or a ``.gguf`` file (its embedded tokenizer).
    Returns:
        The tokenizer; ``pad_token`` is set to ``eos_token`` when the tokenizer has none.
    """
    from transformers import AutoTokenizer

    where, kwargs = gguf_location(str(name_or_path))
    tokenizer = AutoTokenizer.from_pretrained(where, **kwargs)
    if tokenizer.pad_token is None:
        if tokenizer.eos_token is None:
            raise ValueError(f"tokenizer {name_or_path}: has neither pad_token nor eos_token; set one in tokenizer_config.json")
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def build_tiny_qwen2(tokenizer_dir: Path, tiny: TinyModelConfig, seed: int, out_dir: Path) -> None:
    """Build a randomly initialised Qwen2 of the given tiny shape and save it with its tokenizer.

    Args:
        tokenizer_dir: tokenizer directory; its length sets the vocabulary size.
        tiny: the model shape (hidden size, layers, heads, kv heads, MLP size, max positions).
        seed: initialisation seed; same seed and tokenizer -> byte-identical ``model.safetensors``.
        out_dir: directory to write (``config.json``, ``model.safetensors``, tokenizer files).
    Returns:
        None; load it back with ``load_base_model(str(out_dir), ...)``.
    """
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = load_tokenizer(str(tokenizer_dir))
    if tiny.hidden_size % tiny.num_attention_heads:
        raise ValueError(
            f"model.tiny: hidden_size={tiny.hidden_size} is not divisible by num_attention_heads={tiny.num_attention_heads}"
        )
    if tiny.num_attention_heads % tiny.num_key_value_heads:
        raise ValueError(
            f"model.tiny: num_attention_heads={tiny.num_attention_heads} is not a multiple of "
            f"num_key_value_heads={tiny.num_key_value_heads}"
        )
    config = Qwen2Config(
        vocab_size=len(tokenizer),  # len() counts added special tokens, unlike tokenizer.vocab_size
        hidden_size=tiny.hidden_size,
        num_hidden_layers=tiny.num_hidden_layers,
        num_attention_heads=tiny.num_attention_heads,
        num_key_value_heads=tiny.num_key_value_heads,
        intermediate_size=tiny.intermediate_size,
        max_position_embeddings=tiny.max_position_embeddings,
        tie_word_embeddings=True,  # as Qwen2-1.5B: lm_head shares the embedding matrix
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        # pad_token_id stays unset: pad == eos here, and a padding_idx would zero the EOS embedding,
        # which is a real input token (the document separator in packed shards).
    )
    # fork_rng: seed the init without changing the caller's global RNG state.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Qwen2ForCausalLM(config)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out_dir), safe_serialization=True)
    tokenizer.save_pretrained(str(out_dir))


def pick_device() -> str:
    """``"cuda"`` when a GPU is visible, else ``"cpu"``."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def cpu_has_native_bf16() -> bool:
    """The CPU advertises bf16 arithmetic (avx512_bf16 or amx_bf16 in /proc/cpuinfo)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def resolve_compute_dtype(requested: str, device: str) -> torch.dtype:
    """The requested compute dtype, or the next one down (bf16 -> fp16 -> fp32) the device supports.

    Args:
        requested: ``"bfloat16"``, ``"float16"`` or ``"float32"`` (``quantization.compute_dtype``).
        device: ``"cuda"`` or ``"cpu"``.
    Returns:
        A torch dtype.
    """
    import torch

    if requested not in _DTYPES:
        raise ValueError(f"quantization.compute_dtype={requested!r}: expected one of {_DTYPES}")

    def supported(name: str) -> bool:
        if name == "float32":
            return True
        if device == "cuda":
            # bf16 needs Ampere or newer (the 4 GB laptop GPUs are often Turing: fp16 only).
            return torch.cuda.is_bf16_supported() if name == "bfloat16" else True
        # CPU: bf16 matmuls are fast only with native bf16 instructions (AVX512-BF16, AMX); without
        # them they run ~5-20x slower than fp32 (measured here: 47 s vs 2.5 s for one lm_head
        # backward), so fall back to fp32. fp16 matmuls on CPU are slow or missing.
        return name == "bfloat16" and cpu_has_native_bf16()

    for name in _DTYPES[_DTYPES.index(requested) :]:
        if supported(name):
            return getattr(torch, name)
    return torch.float32  # unreachable: float32 is always supported


def uses_4bit(quant: QuantizationConfig, device: str) -> bool:
    """Whether the base weights load in 4 bit: on a GPU whenever ``load_in_4bit``; on a CPU only when
    ``quantization.on_cpu`` is ``4bit`` (bitsandbytes' CPU 4-bit matmuls are no faster than bf16 ones there,
    and a GGUF's already-quantised weights would be quantised a second time)."""
    return quant.load_in_4bit and (device.split(":")[0] != "cpu" or quant.on_cpu == "4bit")


def precision_note(quant: QuantizationConfig, device: str) -> str:
    """One line for the run output, manifests and the model card: how the base weights were held."""
    dtype = str(resolve_compute_dtype(quant.compute_dtype, device.split(":")[0])).removeprefix("torch.")
    if uses_4bit(quant, device):
        return f"{quant.quant_type.upper()} 4-bit base weights (QLoRA), {dtype} compute"
    if quant.load_in_4bit:
        return (f"{dtype} base weights, not 4-bit: no GPU, and quantization.on_cpu=unquantized (4-bit matmuls are "
                "no faster on a CPU); on a GPU the same config trains QLoRA (NF4)")
    return f"{dtype} base weights (quantization.load_in_4bit=false)"


def load_base_model(name_or_path: str, quant: QuantizationConfig, *, for_training: bool,
                    attn_implementation: str = "sdpa", device: str | None = None) -> PreTrainedModel:
    """Load a causal LM, in NF4 4-bit (QLoRA) when ``quant.load_in_4bit``, with every base weight frozen.

    Unlike peft's ``prepare_model_for_kbit_training`` this does not cast the non-quantised weights
    to fp32: with tied embeddings (Qwen2) that would upcast the whole vocab x hidden matrix, which is
    the biggest tensor left in a 4-bit 1.5B model (0.9 GB in fp32) and does not fit a 4 GB GPU.

    Args:
        name_or_path: model directory (e.g. from ``build_tiny_qwen2``) or hub id.
        quant: 4-bit settings; compute dtype falls back bf16 -> fp16 -> fp32 by device support.
        for_training: True: no KV cache, input embeddings' outputs require grad (so activation
            checkpointing still back-propagates into the LoRA weights); False: eval mode.
        attn_implementation: ``sdpa`` (PyTorch picks FlashAttention or memory-efficient kernels),
            ``flash_attention_2`` (the flash-attn package) or ``eager``.
        device: where to load it (``cuda:1`` for data-parallel rank 1); None: ``cuda`` when
            available else ``cpu``.
    Returns:
        The model on ``device``, all parameters frozen.
    """
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    device = device or pick_device()
    dtype = resolve_compute_dtype(quant.compute_dtype, device.split(":")[0])  # "cuda:1" -> "cuda"
    kwargs = {}
    if quant.load_in_4bit and not uses_4bit(quant, device):
        _say_once(f"base model: {precision_note(quant, device)}")
    if uses_4bit(quant, device):
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type=quant.quant_type,
            bnb_4bit_use_double_quant=quant.double_quant,
            bnb_4bit_compute_dtype=dtype,
            bnb_4bit_quant_storage="uint8",
        )
    try:
        model = AutoModelForCausalLM.from_pretrained(
            str(name_or_path),
            dtype=dtype,  # the non-quantised weights (embeddings, norms, biases) stay in compute dtype
            attn_implementation=attn_implementation,
            device_map={"": device},
            **kwargs,
        )
    except OSError as exc:
        raise OSError(
            f"cannot load model {name_or_path!r}: {exc}. Fix: point model.name_or_path at a local directory "
            "with config.json + model.safetensors, or leave it null to build the tiny Qwen2"
        ) from exc

    for param in model.parameters():
        param.requires_grad_(False)
    if for_training:
        model.config.use_cache = False  # the cache is useless in training and conflicts with checkpointing
        model.enable_input_require_grads()
        model.train()
    else:
        model.eval()
    return model


_SAID: set[str] = set()


def _say_once(message: str) -> None:
    """Print a precision notice once per process (every stage that loads the model would repeat it)."""
    if message not in _SAID:
        _SAID.add(message)
        print(message, flush=True)


@contextlib.contextmanager
def quiet_peft_deprecations() -> Iterator[None]:
    """Silence transformers' FutureWarning for the deprecated names peft still calls.

    peft 0.21 asks ``model.is_gradient_checkpointing``, renamed ``is_activation_checkpointing`` in
    transformers 5; the warning is about peft's code, not ours, and would repeat in every stage log.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*is_gradient_checkpointing.*deprecated", category=FutureWarning)
        yield


def stack_adapters(base, adapters: dict[str, str | Path]):
    """A PeftModel with each named adapter loaded onto ``base`` (the first one active), in eval mode."""
    from peft import PeftModel

    names = list(adapters)
    with quiet_peft_deprecations():
        model = PeftModel.from_pretrained(base, str(adapters[names[0]]), adapter_name=names[0])
        for name in names[1:]:
            model.load_adapter(str(adapters[name]), adapter_name=name)
    model.eval()
    return model


def model_device(model) -> torch.device:
    """The device of a model's parameters (cpu for a model without any)."""
    import torch

    try:
        return next(model.parameters()).device
    except (AttributeError, StopIteration):
        return torch.device("cpu")
