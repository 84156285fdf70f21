"""Prompts of the reasoning pipeline: the reference's plain template, no chat formatting."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

_CALC = re.compile(r"<<[^>]*>>")


def clean_solution(solution: str) -> str:
    """GSM8K solutions carry calculator annotations (<<48/2=24>>) that no model should learn."""
    return _CALC.sub("", solution)


def zero_shot(question: str) -> str:
    return f"Question: {question}\nAnswer:"


def few_shot(question: str, demos: Sequence[dict]) -> str:
    """Demonstrations (rows with question and solution) in the same format, then the question."""
    shots = "".join(f"{zero_shot(d['question'])} {clean_solution(d['solution'])}\n\n" for d in demos)
    return shots + zero_shot(question)


def pick_demos(pool: Sequence[dict], n: int, seed: int = 0) -> list[dict]:
    """n demonstrations drawn from `pool` (train_1: the strong model never sees train_2 answers)."""
    return random.Random(seed).sample(list(pool), n) if n else []
