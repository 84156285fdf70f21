"""Which model names are images, without importing torch (configs and reports need to know).
A test keeps these equal to the registry in `zoo`."""

from __future__ import annotations

IMAGE_MODEL_NAMES = (
    "effnet-lite0",
    "effnet-lite1",
    "effnet-lite2",
    "alexnet",
    "dino-resnet50",
    "dino-vitb8",
    "tiny-effnet-lite",
    "tiny-alexnet",
    "tiny-resnet50",
    "tiny-vitb8",
)


def split_model_name(name: str) -> tuple[str, int | None]:
    """ "effnet-lite0@3" -> ("effnet-lite0", 3): a model's block 3, pooled (an early-layer
    supervisor); a plain name -> (name, None)."""
    base, _, block = name.partition("@")
    if block and not block.isdigit():
        raise ValueError(f"image model {name!r}: expected <model>@<block number>")
    return base, int(block) if block else None


def is_image_model(name: str) -> bool:
    return (
        split_model_name(name)[0] in IMAGE_MODEL_NAMES
        if "@" not in name or name.split("@")[1].isdigit()
        else False
    )
