"""Linear probes on frozen features: a zero-initialised head trained with a named loss,
evaluated on validation and test every few steps; with early stopping, the head of the
step with the best validation AUROC is kept."""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
from tqdm.auto import tqdm

from .losses import LossFn
from .metrics import accuracy, auroc, hard_labels


class LinearProbe(torch.nn.Module):
    """Standardise features with the training set's statistics, then a linear head
    (hidden -> classes) initialised to zero, as in the reference."""

    def __init__(self, mean: torch.Tensor, std: torch.Tensor, n_classes: int = 2):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.head = torch.nn.Linear(mean.numel(), n_classes)
        torch.nn.init.zeros_(self.head.weight)
        torch.nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head((x - self.mean) / self.std)


def cosine_lr(step: int, total: int, base: float) -> float:
    """Cosine decay to 0 without warmup (the reference schedule)."""
    return base * 0.5 * (1 + math.cos(math.pi * min(step, total) / max(total, 1)))


def eval_steps(total: int, every: int) -> set[int]:
    """The steps after which to evaluate: every `every` (0: about 20 over the run), and the last."""
    every = every or max(1, total // 20)
    return {s for s in range(every - 1, total, every)} | {total - 1}


@torch.no_grad()
def split_metrics(probe: torch.nn.Module, evals: dict) -> dict:
    """{<split>_acc, <split>_auroc} of the probe on each (features, labels) split; labels may
    be soft (validation in a transfer run: the weak labels, hardened at 0.5). A split whose
    labels are None (a transfer run's test set: sealed) gets its predictions, `_pred_<split>`,
    for evaluation to score after training."""
    out = {}
    probe.eval()
    for name, (x, y) in evals.items():
        p = predict_proba(probe, x)
        if y is None:
            out[f"_pred_{name}"] = p
            continue
        hard = hard_labels(np.asarray(y))
        out[f"{name}_acc"] = round(accuracy(p, hard), 5)
        out[f"{name}_auroc"] = round(auroc(p, hard), 5)
    probe.train()
    return out


def train_probe(
    features: torch.Tensor,
    targets: torch.Tensor,
    loss_fn: LossFn,
    epochs: float = 2.0,
    lr: float = 1e-3,
    batch_size: int = 32,
    seed: int = 0,
    desc: str = "probe",
    log_every: int = 10,
    evals: dict | None = None,
    eval_every: int = 0,
    early_stop: bool = False,
) -> tuple[LinearProbe, list[dict], list[dict], int | None]:
    """Adam + cosine schedule over shuffled minibatches. Returns the probe (the last step's,
    or with early_stop the step with the best validation AUROC), the loss history, the
    evaluation curves and the step kept."""
    gen = torch.Generator().manual_seed(seed)
    mean, std = features.mean(0), features.std(0).clamp_min(1e-6)
    probe = LinearProbe(mean, std, targets.shape[1])
    opt = torch.optim.Adam(probe.parameters(), lr=lr)
    n = features.shape[0]
    total = max(1, round(epochs * math.ceil(n / batch_size)))
    history, curves = [], []
    checkpoints = eval_steps(total, eval_every) if evals else set()
    best, best_step, best_score = None, None, -math.inf
    order = torch.empty(0, dtype=torch.long)
    for step in tqdm(range(total), desc=desc, leave=False):
        if order.numel() < batch_size:
            order = torch.cat([order, torch.randperm(n, generator=gen)])
        idx, order = order[:batch_size], order[batch_size:]
        for g in opt.param_groups:
            g["lr"] = cosine_lr(step, total, lr)
        loss = loss_fn(probe(features[idx]), targets[idx], step / total)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % log_every == 0 or step == total - 1:
            history.append({"step": step, "loss": round(loss.item(), 5)})
        if step in checkpoints:
            metrics = split_metrics(probe, evals)
            curves.append({"step": step + 1, **metrics})
            score = metrics.get("val_auroc", -math.inf)
            if early_stop and score > best_score:  # strict: ties keep the earlier step, as the peer
                best, best_step, best_score = copy.deepcopy(probe.state_dict()), step + 1, score
    if early_stop and best is not None:
        probe.load_state_dict(best)
    return probe.eval(), history, curves, best_step if early_stop else None


@torch.no_grad()
def predict_proba(probe: torch.nn.Module, features: torch.Tensor) -> np.ndarray:
    return torch.softmax(probe(features), -1).numpy()
