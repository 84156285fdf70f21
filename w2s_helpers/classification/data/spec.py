"""What a registry task is: its offline source, its hub dataset and binarisation rule, or both."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from .examples import Example


@dataclass(frozen=True)
class TaskSpec:
    name: str
    description: str
    offline: Callable[[], tuple[list[Example], list[Example]]] | None = None
    files: tuple[str, ...] = ()  # the packaged files the offline source reads (their sha256 pins the data)
    hub_id: str | None = None
    hub_config: str | None = None
    hub_splits: tuple[str, str] = ("train", "test")  # (training pool, test)
    hub_row: Callable[[dict, random.Random], Example] | None = None
    hub_keep: Callable[[dict], bool] | None = None  # which hub rows are used (None: all)
