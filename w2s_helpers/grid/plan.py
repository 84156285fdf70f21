"""The plan `w2s grid SPEC --plan` prints: one line per run, before anything runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..scale.memory import Estimate
from ..scale.resources import Resources


class PlanError(ValueError):
    """A run of the plan cannot fit the hardware the spec declares."""


@dataclass
class PlanRow:
    run: str  # what runs: a readable key
    model: str
    params: str  # the settings that matter for cost
    estimate: Estimate

    def line(self, res: Resources) -> str:
        mem = "? GB" if self.estimate.per_device_gb is None else f"{self.estimate.per_device_gb:.1f} GB"
        return (
            f"{self.run} | {self.model} | {self.params} | {self.estimate.strategy} | "
            f"{mem}/device | job: {res.describe()}"
        )


def render(name: str, executor: str, res: Resources, rows: Sequence[PlanRow]) -> str:
    """The plan as text; raises PlanError listing every run that cannot fit."""
    bad = [r for r in rows if r.estimate.problem]
    if bad:
        lines = [
            f"grid {name}: {len(bad)} of {len(rows)} runs cannot fit the declared resources ({res.describe()}):"
        ]
        lines += [f"  {r.run}: {r.estimate.problem}" for r in bad]
        raise PlanError("\n".join(lines))
    head = f"grid {name}: {len(rows)} runs, executor {executor}, each job {res.describe()}"
    return "\n".join([head, *(r.line(res) for r in rows)])
