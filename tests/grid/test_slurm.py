"""Grid dispatch on a real Slurm (scripts/local_slurm.sh starts a single-node one): a tiny
grid runs through sbatch, a cancelled job is retried, a cell's resources reach its job, and a
driver killed mid-job and rerun reattaches instead of submitting the cell again."""

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import yaml

from conftest import REPO
from w2s_helpers.grid.cells import Cell
from w2s_helpers.grid.executors import run_cells
from w2s_helpers.grid.jobs import Ledger
from w2s_helpers.scale.resources import Resources

pytest.importorskip("submitit")


def _why_no_slurm() -> str:
    if not all(shutil.which(tool) for tool in ("sbatch", "squeue", "sinfo", "scancel")):
        return "no sbatch/squeue on this machine (scripts/local_slurm.sh starts a local cluster)"
    try:  # -r: responding nodes only
        out = subprocess.run(["sinfo", "-h", "-r", "-o", "%T"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError) as e:
        return f"sinfo failed: {e}"
    usable = [s for s in out.stdout.split() if s.rstrip("*~#").lower() in ("idle", "mixed", "allocated")]
    return (
        ""
        if out.returncode == 0 and usable
        else f"no responding Slurm node (sinfo: {(out.stdout or out.stderr).strip()[:200]!r})"
    )


WHY = _why_no_slurm()
pytestmark = pytest.mark.skipif(bool(WHY), reason=WHY)

# small enough for any node: Slurm rejects a --mem above the node's RealMemory
SMALL = Resources(gpus=0, cpus=1, memory_gb=1, timeout_min=5)
TIMEOUT_S = 120  # any of these jobs takes seconds; a stuck one fails the test instead of hanging it


def _python(code: str, *args: str) -> functools.partial:
    return functools.partial(subprocess.run, [sys.executable, "-c", code, *args], check=True)


def _squeue(*args: str) -> list[str]:
    cmd = ["squeue", "--noheader", "--states=all", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split()


def test_a_cells_resources_reach_its_job(tmp_path):
    cells = [
        Cell("big", _python("pass"), resources={"memory_gb": 2, "timeout_min": 3}),
        Cell("plain", _python("pass")),
    ]
    out = run_cells(cells, "slurm", tmp_path, SMALL, "t-resources", retries=0)
    assert [o.status for o in out] == ["done", "done"]
    ledger = Ledger(tmp_path / "jobs")
    script = {
        c.key: (tmp_path / "jobs" / f"{ledger.jobs(c.key)[0]}_submission.sh").read_text() for c in cells
    }
    assert "--mem=2GB" in script["big"] and "--time=3\n" in script["big"]
    assert "--mem=1GB" in script["plain"] and "--time=5\n" in script["plain"]
    assert not any("gpus" in s for s in script.values())  # gpus: 0 asks for no GPU at all
    assert str(sys.executable) in script["plain"]  # the job runs this interpreter (the venv's)


def test_a_cancelled_job_is_retried_and_finishes(tmp_path):
    started, done = tmp_path / "started", tmp_path / "done"
    code = (
        "import pathlib, sys, time; s, d = map(pathlib.Path, sys.argv[1:]); first = not s.exists(); "
        "s.touch(); time.sleep(300 if first else 0); d.touch()"
    )
    cell = Cell("slow", _python(code, str(started), str(done)), is_done=done.exists)
    cancelled = []

    def cancel_once_running():
        deadline = time.time() + TIMEOUT_S
        while not started.exists() and time.time() < deadline:
            time.sleep(0.2)
        (job_id,) = Ledger(tmp_path / "jobs").jobs("slow")
        subprocess.run(["scancel", job_id], check=True)
        cancelled.append(job_id)

    canceller = threading.Thread(target=cancel_once_running, daemon=True)
    canceller.start()
    (out,) = run_cells([cell], "slurm", tmp_path, SMALL, "t-cancel", retries=1)
    canceller.join(timeout=5)
    assert out.status == "done" and done.exists()
    jobs = Ledger(tmp_path / "jobs").jobs("slow")
    assert len(jobs) == 2 and jobs[0] == cancelled[0]
    assert _squeue("-j", cancelled[0], "-o", "%T") == ["CANCELLED"]


# a driver of three cells: `quick` finishes at once, `slow` still runs when the driver is
# killed, `doomed` would run for minutes but is cancelled while no driver watches; every cell
# sleeps on its first attempt only
DRIVER = """
import functools, logging, pathlib, subprocess, sys
from w2s_helpers.grid.cells import Cell
from w2s_helpers.grid.executors import run_cells
from w2s_helpers.scale.resources import Resources

logging.basicConfig(level=logging.INFO)
root, name = pathlib.Path(sys.argv[1]), sys.argv[2]

def cell(key, seconds):
    done, started = root / f"{key}.done", root / f"{key}.started"
    code = (
        f"import pathlib, time; s = pathlib.Path({str(started)!r}); first = not s.exists(); s.touch(); "
        f"time.sleep({seconds} if first else 0); pathlib.Path({str(done)!r}).touch()"
    )
    task = functools.partial(subprocess.run, [sys.executable, "-c", code], check=True)
    return Cell(key, task, is_done=done.exists)

res = Resources(gpus=0, cpus=1, memory_gb=1, timeout_min=5)
out = run_cells([cell("quick", 0), cell("slow", 10), cell("doomed", 300)], "slurm", root, res, name, retries=1)
sys.exit(0 if all(o.ok for o in out) else 1)
"""


def test_a_rerun_driver_reattaches_to_the_running_job(tmp_path):
    """The driver is killed while `slow` runs; rerun, it watches that job again (one Slurm
    job for it across both drivers) and resubmits only `doomed`, whose job died meanwhile."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    name = f"t-driver-{uuid.uuid4().hex[:8]}"  # counts this test's jobs in squeue
    cmd = [sys.executable, str(driver), str(tmp_path), name]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.Popen(
        cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    ledger = tmp_path / "jobs" / "ledger.json"
    deadline = time.time() + TIMEOUT_S
    while time.time() < deadline and not (
        (tmp_path / "quick.done").exists()
        and (tmp_path / "doomed.started").exists()
        and ledger.exists()
        and {"slow", "doomed"} <= set(json.loads(ledger.read_text()))
    ):
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)  # the driver only: Slurm jobs are not its children
    first.wait()
    (slow_id,) = Ledger(tmp_path / "jobs").jobs("slow")
    assert _squeue("-j", slow_id, "-o", "%T") in (["PENDING"], ["RUNNING"])
    assert not (tmp_path / "slow.done").exists()
    (doomed_id,) = Ledger(tmp_path / "jobs").jobs("doomed")
    subprocess.run(["scancel", doomed_id], check=True)
    while _squeue("-j", doomed_id, "-o", "%T") != ["CANCELLED"] and time.time() < deadline:
        time.sleep(0.2)  # scancel returns before the job has ended

    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"reattached to job {slow_id} for cell slow" in again.stderr
    assert f"job {doomed_id} for cell doomed ended while no driver watched" in again.stderr
    assert all((tmp_path / f"{key}.done").exists() for key in ("quick", "slow", "doomed"))
    after = Ledger(tmp_path / "jobs")
    assert after.jobs("slow") == [slow_id] and len(after.jobs("quick")) == 1
    assert after.jobs("doomed")[0] == doomed_id and len(after.jobs("doomed")) == 2
    assert len(_squeue("--name", name, "-o", "%i")) == 4  # three cells, one resubmitted


@pytest.mark.zoo
def test_a_grid_runs_through_slurm(tmp_path):
    """A tiny grid with `executor: slurm` runs every cell as a Slurm job, once each."""
    spec = tmp_path / "g.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "name": "slurm",
                "datasets": ["movie_polarity"],
                "models": ["tiny-random-bert", "tiny-random-llama"],
                "losses": ["xent"],
                "seeds": [0],
                "executor": "slurm",
                "resources": {"gpus": 0, "cpus": 1, "memory_gb": 2, "timeout_min": 10},
                "base": {"n_train": 120, "n_test": 60, "epochs": 1.0},
            }
        )
    )
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "w2s_helpers.cli", "grid", str(spec), "--out", str(out), "--in-process"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(list(out.glob("runs/*/result.json"))) == 2 + 3  # 2 models, 1 pair and 2 weak -> weak
    assert (out / "transfer.csv").exists()
    ledger = Ledger(out / "jobs")
    assert len(ledger.cells) == 2  # one dataset: its ground-truth cell, then its transfer cell
    assert all(len(ledger.jobs(k)) == 1 for k in ledger.cells)
