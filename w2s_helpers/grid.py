"""Grid sweeps over datasets x ladder x losses x seeds, as the reference sweep does.

Every ground-truth run once, every weak < strong pair once per (dataset, seed, loss);
runs whose result is on disk are skipped, so an interrupted grid resumes where it
stopped. The notebooks do the work: 01 per (dataset, model) over the seeds, 02 per
(dataset, weak, strong) over seeds and losses, 03 to plot, each executed copy kept in
`<root>/notebooks/`. `papermill=False` calls the same helpers in-process (tests, debugging).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import time
from pathlib import Path

import yaml
from tqdm.auto import tqdm

from . import classification, runs, tasks, zoo
from .config import ClassificationConfig, GridSpec
from .fileio import write_json
from .losses import LOSSES
from .notebooks import run_notebook

log = logging.getLogger(__name__)


class GridSpecError(ValueError):
    pass


def _valid_dataset(name: str) -> bool:
    return name in tasks.TASKS or Path(name).suffix.lower() in (".jsonl", ".json", ".csv", ".tsv", ".parquet")


def validate(spec: GridSpec, where: str = "grid spec") -> GridSpec:
    """Check every name and pair before anything trains; errors name the field and the choices."""
    for d in spec.datasets:
        if not _valid_dataset(d):
            raise GridSpecError(
                f"{where}: datasets: unknown dataset {d!r}; expected one of {sorted(tasks.TASKS)} or a file path"
            )
    for m in spec.models:
        try:
            zoo.get_spec(m)
        except zoo.UnknownModelError as e:
            raise GridSpecError(f"{where}: models: {e}") from None
    if len(set(spec.models)) != len(spec.models):
        raise GridSpecError(f"{where}: models: the ladder repeats a model: {spec.models}")
    for loss in spec.losses:
        if loss not in LOSSES:
            raise GridSpecError(f"{where}: losses: unknown loss {loss!r}; expected one of {sorted(LOSSES)}")
    if not spec.seeds:
        raise GridSpecError(f"{where}: seeds: at least one seed is needed")
    if spec.order_by not in ("ladder", "gt_accuracy"):
        raise GridSpecError(f"{where}: order_by: {spec.order_by!r}; expected 'ladder' or 'gt_accuracy'")
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
        for _, v in variants(spec):
            base_config(v, spec.datasets[0], spec.models[0], spec.seeds[0])
    except (TypeError, ValueError) as e:
        raise GridSpecError(f"{where}: base/sweep: {e}") from None
    return spec


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


def load_spec(path: str | Path):
    """A classification GridSpec, or a ReasoningGridSpec for `pipeline: reasoning`."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such grid spec")
    raw = yaml.safe_load(path.read_text()) or {}
    pipeline = raw.get("pipeline", "classification")
    if pipeline == "reasoning":
        from .reasoning_grid import ReasoningGridSpec
        from .reasoning_grid import validate as validate_reasoning

        spec_cls, check = ReasoningGridSpec, validate_reasoning
    elif pipeline == "classification":
        raw.pop("pipeline", None)
        spec_cls, check = GridSpec, validate
    else:
        raise GridSpecError(f"{path}: pipeline: {pipeline!r}; expected 'classification' or 'reasoning'")
    names = {f.name for f in dataclasses.fields(spec_cls)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise GridSpecError(f"{path}: unknown field(s) {unknown}; expected some of {sorted(names)}")
    raw.setdefault("name", path.stem)
    return check(spec_cls(**raw), str(path))


def base_config(spec: GridSpec, dataset: str, model: str, seed: int, **kw) -> ClassificationConfig:
    return ClassificationConfig.from_dict(
        {**spec.base, "dataset": dataset, "model": model, "seed": seed, **kw}
    )


def gt_configs(spec: GridSpec) -> list[ClassificationConfig]:
    return [
        base_config(v, d, m, s)
        for _, v in variants(spec)
        for d, m, s in itertools.product(spec.datasets, spec.models, spec.seeds)
    ]


def ladder_order(spec: GridSpec, dataset: str, root: Path) -> list[str]:
    """The ladder for `dataset`: as declared, or sorted by mean measured gt accuracy."""
    if spec.order_by == "ladder":
        return list(spec.models)

    def mean_acc(model: str) -> float:
        accs = [
            runs.completed(runs.run_dir(root, base_config(spec, dataset, model, s).run_id()))["test_acc"]
            for s in spec.seeds
        ]
        return sum(accs) / len(accs)

    return sorted(spec.models, key=mean_acc)


def pairs(spec: GridSpec, dataset: str, root: Path) -> list[tuple[str, str]]:
    if spec.pairs:
        return [tuple(p) for p in spec.pairs]
    return list(itertools.combinations(ladder_order(spec, dataset, root), 2))


def transfer_configs(spec: GridSpec, root: Path) -> list[ClassificationConfig]:
    return [
        base_config(v, d, strong, s, weak_model=weak, loss=loss)
        for _, v in variants(spec)
        for d in spec.datasets
        for weak, strong in pairs(v, d, root)
        for s in spec.seeds
        for loss in spec.losses
    ]


def notebook_params(
    cfg: ClassificationConfig, root: Path, seeds: list[int], losses: list[str] | None = None
) -> dict:
    """Papermill parameters for 01 (losses None) or 02: the config's fields that can change
    the result, with the seed and loss lists in place of single values."""
    p = {k: v for k, v in cfg.result_fields().items() if k not in ("seed", "loss", "weak_model")}
    p.update(seeds=list(seeds), run_root=str(root))
    if losses is not None:
        p.update(
            losses=list(losses), weak_model=cfg.weak_model, aux_coef=cfg.aux_coef, warmup_frac=cfg.warmup_frac
        )
    return p


def _done(cfg: ClassificationConfig, root: Path) -> bool:
    return runs.completed(runs.run_dir(root, cfg.run_id())) is not None


def run_grid(
    spec: GridSpec, root: str | Path | None = None, papermill: bool = True, plot: bool = True
) -> Path:
    """Run (or resume) the whole grid; returns the grid's results folder."""
    from .paths import results_dir

    root = Path(root) if root else results_dir() / spec.name
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / "grid.json", dataclasses.asdict(spec))
    n_pairs = len(spec.pairs) if spec.pairs else len(spec.models) * (len(spec.models) - 1) // 2
    n_transfer = len(variants(spec)) * len(spec.datasets) * n_pairs * len(spec.seeds) * len(spec.losses)
    total = len(gt_configs(spec)) + n_transfer
    bar = tqdm(total=total, desc=f"grid {spec.name}", unit="run")
    t0 = time.time()

    def group(
        stem: str, cfgs: list[ClassificationConfig], label: str, losses: list[str] | None = None
    ) -> None:
        done = sum(_done(c, root) for c in cfgs)
        bar.update(done)
        if done == len(cfgs):
            return
        bar.set_postfix_str(label)
        if papermill:
            run_notebook(stem, root / "notebooks" / label, notebook_params(cfgs[0], root, spec.seeds, losses))
        else:
            for c in cfgs:
                if not _done(c, root):
                    classification.run(c, root)
        bar.update(len(cfgs) - done)

    for tag, v in variants(spec):
        for d, m in itertools.product(v.datasets, v.models):
            group("01", [base_config(v, d, m, s) for s in v.seeds], f"{Path(d).stem}__gt__{m}{tag}")
    for tag, v in variants(spec):
        for d in v.datasets:
            for weak, strong in pairs(v, d, root):
                cfgs = [
                    base_config(v, d, strong, s, weak_model=weak, loss=loss)
                    for s in v.seeds
                    for loss in v.losses
                ]
                group("02", cfgs, f"{Path(d).stem}__{weak}__to__{strong}{tag}", v.losses)
    bar.close()
    log.info("grid %s: %d runs in %.0fs", spec.name, total, time.time() - t0)
    if plot:
        if papermill:
            run_notebook("03", root, {"run_root": str(root), "out_dir": str(root)})
        else:
            from .report import write_report

            write_report(root, root)
    return root
