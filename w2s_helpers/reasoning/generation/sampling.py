"""Seeded sampling whose draws depend on the question and the sample, never on the batch.

transformers samples a whole batch from one global generator, so a question's samples change
with whatever else is in its batch (and with the batch size). Here each row (question, sample
k) has a generator of its own, seeded from (seed, question id, k), and draws a sample with the
Gumbel-max trick: argmax(logits / T + Gumbel noise) is an exact draw from softmax(logits / T),
so generation can stay greedy over the processed scores.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import torch


def row_seed(seed: int, key: str, k: int) -> int:
    """A 63-bit seed for sample k of question `key` (stable across machines and runs)."""
    digest = hashlib.sha256(f"{seed}|{key}|{k}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


class GumbelSampler:
    """A logits processor: temperature, top-p, then per-row Gumbel noise (use with greedy decoding)."""

    def __init__(self, seeds: Sequence[int], temperature: float = 1.0, top_p: float = 1.0):
        if temperature <= 0:
            raise ValueError("sampling needs temperature > 0 (use greedy decoding for 0)")
        self.generators = [torch.Generator().manual_seed(s) for s in seeds]
        self.temperature, self.top_p = temperature, top_p

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        logp = torch.log_softmax(scores.float() / self.temperature, dim=-1)
        if self.top_p < 1.0:
            probs, order = logp.exp().sort(dim=-1, descending=True)
            drop = probs.cumsum(-1) - probs > self.top_p  # keep the smallest set reaching top_p
            logp = logp.scatter(-1, order, torch.where(drop, float("-inf"), logp.gather(-1, order)))
        u = torch.stack([torch.rand(logp.shape[-1], generator=g) for g in self.generators])
        gumbel = -torch.log((-torch.log(u.clamp_min(1e-20))).clamp_min(1e-20))
        return logp + gumbel.to(logp.device)
