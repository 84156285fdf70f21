"""What a flow tells the grid engine: its spec and config types and its own rules. The
engine does the rest (reading, paths, common checks, executors, retries, tracking, the
report call), the same way for every flow.

A flow's cells come in phases: a phase is built only after the one before it has run, so
a flow can decide its later cells from finished results (the classification ladder is
ordered by the ground-truth runs' validation accuracy before its pairs are built).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .cells import Cell, Outcome
from .plan import PlanRow


@dataclass
class Phase:
    label: str  # shown on the progress bar, e.g. "ground truth"
    cells: list[Cell]
    decided: list[Outcome] = field(default_factory=list)  # settled without running (blocked)


class Flow(Protocol):
    name: str  # what a spec's `pipeline:` says
    spec_type: type  # a GridSpecBase subclass
    config_type: type  # the config every run is built from
    axes: frozenset[str]  # config fields the grid's own axes set: never in base or sweep

    def validate(self, spec: Any, where: str, check_data: bool) -> None:
        """The flow's own rules (names, pairs, methods, data files); raise SpecError."""

    def phases(self, spec: Any, root: Path, papermill: bool) -> Iterator[Phase]:
        """The grid's cells, phase by phase."""

    def plan_rows(self, spec: Any) -> list[PlanRow]:
        """One row per run (strategy, memory per device); nothing runs or is read."""

    def report(self, spec: Any, root: Path, papermill: bool) -> None:
        """Tables and figures over everything the grid finished."""

    def notebooks(self) -> Sequence[Any]:
        """The flow's NotebookSpecs (their parameters cells are rendered from configs)."""
