"""Images as a modality of the classification flow: an image task becomes the same
halves / validation slices / test split as a text task (labels in K classes), and an
image model's frozen features feed the same linear probes (models may be early blocks:
"effnet-lite0@3"). A pretrained classifier can be its own weak supervisor
(`head: pretrained`): its softmax over its classes is the weak label, as the reference's
AlexNet on ImageNet."""

from __future__ import annotations

import numpy as np
import torch

from .. import zoo
from ..core.fileio import DataError
from ..vision import cifar10, image_features, image_folder, image_logits, split
from ..vision.data import ImageSet, is_test_id


def image_task(name: str) -> ImageSet:
    return cifar10() if name == "cifar10" else image_folder(name)


def content_identity(name: str) -> str:
    """The images (ids, labels, classes) an image task stands for, by content."""
    return image_task(name).identity


def check_image_counts(name: str, n_test: int, images: ImageSet | None = None) -> None:
    """DataError unless the fixed test split (images whose id hash falls under 20%) holds
    `n_test` images; every image is read and checked on the way (`vision.image_folder`)."""
    images = images if images is not None else image_task(name)
    in_test = sum(is_test_id(i) for i in images.ids)
    if n_test > in_test:
        raise DataError(
            f"{name}: {len(images)} images give {in_test} test images (the fixed 20% test split); "
            f"the config asks n_test={n_test}"
        )


def load_image_task(name: str, n_train: int, n_test: int, seed: int):
    """(DatasetDict train/test of id, text, label, soft_label, the pool ImageSet train + test).
    The test split is fixed by image hash; `seed` picks and orders the training pool."""
    from datasets import Dataset, DatasetDict

    images = image_task(name)
    check_image_counts(name, n_test, images)
    n_train = min(n_train, sum(not is_test_id(i) for i in images.ids))  # a small folder trains on all it has
    train, test = split(images, seed=seed, n_train=n_train, n_test=n_test)
    k = len(images.classes)

    def rows(part: ImageSet) -> list[dict]:
        return [
            {
                "id": i,
                "text": f"[{images.classes[y]} image {i[:8]}]",
                "label": int(y),
                "soft_label": np.eye(k, dtype=np.float32)[y].tolist(),
            }
            for i, y in zip(part.ids, part.labels)
        ]

    index = {i: n for n, i in enumerate(images.ids)}
    pool = images.subset([index[i] for i in (*train.ids, *test.ids)], f"{name}:pool")
    return DatasetDict(train=Dataset.from_list(rows(train)), test=Dataset.from_list(rows(test))), pool


class ImageFeatures:
    """A model's frozen features of the whole pool, looked up by image id (as `fit.Features`)."""

    def __init__(self, model: str, pool: ImageSet, source: str = "auto", layer_index: int | None = None):
        base, block = zoo.split_block(model)
        self.x = image_features(base, pool, layer_index=block or layer_index, source=source)
        self.row = {i: k for k, i in enumerate(pool.ids)}

    def __call__(self, ds) -> torch.Tensor:
        return self.x[[self.row[i] for i in ds["id"]]]


def pretrained_probs(model: str, pool: ImageSet, ds, source: str = "auto") -> np.ndarray:
    """The model's own classifier's probabilities on `ds` (its classes must be the task's)."""
    base, _ = zoo.split_block(model)
    spec = zoo.image_spec(base)
    if spec.num_classes != len(pool.classes):
        raise ValueError(
            f"head 'pretrained': {base} predicts {spec.num_classes} classes, the task has {len(pool.classes)}"
        )
    logits = image_logits(base, pool, source=source)
    row = {i: k for k, i in enumerate(pool.ids)}
    return torch.softmax(logits[[row[i] for i in ds["id"]]], -1).numpy()
