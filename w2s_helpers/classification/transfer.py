"""The student's side of a transfer run: it sees examples and weak labels, never gold.

`seal` makes the only thing training receives, a `Sealed` view: half 2's training part and
validation slice, half 1 and test, each reduced to example ids and texts, and the weak soft
labels of half 2. Gold labels of half 2 (the weak half) and of test stay in the run's
`Data`, which only evaluation (`scoring`) reads. Two gold-derived things cross, each named:
half 1's gold class rates (what `logconf_prior` hardens at: the weak supervisor's own
training data) and, for the `gold_shots` prompting baseline only, half 1's gold labels
(demonstrations from the weak model's own training data). Test metrics during training
are predictions recorded at each evaluation point (`_pred_test`), scored afterwards.

`train` is every method's training: the student on the weak labels (improved by a probe or
filtered by confidence first), a bootstrapping chain of models (each training on the
previous one's labels of the half it did not train on), strong-to-strong rounds, or a
prompting baseline (nothing trains).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from .baselines import improve
from .config import ClassificationConfig
from .fit import fit
from .supervision import Supervision, confidence_keep

SEALED_COLUMNS = ("id", "text")  # what a sealed split keeps; an image task's id names its image


def _sealed(ds):
    return ds.select_columns([c for c in SEALED_COLUMNS if c in ds.column_names])


@dataclass(frozen=True)
class Sealed:
    """Everything a transfer run's training receives."""

    train2: object  # datasets.Dataset of ids and texts: what the student learns from
    val2: object
    train1: object  # half 1, ids and texts: where a bootstrapping chain's second link learns
    val1: object
    test: object  # ids and texts: predicted on, never scored here
    y_train: np.ndarray  # weak soft labels of train2
    y_val: np.ndarray  # weak soft labels of val2
    class_prior: list[float]  # half 1's gold class rates (logconf_prior)
    gold_demos: list[tuple[str, int]] | None = None  # gold_shots prompting only: half 1's gold


def seal(cfg: ClassificationConfig, data, sup: Supervision) -> Sealed:
    """The transfer run's training view of `data`: no gold of half 2 or of test."""
    gold1 = np.asarray(data.train1["label"], dtype=int)
    prior = (np.bincount(gold1, minlength=sup.y_train.shape[1]) / max(len(gold1), 1)).tolist()
    demos = None
    if cfg.prompt == "gold_shots":
        from .prompting import pick_demos

        demos = pick_demos(list(data.train1["text"]), gold1.tolist(), cfg.n_shots, cfg.seed)
    return Sealed(
        *(_sealed(ds) for ds in (data.train2, data.val2, data.train1, data.val1, data.test)),
        sup.y_train,
        sup.y_val,
        prior,
        demos,
    )


@dataclass
class Step:
    """One trained model of the run: a round, a chain link, or the prompted model."""

    model: str
    half: str  # the half it learnt from ("half2", "half1"; "none": prompted)
    test_p: np.ndarray
    labels: np.ndarray  # what it learnt from (the training part's soft labels)
    train_p: np.ndarray | None = None  # its own predictions on that training part
    kept: np.ndarray | None = None  # the training part's rows kept (a filter)
    history: list = field(default_factory=list)
    curves: list = field(default_factory=list)
    best_step: int | None = None
    val_p: np.ndarray | None = None  # its predictions on the validation slice (the next round's labels)
    hardened_rate: float | None = None  # what a confidence loss hardened to


@dataclass
class Trained:
    steps: list[Step]  # in order; the last is the student the run reports
    stats: dict = field(default_factory=dict)  # what the student's side measured without gold

    @property
    def student(self) -> Step:
        return self.steps[-1]


FeatureLookup = Callable[[str], object]  # model name -> frozen-feature lookup (probe mode) or None


def train(cfg: ClassificationConfig, sealed: Sealed, features: FeatureLookup, path: Path) -> Trained:
    """Every method's training, on the sealed view only."""
    if cfg.prompt != "none":
        return _prompted(cfg, sealed)
    if cfg.chain:
        return _chain(cfg, sealed, features, path)
    train2, val2, y_train, y_val, stats, kept = _improved(cfg, sealed, features)
    steps = []
    for r in range(cfg.s2s_iters + 1):  # round r > 0: the previous student's labels teach a fresh one
        step = _fit(cfg, features(cfg.model), train2, val2, y_train, y_val, sealed, path, r)
        step.kept = kept
        steps.append(step)
        y_train, y_val = step.train_p, step.val_p
    return Trained(steps, {**stats, "hardened_rate": steps[-1].hardened_rate})


def _improved(cfg: ClassificationConfig, sealed: Sealed, features: FeatureLookup):
    """The weak labels the student learns from: as given, relabelled or filtered by a probe
    on the strong model's features, or filtered by their own confidence."""
    train2, val2, y_train, y_val = sealed.train2, sealed.val2, sealed.y_train, sealed.y_val
    if cfg.filter == "confidence":
        kt = confidence_keep(y_train, cfg.contamination, cfg.confidence_threshold)
        kv = confidence_keep(y_val, cfg.contamination, cfg.confidence_threshold)
        if len(kt) == 0 or len(kv) == 0:
            raise ValueError(f"confidence_threshold {cfg.confidence_threshold}: no weak label passes it")
        stats = {"filter": "confidence", "train_kept": len(kt), "train_dropped": len(y_train) - len(kt)}
        return train2.select(kt), val2.select(kv), y_train[kt], y_val[kv], {"improved": stats}, kt
    if cfg.relabel == "none" and cfg.filter == "none":
        return train2, val2, y_train, y_val, {}, None
    how, probe = ("relabel", cfg.relabel) if cfg.relabel != "none" else ("filter", cfg.filter)
    strong = features(cfg.model)
    kt, t1, kv, v1, stats = improve(
        how,
        probe,
        strong(train2),
        torch.tensor(y_train[:, 1]),
        strong(val2),
        torch.tensor(y_val[:, 1]),
        cfg.contamination,
        cfg.knn_k,
    )
    y_t, y_v = np.stack([1 - t1.numpy(), t1.numpy()], 1), np.stack([1 - v1.numpy(), v1.numpy()], 1)
    return train2.select(kt), val2.select(kv), y_t, y_v, {"improved": stats}, np.asarray(kt)


def _fit(cfg, feats, train_ds, val_ds, y_train, y_val, sealed: Sealed, path: Path, round_: int) -> Step:
    evals = {"val": (val_ds, y_val.argmax(1).tolist()), "test": (sealed.test, None)}
    result = fit(cfg, feats, train_ds, y_train, evals, [sealed.test, train_ds, val_ds], path, round_,
                 sealed.class_prior)  # fmt: skip
    test_p, train_p, val_p = result.predictions
    return Step(cfg.model, "half2", test_p, y_train, train_p, None, result.history, result.curves,
                result.best_step, val_p, result.loss_stats.get("hardened_rate"))  # fmt: skip


def _chain(cfg: ClassificationConfig, sealed: Sealed, features: FeatureLookup, path: Path) -> Trained:
    """weak -> chain[0] -> ... -> model: each link learns on one half from the previous
    link's labels and labels the other half, which the next link learns from."""
    halves = {"half2": (sealed.train2, sealed.val2), "half1": (sealed.train1, sealed.val1)}
    half, y_train, y_val = "half2", sealed.y_train, sealed.y_val
    steps = []
    for i, model in enumerate([*cfg.chain, cfg.model]):
        link = replace(cfg, model=model, chain=[])
        train_ds, val_ds = halves[half]
        other = "half1" if half == "half2" else "half2"
        evals = {"val": (val_ds, y_val.argmax(1).tolist()), "test": (sealed.test, None)}
        result = fit(link, features(model), train_ds, y_train, evals,
                     [sealed.test, train_ds, *halves[other]], path, i, sealed.class_prior)  # fmt: skip
        test_p, train_p, next_train, next_val = result.predictions
        steps.append(Step(model, half, test_p, y_train, train_p, None, result.history, result.curves,
                          result.best_step))  # fmt: skip
        half, y_train, y_val = other, next_train, next_val
    return Trained(steps)


def _prompted(cfg: ClassificationConfig, sealed: Sealed) -> Trained:
    """The strong model asked, not trained: zero-shot, or k demonstrations labelled by the
    weak model (half 2's training part) or with gold (half 1, the weak model's own data)."""
    from ..core.paths import cache_dir
    from .prompting import pick_demos, prompt_scores, template_for

    demos: list[tuple[str, int]] = []
    if cfg.prompt == "weak_shots":
        demos = pick_demos(
            list(sealed.train2["text"]), sealed.y_train.argmax(1).tolist(), cfg.n_shots, cfg.seed
        )
    elif cfg.prompt == "gold_shots":
        demos = sealed.gold_demos or []
    template = template_for(cfg.dataset, cfg.label_words)
    test_p = prompt_scores(
        cfg.model,
        template,
        demos,
        list(sealed.test["text"]),
        max_length=cfg.max_length,
        source=cfg.source,
        dtype=cfg.dtype if cfg.prompt_dtype == "auto" else cfg.prompt_dtype,
        cache_dir=cache_dir() / "prompt_scores",
        desc=f"{cfg.prompt} {Path(cfg.model).name} s{cfg.seed}",
    )
    return Trained([Step(cfg.model, "none", test_p, sealed.y_train)], {"demos": len(demos)})
