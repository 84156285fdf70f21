"""The weak-to-strong classification stages (Burns et al.), as the notebooks call them.

ground truth: train `model` on half 1 with true labels, evaluate on test, and write its
              soft labels on half 2 (any gt run can then serve as a weak supervisor).
transfer:     train `model` on half 2 with `weak_model`'s soft labels, evaluate on test.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from .. import zoo
from ..core import runs
from ..core.fileio import DataError, atomic_path
from .config import ClassificationConfig, default_run_root
from .data import load_task, split_halves
from .features import cached_features
from .losses import get_loss
from .metrics import accuracy, auroc

log = logging.getLogger(__name__)

CEILING_HALF = "half1"  # gt runs (the strong ceiling included) train on half 1; transfer on half 2


@dataclass
class Data:
    half1: object  # datasets.Dataset
    half2: object
    test: object
    pool_ids: list[str]
    pool_texts: list[str]


def load_data(cfg: ClassificationConfig) -> Data:
    dd = load_task(
        cfg.dataset,
        cfg.n_train,
        cfg.n_test,
        seed=cfg.data_seed,
        balanced=cfg.balanced,
        source=cfg.source,
        text_column=cfg.text_column,
        label_column=cfg.label_column,
    )
    half1, half2 = split_halves(dd["train"], cfg.seed)
    # the pool (all train + test) is the same for every seed, so features are extracted once
    ids = list(dd["train"]["id"]) + list(dd["test"]["id"])
    texts = list(dd["train"]["text"]) + list(dd["test"]["text"])
    return Data(half1, half2, dd["test"], ids, texts)


def feature_recipe(cfg: ClassificationConfig) -> tuple[float | None, int | None, str]:
    """(layer fraction, layer index, pooling): the config's, else the registry's defaults."""
    spec = zoo.get_spec(cfg.model)
    layer = cfg.layer if cfg.layer is not None or cfg.layer_index is not None else spec.probe_layer
    return layer, cfg.layer_index, cfg.pooling or spec.pooling


def default_lr(cfg: ClassificationConfig) -> float:
    if cfg.lr is not None:
        return cfg.lr
    return 1e-3 if cfg.mode == "probe" else zoo.get_spec(cfg.model).lr


def weak_labels_path(root: Path, cfg: ClassificationConfig) -> Path:
    if cfg.weak_model is None:
        raise ValueError("a ground-truth run has no weak labels")
    return cfg.ground_truth(cfg.weak_model).run_dir(root) / "weak_labels.parquet"


def _fit_predict(
    cfg: ClassificationConfig, data: Data, train_ds, targets: np.ndarray, run_dir: Path, predict_on: list
) -> tuple[list[np.ndarray], list[dict]]:
    """Train `cfg.model` on train_ds with `targets` ([n, 2] probabilities) and return the
    class probabilities on each dataset of `predict_on`, plus the loss history."""
    torch.manual_seed(cfg.seed)
    confidence = cfg.loss in ("logconf", "entropy")
    loss_fn = get_loss(
        cfg.loss, **({"aux_coef": cfg.aux_coef, "warmup_frac": cfg.warmup_frac} if confidence else {})
    )
    layer, layer_index, pooling = feature_recipe(cfg)
    if cfg.mode == "probe":
        from .probe import predict_proba, train_probe

        feats = cached_features(
            cfg.model,
            data.pool_ids,
            data.pool_texts,
            layer,
            (pooling,),
            cfg.max_length,
            layer_index=layer_index,
            source=cfg.source,
        )[pooling]
        row = {i: k for k, i in enumerate(data.pool_ids)}

        def rows(ds):
            return feats[[row[i] for i in ds["id"]]]

        probe, history = train_probe(
            rows(train_ds),
            torch.tensor(targets, dtype=torch.float32),
            loss_fn,
            cfg.epochs,
            default_lr(cfg),
            cfg.batch_size,
            cfg.seed,
            desc=f"{cfg.kind} {cfg.model} s{cfg.seed}",
        )
        return [predict_proba(probe, rows(ds)) for ds in predict_on], history
    from .finetune import build_classifier, predict_proba, tokenize, train_classifier

    tok = zoo.load_tokenizer(cfg.model, source=cfg.source)
    model = build_classifier(cfg.model, pooling, cfg.mode, cfg.lora_r, cfg.source)
    if torch.cuda.is_available():
        model = model.cuda()
    train_ds = train_ds.remove_columns("soft_label").add_column("soft_label", targets.tolist())
    history = train_classifier(
        model,
        tok,
        tokenize(train_ds, tok, cfg.max_length),
        loss_fn,
        run_dir / "trainer",
        cfg.epochs,
        default_lr(cfg),
        cfg.batch_size,
        cfg.seed,
    )
    preds = [predict_proba(model, tok, tokenize(ds, tok, None)) for ds in predict_on]
    return preds, history


def _predictions_table(ds, probs: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {"id": list(ds["id"]), "label": list(ds["label"]), "p0": probs[:, 0], "p1": probs[:, 1]}
    )


def read_weak_labels(path: Path, half2) -> np.ndarray:
    """The weak model's soft labels on half 2, aligned by position: the same recipe and seed
    give the same half 2 in the same order, and anything else is an error, not a lookup."""
    weak = pd.read_parquet(path)
    ids = list(half2["id"])
    if len(weak) != len(ids) or list(weak["id"]) != ids:
        raise DataError(
            f"{path}: weak labels cover {len(weak)} examples but half 2 has {len(ids)} "
            "(or in another order): the weak run saw different data; rerun it"
        )
    return weak[["p0", "p1"]].to_numpy(dtype=np.float32)


def run(cfg: ClassificationConfig, root: str | Path | None = None, force: bool = False) -> dict:
    """Run one gt or transfer run (or return its record if it already finished)."""
    root = Path(root) if root is not None else default_run_root(cfg)
    path = cfg.run_dir(root)
    if not force and (done := runs.completed(path)):
        log.info("skip %s (complete)", cfg.run_id())
        return done
    if cfg.kind == "transfer" and not weak_labels_path(root, cfg).exists():
        run(cfg.ground_truth(cfg.weak_model), root)
    runs.start(path, cfg.to_dict())
    t0 = time.time()
    data = load_data(cfg)
    record: dict = {
        "run_id": cfg.run_id(),
        "kind": cfg.kind,
        "config": cfg.to_dict(),
        "identity": cfg.identity(),
        "ceiling_half": CEILING_HALF,
        "n_half1": len(data.half1),
        "n_half2": len(data.half2),
        "n_test": len(data.test),
    }
    if cfg.kind == "gt":
        targets = np.array(data.half1["soft_label"], dtype=np.float32)
        (test_p, half2_p), history = _fit_predict(
            cfg, data, data.half1, targets, path, [data.test, data.half2]
        )
        with atomic_path(path / "weak_labels.parquet") as tmp:
            _predictions_table(data.half2, half2_p).to_parquet(tmp)
        record["half2_acc"] = accuracy(half2_p, list(data.half2["label"]))
    else:
        targets = read_weak_labels(weak_labels_path(root, cfg), data.half2)
        (test_p,), history = _fit_predict(cfg, data, data.half2, targets, path, [data.test])
        record["weak_label_acc"] = accuracy(targets, list(data.half2["label"]))
        record["weak_gt_run"] = cfg.ground_truth(cfg.weak_model).run_id()
        record["strong_gt_run"] = cfg.ground_truth(cfg.model).run_id()
    with atomic_path(path / "test_predictions.parquet") as tmp:
        _predictions_table(data.test, test_p).to_parquet(tmp)
    layer, layer_index, pooling = feature_recipe(cfg)
    record.update(
        {
            "test_acc": accuracy(test_p, list(data.test["label"])),
            "test_auroc": auroc(test_p, list(data.test["label"])),
            "feature_layer": (layer_index or layer) if cfg.mode == "probe" else None,
            "feature_pooling": pooling,
            "losses": history,
            "wall_s": round(time.time() - t0, 2),
        }
    )
    return runs.finish(path, record)
