"""The registry of pipelines a grid spec can name (`pipeline:` in the YAML)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pipeline:
    load_spec: Callable  # (path, raw dict, check_data) -> validated spec
    run: Callable  # (spec, root, in_process) -> results folder
    notebooks: Callable  # () -> the flow's NotebookSpecs
    plan_rows: Callable  # (spec) -> [scale.plan.PlanRow], nothing run or read


def _classification() -> Pipeline:
    from ..classification import grid
    from ..classification.notebooks import NOTEBOOKS
    from ..classification.plan import plan_rows

    return Pipeline(
        grid.load_spec,
        lambda spec, root, in_process: grid.run_grid(spec, root, papermill=not in_process),
        lambda: NOTEBOOKS,
        plan_rows,
    )


def plan(path: str | Path) -> str:
    """The plan of a grid spec as text (scale.plan.PlanError when a run cannot fit)."""
    from ..scale.plan import render
    from ..scale.resources import Resources

    name, spec = read_spec(path, check_data=False)
    rows = PIPELINES[name]().plan_rows(spec)
    return render(spec.name, spec.executor, Resources(**spec.resources), rows)


def _reasoning() -> Pipeline:
    from ..reasoning import grid
    from ..reasoning.notebooks import NOTEBOOKS

    return Pipeline(
        grid.load_spec,
        lambda spec, root, in_process: grid.run_reasoning_grid(spec, root, not in_process),
        lambda: NOTEBOOKS,
        grid.plan_rows,
    )


PIPELINES: dict[str, Callable[[], Pipeline]] = {"classification": _classification, "reasoning": _reasoning}


class SpecError(ValueError):
    pass


def read_spec(path: str | Path, check_data: bool = True):
    """(pipeline name, validated spec) from a grid YAML (data files read and checked too,
    unless check_data is False: a plan needs none)."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise SpecError(f"{path}: no such grid spec")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        raise SpecError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: expected a mapping of fields, got {type(raw).__name__}")
    name = raw.get("pipeline", "classification")
    if name not in PIPELINES:
        raise SpecError(f"{path}: pipeline: {name!r}; expected one of {sorted(PIPELINES)}")
    return name, PIPELINES[name]().load_spec(path, raw, check_data=check_data)


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
