"""Scoring generations: accuracy (greedy) with a 95% interval, pass@k and majority-vote
accuracy (PGR and the interval are `core.stats`'s, shared with classification)."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.stats import wilson
from .answers import DEFAULT_MATH_ANSWER_FORMAT, extract_answer, is_equiv
from .voting import majority_vote


def score(
    responses: Sequence[str], gold, dataset: str, answer_format: str = DEFAULT_MATH_ANSWER_FORMAT
) -> dict:
    """Per-question record of k responses: predictions, correctness, pass@k, majority
    (answer_format: how MATH-style responses are read, the config's `math_answer_format`)."""
    preds = [extract_answer(r, dataset, answer_format) for r in responses]
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
