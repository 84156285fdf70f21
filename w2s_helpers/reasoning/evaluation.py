"""Scoring generations: accuracy (greedy), pass@k, majority-vote accuracy."""

from __future__ import annotations

from collections.abc import Sequence

from .answers import extract_answer, is_equiv
from .voting import majority_vote


def score(responses: Sequence[str], gold: str, dataset: str) -> dict:
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


def summarise(records: Sequence[dict]) -> dict:
    """Accuracy of the first response, pass@k and maj@k over questions."""
    n = len(records)
    if n == 0:
        return {"n": 0, "accuracy": float("nan"), "pass_at_k": float("nan"), "maj_at_k": float("nan"), "k": 0}
    return {
        "n": n,
        "k": len(records[0]["correct"]),
        "accuracy": sum(r["correct"][0] for r in records) / n,
        "pass_at_k": sum(r["pass"] for r in records) / n,
        "maj_at_k": sum(r["majority_correct"] for r in records) / n,
    }
