"""The reasoning flow as the grid engine sees it (its types, rules, cells, plan and
report), and the engine's verbs bound to it: `load_spec`, `validate`, `run_grid`."""

from __future__ import annotations

import functools
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


FLOW = Flow(
    name="reasoning",
    spec_type=ReasoningGridSpec,
    config_type=ReasoningConfig,
    axes=frozenset({"dataset", "weak_model", "strong_model", "seed"}),
    check=check_spec,
    phases=phases,
    plan_rows=plan_rows,
    report=report,
    notebooks=NOTEBOOKS,
)
load_spec = functools.partial(engine.load_spec, FLOW)
validate = functools.partial(engine.validate, FLOW)
run_grid = functools.partial(engine.run_grid, FLOW)
