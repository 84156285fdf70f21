"""Weak-to-strong losses, chosen by name.

Each loss is a callable `(logits, soft_targets, step_frac) -> scalar`:
logits [batch, 2] from the student, soft_targets [batch, 2] (the weak model's
probabilities, or one-hot ground truth), step_frac in [0, 1] = progress through training.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import numpy as np
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

    def __init__(self, aux_coef: float = 0.5, warmup_frac: float = 0.1, balance_batch: bool = False):
        if not 0 <= aux_coef <= 1:
            raise ValueError(f"aux_coef must be in [0, 1], got {aux_coef}")
        if warmup_frac < 0:
            raise ValueError(f"warmup_frac must be >= 0, got {warmup_frac}")
        self.aux_coef, self.warmup_frac, self.balance_batch = aux_coef, warmup_frac, balance_batch

    def coef(self, step_frac: float) -> float:
        # (fix) the reference uses step_frac itself during warmup, so the coefficient
        # jumps from 0.05 to 0.5 at 10%; we ramp linearly to aux_coef.
        if self.warmup_frac == 0:
            return self.aux_coef
        return self.aux_coef * min(1.0, step_frac / self.warmup_frac)

    def targets(self, soft_targets: torch.Tensor) -> torch.Tensor:
        """The weak labels, with `balance_batch` shifted in log-odds so that their mean
        log-odds over the batch is 0 (EleutherAI's option: a batch-level prior of 0.5)."""
        if not self.balance_batch or soft_targets.shape[0] < 2:
            return soft_targets
        if soft_targets.shape[1] != 2:
            raise ValueError("balance_batch centres binary log-odds; it has no K-class form")
        y = soft_targets[:, 1].clamp(1e-7, 1 - 1e-7)
        z = torch.log(y) - torch.log1p(-y)
        y = torch.sigmoid(z - z.mean())
        return torch.stack([1 - y, y], dim=-1)


def quota_hardening(p: torch.Tensor, rates: torch.Tensor) -> torch.Tensor:
    """One-hot targets [n, K] that give class k about `rates[k] * n` of the rows (largest
    remainders), greedily by the student's probability: every (row, class) pair in order of
    p, descending, takes the class while the row is free and the class has room. For K = 2
    this picks the round(rate1 * n) rows of highest p1, the binary quantile rule's rows."""
    n, k = p.shape
    want = rates.clamp_min(0) / rates.clamp_min(0).sum().clamp_min(1e-12) * n
    quota = want.floor().long()
    for c in torch.argsort(want - quota, descending=True, stable=True)[: n - int(quota.sum())]:
        quota[c] += 1
    label = torch.full((n,), -1, dtype=torch.long)
    for flat in torch.argsort(p.flatten(), descending=True, stable=True).tolist():
        i, c = divmod(flat, k)
        if label[i] < 0 and quota[c] > 0:
            label[i], quota[c] = c, quota[c] - 1
    return F.one_hot(label, k).float()


def hard_rates(soft_targets) -> list[float]:
    """Each class's share of the labels' argmax (the weak labels' hard-label rates)."""
    y = torch.as_tensor(np.array(soft_targets))
    return (torch.bincount(y.argmax(-1), minlength=y.shape[1]).float() / y.shape[0]).tolist()


class LogConf(_Confidence):
    """Auxiliary confidence loss: mix the weak labels with the student's own hardened
    predictions, thresholded so the hardened class-1 rate is a target rate.

    The target rate is, as in the reference, the batch's mean weak soft label of class 1
    (`class_rates=None`), or a fixed class-1 rate given by the caller (`class_rates`, one
    rate per class: the `logconf_prior` and `logconf_hard` losses). Binary: class 1 where
    P(class 0) is below its batch quantile at that rate (the reference's rule). K classes:
    `quota_hardening` at the rates (the batch's mean weak soft labels, or the fixed ones).

    The quantile needs a batch of reasonable size; a call with fewer than `buffer_size` rows
    pools recent (student prediction, weak label) pairs from a rolling buffer with the
    current ones (both the predictions and the weak rate come from the pooled rows). Probe
    batches are always `batch_size` rows (32 by default), so there the buffer is never read.

    `stats()` gives the share of rows the hardened targets put in each class, over every
    call so far with a positive coefficient (binary: class 1's): the rate at which the loss
    hardens the student. (At step 0 a zero-initialised head ties every row; the binary rule
    then calls them all class 0, the reference's `>=`, but the coefficient is still 0.)
    """

    def __init__(
        self,
        aux_coef: float = 0.5,
        warmup_frac: float = 0.1,
        buffer_size: int = 32,
        balance_batch: bool = False,
        class_rates: list[float] | None = None,
    ):
        super().__init__(aux_coef, warmup_frac, balance_batch)
        self.buffer: deque[tuple[torch.Tensor, torch.Tensor]] = deque()
        self.buffer_size = buffer_size
        self.class_rates = None if class_rates is None else torch.as_tensor(class_rates, dtype=torch.float32)
        if self.class_rates is not None and not (self.class_rates.min() >= 0 and self.class_rates.sum() > 0):
            raise ValueError(f"class_rates must be non-negative with a positive sum, got {class_rates}")
        self._hardened: torch.Tensor | None = None  # hardened rows per class, summed over calls
        self._rows = 0

    def threshold(self, p0: torch.Tensor, w1: torch.Tensor) -> torch.Tensor:
        """The quantile of pooled P(class 0) at the target class-1 rate: the pooled weak
        class-1 rate, or the fixed one."""
        pool_p, pool_w = p0, w1
        if p0.numel() < self.buffer_size and self.buffer:
            pool_p = torch.cat([p0, *(b[0] for b in self.buffer)])[: max(self.buffer_size, p0.numel())]
            pool_w = torch.cat([w1, *(b[1] for b in self.buffer)])[: max(self.buffer_size, p0.numel())]
        self.buffer.appendleft((p0, w1))
        while sum(b[0].numel() for b in self.buffer) > self.buffer_size:
            self.buffer.pop()
        if self.class_rates is not None:
            rate = (self.class_rates[1] / self.class_rates.sum()).item()
        else:
            rate = pool_w.mean().clamp(0, 1).item()
        return torch.quantile(pool_p, rate)

    def hardened(self, p: torch.Tensor, soft_targets: torch.Tensor) -> torch.Tensor:
        """The one-hot targets the student's predictions `p` harden to."""
        if p.shape[1] == 2:
            t = self.threshold(p[:, 0], soft_targets[:, 1].detach().float())
            hard1 = (p[:, 0] < t).float()
            return torch.stack([1 - hard1, hard1], dim=-1)
        rates = self.class_rates if self.class_rates is not None else soft_targets.detach().float().mean(0)
        if rates.numel() != p.shape[1]:
            raise ValueError(f"class_rates has {rates.numel()} classes, the logits {p.shape[1]}")
        return quota_hardening(p, rates)

    def stats(self) -> dict:
        """{"hardened_rate": class 1's share of the hardened targets (K classes: the list)}."""
        if self._hardened is None:
            return {"hardened_rate": None}
        shares = (self._hardened / self._rows).tolist()
        return {"hardened_rate": round(shares[1], 5) if len(shares) == 2 else [round(s, 5) for s in shares]}

    def __call__(self, logits, soft_targets, step_frac=0.0):
        soft_targets = self.targets(soft_targets)
        p = F.softmax(logits.float(), -1).detach()
        hardened = self.hardened(p, soft_targets)
        c = self.coef(step_frac)
        if c > 0:  # counted where the hardened targets train the student (not at step 0's ties)
            self._hardened = hardened.sum(0) if self._hardened is None else self._hardened + hardened.sum(0)
            self._rows += hardened.shape[0]
        return soft_cross_entropy(logits, (1 - c) * soft_targets + c * hardened)


class FixedRateLogConf(LogConf):
    """logconf hardening at fixed class rates instead of the batch's mean weak soft label:
    `logconf_prior` (half 1's gold class rates, which the weak supervisor trained on) and
    `logconf_hard` (the weak labels' hard-label rates over the training set); the caller
    resolves the rates before training (`fit.make_loss`)."""

    def __init__(self, class_rates: list[float] | None = None, **params):
        if class_rates is None:
            raise ValueError("this logconf variant hardens at fixed class rates: pass class_rates")
        super().__init__(class_rates=class_rates, **params)


class Entropy(_Confidence):
    """logconf without hardening: mix in the student's own soft predictions."""

    def __call__(self, logits, soft_targets, step_frac=0.0):
        soft_targets = self.targets(soft_targets)
        p = F.softmax(logits.float(), -1).detach()
        c = self.coef(step_frac)
        return soft_cross_entropy(logits, (1 - c) * soft_targets + c * p)


class Window:
    """Cross-entropy only where the student is unsure: on examples whose top probability is
    below 0.5 + radius (EleutherAI's `window`), summed and divided by the whole batch, so an
    empty window is a zero loss. radius "midweak": the median |w - 0.5| of the training
    labels, resolved by the caller before training (`midweak_radius`)."""

    def __init__(self, radius: float = 0.15):
        if not 0 < radius:
            raise ValueError(f"window radius must be > 0 (or 'midweak'), got {radius}")
        self.radius = radius

    def __call__(self, logits, soft_targets, step_frac=0.0):
        logp = F.log_softmax(logits.float(), dim=-1)
        unsure = (logp.exp().max(-1).values < 0.5 + self.radius).float()
        return -((soft_targets * logp).sum(-1) * unsure).sum() / logits.shape[0]


def midweak_radius(soft_targets: torch.Tensor) -> float:
    """The lower median of |w1 - 0.5| over the training labels (the peer's 'midweak')."""
    return float((soft_targets[:, 1] - 0.5).abs().median())


LOSSES: dict[str, type] = {
    "xent": Xent,
    "logconf": LogConf,
    "logconf_prior": FixedRateLogConf,
    "logconf_hard": FixedRateLogConf,
    "product": Product,
    "kl": KL,
    "entropy": Entropy,
    "window": Window,
}


def get_loss(name: str, **params) -> LossFn:
    """A fresh loss object by name (stateful losses keep their buffer per training run)."""
    if name not in LOSSES:
        raise KeyError(f"unknown loss {name!r}: expected one of {sorted(LOSSES)}")
    return LOSSES[name](**params)
