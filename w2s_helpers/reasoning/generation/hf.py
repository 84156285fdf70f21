"""The transformers generation engine: batched, greedy or seeded sampling, with the keys and
values of a shared prompt prefix computed once.

Few-shot prompts repeat the same demonstrations before every question (about 300 tokens
against ~40 of question and ~20 of answer), so per call the longest common token prefix of
the prompts is run once and its cache copied to every batch; each batch then runs only its
questions (left-padded between the prefix and the question, positions counted from the
attention mask), and for k samples a question is prefilled once and its cache repeated k
times. Greedy decoding and seeded per-row sampling (see `sampling`) happen in `generate`.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Sequence

import torch
from tqdm.auto import tqdm

from ... import zoo
from ...core.compute import torch_dtype
from ..policy import Policy, load_policy
from .base import Generated, SamplingParams, cut_at_stop
from .sampling import GumbelSampler, row_seed

MIN_PREFIX_TOKENS = 16  # below this a shared prefix saves less than its bookkeeping costs


def common_prefix(seqs: Sequence[Sequence[int]]) -> int:
    """Length of the longest common prefix, leaving at least one token of each sequence."""
    if len(seqs) < 2:
        return 0
    shortest = min(len(s) for s in seqs)
    n = 0
    while n < shortest - 1 and all(s[n] == seqs[0][n] for s in seqs):
        n += 1
    return n


class HFGenerator:
    name = "hf"

    def __init__(self, policy: Policy, batch_size: int = 32, dtype="auto", prefix_cache: bool = True, **_):
        device = "cuda" if torch.cuda.is_available() else "cpu"
        self.dtype = torch_dtype(dtype)
        self.tok = zoo.load_tokenizer(policy.model, padding_side="left", source=policy.source)
        self.model = (
            load_policy(policy.model, policy.adapters, policy.source, dtype=self.dtype).to(device).eval()
        )
        self.batch_size, self.prefix_cache = batch_size, prefix_cache

    @property
    def _decoder(self):
        """The model without its LM head: prefills want only the cache. Through the head,
        `logits_to_keep=1` hands it a strided [B, 1, hidden] slice; where the head's weight
        does not require grad (a merged adapter's model) torch.matmul then broadcasts the weight
        to [B, hidden, vocab] for a bmm, which in bf16 on a CPU oneDNN copies out (272 MB a row
        for Qwen2.5-0.5B; at 128 rows the copy fails and torch turns oneDNN off for the process)."""
        return self.model.get_decoder()

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def _config(self, p: SamplingParams):
        from transformers import GenerationConfig

        # a clean config: a checkpoint's own defaults (repetition penalty, top-k, ...) never leak in
        return GenerationConfig(
            max_new_tokens=p.max_new_tokens,
            do_sample=False,
            pad_token_id=self.tok.pad_token_id,
            eos_token_id=self.model.generation_config.eos_token_id or self.tok.eos_token_id,
            stop_strings=list(p.stop) or None,
        )

    @torch.inference_mode()
    def _run_batch(
        self, prefix: list[int], cache, suffixes: list[list[int]], keys: list[str], p: SamplingParams
    ):
        """Complete B prompts (prefix + suffix_i) n times each; returns texts (B x n), the tokens
        generated and the token positions the model ran (each question once, then every decode step)."""
        dev, n, pad = self.device, p.n, self.tok.pad_token_id
        width = max(len(s) for s in suffixes)
        ids = torch.tensor([[pad] * (width - len(s)) + s for s in suffixes], device=dev)
        mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in suffixes], device=dev)
        if prefix:
            ids = torch.cat([torch.tensor([prefix], device=dev).expand(len(suffixes), -1), ids], 1)
            mask = torch.cat([torch.ones(len(suffixes), len(prefix), dtype=mask.dtype, device=dev), mask], 1)
            cache = copy.deepcopy(cache)
            cache.batch_repeat_interleave(len(suffixes))
        if width > 1:  # every token but the last, once per prompt; generate feeds the last
            pos = (mask.cumsum(-1) - 1).clamp_min(0)
            cache = self._decoder(
                input_ids=ids[:, len(prefix) : -1],
                attention_mask=mask[:, :-1],
                position_ids=pos[:, len(prefix) : -1],
                past_key_values=cache,
                use_cache=True,
            ).past_key_values
        if n > 1:
            cache.batch_repeat_interleave(n)
            ids, mask = ids.repeat_interleave(n, 0), mask.repeat_interleave(n, 0)
        extra = {}
        if not p.greedy:
            seeds = [row_seed(p.seed, key, k) for key in keys for k in range(n)]
            extra["logits_processor"] = [GumbelSampler(seeds, p.temperature, p.top_p)]
        out = self.model.generate(
            input_ids=ids,
            attention_mask=mask,
            past_key_values=cache,
            generation_config=self._config(p),
            tokenizer=self.tok,
            **extra,
        )[:, ids.shape[1] :]
        texts = self.tok.batch_decode(out, skip_special_tokens=True)
        new_tokens = int((out != pad).sum()) if pad is not None else out.numel()
        computed = sum(len(x) for x in suffixes) + out.numel()
        return [texts[i * n : (i + 1) * n] for i in range(len(suffixes))], new_tokens, computed

    def generate(
        self,
        prompts: Sequence[str],
        p: SamplingParams,
        keys: Sequence[str] | None = None,
        desc: str = "generate",
    ) -> Generated:
        keys = [str(k) for k in (keys if keys is not None else prompts)]
        t0 = time.perf_counter()
        enc = self.tok(list(prompts), add_special_tokens=True)["input_ids"]
        plen = common_prefix(enc) if self.prefix_cache else 0
        plen = plen if plen >= MIN_PREFIX_TOKENS else 0
        prefix = list(enc[0][:plen]) if plen else []
        cache = None
        if prefix:
            with torch.inference_mode():
                cache = self._decoder(
                    input_ids=torch.tensor([prefix], device=self.device), use_cache=True
                ).past_key_values
        computed = len(prefix)  # token positions the model actually runs (for the compute bound)
        order = sorted(range(len(prompts)), key=lambda i: -len(enc[i]))
        per_batch = max(1, self.batch_size // max(p.n, 1))
        out: list[list[str]] = [[] for _ in prompts]
        new_tokens = 0
        bar = tqdm(total=len(prompts) * p.n, desc=desc, leave=False)
        for b in range(0, len(order), per_batch):
            idx = order[b : b + per_batch]
            texts, n_new, n_run = self._run_batch(
                prefix, cache, [list(enc[i][plen:]) for i in idx], [keys[i] for i in idx], p
            )
            new_tokens, computed = new_tokens + n_new, computed + n_run
            for i, t in zip(idx, texts):
                out[i] = [cut_at_stop(x, p.stop) for x in t]
            bar.update(len(idx) * p.n)
        bar.close()
        seconds = time.perf_counter() - t0
        prompt_tokens = sum(len(e) for e in enc)
        stats = dict(
            prompts=len(prompts),
            prompt_tokens=prompt_tokens,
            shared_prefix_tokens=plen,
            new_tokens=new_tokens,
            computed_tokens=computed,
            seconds=round(seconds, 2),
            tokens_per_s=round((prompt_tokens * p.n + new_tokens) / max(seconds, 1e-9), 1),
            dtype=str(self.dtype).replace("torch.", ""),
        )
        return Generated(out, stats)
