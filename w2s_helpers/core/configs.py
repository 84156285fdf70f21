"""Typed configuration helpers shared by every flow's config dataclasses.

A field is declared with `param(default, why)`: the why is the field's help text, shown
in the notebooks' generated `parameters` cells and in `--help`. `coerce` turns values into
the declared types (so `epochs: 2` from YAML and `2.0` hash the same), and `from_dict`
refuses a field the config does not have, naming the valid ones.
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from dataclasses import Field
from typing import Any, Literal, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A config value of the wrong type or out of range; the message names the field."""


def param(default: Any, why: str) -> Any:
    """A dataclass field with a default and its one-line reason (mutable defaults are copied)."""
    if isinstance(default, list | dict | set):
        return dataclasses.field(default_factory=lambda: copy.deepcopy(default), metadata={"help": why})
    return dataclasses.field(default=default, metadata={"help": why})


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


def from_params(cls: type[T], namespace: dict) -> T:
    """Build `cls` from a notebook's parameter variables (the fields it names)."""
    names = set(field_names(cls))
    return cls(**{k: v for k, v in namespace.items() if k in names})


def to_dict(instance: Any) -> dict:
    return dataclasses.asdict(instance)


def replace(instance: T, **changes) -> T:
    return dataclasses.replace(instance, **changes)


__all__ = ["ConfigError", "Field", "coerce", "defaults", "field_help", "from_dict", "from_params", "param"]
