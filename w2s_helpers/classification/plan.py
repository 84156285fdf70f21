"""The plan of a classification grid: one row per run, with the strategy it takes on the
declared hardware, its peak memory per device and host RAM, and the job (cell) that runs
it (nothing is run or read)."""

from __future__ import annotations

from pathlib import Path

from .. import zoo
from ..grid.plan import PlanRow
from ..grid.spec import variants
from ..scale.resources import Resources
from . import sizing
from .config import ClassificationConfig, ClassificationGridSpec, dataset_stem
from .grid import base_config, declared_pairs, gt_jobs, methods, transfer_jobs
from .methods import method_label, transfer_overrides


def _row(cfg: ClassificationConfig, res: Resources, run: str, job: str) -> PlanRow:
    est = sizing.estimate(cfg, res)
    if zoo.modality(cfg.model) == "image":
        return PlanRow(run, cfg.model, "probe on image features", est, job)
    spec = zoo.get_spec(cfg.model)
    gated = spec.hub_id if spec.gated and zoo.resolve_source(spec, cfg.source) == "hub" else ""
    return PlanRow(
        run,
        f"{Path(cfg.model).name} ({spec.params_m:g}M)",
        f"{cfg.mode} n_train={cfg.n_train} bs={cfg.batch_size} len={cfg.max_length} {cfg.dtype}",
        est,
        job,
        gated or "",
    )


def plan_rows(spec: ClassificationGridSpec) -> list[PlanRow]:
    """One row per run (ground truth, then transfer over the declared ladder's pairs), each
    naming the cell whose job runs it: the grid's own split by job size (`sizing`)."""
    res = Resources(**spec.resources)
    rows = []
    for tag, v in variants(spec):
        for d in v.datasets:
            stem = dataset_stem(d)
            for job, models in gt_jobs(v, d):
                for model in models:
                    for seed in v.seeds:
                        cfg = base_config(v, d, model, seed)
                        run = f"{stem}{tag} gt {Path(model).name} s{seed}"
                        rows.append(_row(cfg, res, run, f"{stem}__gt{job.suffix}{tag}"))
            for job, todo in transfer_jobs(v, d, [list(p) for p in declared_pairs(v)]):
                for over in transfer_overrides(todo, v.seeds, methods(v), v.models):
                    cfg = base_config(v, d, **over)
                    who = (
                        f"{Path(cfg.weak_model).name} -> {Path(cfg.model).name} {method_label(cfg.to_dict())}"
                    )
                    run = f"{stem}{tag} transfer {who} s{cfg.seed}"
                    rows.append(_row(cfg, res, run, f"{stem}__transfer{job.suffix}{tag}"))
    return rows
