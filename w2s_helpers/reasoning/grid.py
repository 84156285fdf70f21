"""Grids of reasoning experiments: datasets x (weak, strong) pairs x seeds.

Each experiment runs notebooks 10, 11, 12, 13, 14 and 19 in order with papermill; the
stages cache every adapter and generation, so a resumed grid redoes nothing, and an
experiment whose folder has its result is skipped outright. A failing stage blocks the
later stages of its own experiment only; the other experiments go on.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
from pathlib import Path

from .. import zoo
from ..core import runs
from ..core.cells import Cell, GridFailed, run_local
from ..core.configs import ConfigError, from_dict
from ..core.fileio import DataError, write_json
from ..core.notebooks import notebook_metrics, run_notebook
from ..core.paths import looks_like_path, resolve_path, results_dir
from .config import ReasoningConfig, ReasoningGridSpec
from .data import MATH_DATASETS, SPLIT_FILES, read_math_file
from .experiment import experiment_dir

log = logging.getLogger(__name__)

_PATH_FIELDS = ("split", "weak_rows_file", "strong_rows_file")


class ReasoningSpecError(ValueError):
    """A bad reasoning grid spec; the message names the spec file and the field."""


def resolve_spec_paths(spec: ReasoningGridSpec, base_dir: Path | None) -> ReasoningGridSpec:
    base = dict(spec.base)
    for f in _PATH_FIELDS:
        if isinstance(base.get(f), str) and base[f] != "half":
            base[f] = str(resolve_path(base[f], base_dir))

    def fix(v: str) -> str:
        return str(resolve_path(v, base_dir)) if looks_like_path(v) else v

    return dataclasses.replace(
        spec,
        base=base,
        datasets=[fix(d) for d in spec.datasets],
        pairs=[[fix(m) for m in p] for p in spec.pairs],
    )


def validate(spec: ReasoningGridSpec, where: str = "grid spec") -> ReasoningGridSpec:
    for d in spec.datasets:
        if d not in MATH_DATASETS and not d.endswith(".jsonl"):
            raise ReasoningSpecError(
                f"{where}: datasets: unknown math dataset {d!r}; expected one of {MATH_DATASETS} or a .jsonl file"
            )
    for pair in spec.pairs:
        if len(pair) != 2:
            raise ReasoningSpecError(f"{where}: pairs: {pair} must be [weak, strong]")
        for m in pair:
            try:
                zoo.get_spec(m)
            except zoo.UnknownModelError as e:
                raise ReasoningSpecError(f"{where}: pairs: {e}") from None
    try:
        cfgs = configs(spec)
    except ConfigError as e:
        raise ReasoningSpecError(f"{where}: base: {e}") from None
    cfg = cfgs[0]
    try:  # data files are read and checked before anything trains
        for d in spec.datasets:
            if d.endswith(".jsonl"):
                read_math_file(d, "math", Path(d).stem)
        if cfg.split != "half":
            for name in SPLIT_FILES:
                read_math_file(Path(cfg.split) / f"{name}.jsonl", spec.datasets[0], name)
        for f in ("weak_rows_file", "strong_rows_file"):
            if getattr(cfg, f) and not Path(getattr(cfg, f)).is_file():
                raise DataError(f"{getattr(cfg, f)}: no such file (base.{f})")
    except DataError as e:
        raise ReasoningSpecError(f"{where}: {e}") from None
    return spec


def load_spec(path: str | Path, raw: dict) -> ReasoningGridSpec:
    path = Path(path)
    raw = {**raw}
    raw.setdefault("name", path.stem)
    try:
        spec = from_dict(ReasoningGridSpec, raw)
    except ConfigError as e:
        raise ReasoningSpecError(f"{path}: {e}") from None
    return validate(resolve_spec_paths(spec, path.parent), str(path))


def configs(spec: ReasoningGridSpec) -> list[ReasoningConfig]:
    return [
        from_dict(
            ReasoningConfig, {**spec.base, "dataset": d, "weak_model": w, "strong_model": s, "seed": seed}
        )
        for d, (w, s), seed in itertools.product(spec.datasets, spec.pairs, spec.seeds)
    ]


def _finish_experiment(exp: Path, cfg: ReasoningConfig) -> None:
    runs.finish(exp, {"config": cfg.to_dict(), **notebook_metrics(exp / "19_plot_reasoning.ipynb")})


def experiment_cells(cfg: ReasoningConfig, root: Path) -> list[Cell]:
    exp = experiment_dir(root, cfg)
    params = {**cfg.to_dict(), "run_root": str(root)}
    key = exp.name
    done = functools.partial(lambda e: runs.completed(e) is not None, exp)
    cells, prev = [], ()
    for stem in ("10", "11", "12", "13", "14"):
        cells.append(
            Cell(
                f"{key}/{stem}", functools.partial(run_notebook, stem, exp / "notebooks", params), prev, done
            )
        )
        prev = (f"{key}/{stem}",)
    cells.append(
        Cell(
            f"{key}/19",
            functools.partial(run_notebook, "19", exp, {**params, "out_dir": str(exp)}),
            prev,
            done,
        )
    )
    cells.append(Cell(f"{key}/done", functools.partial(_finish_experiment, exp, cfg), (f"{key}/19",), done))
    return cells


def run_reasoning_grid(spec: ReasoningGridSpec, root: str | Path | None = None) -> Path:
    root = Path(root) if root else results_dir() / spec.name
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / "grid.json", dataclasses.asdict(spec))
    cells = [c for cfg in configs(spec) for c in experiment_cells(cfg, root)]
    outcomes = run_local(cells, f"grid {spec.name}")
    if any(not o.ok for o in outcomes):
        raise GridFailed(spec.name, outcomes)
    return root


def gather(root: str | Path) -> list[dict]:
    """The done record of every finished experiment under a grid root."""
    return [runs.completed(p.parent) for p in sorted(Path(root).glob("experiments/*/result.json"))]
