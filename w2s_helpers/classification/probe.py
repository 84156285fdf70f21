"""Linear probes on frozen features: a zero-initialised head trained with a named loss."""

from __future__ import annotations

import math

import numpy as np
import torch
from tqdm.auto import tqdm

from .losses import LossFn


class LinearProbe(torch.nn.Module):
    """Standardise features with the training set's statistics, then a linear head
    (hidden -> 2 logits) initialised to zero, as in the reference."""

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
) -> tuple[LinearProbe, list[dict]]:
    """Adam + cosine schedule over shuffled minibatches; returns the probe and the loss history."""
    gen = torch.Generator().manual_seed(seed)
    mean, std = features.mean(0), features.std(0).clamp_min(1e-6)
    probe = LinearProbe(mean, std)
    opt = torch.optim.Adam(probe.parameters(), lr=lr)
    n = features.shape[0]
    steps_per_epoch = math.ceil(n / batch_size)
    total = max(1, round(epochs * steps_per_epoch))
    history = []
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
    return probe.eval(), history


@torch.no_grad()
def predict_proba(probe: torch.nn.Module, features: torch.Tensor) -> np.ndarray:
    return torch.softmax(probe(features), -1).numpy()
