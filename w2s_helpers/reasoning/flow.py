"""The reasoning flow as the grid engine sees it: its spec and config types, its rules,
cells, plan and report; and the flow's `load_spec` / `validate` / `run_grid`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..grid import engine
from ..grid.flow import Phase
from ..grid.plan import PlanRow
from .config import ReasoningConfig, ReasoningGridSpec
from .grid import check_spec, phases
from .notebooks import NOTEBOOKS
from .plan import plan_rows


class ReasoningFlow:
    name = "reasoning"
    spec_type = ReasoningGridSpec
    config_type = ReasoningConfig
    axes = frozenset({"dataset", "weak_model", "strong_model", "seed"})

    def validate(self, spec: ReasoningGridSpec, where: str, check_data: bool) -> None:
        check_spec(spec, where, check_data)

    def phases(self, spec: ReasoningGridSpec, root: Path, papermill: bool) -> Iterator[Phase]:
        return phases(spec, root, papermill)

    def plan_rows(self, spec: ReasoningGridSpec) -> list[PlanRow]:
        return plan_rows(spec)

    def report(self, spec: ReasoningGridSpec, root: Path, papermill: bool) -> None:
        """Every finished experiment of the grid in one table (each experiment's own report
        is its notebook 19)."""
        from .grid_report import write_grid_report

        write_grid_report(root)

    def notebooks(self) -> tuple:
        return NOTEBOOKS


FLOW = ReasoningFlow()


def load_spec(path: str | Path, raw: dict | None = None, check_data: bool = True) -> ReasoningGridSpec:
    """A reasoning spec from YAML, paths resolved and every rule checked."""
    return engine.load_spec(FLOW, path, raw, check_data)


def validate(spec: ReasoningGridSpec, where: str = "grid spec", check_data: bool = True) -> ReasoningGridSpec:
    return engine.validate(FLOW, spec, where, check_data)


def run_grid(
    spec: ReasoningGridSpec, root: str | Path | None = None, papermill: bool = True, report: bool = True
) -> Path:
    """Run (or resume) every experiment; returns the grid's results folder (GridFailed,
    after the report over what finished, when some stage failed)."""
    return engine.run_grid(FLOW, spec, root, papermill, report)
