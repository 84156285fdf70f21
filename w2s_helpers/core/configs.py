"""Typed configuration helpers shared by every flow's config dataclasses.

A field is declared with `param(default, why)`: the why is the field's help text, shown
in the notebooks' generated `parameters` cells and in `--help`. The same declaration says
once whether the field changes a result (`result=False`: how or where the work runs),
under which condition it does (`when`), and what of its value is hashed (`key`: a data
file by its content, a model by the weights it loads); `identity` hashes exactly that, for
every config of both flows. `coerce` turns values into the declared types (so `epochs: 2`
from YAML and `2.0` hash the same), and `from_dict` refuses a field the config does not
have, naming the valid ones.
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import Field
from pathlib import Path
from typing import Any, Literal, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A config value of the wrong type or out of range; the message names the field."""


def param(
    default: Any,
    why: str,
    *,
    result: bool = True,
    when: Callable[[Any], bool] | None = None,
    key: Callable[[Any, Any], Any] | None = None,
    path: bool = False,
) -> Any:
    """A dataclass field with a default and its one-line reason (mutable defaults are copied).

    result: False for a field that never changes what a run computes (batching, placement,
        tracking); it is left out of every identity.
    when: the field changes the result only where `when(config)` holds (a loss's own
        parameter, say); elsewhere it is left out, so configs that mean the same hash the same.
    key: `key(value, config)` is hashed instead of the value (file content, weights identity).
    path: a file or folder; a grid spec resolves it relative to the spec's own folder.
    """
    meta = {"help": why, "result": result, "when": when, "key": key, "path": path}
    if isinstance(default, list | dict | set):
        return dataclasses.field(default_factory=lambda: copy.deepcopy(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def identity(config: Any) -> dict:
    """The fields of `config` that change its result, each as its declaration says to hash it:
    the one definition of a run's identity for every config type."""
    out = {}
    for f in dataclasses.fields(config):
        meta = f.metadata
        if not meta.get("result", True) or (meta.get("when") and not meta["when"](config)):
            continue
        value = getattr(config, f.name)
        out[f.name] = meta["key"](value, config) if meta.get("key") else value
    return out


def path_fields(cls: type) -> list[str]:
    """The fields declared as files or folders (`param(..., path=True)`)."""
    return [f.name for f in dataclasses.fields(cls) if f.metadata.get("path")]


def field_help(cls: type) -> dict[str, str]:
    return {f.name: f.metadata.get("help", "") for f in dataclasses.fields(cls)}


def field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def defaults(cls: type) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(cls):
        out[f.name] = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
    return out


def _convert(name: str, value: Any, hint: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in (a for a in args if a is not type(None)):
            try:
                return _convert(name, value, arg)
            except ConfigError as e:
                errors.append(str(e))
        raise ConfigError(errors[0] if len(errors) == 1 else f"{name}: {value!r} fits none of {hint}")
    if origin is Literal:
        if value not in args:
            raise ConfigError(f"{name}: {value!r}; expected one of {list(args)}")
        return value
    if origin in (list, tuple):
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ConfigError(f"{name}: {value!r}; expected a list")
        inner = args[0] if args else Any
        return [_convert(name, v, inner) for v in value]
    if origin is dict or hint is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{name}: {value!r}; expected a mapping")
        return dict(value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{name}: {value!r}; expected true or false")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{name}: {value!r}; expected a number")
        return float(value)
    if hint is int:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name}: {value!r}; expected an integer")
        return value
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{name}: {value!r}; expected a string")
        return value
    return value


def coerce(instance: Any) -> None:
    """Convert every field of a dataclass instance to its declared type, in place."""
    hints = typing.get_type_hints(type(instance))
    for f in dataclasses.fields(instance):
        setattr(instance, f.name, _convert(f.name, getattr(instance, f.name), hints[f.name]))


def from_dict(cls: type[T], d: dict, where: str = "") -> T:
    """Build `cls` from a mapping; unknown names and bad values raise ConfigError naming them."""
    names = field_names(cls)
    unknown = sorted(set(d) - set(names))
    prefix = f"{where}: " if where else ""
    if unknown:
        raise ConfigError(f"{prefix}unknown field(s) {unknown}; expected some of {sorted(names)}")
    try:
        return cls(**d)
    except ConfigError as e:
        raise ConfigError(f"{prefix}{e}") from None


def from_params(cls: type[T], namespace: dict, **fixed: Any) -> T:
    """Build `cls` from a notebook's parameter variables: the fields they name, then the
    fields of the `recipe` file they name (which override the cell), then `fixed` (what
    the notebook varies itself, e.g. the model of each run)."""
    names = set(field_names(cls))
    values = {k: v for k, v in namespace.items() if k in names}
    if namespace.get("recipe"):
        values.update(read_recipe(namespace["recipe"], cls))
    return from_dict(cls, {**values, **fixed})


def read_recipe(path: str | Path, cls: type) -> dict:
    """The config fields a recipe file sets: a YAML/JSON mapping of `cls` fields, or a grid
    spec (its `base`). Paths in it are taken from the file's folder; an unknown field is a
    ConfigError naming the file."""
    import yaml

    from .paths import resolve_if_path, resolve_path

    path = resolve_path(path)
    if not path.is_file():
        raise ConfigError(f"recipe: {path}: no such file")
    raw = yaml.safe_load(path.read_text()) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"recipe: {path}: expected a mapping of config fields")
    values = dict(raw.get("base", {})) if "base" in raw else raw
    unknown = sorted(set(values) - set(field_names(cls)))
    if unknown:
        raise ConfigError(f"recipe: {path}: unknown field(s) {unknown} of {cls.__name__}")
    paths = set(path_fields(cls))
    return {k: resolve_if_path(v, path.parent) if k in paths else v for k, v in values.items()}


def to_dict(instance: Any) -> dict:
    return dataclasses.asdict(instance)


def replace(instance: T, **changes) -> T:
    return dataclasses.replace(instance, **changes)


__all__ = [
    "ConfigError",
    "Field",
    "coerce",
    "defaults",
    "field_help",
    "from_dict",
    "from_params",
    "identity",
    "param",
    "path_fields",
]
