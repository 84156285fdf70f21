"""Scoring generations: accuracy (greedy) with a 95% interval, pass@k, majority-vote accuracy,
and PGR between the weak floor and the strong ceiling."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .answers import extract_answer, is_equiv
from .voting import majority_vote


def score(responses: Sequence[str], gold, dataset: str) -> dict:
    """Per-question record of k responses: predictions, correctness, pass@k, majority."""
    preds = [extract_answer(r, dataset) for r in responses]
    correct = [is_equiv(p, gold, dataset) for p in preds]
    vote = majority_vote(preds, dataset)
    return {
        "preds": preds,
        "correct": correct,
        "pass": any(correct),
        "majority": vote.majority,
        "majority_correct": bool(vote.majority) and is_equiv(vote.majority, gold, dataset),
        "confidence": vote.confidence,
    }


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (sound near 0 and 1, unlike the normal one)."""
    if n == 0:
        return float("nan"), float("nan")
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def summarise(records: Sequence[dict]) -> dict:
    """Accuracy of the first response (with its 95% interval), pass@k and maj@k."""
    n = len(records)
    if n == 0:
        nan = float("nan")
        return {
            "n": 0,
            "k": 0,
            "accuracy": nan,
            "ci_low": nan,
            "ci_high": nan,
            "pass_at_k": nan,
            "maj_at_k": nan,
        }
    hits = sum(r["correct"][0] for r in records)
    low, high = wilson(hits, n)
    return {
        "n": n,
        "k": len(records[0]["correct"]),
        "accuracy": hits / n,
        "ci_low": low,
        "ci_high": high,
        "pass_at_k": sum(r["pass"] for r in records) / n,
        "maj_at_k": sum(r["majority_correct"] for r in records) / n,
    }


def pgr(method: float, floor: float, ceiling: float) -> float:
    """(method - weak floor) / (strong ceiling - weak floor); NaN unless the ceiling is above
    the floor (the classification flow's validity rule)."""
    if any(map(math.isnan, (method, floor, ceiling))) or not ceiling > floor:
        return float("nan")
    return (method - floor) / (ceiling - floor)
