"""The plan of a reasoning grid: one row per training or generation stage of every
experiment, with the strategy it takes on the declared hardware, its peak memory per device
and host RAM (nothing is run or read); an experiment is one job."""

from __future__ import annotations

from pathlib import Path

from .. import zoo
from ..grid.plan import PlanRow
from ..scale.resources import Resources
from .config import ReasoningGridSpec
from .grid import configs
from .sizing import stages


def plan_rows(spec: ReasoningGridSpec) -> list[PlanRow]:
    """One row per training or generation stage of every experiment, each naming its
    experiment's job."""
    res = Resources(**spec.resources)
    rows = []
    for cfg in configs(spec):
        key = (
            f"{Path(cfg.dataset).stem} {Path(cfg.weak_model).name}->{Path(cfg.strong_model).name} s{cfg.seed}"
        )
        # the experiment's cell is its folder (the name and a hash of the config, whose split
        # files a plan does not read): the name says which
        job = f"{Path(cfg.dataset).stem}__{Path(cfg.weak_model).name}__to__{Path(cfg.strong_model).name}__s{cfg.seed}"
        for s in stages(cfg, res):
            m = s.model
            gated = m.hub_id if m.gated and zoo.resolve_source(m, cfg.source) == "hub" else ""
            model = f"{Path(m.name).name} ({m.params_m:g}M)"
            rows.append(PlanRow(f"{key} {s.what}", model, s.params, s.estimate, job, gated or ""))
    return rows
