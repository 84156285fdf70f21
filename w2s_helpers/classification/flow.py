"""The classification flow as the grid engine sees it (its types, rules, cells, plan and
report), and the engine's verbs bound to it: `load_spec`, `validate`, `run_grid`."""

from __future__ import annotations

from pathlib import Path

from ..core.notebooks import run_notebook
from ..grid import engine
from ..grid.flow import Flow
from .config import ClassificationConfig, ClassificationGridSpec
from .grid import check_spec, phases
from .notebooks import NOTEBOOKS
from .plan import plan_rows


def report(spec: ClassificationGridSpec, root: Path, papermill: bool) -> None:
    """Notebook 03 over the grid's folder (or the same report functions in process)."""
    if papermill:
        run_notebook("03", root, {"run_root": str(root), "out_dir": str(root)})
    else:
        from .report import write_report

        write_report(root, root)


AXES = frozenset({"dataset", "model", "weak_model", "loss", "seed"})  # set by the grid itself, never swept
FLOW = Flow(
    "classification",
    ClassificationGridSpec,
    ClassificationConfig,
    AXES,
    check_spec,
    phases,
    plan_rows,
    report,
    NOTEBOOKS,
)
load_spec, validate, run_grid = engine.bound(FLOW)
