"""Vision data and features: image tasks and frozen image features (the image models
themselves are in the zoo: `zoo.images`, asked through `zoo.modality`).

cifar      CIFAR-10 test images from the bigbench sdist (offline)
data       ImageSet, the fixed test split by image hash, the ImageFolder loader
features   pooled block / final features and classifier logits, cached by content

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

# lazy: importing the package must not pull torch, numpy or PIL in
_WHERE = {
    "cifar10": "cifar",
    **dict.fromkeys(("ImageSet", "image_folder", "is_test_id", "split"), "data"),
    **dict.fromkeys(
        ("extract_images", "feature_key", "image_features", "image_logits", "resolve_layer"), "features"
    ),
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'w2s_helpers.vision' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)


__all__ = [
    "ImageSet",
    "cifar10",
    "extract_images",
    "feature_key",
    "image_features",
    "image_folder",
    "image_logits",
    "is_test_id",
    "resolve_layer",
    "split",
]
