"""Where a grid's cells run: in this process (`local`), or one job per cell through
submitit (`slurm` on a cluster; `submitit-local`: submitit's local executor, real separate
processes, which is how the dispatch is tested on a CPU).

A phase's cells are submitted together and awaited (a driver loop: the transfer phase is
built only after the ground-truth phase, so it waits for the cells it needs). A failed or
killed job is retried `retries` times, then reported; the resume rules are the cells':
a finished cell is never submitted again, a partial one never counts as done.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm.auto import tqdm

from ..scale.resources import Resources
from .cells import Cell, Outcome, describe_error, run_local

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


def _executor(kind: str, folder: Path, res: Resources, name: str):
    import submitit

    ex = submitit.AutoExecutor(folder=folder, cluster="local" if kind == "submitit-local" else "slurm")
    params: dict = {"timeout_min": res.timeout_min, "cpus_per_task": res.cpus, "name": name}
    if kind == "slurm":
        params.update(gpus_per_node=res.gpus, mem_gb=res.memory_gb, nodes=1, tasks_per_node=1)
        if res.partition:
            params["slurm_partition"] = res.partition
        params.update({f"slurm_{k}": v for k, v in res.slurm_extra.items()})
    elif res.gpus:
        params["gpus_per_node"] = res.gpus
    ex.update_parameters(**params)
    return ex


def run_cells(
    cells: Sequence[Cell],
    executor: str,
    folder: Path,
    res: Resources,
    desc: str,
    retries: int = 1,
    on_progress: Callable[[dict], None] | None = None,
) -> list[Outcome]:
    """Run one phase of cells with `executor`; an Outcome per cell, in order."""
    if executor == "local":
        return run_local(cells, desc)
    if executor not in EXECUTORS:
        raise ValueError(f"executor {executor!r}: expected one of {EXECUTORS}")
    outcomes: dict[str, Outcome] = {}
    todo = []
    for cell in cells:
        if cell.is_done is not None and cell.is_done():
            outcomes[cell.key] = Outcome(cell.key, "cached")
        else:
            todo.append(cell)
    ex = _executor(executor, folder / "jobs", res, desc.split(":")[0].replace(" ", "-"))
    attempts = {c.key: 0 for c in todo}
    running = {c.key: (c, ex.submit(c.task), time.time()) for c in todo}
    bar = tqdm(total=len(cells), initial=len(outcomes), desc=desc, unit="cell")
    while running:
        for key, (cell, job, t0) in list(running.items()):
            if not job.done():
                continue
            del running[key]
            try:
                job.result()
                outcomes[key] = Outcome(key, "done", seconds=round(time.time() - t0, 1))
            except Exception as e:  # a failed or killed job: retried, then reported
                if attempts[key] < retries:
                    attempts[key] += 1
                    log.warning("job %s (%s) failed, retry %d: %s", key, job.job_id, attempts[key], e)
                    running[key] = (cell, ex.submit(cell.task), time.time())
                    continue
                error, notebook = describe_error(e)
                # submitit wraps the job's traceback: report the job's own exception line
                raised = [
                    ln for ln in str(e).splitlines() if re.match(r"^[\w.]+(Error|Exception|Failed)\b", ln)
                ]
                error = raised[-1] if raised else error
                outcomes[key] = Outcome(key, "failed", error, notebook, round(time.time() - t0, 1))
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
