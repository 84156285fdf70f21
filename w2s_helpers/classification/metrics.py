"""Accuracy and AUROC of predicted class probabilities (PGR is `core.stats.pgr`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def hard_labels(targets: np.ndarray) -> np.ndarray:
    """Hard labels of soft targets [n, K]: class 1 above 0.5 for K = 2 (as the binary
    metrics read it), the argmax for K > 2; integer labels pass through."""
    targets = np.asarray(targets)
    if targets.ndim == 1:
        return targets.astype(int)
    if targets.shape[1] == 2:
        return (targets[:, 1] > 0.5).astype(int)
    return targets.argmax(1)


def accuracy(probs: np.ndarray, labels: Sequence[int]) -> float:
    """probs [n, K] (or [n] of class-1 probability) against hard labels: for K = 2 class 1
    wins above 0.5, for K > 2 the argmax (the two agree on two classes)."""
    return float(np.mean(hard_labels(probs) == np.asarray(labels)))


def auroc(probs: np.ndarray, labels: Sequence[int]) -> float:
    """Binary AUROC of the class-1 probability; for K > 2 the macro one-vs-rest AUROC over
    the classes present (NaN when fewer than two are)."""
    from sklearn.metrics import roc_auc_score

    probs = np.asarray(probs)
    labels = np.asarray(labels)
    if len(set(labels.tolist())) < 2:
        return float("nan")
    if probs.ndim == 1 or probs.shape[1] == 2:
        return float(roc_auc_score(labels, probs[:, 1] if probs.ndim == 2 else probs))
    scores = [
        roc_auc_score(labels == k, probs[:, k]) for k in np.unique(labels) if 0 < (labels == k).mean() < 1
    ]
    return float(np.mean(scores)) if scores else float("nan")
