"""Which process this is under a distributed launcher (accelerate launch).

The stages run the same code in every process; the trainers (HF Trainer, trl) share the
work through accelerate, and only the main process writes artefacts and records."""

from __future__ import annotations

import os


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def is_main() -> bool:
    return rank() == 0


def per_device_batch(batch_size: int) -> int:
    """The per-process batch that keeps the global batch the config's (the result must not
    depend on how many processes share the work)."""
    n = world_size()
    if batch_size % n:
        raise ValueError(f"batch_size {batch_size} is not divisible by the {n} processes sharing it")
    return batch_size // n
