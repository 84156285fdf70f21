"""A reasoning grid's rules and cells: datasets x (weak, strong) pairs x seeds (x a sweep).

Each experiment runs notebooks 10, 11, 12, 13, 14 and 19 in order with papermill; the
stages cache every adapter and generation, so a resumed grid redoes nothing, and an
experiment whose folder has its result is skipped outright. A failing stage blocks the
later stages of its own experiment only; the other experiments go on. On a cluster an
experiment is one job whose stages run in order inside it. Reading, checking, running and
resuming a spec are the engine's (`grid.engine`, through `flow`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from pathlib import Path

from .. import zoo
from ..core import runs
from ..core.configs import ConfigError, from_dict
from ..core.fileio import DataError
from ..core.notebooks import notebook_metrics, run_notebook
from ..grid.cells import Cell, run_local
from ..grid.flow import Phase
from ..grid.spec import SpecError, variants
from ..scale.resources import Resources
from .config import ReasoningConfig, ReasoningGridSpec
from .data import MATH_DATASETS, SPLIT_FILES, read_math_file
from .experiment import experiment_dir
from .notebooks import NOTEBOOKS, PLOT
from .sizing import job_resources


def check_spec(spec: ReasoningGridSpec, where: str, check_data: bool) -> None:
    for d in spec.datasets:
        if d not in MATH_DATASETS and not d.endswith(".jsonl"):
            raise SpecError(
                f"{where}: datasets: unknown math dataset {d!r}; expected one of {MATH_DATASETS} or a .jsonl file"
            )
    for pair in spec.pairs:
        if len(pair) != 2:
            raise SpecError(f"{where}: pairs: {pair} must be [weak, strong]")
        for m in pair:
            try:
                kind = zoo.modality(m)
            except zoo.UnknownModelError as e:
                raise SpecError(f"{where}: pairs: {e}") from None
            if kind != "causal-lm":
                raise SpecError(f"{where}: pairs: {m!r} is a {kind} model; reasoning needs causal LMs")
    try:
        cfgs = configs(spec)
    except ConfigError as e:
        raise SpecError(f"{where}: base/sweep: {e}") from None
    if not check_data:
        return
    try:  # data files are read and checked before anything trains
        for d in spec.datasets:
            if d.endswith(".jsonl"):
                read_math_file(d, "math", Path(d).stem)
        for split in sorted({c.split for c in cfgs} - {"half"}):
            for name in SPLIT_FILES:
                read_math_file(Path(split) / f"{name}.jsonl", spec.datasets[0], name)
        for cfg in cfgs:
            for f in ("weak_rows_file", "strong_rows_file"):
                if getattr(cfg, f) and not Path(getattr(cfg, f)).is_file():
                    raise DataError(f"{getattr(cfg, f)}: no such file (base.{f})")
    except DataError as e:
        raise SpecError(f"{where}: {e}") from None


def configs(spec: ReasoningGridSpec) -> list[ReasoningConfig]:
    """One config per experiment: every sweep combination x dataset x pair x seed."""
    return [
        from_dict(ReasoningConfig, {**v.base, "dataset": d, "weak_model": w, "strong_model": s, "seed": seed})
        for _, v in variants(spec)
        for d, (w, s), seed in itertools.product(v.datasets, v.pairs, v.seeds)
    ]


def _finish_experiment(exp: Path, cfg: ReasoningConfig) -> None:
    runs.finish(exp, {"config": cfg.to_dict(), **notebook_metrics(exp / "19_plot_reasoning.ipynb")})


def _run_in_process(cfg: ReasoningConfig, root: Path) -> None:
    """Every stage through the same functions the notebooks call, then the report and the record."""
    import time

    from .pipeline import evaluate_all
    from .report import write_report

    t0 = time.time()
    evaluate_all(cfg, root)
    exp = experiment_dir(root, cfg)
    runs.finish(exp, {"config": cfg.to_dict(), **write_report(exp), "wall_s": round(time.time() - t0)})


def experiment_cells(cfg: ReasoningConfig, root: Path, papermill: bool = True) -> list[Cell]:
    exp = experiment_dir(root, cfg)
    if not papermill:
        done = functools.partial(lambda e: runs.completed(e) is not None, exp)
        return [Cell(exp.name, functools.partial(_run_in_process, cfg, root), is_done=done)]
    key = exp.name
    done = functools.partial(lambda e: runs.completed(e) is not None, exp)
    cells, prev = [], ()
    for spec in NOTEBOOKS:
        out = exp if spec is PLOT else exp / "notebooks"
        extras = {"run_root": str(root), **({"out_dir": str(exp)} if spec is PLOT else {})}
        params = spec.parameters_for(cfg, **extras)
        task = functools.partial(run_notebook, spec.stem, out, params, config=ReasoningConfig)
        cells.append(Cell(f"{key}/{spec.stem}", task, prev, done))
        prev = (f"{key}/{spec.stem}",)
    cells.append(Cell(f"{key}/done", functools.partial(_finish_experiment, exp, cfg), (f"{key}/19",), done))
    return cells


def run_chain(cells: list[Cell]) -> None:
    """An experiment's stages in order (inside one cluster job); raises on the first failure."""
    outcomes = run_local(cells, cells[0].key.split("/")[0])
    if any(not o.ok for o in outcomes):
        bad = next(o for o in outcomes if not o.ok)
        raise RuntimeError(f"{bad.key}: {bad.status}: {bad.error}")


def phases(spec: ReasoningGridSpec, root: Path, papermill: bool) -> Iterator[Phase]:
    """One phase: every experiment's stages as cells (locally), or one job per experiment
    whose stages run in order inside it (on a cluster)."""
    if spec.executor == "local":
        yield Phase(
            "experiments", [c for cfg in configs(spec) for c in experiment_cells(cfg, root, papermill)]
        )
        return
    cells, res = [], Resources(**spec.resources)
    for cfg in configs(spec):
        chain = experiment_cells(cfg, root, papermill)
        key = experiment_dir(root, cfg).name
        job = job_resources(cfg, res)  # the largest stage's GPUs
        cells.append(Cell(key, functools.partial(run_chain, chain), (), chain[-1].is_done, job))
    yield Phase("experiments", cells)
