"""Grid sweeps over datasets x ladder x losses x seeds, as the reference sweep does.

Every ground-truth run once, every weak < strong pair once per (dataset, seed, loss); runs
whose result is on disk are skipped, so an interrupted grid resumes where it stopped. The
notebooks do the work (01 per dataset x model over the seeds, 02 per pair over seeds and
losses, 03 to report), each executed copy kept in `<root>/notebooks/`; `papermill=False`
calls the same stage functions in process. A failing cell does not stop the others: the
grid finishes what it can, writes the report, then raises GridFailed listing the failures.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
from pathlib import Path

from .. import zoo
from ..core.cells import Cell, GridFailed, Outcome
from ..core.configs import ConfigError, from_dict
from ..core.fileio import DataError, write_json
from ..core.notebooks import run_notebook
from ..core.paths import looks_like_path, resolve_path, results_dir
from ..scale.executors import check_executor, run_cells
from ..scale.resources import Resources
from ..scale.tracking import grid_tracker
from .config import LOSS_NAMES, ClassificationConfig, GridSpec, dataset_stem
from .data import check_dataset, is_file_dataset, task_examples
from .notebooks import GROUND_TRUTH, PLOT, WEAK_TO_STRONG, notebook_parameters

log = logging.getLogger(__name__)


class GridSpecError(ValueError):
    """A bad grid spec; the message names the spec file and the field."""


def resolve_spec_paths(spec: GridSpec, base_dir: Path | None) -> GridSpec:
    """Data files and local model folders named relative to the spec file, made absolute."""

    def fix(v: str) -> str:
        return str(resolve_path(v, base_dir)) if looks_like_path(v) else v

    return dataclasses.replace(
        spec,
        datasets=[fix(d) for d in spec.datasets],
        models=[fix(m) for m in spec.models],
        pairs=[[fix(m) for m in p] for p in spec.pairs] if spec.pairs else spec.pairs,
    )


def validate(spec: GridSpec, where: str = "grid spec", check_data: bool = True) -> GridSpec:
    """Check every name, pair, config value and data file before anything trains; errors
    name the spec, the field and what was expected."""
    for d in spec.datasets:
        try:
            check_dataset(d)
        except KeyError as e:
            raise GridSpecError(f"{where}: datasets: {e}") from None
    for m in spec.models:
        try:
            zoo.get_spec(m)
        except zoo.UnknownModelError as e:
            raise GridSpecError(f"{where}: models: {e}") from None
    if len(set(spec.models)) != len(spec.models):
        raise GridSpecError(f"{where}: models: the ladder repeats a model: {spec.models}")
    for loss in spec.losses:
        if loss not in LOSS_NAMES:
            raise GridSpecError(
                f"{where}: losses: unknown loss {loss!r}; expected one of {sorted(LOSS_NAMES)}"
            )
    if not spec.seeds:
        raise GridSpecError(f"{where}: seeds: at least one seed is needed")
    for pair in spec.pairs or []:
        if len(pair) != 2 or any(m not in spec.models for m in pair):
            raise GridSpecError(f"{where}: pairs: {pair} must name two models of the ladder {spec.models}")
        weak, strong = pair
        if spec.models.index(weak) >= spec.models.index(strong):
            raise GridSpecError(
                f"{where}: pairs: weak model {weak!r} is not below strong model {strong!r} in the ladder {spec.models}"
            )
    fixed = {"dataset", "model", "weak_model", "loss", "seed"}
    for key, values in spec.sweep.items():
        if key in fixed or not isinstance(values, list) or not values:
            raise GridSpecError(
                f"{where}: sweep: {key!r} must be a config field other than {sorted(fixed)}, "
                "with a non-empty list of values"
            )
    try:
        Resources(**spec.resources)
    except (TypeError, ValueError, ConfigError) as e:
        raise GridSpecError(f"{where}: resources: {e}") from None
    fixed_m = {"dataset", "model", "weak_model", "seed"}
    for m in spec.methods:
        if not isinstance(m, dict) or not m or set(m) & fixed_m:
            raise GridSpecError(
                f"{where}: methods: {m!r} must be a mapping of config fields other than {sorted(fixed_m)}"
            )
    try:
        for _, v in variants(spec):
            cfg = base_config(v, spec.datasets[0], spec.models[0], spec.seeds[0])
            cfg.identity()
            for m in methods(v):
                base_config(
                    v, spec.datasets[0], spec.models[-1], spec.seeds[0], weak_model=spec.models[0], **m
                )
    except (ConfigError, KeyError, ValueError) as e:
        raise GridSpecError(f"{where}: base/sweep: {e}") from None
    if check_data:
        for d in spec.datasets:
            if is_file_dataset(d):
                try:  # reads and checks every row: missing file, bad row, missing column, non-binary label
                    task_examples(d, text_column=cfg.text_column, label_column=cfg.label_column)
                except DataError as e:
                    raise GridSpecError(f"{where}: datasets: {e}") from None
    return spec


def load_spec(path: str | Path, raw: dict | None = None, check_data: bool = True) -> GridSpec:
    """A classification GridSpec from YAML; relative paths resolve against the spec's folder."""
    import yaml

    path = Path(path)
    if raw is None:
        if not path.is_file():
            raise GridSpecError(f"{path}: no such grid spec")
        raw = yaml.safe_load(path.read_text()) or {}
    raw = {k: v for k, v in raw.items() if k != "pipeline"}
    raw.setdefault("name", path.stem)
    try:
        spec = from_dict(GridSpec, raw)
    except ConfigError as e:
        raise GridSpecError(f"{path}: {e}") from None
    return validate(resolve_spec_paths(spec, path.parent), str(path), check_data=check_data)


def variants(spec: GridSpec) -> list[tuple[str, GridSpec]]:
    """One (tag, spec) per combination of the swept values (just the spec when no sweep)."""
    if not spec.sweep:
        return [("", spec)]
    keys = sorted(spec.sweep)
    out = []
    for values in itertools.product(*(spec.sweep[k] for k in keys)):
        combo = dict(zip(keys, values))
        tag = "__" + "_".join(f"{k}{v}" for k, v in combo.items())
        out.append((tag, dataclasses.replace(spec, base={**spec.base, **combo}, sweep={})))
    return out


def methods(spec: GridSpec) -> list[dict]:
    """The transfer methods: the spec's `methods` (config overrides), else one per loss."""
    return [dict(m) for m in spec.methods] or [{"loss": loss} for loss in spec.losses]


def base_config(spec: GridSpec, dataset: str, model: str, seed: int, **kw) -> ClassificationConfig:
    return from_dict(
        ClassificationConfig, {**spec.base, "dataset": dataset, "model": model, "seed": seed, **kw}
    )


def _mean_gt_acc(spec: GridSpec, dataset: str, model: str, root: Path) -> float | None:
    from ..core.runs import completed

    accs = []
    for s in spec.seeds:
        rec = completed(base_config(spec, dataset, model, s).run_dir(root))
        if rec is None:
            return None
        accs.append(rec["val_acc"])  # validation, never test: the order must not be chosen on test
    return sum(accs) / len(accs)


def ladder(spec: GridSpec, dataset: str, root: Path) -> list[str]:
    """The ladder for `dataset`: as declared, or sorted by mean ground-truth *validation*
    accuracy (models whose gt runs did not all finish keep their declared place)."""
    if spec.order_by == "ladder":
        return list(spec.models)
    accs = {m: _mean_gt_acc(spec, dataset, m, root) for m in spec.models}
    measured = iter(sorted((m for m in spec.models if accs[m] is not None), key=lambda m: accs[m]))
    return [m if accs[m] is None else next(measured) for m in spec.models]


def pairs(spec: GridSpec, dataset: str, root: Path) -> list[tuple[str, str]]:
    if spec.pairs:
        return [(w, s) for w, s in spec.pairs]
    return list(itertools.combinations(ladder(spec, dataset, root), 2))


def _done(cfgs: list[ClassificationConfig], root: Path) -> bool:
    from ..core.runs import completed

    return all(completed(c.run_dir(root)) is not None for c in cfgs)


def _run_in_process(cfgs: list[ClassificationConfig], root: Path) -> None:
    from . import stages

    ceilings = {
        c.ground_truth(c.model).run_id(): c.ground_truth(c.model) for c in cfgs if c.kind == "transfer"
    }
    stages.run_all([*cfgs, *ceilings.values()], root)  # notebook 02 also makes sure both ceilings exist


def gt_cell(v: GridSpec, tag: str, dataset: str, root: Path, papermill: bool) -> Cell:
    """One cell (one notebook 01) per dataset: every model of the ladder, every seed."""
    key = f"{dataset_stem(dataset)}__gt{tag}"
    cfgs = [base_config(v, dataset, m, s) for m in v.models for s in v.seeds]
    if papermill:
        params = notebook_parameters(
            GROUND_TRUTH, cfgs[0], models=list(v.models), seeds=list(v.seeds), run_root=str(root)
        )
        task = functools.partial(run_notebook, "01", root / "notebooks" / key, params)
    else:
        task = functools.partial(_run_in_process, cfgs, root)
    return Cell(key, task, is_done=functools.partial(_done, cfgs, root))


def transfer_cell(
    v: GridSpec, tag: str, dataset: str, root: Path, papermill: bool
) -> tuple[Cell | None, list[Outcome]]:
    """One cell (one notebook 02) per dataset: every pair whose ground truth finished, over
    seeds and losses; the pairs of a model whose ground truth failed are reported blocked."""
    finished = {m for m in v.models if _done([base_config(v, dataset, m, s) for s in v.seeds], root)}
    todo, blocked = [], []
    for weak, strong in pairs(v, dataset, root):
        if {weak, strong} <= finished:
            todo.append([weak, strong])
        else:
            missing = next(m for m in (weak, strong) if m not in finished)
            key = f"{dataset_stem(dataset)}__{Path(weak).name}__to__{Path(strong).name}{tag}"
            blocked.append(
                Outcome(
                    key, "blocked", f"needs the ground truth of {Path(missing).name}, which did not finish"
                )
            )
    if not todo:
        return None, blocked
    key = f"{dataset_stem(dataset)}__transfer{tag}"
    cfgs = [
        base_config(v, dataset, s, seed, weak_model=w, **method)
        for w, s in todo
        for seed in v.seeds
        for method in methods(v)
    ]
    if papermill:
        params = notebook_parameters(
            WEAK_TO_STRONG,
            cfgs[0],
            pairs=todo,
            seeds=list(v.seeds),
            losses=list(v.losses),
            methods=list(v.methods),
            run_root=str(root),
        )
        task = functools.partial(run_notebook, "02", root / "notebooks" / key, params)
    else:
        task = functools.partial(_run_in_process, cfgs, root)
    return Cell(key, task, is_done=functools.partial(_done, cfgs, root)), blocked


def plan(spec: GridSpec) -> dict[str, int]:
    """How many runs the grid has (transfer pairs counted from the declared ladder)."""
    n_pairs = len(spec.pairs) if spec.pairs else len(spec.models) * (len(spec.models) - 1) // 2
    n_var = len(variants(spec))
    gt = n_var * len(spec.datasets) * len(spec.models) * len(spec.seeds)
    return {
        "gt_runs": gt,
        "transfer_runs": n_var * len(spec.datasets) * n_pairs * len(spec.seeds) * len(methods(spec)),
    }


def run_grid(
    spec: GridSpec, root: str | Path | None = None, papermill: bool = True, plot: bool = True
) -> Path:
    """Run (or resume) the whole grid; returns the grid's results folder. Raises GridFailed
    (after writing the report over what finished) when some cell failed."""
    check_executor(spec.executor)
    root = Path(root) if root else results_dir() / spec.name
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / "grid.json", dataclasses.asdict(spec))
    log.info("grid %s: %s", spec.name, plan(spec))
    if spec.tracking != "none":  # every trainer logs to the same place as the grid
        spec = dataclasses.replace(spec, base={"report_to": spec.tracking, **spec.base})
    res = Resources(**spec.resources)
    track = grid_tracker(spec.tracking, spec.name, root)

    def phase(cells: list[Cell], what: str) -> list[Outcome]:
        return run_cells(cells, spec.executor, root, res, f"grid {spec.name}: {what}", spec.retries, track)

    jobs = [(tag, v, d) for tag, v in variants(spec) for d in v.datasets]
    outcomes: list[Outcome] = phase(
        [gt_cell(v, tag, d, root, papermill) for tag, v, d in jobs], "ground truth"
    )
    cells = []
    for tag, v, d in jobs:
        cell, blocked = transfer_cell(v, tag, d, root, papermill)
        outcomes += blocked
        cells += [cell] if cell else []
    outcomes += phase(cells, "weak to strong")
    if plot:
        write_grid_report(root, papermill)
    if any(not o.ok for o in outcomes):
        raise GridFailed(spec.name, outcomes, root)
    return root


def write_grid_report(root: Path, papermill: bool = True) -> None:
    if papermill:
        run_notebook("03", root, {"run_root": str(root), "out_dir": str(root)})
    else:
        from .report import write_report

        write_report(root, root)


__all__ = ["GridSpecError", "load_spec", "run_grid", "validate", "variants", "GridFailed", "Outcome", "PLOT"]
