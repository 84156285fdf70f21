"""The whole reasoning run, stage by stage: every method the paper compares, then their test
accuracy (notebook 14's table; what a grid runs in process)."""

from __future__ import annotations

from pathlib import Path

from .config import ReasoningConfig
from .experiment import root_or_default
from .policy import Policy
from .stages.evaluate import evaluate, strong_ceiling
from .stages.generate import demonstrations
from .stages.stage1 import stage1
from .stages.stage2 import stage2
from .stages.weak import weak_policy

# The untrained strong model answering test after stage I's demonstrations (by default the
# weak model's own train_2 answers, no gold): what prompting alone elicits, so that stage I's
# gain over it is what training on the selected answers adds beyond their format.
STRONG_FEW_SHOT = "strong_few_shot"


def methods(cfg: ReasoningConfig, root: str | Path | None = None) -> dict[str, Policy]:
    """Every model the paper compares, in plot order (training whatever is missing)."""
    root = root_or_default(root)
    out = {"weak_floor": weak_policy(cfg, root)}
    if cfg.eval_strong_zero_shot:
        out["strong_zero_shot"] = Policy("strong", cfg.strong_model, source=cfg.source)
    if cfg.eval_strong_few_shot and cfg.n_shots:
        out[STRONG_FEW_SHOT] = Policy("strong", cfg.strong_model, source=cfg.source)
    s1 = stage1(cfg, root)
    out.update(s1["policies"])
    s2 = stage2(cfg, root, s1["policies"])
    if s2["policy"] is not None:
        out[f"stage2_{cfg.pref_method}"] = s2["policy"]
    if (ceiling := strong_ceiling(cfg, root)) is not None:
        out["strong_ceiling"] = ceiling
    return out


def evaluate_all(cfg: ReasoningConfig, root: str | Path | None = None) -> list[dict]:
    """Evaluate every method of `methods`: the rows of notebook 14's table (the strong
    few-shot baseline with stage I's demonstrations in front of each test question)."""
    root = root_or_default(root)
    found = methods(cfg, root)
    demos = demonstrations(cfg, root) if STRONG_FEW_SHOT in found else None
    return [
        evaluate(cfg, root, name, policy, demos if name == STRONG_FEW_SHOT else None)
        for name, policy in found.items()
    ]
