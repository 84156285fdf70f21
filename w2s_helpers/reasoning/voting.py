"""Majority voting over sampled answers, grouping answers by equivalence (0.5 and
\\frac{1}{2} are one vote), not by string."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .answers import is_equiv


@dataclass
class Vote:
    majority: str  # the majority answer (its first sample's raw string), "" if none
    confidence: float  # the majority's share of the samples
    positives: list[int]  # samples whose answer is equivalent to the majority
    negatives: list[int]  # every other sample: never one equivalent to the majority


def answer_classes(preds: Sequence[str], dataset: str) -> list[list[int]]:
    """Sample indices grouped by equivalent answers, in order of first appearance; the
    empty answer is a class of its own (it never equals anything, itself included)."""
    classes: list[list[int]] = []
    for i, p in enumerate(preds):
        if not str(p).strip():
            empty = next((c for c in classes if not str(preds[c[0]]).strip()), None)
            if empty is None:
                classes.append([i])
            else:
                empty.append(i)
            continue
        home = next(
            (c for c in classes if str(preds[c[0]]).strip() and is_equiv(p, preds[c[0]], dataset)), None
        )
        if home is None:
            classes.append([i])
        else:
            home.append(i)
    return classes


def majority_vote(preds: Sequence[str], dataset: str) -> Vote:
    """The largest class of equivalent answers (ties: the one seen first, as the reference)."""
    classes = answer_classes(preds, dataset)
    if not classes:
        return Vote("", 0.0, [], [])
    top = max(classes, key=len)  # max keeps the first of equal lengths
    majority = str(preds[top[0]]).strip()
    members = set(top)
    return Vote(
        majority, len(top) / len(preds), sorted(members), [i for i in range(len(preds)) if i not in members]
    )
