"""The reasoning flow as the grid engine sees it (its types, rules, cells, plan and
report), and the engine's verbs bound to it: `load_spec`, `validate`, `run_grid`."""

from __future__ import annotations

from pathlib import Path

from ..grid import engine
from ..grid.flow import Flow
from .config import ReasoningConfig, ReasoningGridSpec
from .grid import check_spec, phases
from .notebooks import NOTEBOOKS
from .plan import plan_rows


def report(spec: ReasoningGridSpec, root: Path, papermill: bool) -> None:
    """Every finished experiment of the grid in one table (each experiment's own report is
    its notebook 19)."""
    from .grid_report import write_grid_report

    write_grid_report(root)


AXES = frozenset({"dataset", "weak_model", "strong_model", "seed"})  # set by the grid itself, never swept
FLOW = Flow(
    "reasoning", ReasoningGridSpec, ReasoningConfig, AXES, check_spec, phases, plan_rows, report, NOTEBOOKS
)
load_spec, validate, run_grid = engine.bound(FLOW)
