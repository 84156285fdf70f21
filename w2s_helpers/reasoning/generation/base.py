"""What every generation backend takes and gives back.

`generate(prompts, params, keys)` returns, for each prompt, `params.n` completions cut at the
first stop string and stripped, with what the call measured. Sample k of prompt i uses a seed
derived from (params.seed, keys[i], k) (see `sampling`): results do not depend on batching.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class SamplingParams:
    max_new_tokens: int = 256  # the reference: 1024 for GSM8K, 2048 for MATH
    temperature: float = 0.0  # 0: greedy (evaluation); 1.0 for stage II sampling
    top_p: float = 1.0
    n: int = 1  # samples per prompt
    seed: int = 0  # sample k of question q uses row_seed(seed, q, k)
    stop: tuple[str, ...] = ("Question", "Answer")  # the reference stops at these words

    @property
    def greedy(self) -> bool:
        return self.temperature == 0


@dataclass(frozen=True)
class Generated:
    texts: list[list[str]]  # per prompt, its n completions
    stats: dict = field(default_factory=dict)  # what the call measured: tokens, seconds, ... per backend


class Generator(Protocol):
    name: str

    def generate(
        self,
        prompts: Sequence[str],
        p: SamplingParams,
        keys: Sequence[str] | None = None,
        desc: str = "generate",
    ) -> Generated: ...


def cut_at_stop(text: str, stop: Sequence[str]) -> str:
    cut = min((i for s in stop if (i := text.find(s)) >= 0), default=len(text))
    return text[:cut].strip()
