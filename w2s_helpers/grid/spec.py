"""A grid spec: the fields every flow's spec shares, reading one from YAML, and the rules
that hold for every flow (before any data is read or anything trains).

A flow's spec extends `GridSpecBase` with its own axes (a classification ladder, reasoning
pairs); the same thing has the same name in both (`datasets`, `seeds`, `base`, `sweep`,
`executor`, `resources`, `retries`, `tracking`). Relative paths in a spec are taken from the
spec file's folder: the spec's own fields declared `path=True` and the config fields
declared so, wherever `base` or `sweep` name them.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..core.configs import ConfigError, field_names, from_dict, param, path_fields
from ..core.paths import resolve_if_path
from ..scale.resources import Resources


class SpecError(ValueError):
    """A bad grid spec; the message names the spec file and the field."""


@dataclass
class GridSpecBase:
    """What every grid has: a name, datasets x seeds (x the flow's own axes), the config
    fields its runs share and sweep, and how its cells run."""

    name: str = param("grid", "results land in results/<name>/")
    pipeline: str = param("classification", "which flow runs the spec: classification | reasoning")
    datasets: list[str] = param(["movie_sentiment"], "registry names or data files", path=True)
    seeds: list[int] = param([0, 1, 2], "one run per seed: three at least, seed-to-seed spread is real")
    base: dict = param({}, "config fields shared by every run of the grid")
    sweep: dict = param({}, "config field -> values: the whole grid runs for each combination")
    executor: Literal["local", "slurm", "submitit-local"] = param(
        "local", "local: this process; slurm: one submitit job per cell on a cluster"
    )
    resources: dict = param({}, "what each job gets and the machines have (Resources fields)")
    retries: int = param(1, "a failed or killed job is resubmitted this many times, then reported")
    tracking: Literal["none", "wandb", "tensorboard"] = param(
        "none", "log the grid's progress (and every trainer, via report_to); nothing is sent unless set"
    )


def read_yaml(path: str | Path) -> dict:
    """A spec file's mapping; a missing file, bad YAML or a non-mapping is a SpecError."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise SpecError(f"{path}: no such grid spec")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        raise SpecError(f"{path}: not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: expected a mapping of fields, got {type(raw).__name__}")
    return raw


def build_spec(cls: type, raw: dict, path: Path) -> Any:
    """`cls` from a spec file's mapping (named after the file unless it says otherwise)."""
    try:
        return from_dict(cls, {"name": path.stem, **raw}, str(path))
    except ConfigError as e:
        raise SpecError(str(e)) from None


def _fix(value: Any, base_dir: Path) -> Any:
    if isinstance(value, list):
        return [_fix(v, base_dir) for v in value]
    return resolve_if_path(value, base_dir)


def resolve_paths(spec: Any, config_type: type, base_dir: Path | None) -> Any:
    """Every path the spec names, relative to its folder, made absolute."""
    if base_dir is None:
        return spec
    config_paths = set(path_fields(config_type))
    changes = {
        f.name: _fix(getattr(spec, f.name), base_dir)
        for f in dataclasses.fields(spec)
        if f.metadata.get("path")
    }
    changes["base"] = {k: _fix(v, base_dir) if k in config_paths else v for k, v in spec.base.items()}
    changes["sweep"] = {k: _fix(v, base_dir) if k in config_paths else v for k, v in spec.sweep.items()}
    return dataclasses.replace(spec, **changes)


def check_common(spec: GridSpecBase, config_type: type, fixed: set[str], where: str) -> None:
    """The rules of every flow: seeds, resources, base and sweep name config fields (the
    grid's own axes `fixed` excepted), each sweep a non-empty list."""
    if not spec.datasets:
        raise SpecError(f"{where}: datasets: at least one dataset is needed")
    if not spec.seeds:
        raise SpecError(f"{where}: seeds: at least one seed is needed")
    names = set(field_names(config_type))
    for what, keys in (("base", spec.base), ("sweep", spec.sweep)):
        unknown = sorted(set(keys) - names)
        if unknown:
            raise SpecError(
                f"{where}: {what}: unknown field(s) {unknown}; expected fields of {config_type.__name__}"
            )
    for key, values in spec.sweep.items():
        if key in fixed or not isinstance(values, list) or not values:
            raise SpecError(
                f"{where}: sweep: {key!r} must be a config field other than {sorted(fixed)}, "
                "with a non-empty list of values"
            )
    try:
        Resources(**spec.resources)
    except (TypeError, ValueError, ConfigError) as e:
        raise SpecError(f"{where}: resources: {e}") from None


def variants(spec: Any) -> list[tuple[str, Any]]:
    """One (tag, spec) per combination of the swept values (just the spec when no sweep);
    the tag names the combination in cell keys."""
    if not spec.sweep:
        return [("", spec)]
    keys = sorted(spec.sweep)
    out = []
    for values in itertools.product(*(spec.sweep[k] for k in keys)):
        combo = dict(zip(keys, values))
        tag = "__" + "_".join(f"{k}{v}" for k, v in combo.items())
        out.append((tag, dataclasses.replace(spec, base={**spec.base, **combo}, sweep={})))
    return out
