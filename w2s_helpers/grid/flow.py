"""What a flow tells the grid engine: its spec and config types and its own rules. The
engine does the rest (reading, paths, common checks, executors, retries, tracking, the
report call), the same way for every flow.

A flow's cells come in phases: a phase is built only after the one before it has run, so
a flow can decide its later cells from finished results (the classification ladder is
ordered by the ground-truth runs' validation accuracy before its pairs are built).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cells import Cell, Outcome
from .plan import PlanRow


@dataclass
class Phase:
    label: str  # shown on the progress bar, e.g. "ground truth"
    cells: list[Cell]
    decided: list[Outcome] = field(default_factory=list)  # settled without running (blocked)


@dataclass(frozen=True)
class Flow:
    """A flow's types and rules, in this order (flows build it positionally)."""

    name: str  # what a spec's `pipeline:` says
    spec_type: type  # a GridSpecBase subclass
    config_type: type  # the config every run is built from
    axes: frozenset[str]  # config fields the grid's own axes set: never swept
    check: Callable[[Any, str, bool], None]  # (spec, where, check_data): the flow's rules; SpecError
    phases: Callable[[Any, Path, bool], Iterator[Phase]]  # (spec, root, papermill): cells, phase by phase
    plan_rows: Callable[[Any], list[PlanRow]]  # one row per run; nothing runs or is read
    report: Callable[[Any, Path, bool], None]  # (spec, root, papermill): tables over what finished
    notebooks: Sequence[Any] = ()  # NotebookSpecs (their parameters cells are rendered from configs)
