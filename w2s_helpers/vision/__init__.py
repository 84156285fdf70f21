"""Vision building blocks: image models, image tasks, frozen features (GitHub issue 11).

from w2s_helpers import vision
images = vision.cifar10()                       # 10k CIFAR-10 test images (offline)
train, test = vision.split(images, seed=0, n_train=1000, n_test=500)
x = vision.image_features("effnet-lite2", train)                 # [1000, 1280]
w = vision.image_features("effnet-lite0", train, layer_index=4)  # an early block, [1000, 24]
logits = vision.image_logits("effnet-lite0", train)              # [1000, 1000] ImageNet
"""

from __future__ import annotations

import importlib
from typing import Any

# lazy: `vision.names` (and configs that read it) must not pull torch in
_WHERE = {
    "cifar10": "cifar",
    **dict.fromkeys(("ImageSet", "image_folder", "is_test_id", "split"), "data"),
    **dict.fromkeys(
        ("extract_images", "feature_key", "image_features", "image_logits", "resolve_layer"), "features"
    ),
    **dict.fromkeys(
        (
            "IMAGE_MODELS",
            "OFFLINE_IMAGE_MODELS",
            "TINY_IMAGE_MODELS",
            "ImageModelSpec",
            "UnknownImageModelError",
            "get_image_spec",
            "identity",
            "load_image_model",
        ),
        "zoo",
    ),
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'w2s_helpers.vision' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)


__all__ = [
    "IMAGE_MODELS",
    "OFFLINE_IMAGE_MODELS",
    "TINY_IMAGE_MODELS",
    "ImageModelSpec",
    "ImageSet",
    "UnknownImageModelError",
    "cifar10",
    "extract_images",
    "feature_key",
    "get_image_spec",
    "identity",
    "image_features",
    "image_folder",
    "image_logits",
    "is_test_id",
    "load_image_model",
    "resolve_layer",
    "split",
]
