"""Where things live. Nothing is written inside the repository except `results/`."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

REPO_ROOT = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """Root of the download/assembly cache: $W2S_CACHE, else the user's cache dir."""
    root = os.environ.get("W2S_CACHE") or user_cache_dir("w2s_lab")
    path = Path(root).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def results_dir() -> Path:
    """Root of run folders: $W2S_RESULTS, else `results/` in the repository."""
    root = os.environ.get("W2S_RESULTS")
    path = Path(root).expanduser() if root else REPO_ROOT / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path
