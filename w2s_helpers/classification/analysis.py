"""What a transfer run's predictions say beyond accuracy (numpy only).

- **Imitation** (Burns et al.'s analysis of whether the student copies its supervisor's
  mistakes): the student's agreement with the supervisor's hard predictions on test,
  overall, on the examples the supervisor gets right and on those it gets wrong. A student
  that only imitates agrees everywhere; one that generalises agrees where the supervisor is
  right and disagrees where it is wrong.
- **Misfit** (the quantity the theory of weak-to-strong gain is stated in, Charikar et al.
  2024): the mean squared distance between the student's and the supervisor's soft labels on
  the half the student learnt from, beside the **gain** in squared error on test,
  E|p_weak - y|^2 - E|p_student - y|^2; under the theory's convexity assumption gain >= misfit.
  Also the hard-label disagreement rate on that half.
"""

from __future__ import annotations

import numpy as np


def _hard(p: np.ndarray) -> np.ndarray:
    return np.asarray(p).argmax(axis=1)


def _rate(mask: np.ndarray) -> float | None:
    return round(float(mask.mean()), 6) if mask.size else None


def agreement(student: np.ndarray, weak: np.ndarray, gold) -> dict:
    """Agreement of hard predictions on one set: overall, where the supervisor is right,
    where it is wrong (None where that subset is empty), and the subsets' sizes."""
    s, w, y = _hard(student), _hard(weak), np.asarray(gold, dtype=int)
    agree, right = s == w, w == y
    return {
        "agree_weak": _rate(agree),
        "agree_weak_right": _rate(agree[right]),
        "agree_weak_wrong": _rate(agree[~right]),
        "n_weak_right": int(right.sum()),
        "n_weak_wrong": int((~right).sum()),
    }


def squared_error(p: np.ndarray, gold) -> float:
    """Mean over examples of |p - onehot(gold)|^2 (the Brier score summed over classes)."""
    p = np.asarray(p, dtype=np.float64)
    onehot = np.eye(p.shape[1])[np.asarray(gold, dtype=int)]
    return float(((p - onehot) ** 2).sum(axis=1).mean())


def misfit(student_train: np.ndarray, labels_train: np.ndarray, student_test, weak_test, gold_test) -> dict:
    """Misfit on the training half (soft: mean |p_student - p_labels|^2; hard: disagreement
    rate) beside the test gain in squared error and in accuracy over the supervisor."""
    a, b = np.asarray(student_train, dtype=np.float64), np.asarray(labels_train, dtype=np.float64)
    y = np.asarray(gold_test, dtype=int)
    return {
        "misfit": round(float(((a - b) ** 2).sum(axis=1).mean()), 6),
        "misfit_disagree": _rate(_hard(a) != _hard(b)),
        "gain_sq": round(squared_error(weak_test, y) - squared_error(student_test, y), 6),
        "gain_acc": round(float((_hard(student_test) == y).mean() - (_hard(weak_test) == y).mean()), 6),
    }


ANALYSIS_COLUMNS = ("agree_weak", "agree_weak_right", "agree_weak_wrong", "misfit", "gain_sq")


def analysis_table(tr, by=()):
    """Per (dataset, swept settings, method), over its transfer runs (weak -> weak left out):
    the mean of each analysis column, the runs, and the share of runs whose squared-error
    gain is at least their misfit (what the theory predicts under convexity)."""
    import pandas as pd

    cols = [c for c in ANALYSIS_COLUMNS if c in tr]
    keys = ["dataset", *by, "method"]
    if tr.empty or not cols:
        return pd.DataFrame(columns=[*keys, *ANALYSIS_COLUMNS, "runs", "gain_at_least_misfit"])
    rows = tr[~tr["self_transfer"]] if "self_transfer" in tr else tr
    out = rows.groupby(keys, dropna=False)[cols].mean()
    out["runs"] = rows.groupby(keys, dropna=False).size()
    if {"misfit", "gain_sq"} <= set(cols):
        both = rows.dropna(subset=["misfit", "gain_sq"])
        share = (both["gain_sq"] >= both["misfit"]).groupby([both[k] for k in keys]).mean()
        out["gain_at_least_misfit"] = share
    return out.reset_index()
