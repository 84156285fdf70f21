"""The one grid engine: read and check a spec, print its plan, run its cells phase by
phase with the spec's executor, retries and tracking, and report over what finished.

A grid resumes where it stopped: cells whose results are on disk are skipped. A failing
cell does not stop the others; the cells that need it are reported blocked, the report
covers what finished, and `GridFailed` lists every failure at the end.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.fileio import write_json
from ..core.paths import results_dir
from ..scale.resources import Resources
from .cells import GridFailed, Outcome
from .executors import check_executor, run_cells
from .flow import Flow
from .plan import render
from .spec import SpecError, build_spec, check_common, read_yaml, resolve_paths
from .tracking import grid_tracker


def validate(flow: Flow, spec: Any, where: str = "grid spec", check_data: bool = True) -> Any:
    """Every rule, the common ones and the flow's, before anything trains."""
    check_common(spec, flow.config_type, set(flow.axes), where)
    flow.check(spec, where, check_data)
    return spec


def load_spec(flow: Flow, path: str | Path, raw: dict | None = None, check_data: bool = True) -> Any:
    """A flow's spec from YAML (or the mapping already read from it), paths resolved
    against the spec's folder, validated (data files read and checked unless check_data
    is False: a plan needs none)."""
    path = Path(path)
    raw = read_yaml(path) if raw is None else raw
    if raw.get("pipeline", flow.name) != flow.name:
        raise SpecError(f"{path}: pipeline: {raw['pipeline']!r} is not a {flow.name} spec")
    spec = resolve_paths(build_spec(flow.spec_type, raw, path), flow.config_type, path.parent)
    return validate(flow, spec, str(path), check_data)


def plan(flow: Flow, spec: Any) -> str:
    """The plan as text (grid.plan.PlanError naming every run that cannot fit)."""
    return render(spec.name, spec.executor, Resources(**spec.resources), flow.plan_rows(spec))


def run_grid(
    flow: Flow, spec: Any, root: str | Path | None = None, papermill: bool = True, report: bool = True
) -> Path:
    """Run (or resume) the grid; returns its results folder. Raises GridFailed, after
    writing the report over what finished, when some cell failed."""
    check_executor(spec.executor)
    # absolute: the notebooks run in notebooks/, where a relative root would be another folder
    root = Path(root).expanduser().resolve() if root else results_dir() / spec.name
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / "grid.json", dataclasses.asdict(spec))
    if spec.tracking != "none":  # every trainer logs to the same place as the grid
        spec = dataclasses.replace(spec, base={"report_to": spec.tracking, **spec.base})
    res = Resources(**spec.resources)
    track = grid_tracker(spec.tracking, spec.name, root)
    outcomes: list[Outcome] = []
    for phase in flow.phases(spec, root, papermill):
        outcomes += phase.decided
        desc = f"grid {spec.name}: {phase.label}"
        outcomes += run_cells(phase.cells, spec.executor, root, res, desc, spec.retries, track)
    if report:
        flow.report(spec, root, papermill)
    if any(not o.ok for o in outcomes):
        raise GridFailed(spec.name, outcomes, root if report else None)
    return root


def bound(flow: Flow) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """`load_spec`, `validate` and `run_grid` with `flow` given: what a flow's module exports."""
    return (
        functools.partial(load_spec, flow),
        functools.partial(validate, flow),
        functools.partial(run_grid, flow),
    )
