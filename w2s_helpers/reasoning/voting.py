"""Majority voting over sampled answers: the confidence of the most common final answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .answers import NUMERIC, normalize_math


def answer_key(pred: str, dataset: str) -> str:
    """Canonical form for voting: equal keys mean equal answers."""
    pred = str(pred).strip()
    if not pred:
        return ""
    if dataset in NUMERIC:
        try:
            return repr(float(pred.replace(",", "")))
        except ValueError:
            return pred
    return normalize_math(pred)


@dataclass
class Vote:
    majority: str  # the majority prediction (a representative raw string), "" if none
    confidence: float
    positives: list[int]  # indices of samples agreeing with the majority
    negatives: list[int]


def majority_vote(preds: Sequence[str], dataset: str) -> Vote:
    keys = [answer_key(p, dataset) for p in preds]
    counts = Counter(keys)
    if not counts:
        return Vote("", 0.0, [], [])
    top, n = max(counts.items(), key=lambda kv: (kv[1], kv[0] != "", -keys.index(kv[0])))
    pos = [i for i, k in enumerate(keys) if k == top]
    neg = [i for i, k in enumerate(keys) if k != top]
    return Vote(preds[pos[0]] if top else "", n / len(preds), pos, neg)
