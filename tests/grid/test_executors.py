"""Grid dispatch through submitit's local executor: real separate processes, a job killed
and retried, a driver killed mid-grid and resumed (finished cells never rerun)."""

import functools
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml

from conftest import REPO
from w2s_helpers.grid.cells import Cell
from w2s_helpers.grid.executors import cell_resources, run_cells
from w2s_helpers.scale.resources import Resources

pytest.importorskip("submitit")

# a task that kills the submitit worker running it on its first attempt, then succeeds
FLAKY = (
    "import os, sys, pathlib; p = pathlib.Path(sys.argv[1]); "
    "first = not p.exists(); p.write_text(str(os.getppid())); "
    "os.kill(os.getppid(), 9) if first else None"
)


def test_a_killed_job_is_retried_in_another_process(tmp_path):
    marker = tmp_path / "attempted"
    ok = tmp_path / "ok"
    cells = [
        Cell(
            "flaky", functools.partial(subprocess.run, [sys.executable, "-c", FLAKY, str(marker)], check=True)
        ),
        Cell(
            "fine",
            functools.partial(subprocess.run, [sys.executable, "-c", f"open({str(ok)!r}, 'w')"], check=True),
        ),
        Cell("cached", functools.partial(pytest.fail, "ran a finished cell"), is_done=lambda: True),
    ]
    out = run_cells(cells, "submitit-local", tmp_path, Resources(timeout_min=5), "t", retries=1)
    assert [o.status for o in out] == ["done", "done", "cached"]
    assert ok.exists() and int(marker.read_text()) != os.getpid()  # ran in a worker process
    out = run_cells(cells[:1], "submitit-local", tmp_path / "again", Resources(timeout_min=5), "t", retries=0)
    assert out[0].status == "done"  # marker exists now: the first attempt succeeds


def test_a_failing_job_is_reported_after_its_retries(tmp_path):
    bad = Cell(
        "bad", functools.partial(subprocess.run, [sys.executable, "-c", "raise SystemExit(3)"], check=True)
    )
    (out,) = run_cells([bad], "submitit-local", tmp_path, Resources(timeout_min=5), "t", retries=1)
    assert out.status == "failed" and out.error.startswith("subprocess.CalledProcessError")


def test_a_cells_resources_override_the_specs_and_are_checked_before_any_job(tmp_path):
    spec = Resources(cpus=2, memory_gb=8)
    big = Cell("big", print, resources={"gpus": 1, "gpu_memory_gb": 80, "memory_gb": 64})
    assert cell_resources(spec, big) == Resources(cpus=2, gpus=1, gpu_memory_gb=80, memory_gb=64)
    assert cell_resources(spec, Cell("plain", print)) is spec
    for bad, match in (({"gpus": -1}, "gpus >= 0"), ({"gpu_count": 1}, "gpu_count")):
        cells = [Cell("fine", print), Cell("bad", print, resources=bad)]
        with pytest.raises(ValueError, match=f"cell bad: .*{match}"):
            run_cells(cells, "submitit-local", tmp_path, spec, "t")
    assert not (tmp_path / "jobs").exists()  # nothing was submitted


@pytest.mark.zoo
def test_grid_through_submitit_survives_a_killed_driver(tmp_path):
    """A tiny grid with `executor: submitit-local` is killed (driver and jobs) once its
    first run has finished; rerun, it finishes every run and never redoes a finished one."""
    spec = tmp_path / "g.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "name": "sub",
                "datasets": ["movie_polarity"],
                "models": ["tiny-random-bert", "tiny-random-llama"],
                "losses": ["xent"],
                "seeds": [0],
                "executor": "submitit-local",
                "resources": {"timeout_min": 10},
                "base": {"n_train": 120, "n_test": 60, "epochs": 1.0},
            }
        )
    )
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "w2s_helpers.cli", "grid", str(spec), "--out", str(out), "--in-process"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    driver = subprocess.Popen(
        cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 300
    while not list(out.glob("runs/*/result.json")) and time.time() < deadline:
        time.sleep(0.2)
    os.killpg(driver.pid, signal.SIGKILL)  # the driver and every job it started
    driver.wait()
    first = {p: p.stat().st_mtime_ns for p in out.glob("runs/*/result.json")}
    assert first, "no run finished before the kill"
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    results = {p: p.stat().st_mtime_ns for p in out.glob("runs/*/result.json")}
    assert len(results) == 2 + 3  # 2 models, 1 pair and 2 weak -> weak
    assert all(results[p] == t for p, t in first.items())  # finished runs untouched
    assert (out / "transfer.csv").exists()


def test_tracking_is_off_unless_asked(tmp_path):
    from w2s_helpers.grid.tracking import grid_tracker

    assert grid_tracker("none", "g", tmp_path) is None
    with pytest.raises(ValueError, match="tracking 'mlflow'"):
        grid_tracker("mlflow", "g", tmp_path)
    pytest.importorskip("tensorboard")
    log = grid_tracker("tensorboard", "g", tmp_path)
    log({"done": 1, "running": 2})
    assert list((tmp_path / "tensorboard" / "grid").iterdir())
