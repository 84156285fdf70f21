"""Where things live, and how a user's relative path is resolved.

Nothing is written inside the repository except `results/` (or `$W2S_RESULTS`).
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

REPO_ROOT = Path(__file__).resolve().parents[2]


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


def resolve_path(value: str | Path, base: str | Path | None = None) -> Path:
    """An absolute path for a user's `value`.

    With `base` (a grid spec's folder), a relative path is taken from there. Without it, from
    the working directory if something exists there, else from the repository root: a
    notebook runs in `notebooks/`, and `data/x.jsonl` should mean the repo's data folder
    there as it does in a shell at the repo root.
    """
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    if base is not None:
        return (Path(base) / path).resolve()
    here = Path.cwd() / path
    if here.exists() or not (REPO_ROOT / path).exists():
        return here.resolve()
    return (REPO_ROOT / path).resolve()


def looks_like_path(value: object) -> bool:
    """A string that names a file or folder rather than a registry entry."""
    return isinstance(value, str | Path) and (
        "/" in str(value) or Path(str(value)).suffix.lower() in DATA_SUFFIXES
    )


def resolve_if_path(value: object, base: str | Path) -> object:
    """`value` taken from `base` if it names a file or folder (it looks like a path, or
    something of that name is there), else unchanged (a registry name, "half", "weak")."""
    if isinstance(value, str) and (looks_like_path(value) or (Path(base) / value).exists()):
        return str(resolve_path(value, base))
    return value


DATA_SUFFIXES = (".jsonl", ".json", ".csv", ".tsv", ".parquet")
