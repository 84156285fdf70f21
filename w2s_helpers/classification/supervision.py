"""Weak labels from several supervisors, and weak labels kept by their own confidence.

Several supervisors (co-supervised learning; RAVEN's weighting of weak models) become one
soft label per example:

- `mean`: the mean of the supervisors' soft labels;
- `confident`: per example, the soft label of the supervisor whose top probability is
  highest (ties: the first named);
- `fitted`: softmax(sum_i w_i log p_i + b), the weights and class biases fitted by
  cross-entropy on the supervisors' predictions on *half 1's validation slice*, the gold
  data the weak models were validated on (never half 2, which the student learns from, and
  never test).

Confidence filtering (the sandbox's first baseline) keeps the weak labels whose top
probability passes a threshold, or drops the least confident share. No torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.fileio import DataError

EPS = 1e-6


def _log(p: np.ndarray) -> np.ndarray:
    return np.log(np.clip(p, EPS, 1.0))


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_weights(val_probs: Sequence[np.ndarray], gold: Sequence[int], l2: float = 1e-3) -> dict:
    """Per-supervisor weights and per-class biases minimising cross-entropy of
    softmax(sum_i w_i log p_i + b) against `gold` (L-BFGS from equal weights, a small L2 on
    the weights so that collinear supervisors stay finite)."""
    from scipy.optimize import minimize

    logs = np.stack([_log(np.asarray(p, dtype=np.float64)) for p in val_probs])  # [S, n, K]
    s, n, k = logs.shape
    y = np.asarray(gold, dtype=int)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:s], theta[s:]
        z = np.einsum("s,snk->nk", w, logs) + b
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -logp[np.arange(n), y].mean() + l2 * (w @ w)
        g = np.exp(logp)
        g[np.arange(n), y] -= 1.0
        g /= n
        grad_w = np.einsum("nk,snk->s", g, logs) + 2 * l2 * w
        return float(value), np.concatenate([grad_w, g.sum(axis=0)])

    theta0 = np.concatenate([np.full(s, 1.0 / s), np.zeros(k)])
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B")
    return {
        "weights": [round(float(v), 6) for v in res.x[:s]],
        "bias": [round(float(v), 6) for v in res.x[s:]],
    }


def combine(how: str, probs: Sequence[np.ndarray], fitted: dict | None = None) -> np.ndarray:
    """One [n, K] soft label from the supervisors' [n, K] soft labels."""
    stack = np.stack([np.asarray(p, dtype=np.float64) for p in probs])  # [S, n, K]
    if how == "mean":
        out = stack.mean(axis=0)
    elif how == "confident":
        pick = stack.max(axis=2).argmax(axis=0)  # argmax keeps the first of equals
        out = stack[pick, np.arange(stack.shape[1])]
    elif how == "fitted":
        if fitted is None:
            raise ValueError("combine 'fitted' needs the weights fitted on half 1's validation slice")
        z = np.einsum("s,snk->nk", np.asarray(fitted["weights"]), _log(stack)) + np.asarray(fitted["bias"])
        out = _softmax(z)
    else:
        raise ValueError(f"combine: {how!r}; expected mean, confident or fitted")
    return out.astype(np.float32)


def confidence_keep(y: np.ndarray, contamination: float, threshold: float | None = None) -> np.ndarray:
    """Indices (ascending) of the weak labels kept: top probability >= `threshold`, or else
    all but the `contamination` share with the lowest top probability (ties: earlier kept)."""
    conf = np.asarray(y).max(axis=1)
    if threshold is not None:
        return np.flatnonzero(conf >= threshold)
    order = np.argsort(conf, kind="stable")  # least confident first
    return np.sort(order[int(contamination * len(conf)) :])


def weak_labels_path(root: Path, cfg: Any, weak_model: str | None = None) -> Path:
    """The soft labels a ground-truth run of `weak_model` (default: the config's) wrote."""
    weak_model = weak_model or cfg.weak_model
    if weak_model is None:
        raise ValueError("a ground-truth run has no weak labels")
    return cfg.ground_truth(weak_model).run_dir(root) / "weak_labels.parquet"


def _probs(rows: pd.DataFrame) -> np.ndarray:
    return rows[[c for c in rows.columns if c.startswith("p") and c[1:].isdigit()]].to_numpy(dtype=np.float32)


def read_part(path: Path, part: str | None, ds, table: pd.DataFrame | None = None) -> np.ndarray:
    """One part of a predictions file (None: the whole file, as test_predictions.parquet),
    aligned with `ds` by position: the same recipe and seed give the same examples in the
    same order, and anything else is an error, not a lookup (a text-hash lookup breaks on
    repeated texts). `table`: the file already read (its parts are read from one read)."""
    table = pd.read_parquet(path) if table is None else table
    rows = table if part is None else table[table["part"] == part]
    if len(rows) != len(ds) or list(rows["id"]) != list(ds["id"]):
        what = "predictions" if part is None else f"predictions for part {part!r}"
        hint = " (written by ground-truth runs since the co-supervision methods)" if part == "val1" else ""
        raise DataError(
            f"{path}: {what}{hint} cover {len(rows)} examples but the run has {len(ds)} (or in another"
            " order): the weak run saw different data or predates this; rerun it"
        )
    return _probs(rows)


def read_weak_labels(path: Path, data) -> tuple[np.ndarray, np.ndarray]:
    """The weak model's soft labels on half 2's training part and validation slice."""
    table = pd.read_parquet(path)
    return read_part(path, "train", data.train2, table), read_part(path, "val", data.val2, table)


@dataclass
class Supervision:
    """The weak labels a transfer run learns from, and the supervisor it is measured against."""

    y_train: np.ndarray  # half 2's training part
    y_val: np.ndarray  # half 2's validation slice
    test: np.ndarray  # the supervisor's (or the ensemble's) own test predictions
    record: dict = field(default_factory=dict)


def supervise(cfg: Any, data, root: Path, gt_records: dict[str, dict]) -> Supervision:
    """The run's weak labels: its weak model's, or its supervisors' combined (`combine`); for
    several, the weights fitted on half 1's validation slice (gold the weak models were
    validated on) and the best single supervisor by validation accuracy, which PGR is
    measured against. `gt_records`: each supervisor's ground-truth record by model."""
    models = [cfg.weak_model, *cfg.co_supervisors]
    paths = [weak_labels_path(root, cfg, m) for m in models]
    tables = [pd.read_parquet(p) for p in paths]  # each file once: its train, val and val1 parts
    halves = [
        (read_part(p, "train", data.train2, t), read_part(p, "val", data.val2, t))
        for p, t in zip(paths, tables)
    ]
    tests = [read_part(p.parent / "test_predictions.parquet", None, data.test) for p in paths]
    if len(models) == 1:
        return Supervision(halves[0][0], halves[0][1], tests[0])
    fitted = None
    if cfg.combine == "fitted":
        val1 = [read_part(p, "val1", data.val1, t) for p, t in zip(paths, tables)]
        fitted = fit_weights(val1, list(data.val1["label"]))
    best = max(models, key=lambda m: gt_records[m]["val_acc"])  # first of equals: the order given
    return Supervision(
        combine(cfg.combine, [h[0] for h in halves], fitted),
        combine(cfg.combine, [h[1] for h in halves], fitted),
        combine(cfg.combine, tests, fitted),
        {
            "supervisors": models,
            "fitted_weights": fitted,
            "pgr_weak_model": best,
            "pgr_weak_gt_run": gt_records[best]["run_id"],
        },
    )
