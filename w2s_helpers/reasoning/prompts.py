"""Prompts of the reasoning pipeline: the reference's plain template, no chat formatting,
and the in-context demonstrations the strong model answers with.

Demonstrations follow the reference: by default they are the *weak model's own answers* to
train_2 questions, drawn at random (seeded), wrong ones included, so the strong model never
sees a gold answer. `demos="gold"` (train_1 gold solutions) is offered as a deviation, and a
file can pass fixed demonstration texts (the reference's own prefixes).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.fileio import DataError, read_jsonl, require_file

_CALC = re.compile(r"<<[^>]*>>")


def clean_solution(solution: str) -> str:
    """GSM8K solutions carry calculator annotations (<<48/2=24>>) that no model should learn."""
    return _CALC.sub("", solution)


def zero_shot(question: str, dataset: str = "") -> str:
    """The zero-shot prompt: every generation, training row and pair uses it."""
    if dataset == "olympicarena":  # the problem carries its own instructions
        return f"{question}\n\nAnswer:"
    return f"Question: {question}\nAnswer:"


def _separator(dataset: str) -> str:
    return "\n\n\n" if dataset == "olympicarena" else "\n\n"


@dataclass
class Demos:
    """A demonstration prefix and where it came from (recorded with every result)."""

    prefix: str = ""
    source: str = "none"  # weak | gold | file:<sha> | none
    ids: list[str] = field(default_factory=list)

    def prompt(self, question: str, dataset: str = "") -> str:
        return self.prefix + zero_shot(question, dataset)


def make_prefix(pairs: Sequence[tuple[str, str]], dataset: str = "") -> str:
    """(question, answer) demonstrations in the zero-shot format, blank lines between and after."""
    sep = _separator(dataset)
    return "".join(f"{zero_shot(q, dataset)} {a.strip()}{sep}" for q, a in pairs)


def weak_demos(weak_rows: Sequence[dict], questions: dict, n: int, seed: int, dataset: str = "") -> Demos:
    """n of the weak model's answers on train_2, drawn at random among those with a final
    answer (well-formed, not checked: the strong model must not see gold)."""
    order = list(weak_rows)
    random.Random(seed).shuffle(order)
    chosen = [r for r in order if str(r.get("pred", "")).strip()][:n]
    return Demos(
        make_prefix([(questions[r["id"]], r["response"]) for r in chosen], dataset),
        "weak",
        [r["id"] for r in chosen],
    )


def gold_demos(pool: Sequence[dict], n: int, seed: int, dataset: str = "") -> Demos:
    """(deviation) n gold train_1 solutions: the strong model then sees gold answers."""
    rows = random.Random(seed).sample(list(pool), n) if n else []
    pairs = [(r["question"], clean_solution(r["solution"])) for r in rows]
    return Demos(make_prefix(pairs, dataset), "gold", [r["id"] for r in rows])


def file_demos(path: str | Path, dataset: str = "") -> Demos:
    """Fixed demonstrations: a .txt file holds the prefix verbatim (the reference's texts);
    a .jsonl file rows of {question, response} (or answer / solution)."""
    from ..core.hashing import file_sha256

    path = require_file(path)
    source = f"file:{file_sha256(path)[:12]}"
    if path.suffix == ".txt":
        text = path.read_text()
        return Demos(text if text.endswith("\n\n") else text.rstrip("\n") + _separator(dataset), source)
    pairs = []
    for i, r in enumerate(read_jsonl(path, ["question"]), 1):
        answer = r.get("response") or r.get("answer") or r.get("solution")
        if not answer:
            raise DataError(f"{path}: line {i}: a demonstration needs 'response' (or 'answer' / 'solution')")
        pairs.append((r["question"], str(answer)))
    return Demos(make_prefix(pairs, dataset), source, [str(i) for i in range(len(pairs))])
