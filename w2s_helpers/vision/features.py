"""Frozen image features and classifier logits: one forward pass per model x images, cached.

Inputs are resized to the model's native resolution: decoded pixel arrays (small fixed-size
images such as CIFAR) are resized whole (bilinear); image files get the reference's
ImageNet recipe (shorter side to resolution/0.875, centre crop). The forward pass runs under
`torch.inference_mode` in channels_last (1.4x on CPU) and stops at the block asked for.
Results are stored as safetensors under `cache_dir()/features/`, keyed by the weights'
identity, the images' content ids, the block and the input recipe.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from tqdm.auto import tqdm

from ..core.fileio import atomic_path
from ..core.hashing import stable_hash
from ..core.paths import cache_dir
from ..zoo.images.loaders import load_image_model
from ..zoo.images.spec import ImageModelSpec
from ..zoo.registry import image_spec
from ..zoo.sources import identity
from .data import ImageSet

log = logging.getLogger(__name__)

CROP_PCT = 0.875  # files: shorter side to resolution / 0.875, then the centre crop (256 -> 224)


def resolve_layer(depth: int, layer: float | None = None, layer_index: int | None = None) -> int | None:
    """The block whose pooled output is taken (1-based): `layer_index` itself, or `layer` as a
    fraction of depth in (0, 1]; None when neither is given (the final embedding)."""
    if layer_index is not None:
        if not 1 <= layer_index <= depth:
            raise ValueError(f"layer_index {layer_index} out of range for a model with {depth} blocks")
        return int(layer_index)
    if layer is None:
        return None
    if not 0 < layer <= 1:
        raise ValueError(f"layer {layer!r}: expected a fraction of depth in (0, 1]")
    return max(1, round(layer * depth))


def recipe(images: ImageSet, spec: ImageModelSpec) -> str:
    """How images become model inputs (part of the cache key)."""
    r = spec.resolution
    if images.pixels is not None:
        return f"pixels-bilinear-{r}-mean{spec.mean}-std{spec.std}"
    return f"files-resize{round(r / CROP_PCT)}-crop{r}-bilinear-mean{spec.mean}-std{spec.std}"


def _load_file(path: Path, resolution: int) -> np.ndarray:
    short = round(resolution / CROP_PCT)
    with Image.open(path) as im:
        im.draft("RGB", (short, short))  # JPEG: decode at reduced size when much larger
        im = im.convert("RGB")
        w, h = im.size
        scale = short / min(w, h)
        im = im.resize((max(short, round(w * scale)), max(short, round(h * scale))), Image.BILINEAR)
        left, top = (im.size[0] - resolution) // 2, (im.size[1] - resolution) // 2
        return np.asarray(im.crop((left, top, left + resolution, top + resolution)))


def model_inputs(images: ImageSet, index: np.ndarray, spec: ImageModelSpec) -> torch.Tensor:
    """Normalised float inputs [b, 3, R, R] for the images at `index`."""
    r = spec.resolution
    if images.pixels is not None:
        x = torch.from_numpy(images.pixels[index]).permute(0, 3, 1, 2).float().div_(255)
        if x.shape[-2:] != (r, r):
            x = F.interpolate(x, size=(r, r), mode="bilinear", align_corners=False, antialias=x.shape[-1] > r)
    else:
        assert images.paths is not None
        arr = np.stack([_load_file(images.paths[i], r) for i in index])
        x = torch.from_numpy(arr).permute(0, 3, 1, 2).float().div_(255)
    mean, std = torch.tensor(spec.mean).view(1, 3, 1, 1), torch.tensor(spec.std).view(1, 3, 1, 1)
    return (x - mean) / std


@torch.inference_mode()
def extract_images(
    model_name: str,
    images: ImageSet,
    block: int | None | str = None,
    batch_size: int = 64,
    source: str = "auto",
    device: str | None = None,
    progress: bool = True,
) -> tuple[torch.Tensor, dict]:
    """Pooled features of `block` (1-based; None: the final embedding) or, with
    `block="logits"`, the classifier's logits, for every image; and throughput stats."""
    spec = image_spec(model_name)
    if block == "logits" and spec.num_classes == 0:
        raise ValueError(f"image model {model_name!r} has no classifier head: no logits (use its features)")
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    model = load_image_model(model_name, source).to(device, memory_format=torch.channels_last)
    batches = [np.arange(i, min(i + batch_size, len(images))) for i in range(0, len(images), batch_size)]
    out = []
    t0 = time.perf_counter()
    for idx in tqdm(batches, desc=f"{model_name} {block or 'final'}", leave=False, disable=not progress):
        x = model_inputs(images, idx, spec).to(device).contiguous(memory_format=torch.channels_last)
        if block == "logits":
            y = model.classify(model.run(x))
        else:
            y = model.run(x, block)  # type: ignore[arg-type]
        out.append(y.float().cpu())
    seconds = time.perf_counter() - t0
    feats = torch.cat(out) if out else torch.empty(0, 0)
    stats = {
        "model": model_name,
        "block": block,
        "n": len(images),
        "dim": feats.shape[-1],
        "resolution": spec.resolution,
        "device": device,
        "seconds": round(seconds, 2),
        "images_per_s": round(len(images) / max(seconds, 1e-9), 2),
    }
    return feats, stats


def feature_key(model_name: str, images: ImageSet, block: int | None | str, source: str = "auto") -> str:
    """Which weights, which images (ids hash their bytes), which block, which input recipe."""
    spec = image_spec(model_name)
    fields = [identity(model_name, source), list(images.ids), block, recipe(images, spec)]
    return f"{model_name}-{stable_hash(fields, n=16)}"


def _cached(
    model_name: str,
    images: ImageSet,
    block: int | None | str,
    batch_size: int,
    source: str,
    root: Path | None,
    device: str | None,
) -> torch.Tensor:
    from safetensors.torch import load_file, save_file

    path = (
        root or cache_dir() / "features"
    ) / f"{feature_key(model_name, images, block, source)}.safetensors"
    if path.exists():
        return load_file(path)["x"]
    feats, stats = extract_images(model_name, images, block, batch_size, source, device)
    log.info("image features %s: %s", model_name, stats)
    with atomic_path(path) as tmp:
        save_file({"x": feats.contiguous()}, str(tmp), metadata={"stats": json.dumps(stats)})
    return feats


def image_features(
    model_name: str,
    images: ImageSet,
    layer: float | None = None,
    layer_index: int | None = None,
    batch_size: int = 64,
    source: str = "auto",
    root: Path | None = None,
    device: str | None = None,
) -> torch.Tensor:
    """Float32 features [n, d] of `images`, computed once then read from disk. Default: the
    model's final embedding (d = spec.feature_dim); `layer` (fraction of depth) or
    `layer_index` (1-based block): that block's pooled output (d = its width)."""
    block = resolve_layer(image_spec(model_name).depth, layer, layer_index)
    return _cached(model_name, images, block, batch_size, source, root, device)


def image_logits(
    model_name: str,
    images: ImageSet,
    batch_size: int = 64,
    source: str = "auto",
    root: Path | None = None,
    device: str | None = None,
) -> torch.Tensor:
    """Float32 classifier logits [n, num_classes] (ImageNet's 1000 for the pretrained
    models), cached: the pretrained-classifier supervisor's weak labels are their softmax."""
    return _cached(model_name, images, "logits", batch_size, source, root, device)
