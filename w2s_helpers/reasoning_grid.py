"""Grids of reasoning experiments: datasets x (weak, strong) pairs x seeds.

Each experiment runs the notebooks 10, 11, 12, 13, 14 and 19 in order with papermill,
into its own folder; the stages cache every adapter and generation, so a resumed grid
redoes nothing, and an experiment with its `done.json` record is skipped outright.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from . import zoo
from .fileio import read_json, write_json
from .notebooks import notebook_metrics, run_notebook
from .reasoning import ReasoningConfig, _hash

log = logging.getLogger(__name__)

STAGES = ("10", "11", "12", "13", "14")


@dataclass
class ReasoningGridSpec:
    name: str = "reasoning"
    pipeline: str = "reasoning"
    datasets: list[str] = field(default_factory=lambda: ["gsm8k"])
    pairs: list[list[str]] = field(
        default_factory=lambda: [["smollm2-135m", "qwen2.5-0.5b"]]
    )  # [weak, strong]
    seeds: list[int] = field(default_factory=lambda: [0])
    base: dict = field(default_factory=dict)  # ReasoningConfig fields shared by every experiment


def validate(spec: ReasoningGridSpec, where: str = "grid spec") -> ReasoningGridSpec:
    from .grid import GridSpecError
    from .mathdata import MATH_DATASETS

    for d in spec.datasets:
        if d not in MATH_DATASETS and not d.endswith(".jsonl"):
            raise GridSpecError(
                f"{where}: datasets: unknown math dataset {d!r}; expected one of {MATH_DATASETS}"
            )
    for pair in spec.pairs:
        if len(pair) != 2:
            raise GridSpecError(f"{where}: pairs: {pair} must be [weak, strong]")
        for m in pair:
            try:
                zoo.get_spec(m)
            except zoo.UnknownModelError as e:
                raise GridSpecError(f"{where}: pairs: {e}") from None
    names = {f.name for f in dataclasses.fields(ReasoningConfig)}
    unknown = sorted(set(spec.base) - names)
    if unknown:
        raise GridSpecError(f"{where}: base: unknown field(s) {unknown}; expected some of {sorted(names)}")
    try:
        configs(spec)
    except (TypeError, ValueError) as e:
        raise GridSpecError(f"{where}: base: {e}") from None
    return spec


def configs(spec: ReasoningGridSpec) -> list[ReasoningConfig]:
    return [
        ReasoningConfig(**{**spec.base, "dataset": d, "weak_model": w, "strong_model": s, "seed": seed})
        for d, (w, s), seed in itertools.product(spec.datasets, spec.pairs, spec.seeds)
    ]


def experiment_dir(root: Path, cfg: ReasoningConfig) -> Path:
    return (
        root
        / f"{Path(cfg.dataset).stem}__{cfg.weak_model}__to__{cfg.strong_model}__s{cfg.seed}-{_hash(cfg.__dict__)}"
    )


def run_reasoning_grid(spec: ReasoningGridSpec, root: str | Path | None = None) -> Path:
    from .paths import results_dir

    root = Path(root) if root else results_dir() / spec.name
    root.mkdir(parents=True, exist_ok=True)
    write_json(root / "grid.json", dataclasses.asdict(spec))
    cfgs = configs(spec)
    bar = tqdm(total=len(cfgs) * (len(STAGES) + 1), desc=f"grid {spec.name}", unit="stage")
    for cfg in cfgs:
        exp = experiment_dir(root, cfg)
        if (exp / "done.json").exists():
            bar.update(len(STAGES) + 1)
            continue
        params = {**cfg.__dict__, "run_root": str(exp)}
        for stage in STAGES:
            bar.set_postfix_str(f"{exp.name[:40]} {stage}")
            run_notebook(stage, exp / "notebooks", params)
            bar.update(1)
        out = run_notebook("19", exp, {"run_root": str(exp), "out_dir": str(exp)})
        bar.update(1)
        write_json(exp / "done.json", {"config": cfg.__dict__, **notebook_metrics(out)})
    bar.close()
    return root


def gather(root: str | Path) -> list[dict]:
    return [read_json(p) for p in sorted(Path(root).glob("*/done.json"))]
