"""The classification grid spec: datasets x ladder x methods x seeds (the engine's fields
come from `grid.spec.GridSpecBase`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..core.configs import coerce, param
from ..grid.spec import GridSpecBase


@dataclass
class ClassificationGridSpec(GridSpecBase):
    """A sweep: datasets x ladder x methods x seeds; every gt run once, every pair once."""

    models: list[str] = param(
        ["minilm-l6", "mpnet-base"], "the ladder, weak to strong as declared", path=True
    )
    pairs: list[list[str]] | None = param(
        None,
        "explicit (weak, strong) pairs, weak at or below strong; default: every weak < strong",
        path=True,
    )
    self_transfer: bool = param(
        True,
        "also train each model on its own weak labels (weak -> weak), as the reference sweep:"
        " can a student copy its teacher",
    )
    losses: list[str] = param(["xent", "logconf"], "each pair trains once per loss")
    methods: list[dict] = param(
        [], "transfer methods as config overrides (baselines by name); default: one per loss"
    )
    order_by: Literal["ladder", "gt_accuracy"] = param(
        "ladder", "gt_accuracy: reorder the ladder after gt runs"
    )

    def __post_init__(self) -> None:
        coerce(self)


GridSpec = ClassificationGridSpec  # the public API's name for it (README), kept stable
