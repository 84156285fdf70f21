"""Notebook 10: the weak model, SFT'd (LoRA) on train_1's questions with their gold
solutions. Its test accuracy is the weak floor (see `evaluate`)."""

from __future__ import annotations

from pathlib import Path

from ..config import ReasoningConfig
from ..experiment import load_splits, root_or_default
from ..policy import Policy
from .common import gold_solution_rows, train_sft


def weak_policy(cfg: ReasoningConfig, root: str | Path | None = None) -> Policy:
    """The weak model, SFT'd on train_1; or, with weak_sft=False (an instruct model, a dataset
    without train_1), the model as it is."""
    root = root_or_default(root)
    if not cfg.weak_sft:
        return Policy("weak", cfg.weak_model, source=cfg.source)
    splits, _ = load_splits(cfg)
    if not splits["train_1"]:
        raise ValueError(f"{cfg.dataset} has no train_1 to fine-tune the weak model on: set weak_sft=False")
    rows = gold_solution_rows(cfg, splits["train_1"])
    adapter = train_sft(
        cfg, root, cfg.weak_model, rows, f"weak-{Path(cfg.weak_model).name}", stage="weak_sft"
    )
    return Policy("weak", cfg.weak_model, [adapter], cfg.source)
