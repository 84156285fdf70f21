"""Run and artefact folders: one identity for every stage of both flows.

An artefact (a classification run, a reasoning generation set, adapter, pair set or
experiment) lives in `<root>/<kind>/<slug>-<hash>`: a readable slug plus the hash of
exactly the fields that change its result. `config.json` is written when it starts,
`result.json` last and atomically; only a folder with a result is complete.
"""

from __future__ import annotations

import functools
import platform
import resource
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from .fileio import read_json, write_json
from .hashing import slug, stable_hash
from .paths import REPO_ROOT


def artifact_dir(root: str | Path, kind: str, name: str, fields: dict) -> Path:
    return Path(root) / kind / f"{slug(name)}-{stable_hash(fields)}"


def completed(path: str | Path) -> dict | None:
    """The record of a finished run or artefact, else None (a config alone is not a result)."""
    result = Path(path) / "result.json"
    return read_json(result) if result.exists() else None


def start(path: str | Path, config: dict) -> None:
    write_json(Path(path) / "config.json", config)


def finish(path: str | Path, record: dict) -> dict:
    record = {**record, "env": environment(), "peak_rss_mb": peak_rss_mb()}
    write_json(Path(path) / "result.json", record)
    return record


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


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "absent"


def environment() -> dict:
    """Versions and host of the process that produced a result (no heavy imports)."""
    return {
        "python": platform.python_version(),
        **{pkg: _version(pkg) for pkg in ("torch", "transformers", "peft", "trl")},
        "w2s_helpers": _version("w2s-helpers"),
        "git_commit": git_commit(),
        "host": platform.node(),
        "argv0": Path(sys.argv[0]).name,
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
