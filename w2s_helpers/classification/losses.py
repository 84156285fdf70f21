"""Weak-to-strong losses, chosen by name.

Each loss is a callable `(logits, soft_targets, step_frac) -> scalar`:
logits [batch, 2] from the student, soft_targets [batch, 2] (the weak model's
probabilities, or one-hot ground truth), step_frac in [0, 1] = progress through training.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import torch
import torch.nn.functional as F

LossFn = Callable[[torch.Tensor, torch.Tensor, float], torch.Tensor]


def soft_cross_entropy(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return -(target * F.log_softmax(logits.float(), dim=-1)).sum(-1).mean()


class Xent:
    """Cross-entropy against the weak soft labels (the naive baseline)."""

    def __call__(self, logits, soft_targets, step_frac=0.0):
        return soft_cross_entropy(logits, soft_targets)


class KL:
    """KL(weak || student): xent minus the (constant) weak entropy; same gradients."""

    def __call__(self, logits, soft_targets, step_frac=0.0):
        return F.kl_div(F.log_softmax(logits.float(), -1), soft_targets, reduction="batchmean")


class Product:
    """CE against normalize(p^beta * w^alpha), detached (Burns et al.'s product loss)."""

    def __init__(self, alpha: float = 1.0, beta: float = 1.0):
        self.alpha, self.beta = alpha, beta

    def __call__(self, logits, soft_targets, step_frac=0.0):
        p = F.softmax(logits.float(), -1).detach()
        target = p.pow(self.beta) * soft_targets.pow(self.alpha)
        target = target / target.sum(-1, keepdim=True).clamp_min(1e-12)
        return soft_cross_entropy(logits, target)


class _Confidence:
    """Shared schedule: coef = aux_coef * min(1, step_frac / warmup_frac)."""

    def __init__(self, aux_coef: float = 0.5, warmup_frac: float = 0.1):
        if not 0 <= aux_coef <= 1:
            raise ValueError(f"aux_coef must be in [0, 1], got {aux_coef}")
        if warmup_frac < 0:
            raise ValueError(f"warmup_frac must be >= 0, got {warmup_frac}")
        self.aux_coef, self.warmup_frac = aux_coef, warmup_frac

    def coef(self, step_frac: float) -> float:
        # (fix) the reference uses step_frac itself during warmup, so the coefficient
        # jumps from 0.05 to 0.5 at 10%; we ramp linearly to aux_coef.
        if self.warmup_frac == 0:
            return self.aux_coef
        return self.aux_coef * min(1.0, step_frac / self.warmup_frac)


class LogConf(_Confidence):
    """Auxiliary confidence loss: mix the weak labels with the student's own hardened
    predictions, thresholded so the class-1 rate matches the weak labels'.

    The quantile needs a batch of reasonable size; with small minibatches, recent
    predictions from a rolling buffer (`buffer_size` rows) join the current ones.
    """

    def __init__(self, aux_coef: float = 0.5, warmup_frac: float = 0.1, buffer_size: int = 32):
        super().__init__(aux_coef, warmup_frac)
        self.buffer: deque[torch.Tensor] = deque()
        self.buffer_size = buffer_size

    def threshold(self, p0: torch.Tensor, q: float) -> torch.Tensor:
        pool = p0
        if p0.numel() < self.buffer_size and self.buffer:
            pool = torch.cat([p0, *self.buffer])[: max(self.buffer_size, p0.numel())]
        self.buffer.appendleft(p0)
        while sum(b.numel() for b in self.buffer) > self.buffer_size:
            self.buffer.pop()
        return torch.quantile(pool, q)

    def __call__(self, logits, soft_targets, step_frac=0.0):
        p = F.softmax(logits.float(), -1).detach()
        q = soft_targets[:, 1].mean().item()
        t = self.threshold(p[:, 0], q)
        hard1 = (p[:, 0] < t).float()
        hardened = torch.stack([1 - hard1, hard1], dim=-1)
        c = self.coef(step_frac)
        return soft_cross_entropy(logits, (1 - c) * soft_targets + c * hardened)


class Entropy(_Confidence):
    """logconf without hardening: mix in the student's own soft predictions."""

    def __call__(self, logits, soft_targets, step_frac=0.0):
        p = F.softmax(logits.float(), -1).detach()
        c = self.coef(step_frac)
        return soft_cross_entropy(logits, (1 - c) * soft_targets + c * p)


LOSSES: dict[str, type] = {"xent": Xent, "logconf": LogConf, "product": Product, "kl": KL, "entropy": Entropy}


def get_loss(name: str, **params) -> LossFn:
    """A fresh loss object by name (stateful losses keep their buffer per training run)."""
    if name not in LOSSES:
        raise KeyError(f"unknown loss {name!r}: expected one of {sorted(LOSSES)}")
    return LOSSES[name](**params)
