"""Opt-in experiment tracking of a grid's progress (cells done, failed, running), in the
same run group as the trainers' own `report_to` logs. Nothing is sent unless the spec
sets `tracking: wandb` or `tracking: tensorboard`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

TRACKERS = ("none", "wandb", "tensorboard")


def grid_tracker(kind: str, name: str, root: Path) -> Callable[[dict], None] | None:
    """A callback that logs the grid's counts, or None when tracking is off."""
    if kind == "none":
        return None
    if kind not in TRACKERS:
        raise ValueError(f"tracking {kind!r}: expected one of {TRACKERS}")
    step = {"n": 0}
    if kind == "wandb":
        import wandb

        os.environ.setdefault("WANDB_RUN_GROUP", name)  # the trainers' runs join this group
        run = wandb.init(project=os.environ.get("WANDB_PROJECT", "w2s-lab"), group=name, name=f"{name}-grid")

        def log_wandb(counts: dict) -> None:
            step["n"] += 1
            run.log({f"grid/{k}": v for k, v in counts.items()}, step=step["n"])

        return log_wandb
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(log_dir=str(root / "tensorboard" / "grid"))

    def log_tb(counts: dict) -> None:
        step["n"] += 1
        for k, v in counts.items():
            writer.add_scalar(f"grid/{k}", v, step["n"])
        writer.flush()

    return log_tb
