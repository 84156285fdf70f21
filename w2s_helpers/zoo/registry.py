"""The one model registry: every text and image model by name, each with its modality.

Flows ask the registry what a model is (`modality`), never its name. A text name may also
be a path to a local checkpoint folder or any hub id (`org/name`) for online users; an
image name may carry a block, "effnet-lite0@3": that model's block 3, pooled (an
early-layer supervisor). No torch here: configs and reports import it.
"""

from __future__ import annotations

import re
from pathlib import Path

from .images.spec import IMAGE_SPECS, ImageModelSpec
from .spec import SOURCES, TEXT, Modality, ModelSpec, Source, TextModality
from .text_models import TEXT_SPECS

__all__ = [
    "MODELS",
    "OFFLINE_MODELS",
    "SOURCES",
    "TEXT",
    "TINY_MODELS",
    "ImageModelSpec",
    "Modality",
    "ModelSpec",
    "Source",
    "Spec",
    "UnknownModelError",
    "get_spec",
    "image_spec",
    "modality",
    "names",
    "split_block",
    "text_spec",
]

Spec = ModelSpec | ImageModelSpec
MODELS: dict[str, Spec] = {s.name: s for s in (*TEXT_SPECS, *IMAGE_SPECS)}
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


class UnknownModelError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; we want it plain
        return str(self.args[0])


def names(*modalities: Modality, offline: bool = False, tiny: bool = False) -> list[str]:
    """Registered names in registry order: of these modalities (default: every one), only
    those with offline weights (`offline`) or only the tiny random ones (`tiny`)."""
    return [
        s.name
        for s in MODELS.values()
        if (not modalities or s.modality in modalities)
        and (not offline or s.offline is not None)
        and (not tiny or s.is_random)
    ]


OFFLINE_MODELS = names(offline=True)
TINY_MODELS = names(tiny=True)


def split_block(name: str) -> tuple[str, int | None]:
    """ "effnet-lite0@3" -> ("effnet-lite0", 3): an image model's block 3; any other name
    (a plain name, a path, a hub id) -> (name, None)."""
    base, sep, block = name.partition("@")
    if sep and block.isdigit() and isinstance(MODELS.get(base), ImageModelSpec):
        return base, int(block)
    return name, None


def get_spec(name: str) -> Spec:
    """The entry of any model name (an image block name: its model's). A local checkpoint
    folder gets an ad-hoc text spec from its config, and any hub id (`org/name`) one with
    the registry's defaults for a causal LM."""
    base, _ = split_block(name)
    if base in MODELS:
        return MODELS[base]
    path = Path(name).expanduser()
    if path.is_dir() and (path / "config.json").exists():
        import json

        cfg = json.loads((path / "config.json").read_text())
        causal = any(a.endswith("ForCausalLM") for a in cfg.get("architectures") or [])
        kind: TextModality = "causal-lm" if causal else "text-encoder"
        return ModelSpec(
            str(path),
            kind,
            0.0,
            pooling="last" if causal else "mean",
            hidden=int(cfg.get("hidden_size") or cfg.get("n_embd") or 0),
            layers=int(cfg.get("num_hidden_layers") or cfg.get("n_layer") or 0),
        )
    if HUB_ID.match(name) and not path.exists():
        return ModelSpec(name, "causal-lm", 0.0, hub_id=name, pooling="last", lr=1e-5)
    raise UnknownModelError(
        f"unknown model {name!r}: expected one of {sorted(MODELS)}, an image model's block "
        "(<model>@<block>), a hub id (org/name) or a local checkpoint folder"
    )


def modality(name: str) -> Modality:
    """'text-encoder', 'causal-lm' or 'image': what kind of model `name` is (hub ids and
    local checkpoint folders are text)."""
    return get_spec(name).modality


def text_spec(name: str) -> ModelSpec:
    """`get_spec` for the text loaders: an image model's name is refused in one line."""
    spec = get_spec(name)
    if not isinstance(spec, ModelSpec):
        raise UnknownModelError(f"model {name!r} is an image model: load it with zoo.load_image_model")
    return spec


def image_spec(name: str) -> ImageModelSpec:
    """The image model of `name` (a block name: its model's); any other name is refused."""
    spec = MODELS.get(split_block(name)[0])
    if not isinstance(spec, ImageModelSpec):
        raise UnknownModelError(f"unknown image model {name!r}: expected one of {names('image')}")
    return spec
