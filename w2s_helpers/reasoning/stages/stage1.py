"""Notebook 12, stage I: keep the train_2 questions where the weak and the strong model agree, and SFT
the strong model on them (iterating: the iteration-1 model answers again, the filter runs
again). Every training row pairs a response with its question's zero-shot prompt."""

from __future__ import annotations

import logging
from pathlib import Path

from ...core.fileio import write_json
from ..config import ReasoningConfig
from ..experiment import load_splits, root_or_default, start_experiment
from ..policy import Policy
from ..selection import summary, training_sets
from .common import generate, gold, greedy, train_sft, zero_shot_prompts
from .generate import strong_icl_generations, weak_generations

log = logging.getLogger(__name__)


def method_name(iteration: int, training_set: str) -> str:
    """The method name of a stage-I model, as evaluations and plots label it."""
    return "full_weak_sft" if training_set == "full_weak" else f"stage1_it{iteration}_{training_set}"


def stage1(cfg: ReasoningConfig, root: str | Path | None = None) -> dict:
    """Returns {"sets": summary rows (size, label accuracy per set and iteration), "policies":
    {method: Policy}}; the table is recorded in the experiment folder."""
    root = root_or_default(root)
    exp = start_experiment(cfg, root)
    splits, _ = load_splits(cfg)
    golds, zs = gold(splits["train_2"]), zero_shot_prompts(cfg, splits["train_2"])
    weak_rows = weak_generations(cfg, root)
    strong_rows = strong_icl_generations(cfg, root)
    table, policies = [], {}
    for it in range(1, cfg.iterations + 1):
        sets = training_sets(weak_rows, strong_rows, cfg.dataset, zs)
        table += [{"iteration": it, **row} for row in summary(sets, golds, cfg.dataset)]
        for name in cfg.stage1_sets if it == 1 else [cfg.stage1_final]:
            if name == "full_weak" and it > 1:
                continue
            if not sets[name]:
                log.warning("stage I iteration %d: set %r is empty; skipping its SFT", it, name)
                continue
            adapter = train_sft(cfg, root, cfg.strong_model, sets[name], f"stage1-it{it}-{name}")
            policies[method_name(it, name)] = Policy(
                f"stage1-it{it}-{name}", cfg.strong_model, [adapter], cfg.source
            )
        if it < cfg.iterations:
            final = policies.get(method_name(it, cfg.stage1_final))
            if final is None:
                break
            strong_rows = generate(cfg, root, final, splits["train_2"], greedy(cfg), "train_2-zero_shot")
    write_json(exp / "stage1_sets.json", table)
    return {"sets": table, "policies": policies}


def final_policy(cfg: ReasoningConfig, policies: dict) -> Policy:
    """The last iteration's model on `cfg.stage1_final`: where iteration 2 and stage II start."""
    key = method_name(cfg.iterations, cfg.stage1_final)
    if key not in policies:
        raise RuntimeError(
            f"stage I produced no {key!r} model (its training set was empty); "
            "use more train_2 questions or a stronger strong model"
        )
    return policies[key]
