"""What each classification run needs of the declared node, and the jobs that follow: runs
that fit one GPU unsharded run as one process in a one-GPU job; the rest take the spec's
distributed setting over its GPUs. The grid's cells and the plan's rows both come from here,
so the plan says what the grid will ask for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .. import zoo
from ..scale import memory
from ..scale.resources import Resources
from .config import ClassificationConfig


def estimate(cfg: ClassificationConfig, res: Resources) -> memory.Estimate:
    """The strategy and memory of one run on the declared hardware."""
    if zoo.modality(cfg.model) == "image":  # a small CNN's features: no memory question
        strategy = "one GPU (features)" if res.gpus else "CPU"
        return memory.Estimate(strategy, 0.1, 1, host_gb=memory.PROCESS_GB)
    spec = zoo.get_spec(cfg.model)
    if cfg.mode == "probe":
        return memory.features(spec, res, cfg.dtype, cfg.device_map)
    return memory.train_run(spec, res, cfg.mode, cfg)


@dataclass
class Job:
    """One job size: the cell key's suffix, its configs' compute overrides and its Resources'."""

    suffix: str  # "" on a CPU (one cell per dataset, as the keys have always been), else "__<n>gpu"
    compute: dict  # distributed / num_processes for every config of the cell
    resources: dict  # overrides of the spec's Resources (Cell.resources)
    gpus: int


def job_of(est: memory.Estimate, res: Resources) -> Job:
    if not res.gpus:
        return Job("", {}, {}, 0)
    compute = {"distributed": est.distributed, "num_processes": est.processes}
    return Job(f"__{est.devices}gpu", compute, res.overrides(res.share(est.devices)), est.devices)


def largest(ests: Sequence[memory.Estimate]) -> memory.Estimate:
    """The run that sizes a job: the most GPUs, then the most memory per device."""
    return max(ests, key=lambda e: (e.devices, e.per_device_gb or 0.0))


def split(
    items: Sequence[Any], configs_of: Callable[[Any], list[ClassificationConfig]], res: Resources
) -> list[tuple[Job, list[Any]]]:
    """`items` (models, or pairs) grouped by the job their largest run needs, smallest first;
    on a CPU, one group."""
    if not res.gpus:
        return [(job_of(memory.Estimate("CPU", 0.0, 1), res), list(items))] if items else []
    groups: dict[str, tuple[Job, list[Any]]] = {}
    for item in items:
        job = job_of(largest([estimate(c, res) for c in configs_of(item)]), res)
        groups.setdefault(job.suffix, (job, []))[1].append(item)
    return sorted(groups.values(), key=lambda g: g[0].gpus)
