"""Typed configuration shared by the notebooks' `parameters` cells, grid specs and the CLI.

Field names are the papermill parameter names. `run_id()` is a readable slug plus a hash
of every field that changes results, so a finished run is found and reused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .losses import LOSSES

Mode = Literal["probe", "full", "lora"]
MODES = ("probe", "full", "lora")


@dataclass
class ClassificationConfig:
    """One training run: ground truth (weak_model is None) or weak-to-strong transfer."""

    dataset: str = "movie_sentiment"  # registry name or a path to a .jsonl/.csv/.parquet file
    model: str = "minilm-l6"  # the model trained here (strong model for transfer runs)
    weak_model: str | None = None  # set for a transfer run: whose soft labels train `model`
    loss: str = "xent"  # xent | logconf | product | kl | entropy (ground-truth runs use xent)
    seed: int = 0  # the half split, initialisation and batch order
    data_seed: int = 0  # which examples form the pool (fixed across seeds: features are shared)
    n_train: int = 4000  # both halves together; the paper's n_docs is 20000
    n_test: int = 1000  # small test sets make PGR noise; keep >= 1000
    balanced: bool = True  # undersample the majority class
    mode: Mode = "probe"  # probe: frozen features + linear head; full; lora (peft)
    epochs: float = 2.0  # the paper: 2. Longer training lets the student copy weak mistakes
    lr: float | None = None  # None: 1e-3 for probes, the model's registry lr otherwise
    batch_size: int = 32  # the paper's batch size
    max_length: int = 128  # longer examples are truncated in probe mode, dropped otherwise
    layer: float | None = None  # probe feature layer: fraction of depth; None = registry default
    pooling: str | None = None  # mean | last | cls; None = registry default
    aux_coef: float = 0.5  # logconf / entropy mixing weight (paper: up to 0.75 for big gaps)
    warmup_frac: float = 0.1  # logconf ramp
    lora_r: int = 8
    source: str = "auto"  # auto | offline | hub for datasets and models
    text_column: str = "text"
    label_column: str = "label"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"mode {self.mode!r}: expected one of {MODES}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss {self.loss!r}: expected one of {sorted(LOSSES)}")
        if self.weak_model is None and self.loss != "xent":
            raise ValueError("a ground-truth run (weak_model=None) trains with loss='xent'")
        if self.n_train < 2 or self.n_test < 1:
            raise ValueError(f"n_train={self.n_train}, n_test={self.n_test}: need n_train >= 2, n_test >= 1")
        if self.epochs <= 0 or self.batch_size < 1:
            raise ValueError(f"epochs={self.epochs}, batch_size={self.batch_size}: both must be positive")

    @property
    def kind(self) -> str:
        return "gt" if self.weak_model is None else "transfer"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ClassificationConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ValueError(f"unknown config field(s) {unknown}; expected some of {sorted(names)}")
        return cls(**d)

    def result_fields(self) -> dict:
        """The fields that can change this run's result (what the run id hashes)."""
        d = self.to_dict()
        if self.loss not in ("logconf", "entropy"):
            d.pop("aux_coef"), d.pop("warmup_frac")
        if self.mode != "lora":
            d.pop("lora_r")
        if self.mode != "probe":
            d.pop("layer")
        if Path(self.dataset).suffix == "":  # registry datasets have fixed columns
            d.pop("text_column"), d.pop("label_column")
        return d

    def run_id(self) -> str:
        d = self.to_dict()
        h = hashlib.sha256(json.dumps(self.result_fields(), sort_keys=True).encode()).hexdigest()[:10]
        ds = d["dataset"].replace("/", "_").split(".")[0][-24:]
        who = self.model if self.weak_model is None else f"{self.weak_model}_to_{self.model}_{self.loss}"
        return f"{ds}-{self.kind}-{who}-s{self.seed}-{h}".replace("/", "_")

    def ground_truth(self, model: str) -> ClassificationConfig:
        """The ground-truth run of `model` that this run depends on (same data and recipe)."""
        return dataclasses.replace(self, model=model, weak_model=None, loss="xent")


@dataclass
class GridSpec:
    """A sweep: datasets x ladder x losses x seeds, every gt run once, every pair once."""

    name: str = "grid"
    datasets: list[str] = field(default_factory=lambda: ["movie_sentiment"])
    models: list[str] = field(
        default_factory=lambda: ["minilm-l6", "mpnet-base"]
    )  # the ladder, weak to strong
    losses: list[str] = field(default_factory=lambda: ["xent", "logconf"])
    seeds: list[int] = field(default_factory=lambda: [0, 1, 2])
    order_by: Literal["ladder", "gt_accuracy"] = "ladder"  # gt_accuracy: reorder after gt runs
    pairs: list[list[str]] | None = None  # explicit (weak, strong) pairs; default: all weak < strong
    base: dict = field(default_factory=dict)  # ClassificationConfig fields shared by every run
    sweep: dict[str, list] = field(default_factory=dict)  # config field -> values: the grid runs for each


def from_params(cls, namespace: dict):
    """Build config `cls` from a notebook's parameter variables (the fields it names)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in namespace.items() if k in names})
