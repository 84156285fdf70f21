"""Notebook 12, stage I: keep the train_2 questions where the weak and the strong model agree,
and SFT the strong model on them. Iteration 2 (the reference's, as its released sets show):
the two iteration-1 models, SFT'd on the weak and on the icl set, answer train_2 zero-shot;
the questions where their final answers agree form iteration 2's sets (`weak`: the weak-set
model's answers, `icl`: the icl-set model's, `hybrid`: both). Every training row pairs a
response with its question's zero-shot prompt; the demonstrations' questions are never kept."""

from __future__ import annotations

import logging
from pathlib import Path

from ...core.fileio import write_json
from ..config import ReasoningConfig
from ..experiment import load_splits, root_or_default, start_experiment
from ..policy import Policy
from ..selection import summary, training_sets
from .common import generate, gold, greedy, train_sft, zero_shot_prompts
from .generate import demo_question_ids, strong_icl_generations, weak_generations

log = logging.getLogger(__name__)

COMPARED = ("weak", "icl")  # the iteration-1 models whose answers iteration 2 compares


def method_name(iteration: int, training_set: str) -> str:
    """The method name of a stage-I model, as evaluations and plots label it."""
    return "full_weak_sft" if training_set == "full_weak" else f"stage1_it{iteration}_{training_set}"


def iteration_sets(cfg: ReasoningConfig, iteration: int) -> list[str]:
    """The sets an iteration trains on: iteration 1 `cfg.stage1_sets` (and the weak and icl
    sets when iteration 2 compares their models), iteration 2 `cfg.stage1_final`."""
    if iteration > 1:
        return [cfg.stage1_final]
    extra = COMPARED if cfg.iterations > 1 else ()
    return list(dict.fromkeys([*cfg.stage1_sets, *extra]))


def _train(cfg: ReasoningConfig, root: Path, it: int, sets: dict, policies: dict) -> None:
    for name in iteration_sets(cfg, it):
        if not sets.get(name):
            log.warning("stage I iteration %d: set %r is empty; skipping its SFT", it, name)
            continue
        adapter = train_sft(cfg, root, cfg.strong_model, sets[name], f"stage1-it{it}-{name}")
        policies[method_name(it, name)] = Policy(
            f"stage1-it{it}-{name}", cfg.strong_model, [adapter], cfg.source
        )


def stage1(cfg: ReasoningConfig, root: str | Path | None = None) -> dict:
    """Returns {"sets": summary rows (size, label accuracy per set and iteration, and whose
    answers were compared), "policies": {method: Policy}}; the table is recorded in the
    experiment folder."""
    root = root_or_default(root)
    exp = start_experiment(cfg, root)
    splits, _ = load_splits(cfg)
    golds, zs = gold(splits["train_2"]), zero_shot_prompts(cfg, splits["train_2"])
    demo_ids = demo_question_ids(cfg, root)
    sides = {1: (weak_generations(cfg, root), strong_icl_generations(cfg, root))}
    compared = {1: "weak vs strong in context"}
    table: list[dict] = []
    policies: dict = {}
    for it in range(1, cfg.iterations + 1):
        if it > 1:
            models = [policies.get(method_name(it - 1, name)) for name in COMPARED]
            if None in models:
                log.warning(
                    "stage I iteration %d: no iteration-%d weak- and icl-set models; stopping", it, it - 1
                )
                break
            sides[it] = tuple(
                generate(cfg, root, m, splits["train_2"], greedy(cfg), "train_2-zero_shot") for m in models
            )
            compared[it] = " vs ".join(m.name for m in models)
        sets = training_sets(*sides[it], cfg.dataset, zs, exclude=demo_ids)
        if it > 1:
            del sets["full_weak"]  # the naive baseline is iteration 1's alone
        table += [
            {"iteration": it, "compared": compared[it], **row}
            for row in summary(sets, golds, cfg.dataset, cfg.math_answer_format)
        ]
        _train(cfg, root, it, sets, policies)
    if demo_ids:
        log.info("stage I: the %d demonstration questions are never selected", len(demo_ids))
    write_json(exp / "stage1_sets.json", table)
    return {"sets": table, "policies": policies}


def final_policy(cfg: ReasoningConfig, policies: dict) -> Policy:
    """The last iteration's model on `cfg.stage1_final`: where stage II starts."""
    key = method_name(cfg.iterations, cfg.stage1_final)
    if key not in policies:
        raise RuntimeError(
            f"stage I produced no {key!r} model (its training set was empty); "
            "use more train_2 questions or a stronger strong model"
        )
    return policies[key]
