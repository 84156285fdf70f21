"""Accuracy, AUROC and performance gap recovered (PGR)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def accuracy(probs: np.ndarray, labels: Sequence[int]) -> float:
    """probs [n, 2] (or [n] of class-1 probability) against hard labels."""
    probs = np.asarray(probs)
    p1 = probs[:, 1] if probs.ndim == 2 else probs
    return float(np.mean((p1 > 0.5).astype(int) == np.asarray(labels)))


def auroc(probs: np.ndarray, labels: Sequence[int]) -> float:
    from sklearn.metrics import roc_auc_score

    probs = np.asarray(probs)
    p1 = probs[:, 1] if probs.ndim == 2 else probs
    if len(set(labels)) < 2:
        return float("nan")
    return float(roc_auc_score(labels, p1))


def pgr(weak_acc: float, strong_acc: float, transfer_acc: float) -> float:
    """(transfer - weak) / (strong - weak); NaN where undefined (strong ceiling not above
    the weak model's ground-truth accuracy, e.g. weak == strong)."""
    if any(map(math.isnan, (weak_acc, strong_acc, transfer_acc))) or not strong_acc > weak_acc:
        return float("nan")
    return (transfer_acc - weak_acc) / (strong_acc - weak_acc)
