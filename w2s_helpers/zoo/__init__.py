"""The model zoo: registry and loaders, offline assembly and GGUF conversion, tiny random models.

from w2s_helpers import zoo
zoo.load_backbone("minilm-l6")
"""

from .loaders import (
    OFFLINE_MODELS,
    TINY_MODELS,
    count_parameters,
    identity,
    load_backbone,
    load_causal_lm,
    load_kwargs,
    load_tokenizer,
    model_path,
    resolve_dtype,
    resolve_source,
    smoke_test,
)
from .registry import MODELS, ModelSpec, UnknownModelError, get_spec

__all__ = [
    "MODELS",
    "OFFLINE_MODELS",
    "TINY_MODELS",
    "ModelSpec",
    "UnknownModelError",
    "count_parameters",
    "get_spec",
    "identity",
    "load_backbone",
    "load_causal_lm",
    "load_kwargs",
    "load_tokenizer",
    "model_path",
    "resolve_dtype",
    "resolve_source",
    "smoke_test",
]
