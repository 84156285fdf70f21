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


def local_rank() -> int:
    return int(os.environ.get("LOCAL_RANK", "0"))


def starts_empty() -> bool:
    """True in a process of an FSDP launch that is not its node's first: it builds the model
    without weights and receives rank 0's by broadcast (accelerate's RAM-efficient
    loading), so a node holds one copy of the weights in host memory, not one per GPU."""
    efficient = os.environ.get("FSDP_CPU_RAM_EFFICIENT_LOADING", "").lower() in ("1", "true")
    return efficient and world_size() > 1 and local_rank() != 0
