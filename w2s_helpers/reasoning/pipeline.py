"""The whole reasoning run, stage by stage: every method the paper compares, then their test
accuracy (notebook 14's table; what a grid runs in process)."""

from __future__ import annotations

from pathlib import Path

from .config import ReasoningConfig
from .experiment import root_or_default
from .policy import Policy
from .stages.evaluate import evaluate, strong_ceiling
from .stages.stage1 import stage1
from .stages.stage2 import stage2
from .stages.weak import weak_policy


def methods(cfg: ReasoningConfig, root: str | Path | None = None) -> dict[str, Policy]:
    """Every model the paper compares, in plot order (training whatever is missing)."""
    root = root_or_default(root)
    out = {"weak_floor": weak_policy(cfg, root)}
    if cfg.eval_strong_zero_shot:
        out["strong_zero_shot"] = Policy("strong", cfg.strong_model, source=cfg.source)
    s1 = stage1(cfg, root)
    out.update(s1["policies"])
    s2 = stage2(cfg, root, s1["policies"])
    if s2["policy"] is not None:
        out[f"stage2_{cfg.pref_method}"] = s2["policy"]
    if (ceiling := strong_ceiling(cfg, root)) is not None:
        out["strong_ceiling"] = ceiling
    return out


def evaluate_all(cfg: ReasoningConfig, root: str | Path | None = None) -> list[dict]:
    """Evaluate every method of `methods`: the rows of notebook 14's table."""
    return [evaluate(cfg, root, name, policy) for name, policy in methods(cfg, root).items()]
