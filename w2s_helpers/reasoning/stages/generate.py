"""Notebook 11: the answers on train_2 that stage I selects from. The weak model answers
zero-shot; the strong model answers in context, after a few demonstrations: by default the
weak model's own train_2 answers (seeded, wrong ones included), as in the reference. In
replay mode (`weak_rows_file`, `strong_rows_file`) saved rows are read instead."""

from __future__ import annotations

import logging
from pathlib import Path

from ...core.fileio import write_json
from .. import prompts
from ..config import ReasoningConfig
from ..experiment import load_splits, root_or_default, start_experiment
from ..policy import Policy
from ..rows import read_replay, with_answers
from .common import generate, gold, greedy, zero_shot_prompts
from .weak import weak_policy

log = logging.getLogger(__name__)


def _replayed(cfg: ReasoningConfig, path: str, questions: list[dict]) -> list[dict]:
    zs = zero_shot_prompts(cfg, questions)
    rows, how = read_replay(path, questions, [zs[q["id"]] for q in questions])
    log.info("replayed %s: matched by %s", path, how)
    return with_answers(rows, gold(questions), cfg.dataset, cfg.math_answer_format)


def weak_generations(cfg: ReasoningConfig, root: str | Path | None = None) -> list[dict]:
    """The weak model answers train_2 zero-shot (or its saved rows, in replay mode)."""
    root = root_or_default(root)
    splits, _ = load_splits(cfg)
    if cfg.weak_rows_file:
        return _replayed(cfg, cfg.weak_rows_file, splits["train_2"])
    return generate(cfg, root, weak_policy(cfg, root), splits["train_2"], greedy(cfg), "train_2-zero_shot")


def demonstrations(cfg: ReasoningConfig, root: str | Path | None = None) -> prompts.Demos:
    """The strong model's in-context demonstrations: the weak model's own train_2 answers by
    default (seeded, wrong ones included), gold train_1 solutions as a deviation, or a file."""
    if cfg.n_shots == 0:
        return prompts.Demos()
    splits, _ = load_splits(cfg)
    if cfg.demos == "weak":
        questions = {q["id"]: q["question"] for q in splits["train_2"]}
        return prompts.weak_demos(weak_generations(cfg, root), questions, cfg.n_shots, cfg.seed, cfg.dataset)
    if cfg.demos == "gold":
        log.warning(
            "demos='gold': the strong model sees gold train_1 solutions (a deviation from the reference)"
        )
        return prompts.gold_demos(splits["train_1"], cfg.n_shots, cfg.seed, cfg.dataset)
    return prompts.file_demos(cfg.demos, cfg.dataset)


def demo_question_ids(cfg: ReasoningConfig, root: str | Path | None = None) -> set:
    """The train_2 questions whose weak answers the strong model is shown (demos="weak"):
    stage I must not select them, since the strong model agrees there by copying. None with
    other demonstrations, or when the strong rows are replayed (their demonstrations unknown)."""
    if cfg.demos != "weak" or cfg.n_shots == 0 or cfg.strong_rows_file:
        return set()
    return set(demonstrations(cfg, root).ids)


def strong_icl_generations(cfg: ReasoningConfig, root: str | Path | None = None) -> list[dict]:
    """The base strong model answers train_2 with the demonstrations in front of each question."""
    root = root_or_default(root)
    splits, _ = load_splits(cfg)
    if cfg.strong_rows_file:
        return _replayed(cfg, cfg.strong_rows_file, splits["train_2"])
    demos = demonstrations(cfg, root)
    write_json(
        start_experiment(cfg, root) / "demonstrations.json",
        {"source": demos.source, "ids": demos.ids, "prefix": demos.prefix},
    )
    policy = Policy("strong", cfg.strong_model, source=cfg.source)
    tag = f"train_2-{cfg.n_shots}shot-{demos.source.split(':')[0]}"
    return generate(
        cfg, root, policy, splits["train_2"], greedy(cfg), tag, lambda q: demos.prompt(q, cfg.dataset)
    )
