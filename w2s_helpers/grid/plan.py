"""The plan `w2s grid SPEC --plan` prints before anything runs: one line per run (strategy,
memory per device, host RAM per node), then one per job (what it asks the scheduler for and
the run that sized it), and a warning when a gated model would be downloaded with no token."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from ..scale.memory import HEADROOM, Estimate
from ..scale.resources import Resources


class PlanError(ValueError):
    """A run of the plan cannot fit the hardware the spec declares."""


@dataclass
class PlanRow:
    run: str  # what runs: a readable key
    model: str
    params: str  # the settings that matter for cost
    estimate: Estimate
    job: str = ""  # the key of the cell (one scheduler job) that runs it
    gated: str = ""  # the hub id of a gated model this run downloads ("" for none)

    def line(self) -> str:
        e = self.estimate
        mem = "?" if e.per_device_gb is None else f"{e.per_device_gb:.1f}"
        host = "?" if e.host_gb is None else f"{e.host_gb:.0f}"
        return f"{self.run} | {self.model} | {self.params} | {e.strategy} | {mem} GB/device | host {host} GB"


def hub_token() -> str | None:
    """The hub token a download would use: HF_TOKEN, else the one `hf auth login` saved."""
    if os.environ.get("HF_TOKEN"):
        return os.environ["HF_TOKEN"]
    try:
        from huggingface_hub import get_token
    except ImportError:
        return None
    return get_token()


def gated_warning(rows: Sequence[PlanRow]) -> str:
    """A warning line when the plan downloads a gated model and no hub token is configured."""
    gated = sorted({r.gated for r in rows if r.gated})
    if not gated or hub_token():
        return ""
    pages = ", ".join(f"https://huggingface.co/{g}" for g in gated)
    return (
        f"warning: gated model(s) {', '.join(gated)} and no hub token: request access on each "
        f"model's hub page ({pages}), then `hf auth login` or set HF_TOKEN"
    )


def jobs(res: Resources, rows: Sequence[PlanRow]) -> dict[str, tuple[Resources, PlanRow]]:
    """Each job's resources (its largest run's GPUs and that share of the node) and that run."""
    by_job: dict[str, list[PlanRow]] = {}
    for r in rows:
        by_job.setdefault(r.job or r.run, []).append(r)
    out = {}
    for key, rs in by_job.items():
        big = max(rs, key=lambda r: (r.estimate.devices, r.estimate.per_device_gb or 0.0))
        out[key] = (res.share(big.estimate.devices) if res.gpus else res, big)
    return out


def _job_line(key: str, job: Resources, big: PlanRow) -> str:
    e = big.estimate
    why = f"{e.strategy}, {e.per_device_gb or 0:.1f} GB/device, host {e.host_gb or 0:.0f} GB"
    return f"job {key}: {job.describe()}; sized by {big.run} ({why})"


def render(name: str, executor: str, res: Resources, rows: Sequence[PlanRow]) -> str:
    """The plan as text; raises PlanError listing every run that cannot fit."""
    sized = jobs(res, rows)
    for r in rows:  # a run's host RAM is checked against its own job's share of the node
        job = sized[r.job or r.run][0]
        e = r.estimate
        if not e.problem and e.host_gb is not None and e.host_gb > job.memory_gb * HEADROOM:
            e.problem = (
                f"~{e.host_gb:.0f} GB of host RAM exceeds 90% of its job's {job.memory_gb:g} GB; "
                "raise resources.memory_gb"
            )
    bad = [r for r in rows if r.estimate.problem]
    if bad:
        lines = [
            f"grid {name}: {len(bad)} of {len(rows)} runs cannot fit the declared resources ({res.describe()}):"
        ]
        lines += [f"  {r.run}: {r.estimate.problem}" for r in bad]
        raise PlanError("\n".join(lines))
    head = f"grid {name}: {len(rows)} runs in {len(sized)} jobs, executor {executor}, node {res.describe()}"
    warning = gated_warning(rows)
    body = [
        "runs: run | model | settings | strategy | memory per device | host RAM per node",
        *(r.line() for r in rows),
        "jobs: what each asks the scheduler for, and the run that sized it",
        *(_job_line(k, job, big) for k, (job, big) in sized.items()),
    ]
    return "\n".join([head, *([warning] if warning else []), *body])
