"""The weak-to-strong classification stages (Burns et al.), as the notebooks call them.

Each training half keeps a validation slice (`val_frac`); nothing is ever chosen on test.

ground truth: train `model` on half 1 with true labels (validated on half 1's slice, gold
              labels), evaluate on test, and write its soft labels on all of half 2 (its
              training part and its validation slice): the weak labels of any transfer run.
transfer:     train `model` on half 2 with `weak_model`'s soft labels (validated on half 2's
              slice against the weak labels), optionally improved first by a probe on the
              strong model's features (relabel / filter), then `s2s_iters` strong-to-strong
              rounds; evaluate on test.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from ..core import runs
from ..core.compute import training_precision
from ..core.dist import is_main, world_size
from ..core.fileio import DataError, atomic_path
from ..core.launch import launch, launched
from .baselines import improve
from .config import ClassificationConfig, default_run_root
from .data import load_task, split_halves
from .data import modality as data_modality
from .fit import Features, Fit, feature_recipe, fit
from .metrics import accuracy, auroc, hard_labels

log = logging.getLogger(__name__)

CEILING_HALF = "half1"  # gt runs (the strong ceiling included) train on half 1; transfer on half 2


@dataclass
class Data:
    train1: object  # datasets.Dataset: half 1 without its validation slice
    val1: object
    train2: object
    val2: object
    test: object
    pool_ids: list[str]
    pool_texts: list[str]
    pool_images: object = None  # vision.ImageSet of train + test, for an image task

    @property
    def half2(self):
        from datasets import concatenate_datasets

        return concatenate_datasets([self.train2, self.val2])


def load_data(cfg: ClassificationConfig) -> Data:
    if data_modality(cfg.dataset) == "image":
        from .images import load_image_task

        dd, pool = load_image_task(cfg.dataset, cfg.n_train, cfg.n_test, cfg.data_seed)
        return _halves(cfg, dd, pool)
    dd = load_task(
        cfg.dataset,
        cfg.n_train,
        cfg.n_test,
        seed=cfg.data_seed,
        balanced=cfg.balanced,
        source=cfg.source,
        text_column=cfg.text_column,
        label_column=cfg.label_column,
        pos_frac=cfg.pos_frac,
    )
    return _halves(cfg, dd)


def _halves(cfg: ClassificationConfig, dd, pool_images=None) -> Data:
    half1, half2 = split_halves(dd["train"], cfg.seed)
    parts = [h.train_test_split(test_size=cfg.val_frac, seed=cfg.seed) for h in (half1, half2)]
    # the pool (all train + test) is the same for every seed, so features are extracted once
    ids = list(dd["train"]["id"]) + list(dd["test"]["id"])
    texts = list(dd["train"]["text"]) + list(dd["test"]["text"])
    return Data(
        parts[0]["train"],
        parts[0]["test"],
        parts[1]["train"],
        parts[1]["test"],
        dd["test"],
        ids,
        texts,
        pool_images,
    )


def features_for(cfg: ClassificationConfig, data: Data):
    """The frozen-feature lookup of `cfg.model` over the pool (probe mode), text or image."""
    if data.pool_images is not None:
        from .images import ImageFeatures

        return ImageFeatures(cfg.model, data.pool_images, cfg.source, cfg.layer_index)
    return Features(cfg, data.pool_ids, data.pool_texts)


def weak_labels_path(root: Path, cfg: ClassificationConfig) -> Path:
    if cfg.weak_model is None:
        raise ValueError("a ground-truth run has no weak labels")
    return cfg.ground_truth(cfg.weak_model).run_dir(root) / "weak_labels.parquet"


def _table(ds, probs: np.ndarray, part: str | None = None) -> pd.DataFrame:
    df = pd.DataFrame({"id": list(ds["id"]), "label": list(ds["label"])})
    for k in range(probs.shape[1]):
        df[f"p{k}"] = probs[:, k]
    if part is not None:
        df.insert(1, "part", part)
    return df


def read_weak_labels(path: Path, data: Data) -> tuple[np.ndarray, np.ndarray]:
    """The weak model's soft labels on half 2's training part and validation slice, aligned
    by position: the same recipe and seed give the same half 2 in the same order, and
    anything else is an error, not a lookup (a text-hash lookup breaks on repeated texts)."""
    weak = pd.read_parquet(path)
    out = []
    for part, ds in (("train", data.train2), ("val", data.val2)):
        rows = weak[weak["part"] == part]
        if len(rows) != len(ds) or list(rows["id"]) != list(ds["id"]):
            raise DataError(
                f"{path}: weak labels for half 2's {part} part cover {len(rows)} examples but it has {len(ds)} "
                "(or in another order): the weak run saw different data; rerun it"
            )
        out.append(
            rows[[c for c in rows.columns if c.startswith("p") and c[1:].isdigit()]].to_numpy(
                dtype=np.float32
            )
        )
    return out[0], out[1]


def _metrics(probs: np.ndarray, labels, prefix: str) -> dict:
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


def _soft_hard(y: np.ndarray) -> list[int]:
    return hard_labels(y).tolist()


def run(cfg: ClassificationConfig, root: str | Path | None = None, force: bool = False) -> dict:
    """Run one gt or transfer run (or return its record if it already finished)."""
    root = Path(root) if root is not None else default_run_root(cfg)
    path = cfg.run_dir(root)
    if not force and (done := runs.completed(path)):
        log.info("skip %s (complete)", cfg.run_id())
        return done
    if cfg.kind == "transfer" and not weak_labels_path(root, cfg).exists():
        run(cfg.ground_truth(cfg.weak_model), root)
    if cfg.distributed != "none" and not launched():  # this process launches the others
        launch(
            "w2s_helpers.classification.stages:run_launched",
            {"config": cfg.to_dict(), "root": str(root)},
            cfg.num_processes,
            distributed=cfg.distributed,
        )
        if (done := runs.completed(path)) is None:
            raise RuntimeError(f"{path}: the launched run ended without a result")
        return done
    t0 = time.time()
    data = load_data(cfg)  # bad data (a row, a label, too few rows) refuses before the run folder exists
    if is_main():
        runs.start(path, cfg.to_dict())
    feats = features_for(cfg, data) if cfg.mode == "probe" and cfg.head == "probe" else None
    record: dict = {
        "run_id": cfg.run_id(),
        "kind": cfg.kind,
        "config": cfg.to_dict(),
        "identity": cfg.identity(),
        "ceiling_half": CEILING_HALF,
        "n_train": len(data.train1) if cfg.kind == "gt" else len(data.train2),
        "n_val": len(data.val1) if cfg.kind == "gt" else len(data.val2),
        "n_test": len(data.test),
        "processes": world_size(),
        "precision": None
        if cfg.mode == "probe"
        else training_precision(cfg.mode, cfg.dtype, cfg.load_in_4bit).describe(),
    }
    if cfg.kind == "gt":
        targets = np.array(data.train1["soft_label"], dtype=np.float32)
        evals = {"val": (data.val1, list(data.val1["label"])), "test": (data.test, list(data.test["label"]))}
        predict_on = [data.test, data.val1, data.train2, data.val2]
        if cfg.head == "pretrained":  # the model's own classifier labels: nothing trains
            from .images import pretrained_probs

            result = Fit([pretrained_probs(cfg.model, data.pool_images, ds, cfg.source) for ds in predict_on])
        else:
            result = fit(cfg, feats, data.train1, targets, evals, predict_on, path)
        test_p, val_p, t2, v2 = result.predictions
        if is_main():
            with atomic_path(path / "weak_labels.parquet") as tmp:
                pd.concat([_table(data.train2, t2, "train"), _table(data.val2, v2, "val")]).to_parquet(tmp)
        record.update(
            _metrics(val_p, data.val1["label"], "val"),
            half2_acc=accuracy(np.concatenate([t2, v2]), list(data.half2["label"])),
        )
    else:
        test_p, extra = _transfer(cfg, data, feats, weak_labels_path(root, cfg), path)
        record.update(extra)
        record["weak_gt_run"] = cfg.ground_truth(cfg.weak_model).run_id()
        record["strong_gt_run"] = cfg.ground_truth(cfg.model).run_id()
    if is_main():
        with atomic_path(path / "test_predictions.parquet") as tmp:
            _table(data.test, test_p).to_parquet(tmp)
    layer, layer_index, pooling = feature_recipe(cfg)
    record.update(
        _metrics(test_p, data.test["label"], "test"),
        feature_layer=(layer_index or layer) if cfg.mode == "probe" else None,
        feature_pooling=pooling,
        wall_s=round(time.time() - t0, 2),
    )
    if cfg.kind == "gt":
        record.update(losses=result.history, curves=result.curves, best_step=result.best_step)
    return runs.finish(path, record) if is_main() else record


def run_launched(params: dict) -> None:
    """One process of a distributed run (core.launch starts one per GPU)."""
    from ..core.configs import from_dict

    run(from_dict(ClassificationConfig, params["config"]), params["root"])


class RunsFailed(RuntimeError):
    """Some runs of a batch failed (the others finished); the message names each."""


def run_all(cfgs: list[ClassificationConfig], root: str | Path | None = None) -> list[dict]:
    """Run every config (a notebook's batch), going on past a failure; the records of those
    that finished, or RunsFailed naming those that did not."""
    records, failed = [], []
    for cfg in cfgs:
        try:
            records.append(run(cfg, root))
        except Exception as e:  # one bad run must not cost its neighbours
            log.exception("run %s failed", cfg.run_id())
            failed.append(f"{cfg.run_id()}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
    if failed:
        raise RunsFailed(f"{len(failed)} of {len(cfgs)} runs failed: " + "; ".join(failed))
    return records


def _transfer(
    cfg: ClassificationConfig, data: Data, feats, weak_path: Path, path: Path
) -> tuple[np.ndarray, dict]:
    """The student on the weak labels (improved by a probe first if asked), then the
    strong-to-strong rounds; returns the last student's test probabilities and the record."""
    y_train, y_val = read_weak_labels(weak_path, data)
    record = {"weak_label_acc": accuracy(y_train, list(data.train2["label"]))}
    weak, gold1 = y_train, list(data.train1["label"])
    prior = (np.bincount(np.asarray(gold1, dtype=int), minlength=y_train.shape[1]) / len(gold1)).tolist()
    train2, val2 = data.train2, data.val2
    if cfg.relabel != "none" or cfg.filter != "none":
        how, probe = ("relabel", cfg.relabel) if cfg.relabel != "none" else ("filter", cfg.filter)
        strong = feats or features_for(cfg, data)
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
        train2, val2 = train2.select(kt), val2.select(kv)
        y_train, y_val = np.stack([1 - t1.numpy(), t1.numpy()], 1), np.stack([1 - v1.numpy(), v1.numpy()], 1)
        record.update(improved=stats, improved_label_acc=accuracy(y_train, list(train2["label"])))
    rounds = []
    for r in range(cfg.s2s_iters + 1):
        evals = {"val": (val2, _soft_hard(y_val)), "test": (data.test, list(data.test["label"]))}
        result = fit(cfg, feats, train2, y_train, evals, [data.test, train2, val2], path, r, prior)
        test_p, y_train, y_val = result.predictions  # the student's labels teach the next round
        rounds.append(
            {
                "round": r,
                **_metrics(test_p, data.test["label"], "test"),
                "losses": result.history,
                "curves": result.curves,
                "best_step": result.best_step,
            }
        )
    last = rounds[-1]
    record.update(losses=last["losses"], curves=last["curves"], best_step=last["best_step"])
    # the last student's: how the loss hardened it (None: a loss that does not harden)
    record.update(rate_diagnostics(weak, gold1, test_p), hardened_rate=result.loss_stats.get("hardened_rate"))
    if cfg.s2s_iters:
        record["rounds"] = [{k: v for k, v in r.items() if k not in ("losses", "curves")} for r in rounds]
    return test_p, record
