"""Training one model on one set of (soft) targets, in any mode, and predicting with it.

`fit` is the step every classification run repeats: the ground-truth run on gold labels,
the transfer run on weak labels, each strong-to-strong round on the previous student's.
Probe mode trains a linear head on cached frozen features; full and LoRA modes fine-tune
through the HF Trainer. Both evaluate on validation and test as they go.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .. import zoo
from ..core.compute import training_precision
from ..core.dist import world_size
from .config import CONFIDENCE_LOSSES, ClassificationConfig
from .features import cached_features
from .losses import get_loss, hard_rates, midweak_radius


@dataclass
class Fit:
    predictions: list[np.ndarray]  # class probabilities on each `predict_on` dataset
    history: list[dict] = field(default_factory=list)  # the training loss
    curves: list[dict] = field(default_factory=list)  # validation / test metrics during training
    best_step: int | None = None  # the step kept by early stopping
    loss_stats: dict = field(
        default_factory=dict
    )  # what the loss measured as it trained (logconf's hardened rate)


def feature_recipe(cfg: ClassificationConfig) -> tuple[float | None, int | None, str]:
    """(layer fraction, layer index, pooling): the config's, else the registry's defaults."""
    if zoo.modality(cfg.model) == "image":  # the block is in the name ("effnet-lite0@3"), pooled over space
        return cfg.layer, zoo.split_block(cfg.model)[1] or cfg.layer_index, "spatial mean"
    spec = zoo.get_spec(cfg.model)
    layer = cfg.layer if cfg.layer is not None or cfg.layer_index is not None else spec.probe_layer
    return layer, cfg.layer_index, cfg.pooling or spec.pooling


def default_lr(cfg: ClassificationConfig) -> float:
    if cfg.lr is not None:
        return cfg.lr
    return 1e-3 if cfg.mode == "probe" else zoo.get_spec(cfg.model).lr


def make_loss(cfg: ClassificationConfig, targets: np.ndarray, class_prior: list[float] | None = None):
    """The run's loss; `class_prior` (half 1's gold class rates) is what `logconf_prior` hardens at."""
    if cfg.loss in CONFIDENCE_LOSSES:
        params = dict(aux_coef=cfg.aux_coef, warmup_frac=cfg.warmup_frac, balance_batch=cfg.balance_batch)
        if cfg.loss == "logconf_hard":  # the training labels' own hard rates, each round afresh
            params["class_rates"] = hard_rates(targets)
        if cfg.loss == "logconf_prior":
            if class_prior is None:
                raise ValueError("logconf_prior hardens at half 1's gold class rates: pass class_prior")
            params["class_rates"] = class_prior
        return get_loss(cfg.loss, **params)
    if cfg.loss == "window":
        radius = cfg.window_radius
        if radius == "midweak":  # resolved on this run's own training labels, each round afresh
            radius = midweak_radius(torch.as_tensor(targets))
        return get_loss("window", radius=radius)
    return get_loss(cfg.loss)


class Features:
    """The model's frozen features of the whole pool (train + test), looked up by example id."""

    def __init__(self, cfg: ClassificationConfig, pool_ids: list[str], pool_texts: list[str]):
        layer, layer_index, pooling = feature_recipe(cfg)
        self.x = cached_features(
            cfg.model,
            pool_ids,
            pool_texts,
            layer,
            (pooling,),
            cfg.max_length,
            layer_index=layer_index,
            source=cfg.source,
            dtype=cfg.dtype,
            device_map=cfg.device_map,
        )[pooling]
        self.row = {i: k for k, i in enumerate(pool_ids)}

    def __call__(self, ds) -> torch.Tensor:
        return self.x[[self.row[i] for i in ds["id"]]]


def fit(
    cfg: ClassificationConfig,
    features: Features | None,
    train_ds,
    targets: np.ndarray,
    evals: dict,
    predict_on: list,
    run_dir: Path,
    round_: int = 0,
    class_prior: list[float] | None = None,
) -> Fit:
    """Train `cfg.model` on train_ds with `targets` ([n, K] probabilities); evaluate on
    `evals` ({name: (ds, labels)}; labels None: record predictions instead, `_pred_<name>`
    in each curve point) as it trains; predict on each dataset of `predict_on`."""
    torch.manual_seed(cfg.seed + round_)
    loss_fn = make_loss(cfg, targets, class_prior)
    stats = getattr(loss_fn, "stats", dict)
    if cfg.mode == "probe":
        from .probe import predict_proba, train_probe

        assert features is not None
        probe, history, curves, best = train_probe(
            features(train_ds),
            torch.tensor(targets, dtype=torch.float32),
            loss_fn,
            cfg.epochs,
            default_lr(cfg),
            cfg.batch_size,
            cfg.seed + round_,
            desc=f"{cfg.kind} {Path(cfg.model).name} s{cfg.seed}" + (f" r{round_}" if round_ else ""),
            evals={k: (features(ds), y) for k, (ds, y) in evals.items()},
            eval_every=cfg.eval_every,
            early_stop=cfg.early_stop,
        )
        return Fit([predict_proba(probe, features(ds)) for ds in predict_on], history, curves, best, stats())
    from .finetune import build_classifier, predict_proba, tokenize, train_classifier

    tok = zoo.load_tokenizer(cfg.model, source=cfg.source)
    _, _, pooling = feature_recipe(cfg)
    model = build_classifier(
        cfg.model,
        pooling,
        cfg.mode,
        cfg.lora_r,
        cfg.source,
        cfg.dtype,
        cfg.load_in_4bit,
        cfg.gradient_checkpointing,
        cfg.distributed,
    )
    if torch.cuda.is_available() and not cfg.load_in_4bit and world_size() == 1:
        model = model.cuda()  # under a launcher the Trainer places each process's copy
    if "soft_label" in train_ds.column_names:  # a ground-truth run's gold soft labels
        train_ds = train_ds.remove_columns("soft_label")
    train_ds = train_ds.add_column("soft_label", targets.tolist())
    history, curves, best = train_classifier(
        model,
        tok,
        tokenize(train_ds, tok, cfg.max_length),
        loss_fn,
        run_dir / f"trainer{round_ or ''}",
        cfg.epochs,
        default_lr(cfg),
        cfg.batch_size,
        cfg.seed + round_,
        evals={k: (tokenize(ds, tok, cfg.max_length, drop=False), y) for k, (ds, y) in evals.items()},
        eval_every=cfg.eval_every,
        early_stop=cfg.early_stop,
        precision=training_precision(cfg.mode, cfg.dtype, cfg.load_in_4bit),
        distributed=cfg.distributed,
        report_to=cfg.report_to,
        max_grad_norm=cfg.max_grad_norm,
        gradient_checkpointing=cfg.gradient_checkpointing,
    )
    preds = [predict_proba(model, tok, tokenize(ds, tok, cfg.max_length, drop=False)) for ds in predict_on]
    return Fit(preds, history, curves, best, stats())
