"""The numbered notebooks: their parameters cells, generated from the configs, and a
papermill runner that keeps every executed copy beside its results.

Each stage notebook declares a `NotebookSpec`: the config class its parameters come from,
the fields of its own stage that its cell shows, notebook-only extras (seed lists,
`run_root`, `metrics_file`) and the defaults it overrides. Every other config field keeps
its default, comes from a `recipe` file, or is set by papermill (the runner accepts any
field of the config). `render_parameters` writes the cell from that spec, so the cell, the
dataclass and the grid can never drift apart (`w2s notebooks` and a test compare them;
`w2s notebooks --sync` rewrites the cells).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .configs import defaults, field_help, field_names, to_dict
from .fileio import atomic_path, read_json, write_json
from .paths import REPO_ROOT
from .progress import HEADLESS

log = logging.getLogger(__name__)

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
KERNEL = "w2s-lab"
METRICS_FILE = ("metrics_file", None, "set by the runner: where this notebook records its metrics")
RECIPE = ("recipe", None, "a YAML file of config fields (or a grid spec: its base); they override this cell")


@dataclass(frozen=True)
class NotebookSpec:
    stem: str  # "01", "10", ...
    config: type | None = None  # the config dataclass its parameters come from
    show: tuple[str, ...] = ()  # the stage's own config fields, shown in the cell in this order
    overrides: dict[str, Any] = field(default_factory=dict)  # notebook defaults that differ
    extras: tuple[tuple[str, Any, str], ...] = ()  # (name, default, why) beyond the config

    def parameters(self) -> dict[str, tuple[Any, str]]:
        """name -> (default, why), in cell order."""
        out: dict[str, tuple[Any, str]] = {}
        if self.config is not None:
            helps, values = field_help(self.config), defaults(self.config)
            for name in self.show:
                out[name] = (self.overrides.get(name, values[name]), helps[name])
        recipe = (RECIPE,) if self.config is not None else ()
        for name, default, why in (*self.extras, *recipe, METRICS_FILE):
            out[name] = (self.overrides.get(name, default), why)
        return out

    def accepts(self) -> set[str]:
        """Every parameter papermill may set: the cell's and any field of the config."""
        return set(self.parameters()) | set(field_names(self.config) if self.config else ())

    def parameters_for(self, config: Any, skip: tuple[str, ...] = (), **extras: Any) -> dict[str, Any]:
        """Papermill parameters that make this notebook run `config`: the fields its cell
        shows, every other field that differs from its default (a field equal to its default
        needs no parameter), but not `skip` (what the notebook varies itself), and `extras`."""
        shown, default = self.parameters(), defaults(type(config))
        params = {
            k: v for k, v in to_dict(config).items() if k not in skip and (k in shown or v != default[k])
        }
        params.update(extras)
        unknown = sorted(set(params) - self.accepts())
        if unknown:
            raise ValueError(f"notebook {self.stem} has no parameter(s) {unknown}")
        return params


LINE_LENGTH = 110  # the project's ruff line length: a rendered cell is already ruff-formatted


def _literal(v: Any) -> str:
    """A Python literal as ruff format writes it (double quotes)."""
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(x)}" for k, x in v.items()) + "}"
    return repr(v)


def render_parameters(spec: NotebookSpec) -> str:
    """The parameters cell: `name = default  # why`, the why above the line when it would
    not fit on it."""
    lines = []
    for name, (value, why) in spec.parameters().items():
        if "=" in why:  # papermill skips a parameter line with a second "="
            raise ValueError(f"{name}: its help text must not contain '=': {why!r}")
        line = f"{name} = {_literal(value)}"
        if why and len(line) + 4 + len(why) <= LINE_LENGTH:
            line += f"  # {why}"
        elif why:
            lines.append(f"# {why}")
        lines.append(line)
    return "\n".join(lines)


def notebook_path(stem: str) -> Path:
    matches = sorted(NOTEBOOK_DIR.glob(f"{stem}*.ipynb"))
    if not matches:
        names = sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))
        raise FileNotFoundError(f"no notebook {stem!r} in {NOTEBOOK_DIR}; have {names}")
    return matches[0]


def _parameters_cell(nb: dict) -> dict:
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"expected one cell tagged 'parameters', found {len(cells)}")
    return cells[0]


def cell_drift(spec: NotebookSpec) -> str | None:
    """None if the notebook's parameters cell is the rendering of `spec`, else a description."""
    path = notebook_path(spec.stem)
    have = "".join(_parameters_cell(json.loads(path.read_text()))["source"]).strip()
    want = render_parameters(spec)
    if have == want:
        return None
    have_lines, want_lines = set(have.splitlines()), set(want.splitlines())
    return f"{path.name}: parameters cell differs from its config; missing {sorted(want_lines - have_lines)[:3]}, extra {sorted(have_lines - want_lines)[:3]}"


def sync_parameters(spec: NotebookSpec) -> bool:
    """Rewrite the notebook's parameters cell from `spec`; True if it changed."""
    path = notebook_path(spec.stem)
    nb = json.loads(path.read_text())
    cell = _parameters_cell(nb)
    lines = render_parameters(spec).splitlines()
    source = [line + "\n" for line in lines[:-1]] + lines[-1:]
    if cell["source"] == source:
        return False
    cell["source"] = source
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    return True


class NotebookFailed(RuntimeError):
    """A notebook raised; the partially executed copy is kept at `executed`."""

    def __init__(self, stem: str, executed: Path, error: str):
        super().__init__(f"notebook {stem} failed: {error} (executed copy: {executed})")
        self.stem, self.executed, self.error = stem, executed, error


class _ConfigFieldsAccepted(logging.Filter):
    """Papermill warns about a parameter its cell does not show; a config field is expected."""

    def __init__(self, names: set[str]):
        super().__init__()
        self.names = names

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        return not (msg.startswith("Passed unknown parameter: ") and msg.split(": ", 1)[1] in self.names)


def run_notebook(
    stem: str,
    out_dir: str | Path,
    parameters: dict[str, Any],
    kernel: str | None = None,
    config: type | None = None,
) -> Path:
    """Execute notebook `stem` with `parameters` (its cell's, or any field of `config`); the
    executed copy lands in out_dir (atomically). The kernel's output (logs, progress bars
    every 30 s) streams to this process's log, so a long stage shows where it is. A failure
    keeps the partial copy as `<name>.failed.ipynb` and raises NotebookFailed."""
    import papermill as pm
    from jupyter_client.kernelspec import KernelSpecManager

    src = notebook_path(stem)
    out = Path(out_dir) / src.name
    failed = out.with_suffix(".failed.ipynb")
    parameters = {"metrics_file": str(metrics_path(out)), **parameters}
    declared = set(pm.inspect_notebook(str(src)))
    fields = set(field_names(config)) if config is not None else set()
    unknown = sorted(set(parameters) - declared - fields)
    if unknown:
        raise ValueError(f"{src.name} has no parameter(s) {unknown}; its parameters: {sorted(declared)}")
    if kernel is None:
        kernel = KERNEL if KERNEL in KernelSpecManager().find_kernel_specs() else "python3"
    quiet = _ConfigFieldsAccepted(fields)
    logging.getLogger("papermill").addFilter(quiet)
    with atomic_path(out) as tmp, _headless_kernels():
        try:
            pm.execute_notebook(
                str(src),
                str(tmp),
                parameters=parameters,
                kernel_name=kernel,
                progress_bar=False,
                log_output=True,
                cwd=str(NOTEBOOK_DIR),
            )
        except pm.PapermillExecutionError as e:
            shutil.copyfile(tmp, failed)
            raise NotebookFailed(
                stem, failed, f"{e.ename}: {str(e.evalue).splitlines()[0] if e.evalue else ''}"
            ) from None
        finally:
            logging.getLogger("papermill").removeFilter(quiet)
    failed.unlink(missing_ok=True)
    return out


@contextlib.contextmanager
def _headless_kernels():
    """The kernels started here are headless (trainers draw text bars, `core.progress`), and
    their tqdm bars redraw every 30 s: one log line each, not thousands."""
    old = {k: os.environ.get(k) for k in ("TQDM_MININTERVAL", HEADLESS)}
    os.environ["TQDM_MININTERVAL"] = old["TQDM_MININTERVAL"] or "30"
    os.environ[HEADLESS] = "1"
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


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
