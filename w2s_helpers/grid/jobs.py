"""Which cluster job runs each cell of a grid, kept on disk so a restarted driver
reattaches to its jobs instead of submitting them again.

`Ledger` is `<grid>/jobs/ledger.json`: for each cell, every job id ever submitted (`jobs`)
and the ids of its current round (`round`: the submissions since the cell's outcome was last
reported). A rerun driver watches the round's last job again when Slurm still has it queued
or running; a job that ended while no driver watched counts as one attempt of the round (its
result, if it wrote one, is used). Reporting a cell's outcome, done or failed, closes the
round, so rerunning a grid after a reported failure gives the cell 1 + retries attempts again.

`SlurmQueue` asks `squeue` which of this user's jobs are alive. Not sacct: a cluster may run
without accounting, and submitit's own check then never sees a cancelled job end.
"""

from __future__ import annotations

import getpass
import logging
import subprocess
import time
from pathlib import Path
from typing import Any

from ..core.fileio import read_json, write_json

log = logging.getLogger(__name__)

LEDGER = "ledger.json"
# squeue states of a job that may still write its result
ALIVE = frozenset(
    {
        "PENDING",
        "CONFIGURING",
        "RUNNING",
        "COMPLETING",
        "SUSPENDED",
        "REQUEUED",
        "REQUEUE_FED",
        "REQUEUE_HOLD",
        "RESIZING",
        "SIGNALING",
        "STAGE_OUT",
        "STOPPED",
        "RESV_DEL_HOLD",
        "POWER_UP_NODE",
    }
)
GONE = "GONE"  # squeue no longer knows the job (it ended more than MinJobAge ago, or vanished)
POLL_S = 5.0  # squeue at most this often; a finished job's result file is seen sooner
RESULT_WAIT_S = 15.0  # a completed job's result file may appear late on a network filesystem


class JobDied(RuntimeError):
    """A job ended (cancelled, timed out, node failure, gone) without writing a result."""


class Ledger:
    """The job ids of each cell, rewritten atomically after every change."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LEDGER
        self.cells: dict[str, dict[str, list[str]]] = read_json(self.path) if self.path.exists() else {}

    def round(self, key: str) -> list[str]:
        return list(self.cells.get(key, {}).get("round", []))

    def jobs(self, key: str) -> list[str]:
        return list(self.cells.get(key, {}).get("jobs", []))

    def submitted(self, key: str, job_id: str) -> None:
        entry = self.cells.setdefault(key, {"jobs": [], "round": []})
        entry["jobs"].append(job_id)
        entry["round"].append(job_id)
        write_json(self.path, self.cells)

    def close(self, key: str) -> None:
        if self.round(key):
            self.cells[key]["round"] = []
            write_json(self.path, self.cells)


class SlurmQueue:
    """This user's Slurm jobs and their states, from one `squeue` call at most every POLL_S."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}
        self.answered = float("-inf")  # when the last squeue that answered was started
        self._asked = float("-inf")
        self._since: dict[str, float] = {}  # job id -> when it was submitted

    def watch(self, job_id: str) -> None:
        """A job just submitted: only a later squeue can say it has gone."""
        self._since[job_id] = time.monotonic()

    def poll(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._asked < POLL_S:
            return
        self._asked = started = time.monotonic()
        cmd = ["squeue", "--noheader", "--states=all", f"--user={getpass.getuser()}", "--format=%i|%T"]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=60).stdout
        except (OSError, subprocess.SubprocessError) as e:  # a busy controller: ask again later
            log.warning("squeue did not answer, job states unknown for now: %s", e)
            return
        self.states = dict(line.split("|", 1) for line in out.splitlines() if "|" in line)
        self.answered = started

    def state(self, job_id: str) -> str | None:
        """The job's squeue state, GONE when squeue forgot it, None when not known yet."""
        if self.answered <= self._since.get(job_id, float("-inf")):
            return None
        return self.states.get(job_id, GONE)

    def finished(self, job: Any) -> bool:
        """True once the submitit job wrote its result or Slurm says it is no longer alive."""
        if job.paths.result_pickle.exists():
            return True
        state = self.state(job.job_id)
        return state is not None and state not in ALIVE

    def result(self, job: Any) -> Any:
        """The finished job's return value; raises the job's own error, or JobDied."""
        state = self.state(job.job_id)
        deadline = time.monotonic() + (RESULT_WAIT_S if state == "COMPLETED" else 0)
        while not job.paths.result_pickle.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        if not job.paths.result_pickle.exists():
            raise JobDied(f"job {job.job_id} ended {state} without a result; its log: {job.paths.stderr}")
        return job.result()
