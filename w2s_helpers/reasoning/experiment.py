"""One reasoning experiment's folders and its data (its identity is the config's). No torch: the report
notebook finds an experiment's records through this module.

`<root>/artifacts/` holds what experiments share (adapters, generations, pair sets, each
keyed by what produced it); `<root>/experiments/<slug>-<hash>/` holds one config's records.
"""

from __future__ import annotations

from pathlib import Path

from ..core import runs
from ..core.paths import results_dir
from .config import ReasoningConfig
from .data import load_math, select


def root_or_default(root: str | Path | None) -> Path:
    """The artefact store: `root`, or results/reasoning for a notebook stepped through by hand."""
    return Path(root) if root is not None else results_dir() / "reasoning"


def experiment_dir(root: str | Path, cfg: ReasoningConfig) -> Path:
    name = f"{Path(cfg.dataset).stem}__{Path(cfg.weak_model).name}__to__{Path(cfg.strong_model).name}__s{cfg.seed}"
    return runs.artifact_dir(root, "experiments", name, cfg.identity())


def start_experiment(cfg: ReasoningConfig, root: str | Path) -> Path:
    exp = experiment_dir(root, cfg)
    if not (exp / "config.json").exists():
        runs.start(exp, cfg.to_dict())
    return exp


def store(root: str | Path) -> Path:
    return Path(root) / "artifacts"


def load_splits(cfg: ReasoningConfig) -> tuple[dict[str, list[dict]], str]:
    splits, how = load_math(cfg.dataset, cfg.split, cfg.seed, cfg.math_answer_format)
    for name, n in (("train_1", cfg.n_train_1), ("train_2", cfg.n_train_2), ("test", cfg.n_test)):
        splits[name] = select(splits[name], n, cfg.seed, name)
    return splits, how
