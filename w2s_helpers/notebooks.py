"""Run the numbered notebooks headless with papermill, each executed copy kept beside
its results."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .fileio import atomic_path, read_json, write_json
from .paths import REPO_ROOT

log = logging.getLogger(__name__)

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
KERNEL = "w2s-lab"


def notebook_path(stem: str) -> Path:
    matches = sorted(NOTEBOOK_DIR.glob(f"{stem}*.ipynb"))
    if not matches:
        names = sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))
        raise FileNotFoundError(f"no notebook {stem!r} in {NOTEBOOK_DIR}; have {names}")
    return matches[0]


def run_notebook(
    stem: str, out_dir: str | Path, parameters: dict[str, Any], kernel: str | None = None
) -> Path:
    """Execute notebook `stem` (e.g. "01" or "01_ground_truth") with `parameters`; the
    executed copy lands in out_dir (atomically: a failed run leaves no copy)."""
    import papermill as pm
    from jupyter_client.kernelspec import KernelSpecManager

    src = notebook_path(stem)
    out = Path(out_dir) / src.name
    parameters = {"metrics_file": str(metrics_path(out)), **parameters}
    declared = pm.inspect_notebook(str(src))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ValueError(f"{src.name} has no parameter(s) {unknown}; its parameters: {sorted(declared)}")
    if kernel is None:
        kernel = KERNEL if KERNEL in KernelSpecManager().find_kernel_specs() else "python3"
    with atomic_path(out) as tmp:
        pm.execute_notebook(
            str(src),
            str(tmp),
            parameters=parameters,
            kernel_name=kernel,
            progress_bar=False,
            cwd=str(NOTEBOOK_DIR),
        )
    return out


def metrics_path(executed: str | Path) -> Path:
    return Path(executed).with_suffix(".metrics.json")


def record_metrics(metrics_file: str | Path | None, metrics: dict) -> dict:
    """A stage notebook's last act: write its metrics (when run by the runner) and show them."""
    if metrics_file:
        write_json(metrics_file, metrics)
    return metrics


def notebook_metrics(executed: str | Path) -> dict:
    """The metrics an executed notebook recorded."""
    return read_json(metrics_path(executed))
