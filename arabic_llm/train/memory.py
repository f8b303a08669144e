"""Memory caps for training: enforce them, measure against them, and fit the batch shape to them.

- The GPU cap is enforced by PyTorch's caching allocator (``set_per_process_memory_fraction``):
  an allocation past it raises out-of-memory instead of growing into the rest of the card.
- The RAM cap is watched: a thread samples the process RSS (psutil) every few milliseconds and the
  training loop stops with a clear message when the peak crosses it.
- ``fit_shape`` finds the longest sequence and the largest micro-batch that fit by running real
  probe steps (forward + backward at that shape) and reading the peaks, instead of guessing from
  a formula that would drift with every kernel and library version.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

GIB = 2**30


class MemoryCapError(RuntimeError):
    """Training does not fit the configured memory caps; the message says what does not fit."""


class RssWatch:
    """Samples this process's resident set size in a background thread; keeps the peak."""

    def __init__(self, interval_s: float = 0.005):
        import psutil

        self._proc = psutil.Process()
        self.interval_s = interval_s
        self.peak = self._proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-watch", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.peak = max(self.peak, self._proc.memory_info().rss)

    def current(self) -> int:
        rss = self._proc.memory_info().rss
        self.peak = max(self.peak, rss)
        return rss

    def reset_peak(self) -> None:
        self.peak = self._proc.memory_info().rss

    def __enter__(self) -> "RssWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)


@dataclass
class Caps:
    """Byte limits (None: no limit) and what the card really has."""

    gpu_bytes: int | None
    ram_bytes: int | None
    device: str
    gpu_total_bytes: int | None = None

    @classmethod
    def from_gib(cls, gpu_gib: float | None, ram_gib: float | None, device: str) -> "Caps":
        total = None
        if device == "cuda":
            import torch

            total = int(torch.cuda.get_device_properties(torch.cuda.current_device()).total_memory)
        gpu = int(gpu_gib * GIB) if gpu_gib is not None and device == "cuda" else None
        return cls(gpu, int(ram_gib * GIB) if ram_gib is not None else None, device, total)

    def enforce_gpu(self) -> None:
        """Make the allocator refuse memory past the GPU cap."""
        if self.gpu_bytes is None or self.device != "cuda":
            return
        import torch

        torch.cuda.set_per_process_memory_fraction(min(1.0, self.gpu_bytes / self.gpu_total_bytes))

    def check_ram(self, rss_peak: int, where: str) -> None:
        if self.ram_bytes is not None and rss_peak > self.ram_bytes:
            raise MemoryCapError(
                f"{where}: process RSS reached {rss_peak / GIB:.2f} GiB, over memory.ram_limit_gib="
                f"{self.ram_bytes / GIB:g}. Fix: lower seq_len or micro_batch, or raise memory.ram_limit_gib"
            )

    def describe(self) -> dict:
        return {
            "gpu_limit_gib": None if self.gpu_bytes is None else round(self.gpu_bytes / GIB, 3),
            "ram_limit_gib": None if self.ram_bytes is None else round(self.ram_bytes / GIB, 3),
            "gpu_total_gib": None if self.gpu_total_bytes is None else round(self.gpu_total_bytes / GIB, 3),
        }


@dataclass
class Probe:
    """One measured shape: its peaks, or why it failed."""

    seq_len: int
    micro_batch: int
    checkpointing: bool
    gpu_peak: int | None = None
    rss_peak: int | None = None
    fits: bool = False
    why: str = ""

    def as_dict(self) -> dict:
        return {
            "seq_len": self.seq_len, "micro_batch": self.micro_batch, "checkpointing": self.checkpointing,
            "gpu_peak_gib": None if self.gpu_peak is None else round(self.gpu_peak / GIB, 3),
            "rss_peak_gib": None if self.rss_peak is None else round(self.rss_peak / GIB, 3),
            "fits": self.fits, "why": self.why,
        }


@dataclass
class Fit:
    seq_len: int
    micro_batch: int
    checkpointing: bool
    probes: list[Probe] = field(default_factory=list)


# probe(seq_len, micro_batch, checkpointing) -> (gpu_peak_bytes or None, rss_peak_bytes); raises on OOM.
ProbeFn = Callable[[int, int, bool], tuple[int | None, int]]


def _is_oom(exc: BaseException) -> bool:
    import torch

    return isinstance(exc, torch.OutOfMemoryError) or "out of memory" in str(exc).lower()


def measure(probe_fn: ProbeFn, caps: Caps, seq_len: int, micro_batch: int, checkpointing: bool,
            headroom: float) -> Probe:
    """Run one probe step and judge it against the caps (``headroom`` of each cap kept free)."""
    result = Probe(seq_len, micro_batch, checkpointing)
    try:
        result.gpu_peak, result.rss_peak = probe_fn(seq_len, micro_batch, checkpointing)
    except Exception as exc:  # noqa: BLE001 - only out-of-memory is a verdict; anything else propagates
        if not _is_oom(exc):
            raise
        result.why = "out of memory at the GPU cap"
        return result
    if caps.gpu_bytes is not None and result.gpu_peak is not None and result.gpu_peak > caps.gpu_bytes * (1 - headroom):
        result.why = f"GPU peak {result.gpu_peak / GIB:.2f} GiB over the cap less {headroom:.0%} headroom"
    elif caps.ram_bytes is not None and result.rss_peak > caps.ram_bytes * (1 - headroom):
        result.why = f"RSS peak {result.rss_peak / GIB:.2f} GiB over the cap less {headroom:.0%} headroom"
    else:
        result.fits = True
    return result


def fit_shape(probe_fn: ProbeFn, caps: Caps, *, seq_lens: list[int], micro_batches: list[int],
              checkpointing: list[bool], where: str, headroom: float = 0.05) -> Fit:
    """The longest sequence, then the largest micro-batch, that fits; checkpointing only if needed.

    Args:
        probe_fn: runs one forward + backward at a shape and returns the peaks.
        seq_lens: candidates, longest first (one value when seq_len is fixed).
        micro_batches: candidates, ascending (one value when micro_batch is fixed).
        checkpointing: ``[False, True]`` for auto (off preferred when it fits as large a batch), or one value.
        where: the stage name, for messages.
    Raises:
        MemoryCapError: nothing fits; the message lists what was tried and what each needed.
    """
    probes: list[Probe] = []
    for seq_len in seq_lens:
        best: dict[bool, int] = {}
        for ckpt in checkpointing:
            for mb in micro_batches:
                p = measure(probe_fn, caps, seq_len, mb, ckpt, headroom)
                probes.append(p)
                if not p.fits:
                    break  # larger batches need more memory still
                best[ckpt] = mb
            if best.get(ckpt) == micro_batches[-1]:
                break  # the largest batch fits as it is: checkpointing could only slow it down
        if best:
            # Off is faster per token; take it unless checkpointing buys a larger micro-batch.
            ckpt = False if False in best and best[False] >= best.get(True, 0) else True
            return Fit(seq_len, best[ckpt], ckpt, probes)
    tried = "; ".join(
        f"seq_len {p.seq_len} x micro_batch {p.micro_batch} (checkpointing {'on' if p.checkpointing else 'off'}): {p.why}"
        for p in probes
    )
    raise MemoryCapError(
        f"{where}: no training shape fits the memory caps {caps.describe()}. Tried: {tried}. "
        "Fix: raise memory.gpu_limit_gib / ram_limit_gib, shorten seq_len, or enable gradient_checkpointing"
    )
