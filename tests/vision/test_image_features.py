"""Cached image features: shapes, the cache key (weights, images, block, recipe), a second
call read from disk, logits for classifier heads."""

import hashlib

import numpy as np
import pytest
import torch
from PIL import Image

import w2s_helpers.vision.features as F
from w2s_helpers import zoo
from w2s_helpers.vision import ImageSet, image_features, image_folder, image_logits, resolve_layer
from w2s_helpers.vision.features import feature_key


def _images(n=6, seed=0, size=16) -> ImageSet:
    rng = np.random.default_rng(seed)
    px = rng.integers(0, 256, (n, size, size, 3), dtype=np.uint8)
    ids = tuple(hashlib.sha256(p.tobytes()).hexdigest()[:16] for p in px)
    return ImageSet("toy", ids, np.arange(n) % 2, ("a", "b"), pixels=px)


def test_resolve_layer():
    assert resolve_layer(16) is None
    assert (
        resolve_layer(16, layer=0.5) == 8
        and resolve_layer(16, layer=1.0) == 16
        and resolve_layer(16, 0.01) == 1
    )
    assert resolve_layer(16, layer=0.5, layer_index=3) == 3
    for bad in (dict(layer=0.0), dict(layer=1.5), dict(layer_index=17), dict(layer_index=0)):
        with pytest.raises(ValueError):
            resolve_layer(16, **bad)


def test_features_shapes_cache_and_key(tmp_path, monkeypatch):
    imgs = _images()
    final = image_features("tiny-effnet-lite", imgs, root=tmp_path, batch_size=4)
    assert final.shape == (6, 64) and final.dtype == torch.float32
    early = image_features("tiny-effnet-lite", imgs, layer_index=2, root=tmp_path)
    assert early.shape == (6, 8)
    assert len(list(tmp_path.glob("*.safetensors"))) == 2  # the block is in the key

    def no_compute(*a, **k):
        raise AssertionError("recomputed instead of reading the cache")

    monkeypatch.setattr(F, "extract_images", no_compute)
    again = image_features("tiny-effnet-lite", imgs, root=tmp_path, batch_size=2)
    assert torch.equal(again, final)
    # a fraction and an index naming the same block share one cache file
    assert torch.equal(image_features("tiny-effnet-lite", imgs, layer=0.25, root=tmp_path), early)

    changed = _images()
    changed.pixels[0, 0, 0, 0] ^= 1
    changed = ImageSet("toy", ("0" * 16, *imgs.ids[1:]), imgs.labels, imgs.classes, pixels=changed.pixels)
    keys = {
        feature_key("tiny-effnet-lite", imgs, None),
        feature_key("tiny-effnet-lite", changed, None),
        feature_key("tiny-effnet-lite", imgs, 2),
        feature_key("tiny-effnet-lite", imgs.subset([1, 0, 2, 3, 4, 5]), None),
        feature_key("tiny-alexnet", imgs, None),
        feature_key("effnet-lite0", imgs, None),
    }
    assert len(keys) == 6


def test_batch_size_does_not_change_features():
    imgs = _images(5)
    a, stats = F.extract_images("tiny-resnet50", imgs, None, batch_size=5, progress=False)
    b, _ = F.extract_images("tiny-resnet50", imgs, None, batch_size=2, progress=False)
    assert torch.allclose(a, b, atol=1e-5) and stats["n"] == 5 and stats["images_per_s"] > 0


def test_logits_of_classifiers_and_headless_models(tmp_path):
    imgs = _images(4)
    assert image_logits("tiny-alexnet", imgs, root=tmp_path).shape == (4, 1000)
    assert image_logits("tiny-effnet-lite", imgs, root=tmp_path).shape == (4, 10)
    with pytest.raises(ValueError, match="'tiny-resnet50' has no classifier head"):
        image_logits("tiny-resnet50", imgs, root=tmp_path)


def test_image_files_get_resized_and_cropped(tmp_path):
    rng = np.random.default_rng(0)
    for i, size in enumerate([(50, 30), (20, 70), (32, 32)]):
        (tmp_path / "imgs" / "c").mkdir(parents=True, exist_ok=True)
        Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(
            tmp_path / "imgs" / "c" / f"{i}.png"
        )
    imgs = image_folder(tmp_path / "imgs")
    x = F.model_inputs(imgs, np.arange(3), zoo.image_spec("tiny-vitb8"))
    assert x.shape == (3, 3, 32, 32)
    feats = image_features("tiny-vitb8", imgs, root=tmp_path / "cache")
    assert feats.shape == (3, 32) and torch.isfinite(feats).all()
