"""The real data-parallel worker (``arabic_llm.train.ddp``), recording per rank what it read and wrote.

tests/train/test_ddp.py launches it in place of the worker module; each rank leaves
``probe-rank<r>.json`` beside the job file: the training items it read, in order, and the files
it wrote (checkpoints, the adapter, the metrics, the loss curve).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from peft import PeftModel

import arabic_llm.train.qlora as qlora
import arabic_llm.train.rows as train_data
import arabic_llm.train.state as train_state
from arabic_llm.train import ddp as train_ddp


def main() -> int:
    job = Path(sys.argv[1])
    rank = int(os.environ["RANK"])
    log: dict[str, list] = {"items": [], "writes": []}

    def recording(cls, name, label, record_args=False):
        original = getattr(cls, name)

        def wrapper(*args, **kwargs):
            if record_args:
                log["items"].append(int(args[1]))
            else:
                log["writes"].append(label)
            return original(*args, **kwargs)

        setattr(cls, name, wrapper)

    recording(train_data.TrainRows, "__getitem__", "item", record_args=True)
    recording(train_state, "save_checkpoint", "checkpoint")
    recording(PeftModel, "save_pretrained", "adapter")
    recording(qlora, "draw_loss_curve", "plots")
    original_open = Path.open

    def open_recording(self, mode="r", *args, **kwargs):
        if self.name == "metrics.jsonl" and mode != "r":
            log["writes"].append("metrics")
        return original_open(self, mode, *args, **kwargs)

    Path.open = open_recording
    try:
        train_ddp.run_job(job)
    finally:
        (job.parent / f"probe-rank{rank}.json").write_text(json.dumps(log), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
