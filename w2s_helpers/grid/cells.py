"""Running a grid's cells: every cell that can run, runs; a failure is recorded, not fatal.

A cell is one unit of a grid (a notebook execution, or the same stage called in process).
Cells whose result is already on disk are skipped; a cell that needs a failed cell is
blocked; every other cell runs even after a failure. The outcomes say which cells failed,
with the error and the executed notebook to open, so a 96-cell sweep with one bad cell
still finishes the other 95 and writes its report.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tqdm.auto import tqdm

from ..core.notebooks import NotebookFailed

log = logging.getLogger(__name__)

Status = Literal["done", "cached", "failed", "blocked"]


@dataclass
class Cell:
    key: str  # unique and readable, e.g. "sarcasm__gt__minilm-l6"
    task: Callable[[], Any]  # does the work (picklable: a cluster executor ships it)
    needs: tuple[str, ...] = ()  # keys of cells that must succeed first
    is_done: Callable[[], bool] | None = None  # True when the result is already on disk
    resources: dict = field(default_factory=dict)  # what a scheduler should give its job


@dataclass
class Outcome:
    key: str
    status: Status
    error: str = ""
    notebook: str = ""  # the executed copy to open, for a failed notebook
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("done", "cached")


def describe_error(e: BaseException) -> tuple[str, str]:
    """(one-line error, executed notebook path or '') for a failed cell."""
    if isinstance(e, NotebookFailed):
        return e.error, str(e.executed)
    return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", ""


def run_local(
    cells: Sequence[Cell], desc: str = "grid", prior: dict[str, Outcome] | None = None
) -> list[Outcome]:
    """Run cells in order in this process. `prior` holds outcomes of cells run earlier (a
    later phase's cells may need them)."""
    seen: dict[str, Outcome] = dict(prior or {})
    out = []
    bar = tqdm(total=len(cells), desc=desc, unit="cell")
    for cell in cells:
        bad = [k for k in cell.needs if k in seen and not seen[k].ok]
        if bad:
            outcome = Outcome(cell.key, "blocked", f"needs {bad[0]}, which {seen[bad[0]].status}")
        elif cell.is_done is not None and cell.is_done():
            outcome = Outcome(cell.key, "cached")
        else:
            bar.set_postfix_str(cell.key[-60:])
            t0 = time.time()
            try:
                cell.task()
                outcome = Outcome(cell.key, "done", seconds=round(time.time() - t0, 1))
            except Exception as e:  # a failing cell must not stop the others
                error, notebook = describe_error(e)
                log.error("cell %s failed: %s\n%s", cell.key, error, traceback.format_exc(limit=3))
                outcome = Outcome(cell.key, "failed", error, notebook, round(time.time() - t0, 1))
        seen[cell.key] = outcome
        out.append(outcome)
        bar.update(1)
    bar.close()
    return out


class GridFailed(RuntimeError):
    """Some cells failed or were blocked; the message lists them (the report was written)."""

    def __init__(self, name: str, outcomes: Sequence[Outcome], report: Path | None = None):
        bad = [o for o in outcomes if not o.ok]
        lines = [f"grid {name}: {len(bad)} of {len(outcomes)} cells did not finish"]
        for o in bad:
            where = f" (notebook: {o.notebook})" if o.notebook else ""
            lines.append(f"  {o.status}: {o.key}: {o.error}{where}")
        if report is not None:
            lines.append(f"the report over the finished cells is in {report}")
        super().__init__("\n".join(lines))
        self.outcomes = list(outcomes)


def summary(outcomes: Sequence[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    return counts
