"""Where a model's weights come from and what identifies them, for every modality.

`identity` says which weights a name loads without loading anything, so that every cache
key and run id changes when the source does (offline GGUF vs hub weights, an image
model's offline package vs its download). No torch here: configs and reports call it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.hashing import file_sha256, stable_hash
from .convert import CONVERSION_VERSION
from .images.spec import IMPLEMENTATION, ImageModelSpec
from .registry import MODELS, SOURCES, TEXT, Spec, UnknownModelError, get_spec, names, split_block
from .tiny import tiny_key

_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".json", ".model", ".txt", ".gguf")


def resolve_source(spec: Spec, source: str = "auto") -> str:
    """'tiny', 'offline', 'hub' or (a text checkpoint folder) 'local': where `spec`'s
    weights will be read from under `source`."""
    if source not in SOURCES:
        raise ValueError(f"source {source!r}: expected one of {SOURCES}")
    if spec.is_random:
        return "tiny"
    if spec.name not in MODELS:  # an ad-hoc text spec: a hub id or a local folder
        return "hub" if spec.hub_id == spec.name else "local"
    if spec.offline is not None and source in ("auto", "offline"):
        return "offline"
    if source == "hub" and not spec.online:
        raise UnknownModelError(f"model {spec.name!r} has no hub source (offline only): use source 'auto'")
    if source == "offline" or not spec.online:
        kind = ("image",) if spec.modality == "image" else TEXT
        raise UnknownModelError(
            f"model {spec.name!r} has no offline source; offline models: {names(*kind, offline=True)}"
        )
    return "hub"


def identity(name: str, source: str = "auto") -> str:
    """A string naming exactly which weights `name` loads under `source` (for cache keys);
    an image block name is its model's identity and "@<block>"."""
    base, block = split_block(name)
    spec = get_spec(base)
    where = resolve_source(spec, source)
    if isinstance(spec, ImageModelSpec):
        ident = _image_identity(spec, where)
        return f"{ident}@{block}" if block else ident
    if where == "tiny":
        return f"tiny:{spec.name}:{tiny_key(spec)}"
    if where == "local":
        files = sorted(
            p for p in Path(name).expanduser().iterdir() if p.is_file() and p.suffix in _WEIGHT_SUFFIXES
        )
        return f"local:{stable_hash([(p.name, file_sha256(p)) for p in files], n=16)}"
    if where == "offline":
        assert spec.offline is not None
        return (
            f"offline:{spec.name}:{','.join(sorted(spec.offline.sha256.values()))[:24]}:{CONVERSION_VERSION}"
        )
    return f"hub:{spec.hub_id}@{spec.revision}"


def model_key(name: str | None, config: Any) -> str | None:
    """A config field naming a model, hashed as the weights it loads under the config's
    `source` (what both flows' configs declare as the field's `key`)."""
    return None if name is None else identity(name, config.source)


def _image_identity(spec: ImageModelSpec, where: str) -> str:
    if where == "tiny":
        return f"tiny:{spec.name}:{stable_hash([spec.arch, spec.config], n=8)}:v{IMPLEMENTATION}"
    if where == "offline":
        assert spec.offline is not None
        return f"offline:{spec.name}:{next(iter(spec.offline.sha256.values()))}:v{IMPLEMENTATION}"
    return f"hub:{spec.hub_id}:{spec.url}:v{IMPLEMENTATION}"
