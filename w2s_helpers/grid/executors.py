"""Where a grid's cells run: in this process (`local`), or one job per cell through
submitit (`slurm` on a cluster; `submitit-local`: submitit's local executor, real separate
processes, which is how the dispatch is tested on a machine without Slurm).

A phase's cells are submitted together and awaited (a driver loop: the transfer phase is
built only after the ground-truth phase, so it waits for the cells it needs). A failed or
killed job is retried `retries` times, then reported; the resume rules are the cells':
a finished cell is never submitted again, a partial one never counts as done.

Each job asks for the spec's resources with the cell's own `resources` laid over them. Job ids
go to the grid's ledger (`jobs.Ledger`): a Slurm driver that is killed and rerun reattaches to
its cells' queued or running jobs and resubmits only the dead ones. `submitit-local` jobs are
the driver's children and are not reattached: a rerun resubmits every cell without a result,
so stop a local grid's whole process group (Ctrl-C does), not the driver alone.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from ..scale.resources import Resources
from .cells import Cell, Outcome, describe_error, run_local
from .jobs import ALIVE, Ledger, SlurmQueue

log = logging.getLogger(__name__)

EXECUTORS = ("local", "slurm", "submitit-local")


class ExecutorError(ValueError):
    """The spec's executor cannot run here; raised before any work starts."""


def check_executor(kind: str) -> None:
    if kind not in EXECUTORS:
        raise ExecutorError(f"executor {kind!r}: expected one of {EXECUTORS}")
    if kind == "slurm" and shutil.which("sbatch") is None:
        raise ExecutorError(
            "executor: slurm, but this machine has no `sbatch`: run the grid from a Slurm login "
            "node, or set executor: local (or submitit-local) in the spec"
        )


def cell_resources(res: Resources, cell: Cell) -> Resources:
    """The spec's resources with the cell's overrides (Resources field names), validated."""
    if not cell.resources:
        return res
    try:
        return Resources(**{**dataclasses.asdict(res), **cell.resources})
    except (TypeError, ValueError) as e:
        raise ValueError(f"cell {cell.key}: resources {cell.resources}: {e}") from e


def _executor(kind: str, folder: Path, res: Resources, name: str):
    import submitit

    ex = submitit.AutoExecutor(folder=folder, cluster="local" if kind == "submitit-local" else "slurm")
    params: dict = {"timeout_min": res.timeout_min, "cpus_per_task": res.cpus, "name": name}
    if res.gpus:  # never --gpus-per-node=0: a GPU-less cluster may have no gres to name
        params["gpus_per_node"] = res.gpus
    if kind == "slurm":
        params.update(mem_gb=res.memory_gb, nodes=1, tasks_per_node=1)
        if res.partition:
            params["slurm_partition"] = res.partition
        params.update({f"slurm_{k}": v for k, v in res.slurm_extra.items()})
    ex.update_parameters(**params)
    return ex


class _Jobs:
    """Submits cells (one submitit executor per distinct resource set), records their job
    ids in the ledger and tells when a job has finished."""

    def __init__(self, kind: str, folder: Path, res: Resources, cells: Sequence[Cell], name: str) -> None:
        self.kind, self.folder, self.name = kind, folder, name
        self.sized = {c.key: cell_resources(res, c) for c in cells}  # every override checked first
        self.ledger = Ledger(folder)
        self.queue = SlurmQueue() if kind == "slurm" else None
        self._executors: dict[str, Any] = {}

    def submit(self, cell: Cell) -> Any:
        res = self.sized[cell.key]
        sig = json.dumps(dataclasses.asdict(res), sort_keys=True, default=str)
        if sig not in self._executors:
            self._executors[sig] = _executor(self.kind, self.folder, res, self.name)
        job = self._executors[sig].submit(cell.task)
        self.ledger.submitted(cell.key, job.job_id)
        if self.queue is not None:
            self.queue.watch(job.job_id)
        log.info("submitted job %s for cell %s (%s)", job.job_id, cell.key, res.describe())
        return job

    def reattach(self, cell: Cell) -> Any | None:
        """The cell's job left by an earlier driver, to watch again; None when there is none."""
        ids = self.ledger.round(cell.key)
        if not ids:
            return None
        if self.queue is None:
            log.info(
                "cell %s: job %s of an earlier driver is not reattached (a local job)", cell.key, ids[-1]
            )
            self.ledger.close(cell.key)
            return None
        import submitit

        if self.queue.answered == float("-inf"):
            self.queue.poll(force=True)
        state = self.queue.state(ids[-1])
        if state is None or state in ALIVE:  # None: squeue did not answer, so keep watching
            log.warning("reattached to job %s for cell %s (%s)", ids[-1], cell.key, state or "state unknown")
        else:  # its result, or its failure, is read as if this driver had watched it
            log.warning("job %s for cell %s ended while no driver watched (%s)", ids[-1], cell.key, state)
        return submitit.SlurmJob(self.folder, ids[-1])

    def finished(self, job: Any) -> bool:
        return self.queue.finished(job) if self.queue is not None else job.done()

    def result(self, job: Any) -> Any:
        return self.queue.result(job) if self.queue is not None else job.result()


def run_cells(
    cells: Sequence[Cell],
    executor: str,
    folder: Path,
    res: Resources,
    desc: str,
    retries: int = 1,
    on_progress: Callable[[dict], None] | None = None,
) -> list[Outcome]:
    """Run one phase of cells with `executor`; an Outcome per cell, in order. Retries count
    per cell across driver restarts until its outcome is reported (see `jobs.Ledger`)."""
    if executor == "local":
        return run_local(cells, desc)
    if executor not in EXECUTORS:
        raise ValueError(f"executor {executor!r}: expected one of {EXECUTORS}")
    jobs = _Jobs(executor, folder / "jobs", res, cells, desc.split(":")[0].replace(" ", "-"))
    outcomes: dict[str, Outcome] = {}
    running: dict[str, tuple[Cell, Any, float]] = {}
    for cell in cells:
        if cell.is_done is not None and cell.is_done():
            outcomes[cell.key] = Outcome(cell.key, "cached")
            jobs.ledger.close(cell.key)
        else:
            running[cell.key] = (cell, jobs.reattach(cell) or jobs.submit(cell), time.time())
    bar = tqdm(total=len(cells), initial=len(outcomes), desc=desc, unit="cell")
    while running:
        if jobs.queue is not None:
            jobs.queue.poll()
        for key, (cell, job, t0) in list(running.items()):
            if not jobs.finished(job):
                continue
            del running[key]
            try:
                jobs.result(job)
                outcomes[key] = Outcome(key, "done", seconds=round(time.time() - t0, 1))
            except Exception as e:  # a failed or killed job: retried, then reported
                tries = len(jobs.ledger.round(key))
                if tries <= retries:
                    log.warning("job %s (%s) failed, retry %d: %s", key, job.job_id, tries, e)
                    running[key] = (cell, jobs.submit(cell), time.time())
                    continue
                error, notebook = describe_error(e)
                # submitit wraps the job's traceback: report the job's own exception line
                raised = [
                    ln for ln in str(e).splitlines() if re.match(r"^[\w.]+(Error|Exception|Failed)\b", ln)
                ]
                error = raised[-1] if raised else error
                outcomes[key] = Outcome(key, "failed", error, notebook, round(time.time() - t0, 1))
            jobs.ledger.close(key)
            bar.update(1)
            if on_progress:
                on_progress({"running": len(running), **_counts(outcomes.values())})
        time.sleep(0.5)
    bar.close()
    return [outcomes[c.key] for c in cells]


def _counts(outcomes) -> dict:
    out: dict[str, int] = {}
    for o in outcomes:
        out[o.status] = out.get(o.status, 0) + 1
    return out
