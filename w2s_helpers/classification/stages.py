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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..core import runs
from ..core.compute import training_precision
from ..core.dist import is_main, world_size
from ..core.fileio import atomic_path
from ..core.launch import launch, launched
from . import scoring, transfer
from .config import ClassificationConfig, default_run_root
from .data import load_task, split_halves
from .data import modality as data_modality
from .fit import Features, Fit, feature_recipe, fit
from .metrics import accuracy
from .supervision import supervise, weak_labels_path

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


def _table(ds, probs: np.ndarray, part: str | None = None) -> pd.DataFrame:
    df = pd.DataFrame({"id": list(ds["id"]), "label": list(ds["label"])})
    for k in range(probs.shape[1]):
        df[f"p{k}"] = probs[:, k]
    if part is not None:
        df.insert(1, "part", part)
    return df


def run(cfg: ClassificationConfig, root: str | Path | None = None, force: bool = False) -> dict:
    """Run one gt or transfer run (or return its record if it already finished)."""
    root = Path(root) if root is not None else default_run_root(cfg)
    path = cfg.run_dir(root)
    if not force and (done := runs.completed(path)):
        log.info("skip %s (complete)", cfg.run_id())
        return done
    for m in supervisors(cfg):  # each weak supervisor's ground truth writes its labels first
        if not weak_labels_path(root, cfg, m).exists():
            run(cfg.ground_truth(m), root)
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
    probe = cfg.mode == "probe" and cfg.head == "probe" and cfg.prompt == "none"
    feats = features_for(cfg, data) if probe else None
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
                # half 1's validation slice too: what weights several supervisors (`combine: fitted`)
                parts = [
                    _table(data.train2, t2, "train"),
                    _table(data.val2, v2, "val"),
                    _table(data.val1, val_p, "val1"),
                ]
                pd.concat(parts).to_parquet(tmp)
        record.update(
            scoring.metrics(val_p, data.val1["label"], "val"),
            half2_acc=accuracy(np.concatenate([t2, v2]), list(data.half2["label"])),
        )
    else:
        test_p, extra = _transfer(cfg, data, feats, root, path)
        record.update(extra)
        record["weak_gt_run"] = cfg.ground_truth(cfg.weak_model).run_id()
        record["strong_gt_run"] = cfg.ground_truth(cfg.model).run_id()
    if is_main():
        with atomic_path(path / "test_predictions.parquet") as tmp:
            _table(data.test, test_p).to_parquet(tmp)
    layer, layer_index, pooling = feature_recipe(cfg)
    record.update(
        scoring.metrics(test_p, data.test["label"], "test"),
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


def supervisors(cfg: ClassificationConfig) -> list[str]:
    """The weak models whose ground-truth labels a transfer run reads (none for a gt run)."""
    return [] if cfg.weak_model is None else [cfg.weak_model, *cfg.co_supervisors]


def _transfer(
    cfg: ClassificationConfig, data: Data, feats, root: Path, path: Path
) -> tuple[np.ndarray, dict]:
    """Weak labels (`supervision`), training on the sealed view only (`transfer`), then
    evaluation, the one place gold of half 2 and test is read (`scoring`)."""
    gt = {m: runs.completed(cfg.ground_truth(m).run_dir(root)) for m in supervisors(cfg)}
    sup = supervise(cfg, data, root, gt)
    cache = {cfg.model: feats}

    def lookup(model: str):
        if cfg.mode != "probe":
            return None
        if model not in cache:
            cache[model] = features_for(replace(cfg, model=model), data)
        return cache[model]

    trained = transfer.train(cfg, transfer.seal(cfg, data, sup), lookup, path)
    return trained.student.test_p, scoring.evaluate(cfg, data, sup, trained)
