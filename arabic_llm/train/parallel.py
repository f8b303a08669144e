"""This process's place in a data-parallel training group: the collectives the training loop needs."""

from __future__ import annotations

import contextlib
import sys
from dataclasses import dataclass
from typing import Any


@dataclass
class DataParallel:
    """This process's place in a data-parallel group (an ``accelerate.Accelerator``) and the few
    collectives the training loop needs."""

    accelerator: Any

    @classmethod
    def start(cls, device: str) -> "DataParallel":
        from accelerate import Accelerator
        from accelerate.utils import DistributedDataParallelKwargs

        # Every LoRA weight is used in every step: DDP need not look for unused parameters (which
        # would also clash with activation checkpointing).
        ddp = DistributedDataParallelKwargs(find_unused_parameters=False)
        # cpu=True: accelerate's MULTI_CPU mode over gloo; else NCCL, one GPU per local rank.
        return cls(Accelerator(cpu=device == "cpu", kwargs_handlers=[ddp]))

    @property
    def rank(self) -> int:
        return self.accelerator.process_index

    @property
    def world(self) -> int:
        return self.accelerator.num_processes

    @property
    def device(self) -> str:
        return str(self.accelerator.device)

    def wrap(self, module):
        """``module`` in DDP, synchronising only its trainable parameters.

        The frozen 4-bit base weights and the buffers (rotary tables) are the same on every rank
        (each rank loads the same files), so DDP neither broadcasts nor reduces them.
        """
        import torch

        frozen = [n for n, p in module.named_parameters() if not p.requires_grad]
        frozen += [n for n, _ in module.named_buffers()]
        torch.nn.parallel.DistributedDataParallel._set_params_and_buffers_to_ignore_for_model(module, frozen)
        return self.accelerator.prepare_model(module, device_placement=False)

    def no_sync(self, module, skip: bool):
        """Skip the gradient all-reduce for a micro-batch that is not the step's last."""
        return module.no_sync() if skip else contextlib.nullcontext()

    def sum(self, values: list[float]) -> list[float]:
        """Element-wise sum over the ranks (one collective)."""
        import torch

        total = self.accelerator.reduce(torch.tensor(values, dtype=torch.float64, device=self.device), "sum")
        return [float(v) for v in total.cpu()]

    def gather(self, obj: Any) -> list:
        """Every rank's ``obj``, rank 0 first, on every rank."""
        from accelerate.utils import gather_object

        return gather_object([obj])

    def broadcast(self, obj: Any) -> Any:
        """Rank 0's ``obj`` on every rank."""
        from accelerate.utils import broadcast_object_list

        return broadcast_object_list([obj], from_process=0)[0]

    def barrier(self) -> None:
        self.accelerator.wait_for_everyone()


def die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent dies, so that a killed stage (or launcher) leaves
    no rank training on into the work area a rerun resumes from. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
