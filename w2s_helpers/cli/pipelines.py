"""The flows a grid spec can name (`pipeline:` in the YAML), and reading a spec for one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..grid.flow import Flow


def _classification() -> Flow:
    from ..classification.flow import FLOW

    return FLOW


def _reasoning() -> Flow:
    from ..reasoning.flow import FLOW

    return FLOW


FLOWS: dict[str, Callable[[], Flow]] = {"classification": _classification, "reasoning": _reasoning}


def read_spec(path: str | Path, check_data: bool = True) -> tuple[Flow, Any]:
    """(flow, validated spec) from a grid YAML (data files read and checked too, unless
    check_data is False: a plan needs none)."""
    from ..grid.engine import load_spec
    from ..grid.spec import SpecError, read_yaml

    raw = read_yaml(path)
    name = raw.get("pipeline", "classification")
    if name not in FLOWS:
        raise SpecError(f"{path}: pipeline: {name!r}; expected one of {sorted(FLOWS)}")
    flow = FLOWS[name]()
    return flow, load_spec(flow, path, raw, check_data=check_data)


def plan(path: str | Path) -> str:
    """The plan of a grid spec as text (grid.plan.PlanError when a run cannot fit)."""
    from ..grid.engine import plan as render_plan

    flow, spec = read_spec(path, check_data=False)
    return render_plan(flow, spec)


def _zoo_notebook():
    from ..core.notebooks import NotebookSpec
    from ..zoo import TEXT, names

    return NotebookSpec(
        "00",
        extras=(
            (
                "models",
                names(*TEXT, offline=True),
                "each is assembled once (downloads, sha256, GGUF conversion), then loaded",
            ),
            (
                "classification_tasks",
                ["movie_sentiment", "movie_polarity", "sarcasm", "boolq"],
                "offline tasks to describe",
            ),
            ("math_tasks", ["gsm8k", "math"], "offline math datasets to describe"),
        ),
    )


ZOO = _zoo_notebook()
