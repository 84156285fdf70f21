"""The classification flow as the grid engine sees it (its types, rules, cells, plan and
report), and the engine's verbs bound to it: `load_spec`, `validate`, `run_grid`."""

from __future__ import annotations

import functools
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


FLOW = Flow(
    name="classification",
    spec_type=ClassificationGridSpec,
    config_type=ClassificationConfig,
    axes=frozenset({"dataset", "model", "weak_model", "loss", "seed"}),
    check=check_spec,
    phases=phases,
    plan_rows=plan_rows,
    report=report,
    notebooks=NOTEBOOKS,
)
load_spec = functools.partial(engine.load_spec, FLOW)
validate = functools.partial(engine.validate, FLOW)
run_grid = functools.partial(engine.run_grid, FLOW)
