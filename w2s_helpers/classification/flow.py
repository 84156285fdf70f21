"""The classification flow as the grid engine sees it: its spec and config types, its rules,
cells, plan and report; and the flow's `load_spec` / `validate` / `run_grid`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..core.notebooks import run_notebook
from ..grid import engine
from ..grid.flow import Phase
from ..grid.plan import PlanRow
from .config import ClassificationConfig, ClassificationGridSpec
from .grid import check_spec, phases
from .notebooks import NOTEBOOKS
from .plan import plan_rows


class ClassificationFlow:
    name = "classification"
    spec_type = ClassificationGridSpec
    config_type = ClassificationConfig
    axes = frozenset({"dataset", "model", "weak_model", "loss", "seed"})

    def validate(self, spec: ClassificationGridSpec, where: str, check_data: bool) -> None:
        check_spec(spec, where, check_data)

    def phases(self, spec: ClassificationGridSpec, root: Path, papermill: bool) -> Iterator[Phase]:
        return phases(spec, root, papermill)

    def plan_rows(self, spec: ClassificationGridSpec) -> list[PlanRow]:
        return plan_rows(spec)

    def report(self, spec: ClassificationGridSpec, root: Path, papermill: bool) -> None:
        """Notebook 03 over the grid's folder (or the same report functions in process)."""
        if papermill:
            run_notebook("03", root, {"run_root": str(root), "out_dir": str(root)})
        else:
            from .report import write_report

            write_report(root, root)

    def notebooks(self) -> tuple:
        return NOTEBOOKS


FLOW = ClassificationFlow()


def load_spec(path: str | Path, raw: dict | None = None, check_data: bool = True) -> ClassificationGridSpec:
    """A classification spec from YAML, paths resolved and every rule checked."""
    return engine.load_spec(FLOW, path, raw, check_data)


def validate(
    spec: ClassificationGridSpec, where: str = "grid spec", check_data: bool = True
) -> ClassificationGridSpec:
    return engine.validate(FLOW, spec, where, check_data)


def run_grid(
    spec: ClassificationGridSpec, root: str | Path | None = None, papermill: bool = True, plot: bool = True
) -> Path:
    """Run (or resume) the whole grid; returns its results folder (GridFailed, after the
    report, when some cell failed)."""
    return engine.run_grid(FLOW, spec, root, papermill, report=plot)
