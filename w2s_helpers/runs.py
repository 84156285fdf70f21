"""Run folders: config first, result last (atomically); a run with a result is complete.

<root>/runs/<run_id>/config.json   written when the run starts
<root>/runs/<run_id>/result.json   written when it ends: the one record of the run
<root>/runs/<run_id>/*.parquet     predictions (weak labels, test probabilities)
"""

from __future__ import annotations

import functools
import platform
import resource
import subprocess
import sys
from pathlib import Path

from .fileio import read_json, write_json
from .paths import REPO_ROOT


def run_dir(root: str | Path, run_id: str) -> Path:
    return Path(root) / "runs" / run_id


def completed(path: str | Path) -> dict | None:
    """The run's result record if it finished, else None (a config alone is not a result)."""
    result = Path(path) / "result.json"
    return read_json(result) if result.exists() else None


@functools.cache
def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "") if out.returncode == 0 else "unknown"
    except OSError:
        return "unknown"


def environment() -> dict:
    import torch
    import transformers

    from . import __version__

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "w2s_helpers": __version__,
        "git_commit": git_commit(),
        "host": platform.node(),
        "argv0": Path(sys.argv[0]).name,
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def start(path: str | Path, config: dict) -> None:
    write_json(Path(path) / "config.json", config)


def finish(path: str | Path, record: dict) -> dict:
    record = {**record, "env": environment(), "peak_rss_mb": peak_rss_mb()}
    write_json(Path(path) / "result.json", record)
    return record
