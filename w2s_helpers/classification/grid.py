"""A classification grid's rules and cells: datasets x ladder x methods x seeds, as the
reference sweep does.

Every ground-truth run once, every weak <= strong pair once per (dataset, seed, method): as
the reference sweep, the pairs include each model with itself (weak -> weak, `self_transfer`),
which shows whether a student can reproduce its teacher at all (its PGR is undefined). The
notebooks do the work (01 per dataset over the ladder and seeds, 02 per dataset over every
pair, 03 to report), each executed copy kept in `<root>/notebooks/`; `papermill=False` calls
the same stage functions in process. Reading, checking, running and resuming a spec are
the engine's (`grid.engine`, through `flow`); this module says what the cells are.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Iterator
from pathlib import Path

from .. import zoo
from ..core.configs import ConfigError, from_dict
from ..core.fileio import DataError
from ..core.notebooks import run_notebook
from ..core.runs import completed
from ..grid.cells import Cell, Outcome
from ..grid.flow import Phase
from ..grid.spec import SpecError, variants
from ..scale.resources import Resources
from . import sizing
from .config import LOSS_NAMES, RUN_FIELDS, ClassificationConfig, ClassificationGridSpec, dataset_stem
from .data import IMAGE_TASKS, check_counts, check_dataset, is_file_dataset, modality, usable_examples
from .methods import expand, transfer_overrides
from .notebooks import GROUND_TRUTH, WEAK_TO_STRONG

log = logging.getLogger(__name__)


def methods(spec: ClassificationGridSpec) -> list[dict]:
    """The transfer methods: the spec's `methods` (config overrides), else one per loss."""
    return [dict(m) for m in spec.methods] or [{"loss": loss} for loss in spec.losses]


def base_config(
    spec: ClassificationGridSpec, dataset: str, model: str = "", seed: int = 0, **kw
) -> ClassificationConfig:
    return from_dict(
        ClassificationConfig, {**spec.base, "dataset": dataset, "model": model, "seed": seed, **kw}
    )


def _with_self(spec: ClassificationGridSpec, ladder: list[str]) -> list[tuple[str, str]]:
    """The spec's pairs (or every weak < strong pair of `ladder`) and, with `self_transfer`,
    each model of the ladder with itself: (m, m) after the pairs whose weak model is m, as
    the reference sweep orders them (for i: for j in range(i, n))."""
    declared = [(w, s) for w, s in spec.pairs] if spec.pairs else list(itertools.combinations(ladder, 2))
    if not spec.self_transfer:
        return declared
    out = []
    for m in ladder:
        out += [(m, m), *(p for p in declared if p[0] == m and p[1] != m)]
    return out


def declared_pairs(spec: ClassificationGridSpec) -> list[tuple[str, str]]:
    """The pairs of the ladder as declared: the spec's or every weak < strong pair, and each
    model with itself unless `self_transfer` is off."""
    return _with_self(spec, list(spec.models))


def check_spec(spec: ClassificationGridSpec, where: str, check_data: bool) -> None:
    for d in spec.datasets:
        try:
            check_dataset(d)
        except KeyError as e:
            raise SpecError(f"{where}: datasets: {e}") from None
    for m in spec.models:
        try:
            zoo.get_spec(m)
        except zoo.UnknownModelError as e:
            raise SpecError(f"{where}: models: {e}") from None
    if len(set(spec.models)) != len(spec.models):
        raise SpecError(f"{where}: models: the ladder repeats a model: {spec.models}")
    for loss in spec.losses:
        if loss not in LOSS_NAMES:
            raise SpecError(f"{where}: losses: unknown loss {loss!r}; expected one of {sorted(LOSS_NAMES)}")
    for pair in spec.pairs or []:
        if len(pair) != 2 or any(m not in spec.models for m in pair):
            raise SpecError(f"{where}: pairs: {pair} must name two models of the ladder {spec.models}")
        weak, strong = pair
        if spec.models.index(weak) > spec.models.index(strong):
            raise SpecError(
                f"{where}: pairs: weak model {weak!r} is above strong model {strong!r} in the ladder {spec.models}"
            )
    fixed = {"dataset", "model", "weak_model", "seed"}
    for m in spec.methods:
        if not isinstance(m, dict) or not m or set(m) & fixed:
            raise SpecError(
                f"{where}: methods: {m!r} must be a mapping of config fields other than {sorted(fixed)}"
            )
    try:
        for _, v in variants(spec):
            cfg = base_config(v, spec.datasets[0], spec.models[0], spec.seeds[0])
            cfg.identity()
            for m in methods(v):
                base_config(v, spec.datasets[0], seed=spec.seeds[0], **_some_pair(m, spec, where))
    except (ConfigError, KeyError, ValueError) as e:
        raise SpecError(f"{where}: base/sweep: {e}") from None
    if check_data:
        for d in spec.datasets:
            try:
                check_data_counts(spec, d)
            except DataError as e:
                raise SpecError(f"{where}: datasets: {e}") from None
            except ConfigError as e:  # a setting that fits datasets[0] and not this one
                raise SpecError(f"{where}: base/sweep: {e}") from None


def _some_pair(method: dict, spec: ClassificationGridSpec, where: str) -> dict:
    """`method` expanded for the first pair of the declared ladder it applies to."""
    for w, st in [*itertools.combinations(spec.models, 2), *declared_pairs(spec)]:
        if (m := expand(method, w, st, spec.models)) is not None:
            return {"weak_model": w, "model": st, **m}
    raise SpecError(f"{where}: methods: {method!r} applies to no pair of the ladder {spec.models}")


def _data_settings(spec: ClassificationGridSpec, dataset: str) -> set[tuple]:
    """The distinct data settings the grid's runs on `dataset` load with (sweeps and methods)."""
    out = set()
    for _, v in variants(spec):
        gt = base_config(v, dataset, spec.models[0], spec.seeds[0])
        tr = [base_config(v, dataset, seed=spec.seeds[0], **_some_pair(m, spec, "")) for m in methods(v)]
        for c in (gt, *tr):
            out.add((c.n_train, c.n_test, c.balanced, c.text_column, c.label_column, c.pos_frac))
    return out


def check_data_counts(spec: ClassificationGridSpec, dataset: str) -> None:
    """A user's file or image folder, read and checked as each run will load it, before
    any run starts (DataError): every row or image, both labels, enough for n_train / n_test."""
    if is_file_dataset(dataset):
        settings = sorted(_data_settings(spec, dataset), key=str)
        for rules in {s[2:] for s in settings}:  # the file is read once per rule set, not per count
            balanced, text_column, label_column, pos_frac = rules
            train, test, _, rows = usable_examples(dataset, "auto", 0, *rules)
            for n_train, n_test, *_ in (s for s in settings if s[2:] == rules):
                check_counts(dataset, train, test, n_train, n_test, rows, balanced, pos_frac)
    elif modality(dataset) == "image" and dataset not in IMAGE_TASKS:  # a folder of class folders
        from .images import check_image_counts

        check_image_counts(dataset, max(s[1] for s in _data_settings(spec, dataset)))


def _mean_gt_acc(spec: ClassificationGridSpec, dataset: str, model: str, root: Path) -> float | None:
    accs = []
    for s in spec.seeds:
        rec = completed(base_config(spec, dataset, model, s).run_dir(root))
        if rec is None:
            return None
        accs.append(rec["val_acc"])  # validation, never test: the order must not be chosen on test
    return sum(accs) / len(accs)


def ladder(spec: ClassificationGridSpec, dataset: str, root: Path) -> list[str]:
    """The ladder for `dataset`: as declared, or sorted by mean ground-truth *validation*
    accuracy (models whose gt runs did not all finish keep their declared place)."""
    if spec.order_by == "ladder":
        return list(spec.models)
    accs = {m: _mean_gt_acc(spec, dataset, m, root) for m in spec.models}
    measured = iter(sorted((m for m in spec.models if accs[m] is not None), key=lambda m: accs[m]))
    return [m if accs[m] is None else next(measured) for m in spec.models]


def pairs(spec: ClassificationGridSpec, dataset: str, root: Path) -> list[tuple[str, str]]:
    """The pairs that train: the spec's, or every weak < strong pair of the (ordered) ladder,
    and each model with itself (`self_transfer`)."""
    if spec.pairs:
        return declared_pairs(spec)
    return _with_self(spec, ladder(spec, dataset, root))


def _done(cfgs: list[ClassificationConfig], root: Path) -> bool:
    return all(completed(c.run_dir(root)) is not None for c in cfgs)


def _run_in_process(cfgs: list[ClassificationConfig], root: Path) -> None:
    from . import stages

    ceilings = {
        c.ground_truth(c.model).run_id(): c.ground_truth(c.model) for c in cfgs if c.kind == "transfer"
    }
    stages.run_all([*cfgs, *ceilings.values()], root)  # notebook 02 also makes sure both ceilings exist


def gt_cells(v: ClassificationGridSpec, tag: str, dataset: str, root: Path, papermill: bool) -> list[Cell]:
    """One cell (one notebook 01) per dataset and job size: every model of the ladder whose
    runs need that job, every seed (on a CPU: one cell per dataset)."""
    groups = gt_jobs(v, dataset)
    return [_gt_cell(v, tag, dataset, root, papermill, job, models) for job, models in groups]


def gt_jobs(v: ClassificationGridSpec, dataset: str) -> list[tuple[sizing.Job, list[str]]]:
    """The ladder's models grouped by the job size their ground-truth runs need."""
    configs = functools.partial(lambda v, d, m: [base_config(v, d, m, v.seeds[0])], v, dataset)
    return sizing.split(v.models, configs, Resources(**v.resources))


def transfer_jobs(
    v: ClassificationGridSpec, dataset: str, todo: list[list[str]], order: list[str] | None = None
) -> list[tuple[sizing.Job, list[list[str]]]]:
    """[weak, strong] pairs grouped by the job size their strong model's runs need (`order`:
    the ladder the methods' `between` reads; default: as declared)."""
    order = order or list(v.models)
    configs = functools.partial(lambda v, d, p: _transfer_configs(v, d, [p], order), v, dataset)
    return sizing.split(todo, configs, Resources(**v.resources))


def _gt_cell(v, tag, dataset, root, papermill, job: sizing.Job, models: list[str]) -> Cell:
    key = f"{dataset_stem(dataset)}__gt{job.suffix}{tag}"
    cfgs = [base_config(v, dataset, m, s, **job.compute) for m in models for s in v.seeds]
    if papermill:
        params = GROUND_TRUTH.parameters_for(
            cfgs[0], RUN_FIELDS, models=list(models), seeds=list(v.seeds), run_root=str(root)
        )
        task = functools.partial(
            run_notebook, "01", root / "notebooks" / key, params, config=ClassificationConfig
        )
    else:
        task = functools.partial(_run_in_process, cfgs, root)
    return Cell(key, task, is_done=functools.partial(_done, cfgs, root), resources=job.resources)


def transfer_cells(
    v: ClassificationGridSpec, tag: str, dataset: str, root: Path, papermill: bool
) -> tuple[list[Cell], list[Outcome]]:
    """One cell (one notebook 02) per dataset and the strong models' job size: every pair
    whose ground truth finished, over seeds and methods; the pairs of a model whose ground
    truth failed are reported blocked."""
    finished = {m for m in v.models if _done([base_config(v, dataset, m, s) for s in v.seeds], root)}
    todo, blocked = [], []
    for weak, strong in pairs(v, dataset, root):
        if {weak, strong} <= finished:
            todo.append([weak, strong])
        else:
            missing = next(m for m in (weak, strong) if m not in finished)
            key = f"{dataset_stem(dataset)}__{Path(weak).name}__to__{Path(strong).name}{tag}"
            why = f"needs the ground truth of {Path(missing).name}, which did not finish"
            blocked.append(Outcome(key, "blocked", why))
    order = ladder(v, dataset, root)
    groups = transfer_jobs(v, dataset, todo, order)
    cells = [_transfer_cell(v, tag, dataset, root, papermill, job, ps, order) for job, ps in groups]
    return [c for c in cells if c is not None], blocked


def _transfer_configs(
    v, dataset: str, todo: list[list[str]], order: list[str], **compute
) -> list[ClassificationConfig]:
    """Every run of these pairs: seeds x methods, each method expanded for its pair."""
    runs = transfer_overrides(todo, v.seeds, methods(v), order)
    return [base_config(v, dataset, **run, **compute) for run in runs]


def _transfer_cell(
    v, tag, dataset, root, papermill, job: sizing.Job, todo: list[list[str]], order
) -> Cell | None:
    key = f"{dataset_stem(dataset)}__transfer{job.suffix}{tag}"
    cfgs = _transfer_configs(v, dataset, todo, order, **job.compute)
    if not cfgs:  # no method applies to these pairs
        return None
    if papermill:
        params = WEAK_TO_STRONG.parameters_for(
            cfgs[0],
            RUN_FIELDS,
            pairs=todo,
            seeds=list(v.seeds),
            losses=list(v.losses),
            methods=list(v.methods),
            ladder=list(order),
            run_root=str(root),
        )
        task = functools.partial(
            run_notebook, "02", root / "notebooks" / key, params, config=ClassificationConfig
        )
    else:
        task = functools.partial(_run_in_process, cfgs, root)
    return Cell(key, task, is_done=functools.partial(_done, cfgs, root), resources=job.resources)


def phases(spec: ClassificationGridSpec, root: Path, papermill: bool) -> Iterator[Phase]:
    log.info("grid %s: %s", spec.name, run_counts(spec))
    jobs = [(tag, v, d) for tag, v in variants(spec) for d in v.datasets]
    yield Phase("ground truth", [c for tag, v, d in jobs for c in gt_cells(v, tag, d, root, papermill)])
    cells, blocked = [], []
    for tag, v, d in jobs:  # built after the ground truth ran: the ladder order is measured
        made, b = transfer_cells(v, tag, d, root, papermill)
        blocked += b
        cells += made
    yield Phase("weak to strong", cells, blocked)


def run_counts(spec: ClassificationGridSpec) -> dict[str, int]:
    """How many runs the grid has (transfer pairs counted from the declared ladder)."""
    n_var = len(variants(spec))
    gt = n_var * len(spec.datasets) * len(spec.models) * len(spec.seeds)
    n_transfer = len(transfer_overrides(declared_pairs(spec), spec.seeds, methods(spec), spec.models))
    return {"gt_runs": gt, "transfer_runs": n_var * len(spec.datasets) * n_transfer}
