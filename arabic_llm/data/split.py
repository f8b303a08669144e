"""Which documents are held out for evaluation: decided by a hash of the document id, so the split is
stable as the corpus grows and the same in every stage that asks."""

from __future__ import annotations

import hashlib


def is_eval_doc(doc_id: str, eval_fraction: float, seed: int) -> bool:
    """Held-out membership by a hash of the document id: stable as the corpus grows."""
    h = hashlib.sha256(f"{seed}:{doc_id}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64 < eval_fraction
