"""The evaluation side of a transfer run: the only code that reads gold of half 2 and of test.

It scores what training returned (`transfer.Trained`): the student's test accuracy and
AUROC, the curves from the predictions training recorded, the weak labels' and improved
labels' accuracy, each round's and chain link's test accuracy, the rates that set logconf's
hardening, the imitation analysis (agreement with the supervisor, split by whether it is
right) and misfit beside gain (`analysis`).
"""

from __future__ import annotations

import numpy as np

from .analysis import agreement, misfit
from .config import ClassificationConfig
from .metrics import accuracy, auroc
from .supervision import Supervision
from .transfer import Step, Trained


def metrics(probs: np.ndarray, labels, prefix: str) -> dict:
    labels = list(labels)
    return {f"{prefix}_acc": accuracy(probs, labels), f"{prefix}_auroc": auroc(probs, labels)}


def _class1(rates) -> float | list[float]:
    """A binary task's class-1 rate; K classes: every class's rate."""
    rates = [round(float(r), 5) for r in rates]
    return rates[1] if len(rates) == 2 else rates


def rate_diagnostics(weak: np.ndarray, gold_half1, test_p: np.ndarray) -> dict:
    """What sets logconf's hardening, per transfer run: the weak labels' mean soft label and
    hard-label rate (half 2's training part), the task's true rate (half 1's gold, which the
    weak supervisor trained on) and the student's predicted rate on test; binary: class 1's."""
    k = weak.shape[1]
    gold = np.bincount(np.asarray(gold_half1, dtype=int), minlength=k) / max(len(gold_half1), 1)
    return {
        "weak_soft_rate": _class1(weak.mean(0)),
        "weak_hard_rate": _class1(np.bincount(weak.argmax(1), minlength=k) / len(weak)),
        "true_rate": _class1(gold),
        "test_pred_rate": _class1(np.bincount(test_p.argmax(1), minlength=k) / len(test_p)),
    }


def scored_curves(step: Step, test_labels) -> list[dict]:
    """A step's curves with the test predictions recorded during training scored on gold."""
    out = []
    for point in step.curves:
        point = dict(point)
        p = point.pop("_pred_test", None)
        if p is not None:
            point.update({k: round(v, 5) for k, v in metrics(p, test_labels, "test").items()})
        out.append(point)
    return out


def evaluate(cfg: ClassificationConfig, data, sup: Supervision, trained: Trained) -> dict:
    """The transfer run's record fields beyond the student's test metrics (`stages.run`
    scores `student.test_p` on test for every kind of run)."""
    gold_test = list(data.test["label"])
    student = trained.student
    record = {  # the student's test metrics: the run's record adds them, for both kinds of run
        "weak_label_acc": accuracy(sup.y_train, list(data.train2["label"])),
        **sup.record,
        **{k: v for k, v in trained.stats.items() if k != "hardened_rate"},
    }
    if len(sup.record.get("supervisors", ())) > 1:
        record.update(metrics(sup.test, gold_test, "ensemble_test"))
    first = trained.steps[0]
    if first.kept is not None:
        kept_gold = np.asarray(data.train2["label"])[first.kept].tolist()
        record["improved_label_acc"] = accuracy(first.labels, kept_gold)
    curves = scored_curves(student, gold_test)
    record.update(losses=student.history, curves=curves, best_step=student.best_step)
    if cfg.s2s_iters:
        record["rounds"] = [
            {"round": r, **metrics(s.test_p, gold_test, "test"), "best_step": s.best_step}
            for r, s in enumerate(trained.steps)
        ]
    if cfg.chain:
        halves = {"half2": data.train2, "half1": data.train1}
        record["chain_steps"] = [
            {
                "model": s.model,
                "half": s.half,
                **metrics(s.test_p, gold_test, "test"),
                "label_acc": accuracy(s.labels, list(halves[s.half]["label"])),
            }
            for s in trained.steps
        ]
    record.update(rate_diagnostics(sup.y_train, list(data.train1["label"]), student.test_p))
    record["hardened_rate"] = trained.stats.get("hardened_rate")
    record.update(agreement(student.test_p, sup.test, gold_test))
    if student.train_p is not None and not cfg.chain:  # a chain's student learnt from its last link
        record.update(misfit(student.train_p, student.labels, student.test_p, sup.test, gold_test))
    return record
