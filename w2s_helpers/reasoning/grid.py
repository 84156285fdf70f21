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
from ..scale import memory
from ..scale.executors import check_executor, run_cells
from ..scale.plan import PlanRow
from ..scale.resources import Resources
from ..scale.tracking import grid_tracker
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


def validate(spec: ReasoningGridSpec, where: str = "grid spec", check_data: bool = True) -> ReasoningGridSpec:
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
    try:
        Resources(**spec.resources)
    except (TypeError, ValueError, ConfigError) as e:
        raise ReasoningSpecError(f"{where}: resources: {e}") from None
    if not check_data:
        return spec
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


def load_spec(path: str | Path, raw: dict, check_data: bool = True) -> ReasoningGridSpec:
    path = Path(path)
    raw = {**raw}
    raw.setdefault("name", path.stem)
    try:
        spec = from_dict(ReasoningGridSpec, raw)
    except ConfigError as e:
        raise ReasoningSpecError(f"{path}: {e}") from None
    return validate(resolve_spec_paths(spec, path.parent), str(path), check_data)


def configs(spec: ReasoningGridSpec) -> list[ReasoningConfig]:
    return [
        from_dict(
            ReasoningConfig, {**spec.base, "dataset": d, "weak_model": w, "strong_model": s, "seed": seed}
        )
        for d, (w, s), seed in itertools.product(spec.datasets, spec.pairs, spec.seeds)
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


def run_reasoning_grid(
    spec: ReasoningGridSpec, root: str | Path | None = None, papermill: bool = True
) -> Path:
    check_executor(spec.executor)
    root = Path(root) if root else results_dir() / spec.name
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / "grid.json", dataclasses.asdict(spec))
    if spec.tracking != "none":  # every trainer logs to the same place as the grid
        spec = dataclasses.replace(spec, base={"report_to": spec.tracking, **spec.base})
    track = grid_tracker(spec.tracking, spec.name, root)
    if spec.executor == "local":
        cells = [c for cfg in configs(spec) for c in experiment_cells(cfg, root, papermill)]
    else:  # one job per experiment: its stages run in order inside the job
        cells = []
        for cfg in configs(spec):
            chain = experiment_cells(cfg, root, papermill)
            cells.append(
                Cell(
                    experiment_dir(root, cfg).name, functools.partial(run_chain, chain), (), chain[-1].is_done
                )
            )
    outcomes = run_cells(
        cells, spec.executor, root, Resources(**spec.resources), f"grid {spec.name}", spec.retries, track
    )
    if any(not o.ok for o in outcomes):
        raise GridFailed(spec.name, outcomes)
    return root


def run_chain(cells: list[Cell]) -> None:
    """An experiment's stages in order (inside one cluster job); raises on the first failure."""
    outcomes = run_local(cells, cells[0].key.split("/")[0])
    if any(not o.ok for o in outcomes):
        bad = next(o for o in outcomes if not o.ok)
        raise RuntimeError(f"{bad.key}: {bad.status}: {bad.error}")


def _train_row(cfg: ReasoningConfig, res: Resources, key: str, m: zoo.ModelSpec, what: str) -> PlanRow:
    est = memory.train_run(m, res, "lora", cfg)
    params = f"LoRA r{cfg.lora_r} bs={cfg.batch_size} len={cfg.max_length}"
    return PlanRow(f"{key} {what}", f"{Path(m.name).name} ({m.params_m:g}M)", params, est)


def _gen_row(cfg: ReasoningConfig, res: Resources, key: str, m: zoo.ModelSpec, what: str, n: int) -> PlanRow:
    seq = cfg.max_new_tokens + 512  # a few-shot prompt and the answer
    est = memory.generation(m, res, cfg.backend, cfg.tensor_parallel_size, cfg.dtype, cfg.gen_batch_size, seq)
    params = f"{cfg.backend} x{n} new={cfg.max_new_tokens}"
    return PlanRow(f"{key} {what}", f"{Path(m.name).name} ({m.params_m:g}M)", params, est)


def plan_rows(spec: ReasoningGridSpec) -> list[PlanRow]:
    """One row per training or generation stage of every experiment: the strategy it
    takes on the declared hardware and its peak memory per device."""
    res = Resources(**spec.resources)
    rows = []
    for cfg in configs(spec):
        key = (
            f"{Path(cfg.dataset).stem} {Path(cfg.weak_model).name}->{Path(cfg.strong_model).name} s{cfg.seed}"
        )
        weak, strong = zoo.get_spec(cfg.weak_model), zoo.get_spec(cfg.strong_model)
        if cfg.weak_sft:
            rows.append(_train_row(cfg, res, key, weak, "weak SFT on train_1"))
        rows.append(_gen_row(cfg, res, key, weak, "weak answers train_2 and test", 1))
        rows.append(_gen_row(cfg, res, key, strong, "strong in-context answers", 1))
        for it in range(1, cfg.iterations + 1):
            rows.append(_train_row(cfg, res, key, strong, f"stage I iteration {it} SFT"))
        rows.append(_gen_row(cfg, res, key, strong, "stage II sampling", cfg.k_samples))
        rows.append(_train_row(cfg, res, key, strong, f"stage II {cfg.pref_method}"))
        if cfg.ceiling:
            rows.append(_train_row(cfg, res, key, strong, "strong ceiling SFT (gold train_2)"))
        rows.append(_gen_row(cfg, res, key, strong, "test evaluation of every method", cfg.eval_k))
    return rows


def gather(root: str | Path) -> list[dict]:
    """The done record of every finished experiment under a grid root."""
    return [runs.completed(p.parent) for p in sorted(Path(root).glob("experiments/*/result.json"))]
