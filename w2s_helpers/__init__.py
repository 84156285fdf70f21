"""W2S Lab helpers: the logic behind the numbered notebooks.

    core/            paths, atomic I/O, hashing and run records, typed configs and identity, compute, stats
    zoo/             one model registry (text and image, a modality each), loaders, offline assembly
    vision/          image data and frozen image features
    scale/           what a run needs of the hardware: resources, memory estimates
    grid/            the one grid engine: specs, cells, executors, plan, tracking
    classification/  weak-to-strong generalization (Burns et al. 2023): notebooks 01-03
    reasoning/       weak-to-strong reasoning (Yang et al. 2024): notebooks 10-14, 19
    cli/             the `w2s` command

The stable public API (imported lazily, so `import w2s_helpers` stays light):

    from w2s_helpers import extract_answer, is_equiv, get_loss, pgr
    from w2s_helpers import ClassificationConfig, GridSpec, ReasoningConfig, ReasoningGridSpec
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.3.0"

_API = {
    "extract_answer": "w2s_helpers.reasoning.answers",
    "is_equiv": "w2s_helpers.reasoning.answers",
    "get_loss": "w2s_helpers.classification.losses",
    "pgr": "w2s_helpers.core.stats",
    "ClassificationConfig": "w2s_helpers.classification.config",
    "GridSpec": "w2s_helpers.classification.config",
    "ReasoningConfig": "w2s_helpers.reasoning.config",
    "ReasoningGridSpec": "w2s_helpers.reasoning.config",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'w2s_helpers' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
