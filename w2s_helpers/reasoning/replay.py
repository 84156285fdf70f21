"""Stage-I selection on saved generations, with no model at all: for researchers comparing
filters on released outputs (`w2s replay`)."""

from __future__ import annotations

import logging
from pathlib import Path

from . import prompts
from .data import load_math
from .rows import read_replay, with_answers
from .selection import summary, training_sets

log = logging.getLogger(__name__)


def replay_sets(
    dataset: str,
    split: str,
    weak_rows: str | Path,
    strong_rows: str | Path | None = None,
    seed: int = 0,
    math_answer_format: str = "answer_line",
) -> list[dict]:
    """The constructed sets [{set, rows, questions, label_acc}] for train_2 of (dataset, split):
    with weak rows only, the full weak set; with strong rows too, weak / icl / hybrid / full_weak.
    Rows are matched to questions by id, else by prompt text; strong rows may cover only some
    questions (the others count as no answer, so they are never kept). math_answer_format
    (MATH-style sets): how gold rows and responses are read, as the config's field."""
    fmt = math_answer_format
    questions = load_math(dataset, split, seed, fmt)[0]["train_2"]
    zero_shot = [prompts.zero_shot(q["question"], dataset) for q in questions]
    gold = {q["id"]: q["gold"] for q in questions}
    weak, how = read_replay(weak_rows, questions, zero_shot)
    log.info("weak rows %s: matched by %s", weak_rows, how)
    weak = with_answers(weak, gold, dataset, fmt)
    if strong_rows is None:
        sets = {"full_weak": training_sets(weak, weak, dataset)["full_weak"]}
    else:
        strong, how = read_replay(strong_rows, questions, zero_shot, allow_missing=True)
        log.info("strong rows %s: matched by %s", strong_rows, how)
        sets = training_sets(weak, with_answers(strong, gold, dataset, fmt), dataset)
    return summary(sets, gold, dataset, fmt)
