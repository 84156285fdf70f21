"""Image tasks: a small labelled-image container, a fixed/seeded split, and a folder loader.

An image's id is a hash of its encoded bytes (the same on every machine), so the test
split can be fixed by id (the same for every seed, and identical images always land on
the same side) while the training pool is shuffled by the seed. The folder loader reads
torchvision's ImageFolder layout (`root/<class>/<image>`, e.g. the ImageNet val folder)
with PIL, and checks every file before returning: a bad folder, file, image or class
fails at once with a one-line `DataError` that names it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm.auto import tqdm

from ..core.fileio import DataError, read_table
from ..core.hashing import stable_hash

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp", ".gif")


def image_id(data: bytes) -> str:
    """Stable id of an image: a hash of its encoded bytes (file content)."""
    return hashlib.sha256(data).hexdigest()[:16]


@dataclass(frozen=True, eq=False)
class ImageSet:
    """Labelled images: either decoded `pixels` (uint8 [n, H, W, 3], e.g. CIFAR) or image
    file `paths`. `labels` index `classes`. `identity` names the content, not the source."""

    name: str
    ids: tuple[str, ...]
    labels: np.ndarray
    classes: tuple[str, ...]
    pixels: np.ndarray | None = None
    paths: tuple[Path, ...] | None = None

    def __post_init__(self) -> None:
        if (self.pixels is None) == (self.paths is None):
            raise ValueError("an ImageSet holds either pixels or paths")
        n = len(self.pixels if self.pixels is not None else self.paths)  # type: ignore[arg-type]
        if not len(self.ids) == len(self.labels) == n:
            raise ValueError(f"{self.name}: {len(self.ids)} ids, {len(self.labels)} labels, {n} images")

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def identity(self) -> str:
        return stable_hash([list(self.ids), self.labels.tolist(), list(self.classes)], n=16)

    def subset(self, index: Sequence[int] | np.ndarray, name: str | None = None) -> ImageSet:
        idx = np.asarray(index, dtype=np.int64)
        return ImageSet(
            name or self.name,
            tuple(self.ids[i] for i in idx),
            self.labels[idx],
            self.classes,
            None if self.pixels is None else self.pixels[idx],
            None if self.paths is None else tuple(self.paths[i] for i in idx),
        )


def is_test_id(image_id: str, test_frac: float = 0.2) -> bool:
    """The fixed test split: decided by the id alone, the same for every seed."""
    return int(image_id[:8], 16) / 0xFFFFFFFF < test_frac


def split(
    images: ImageSet,
    seed: int = 0,
    n_train: int | None = None,
    n_test: int | None = None,
    test_frac: float = 0.2,
) -> tuple[ImageSet, ImageSet]:
    """(train, test). Test: the images whose id hash falls under `test_frac`, in id order,
    cut to `n_test` (independent of `seed`). Train: the other images in a seeded shuffle,
    cut to `n_train`. The two never overlap, whatever `n_train`/`n_test`/`seed`."""
    in_test = np.array([is_test_id(i, test_frac) for i in images.ids], dtype=bool)
    test_idx = sorted(np.flatnonzero(in_test), key=lambda i: images.ids[i])
    pool = np.flatnonzero(~in_test)
    order = pool[np.random.default_rng(seed).permutation(len(pool))]
    for what, want, have in (("n_train", n_train, len(order)), ("n_test", n_test, len(test_idx))):
        if want is not None and want > have:
            raise DataError(f"{images.name}: {what}={want} but only {have} images are available")
    return (
        images.subset(order[:n_train], f"{images.name}:train"),
        images.subset(test_idx[:n_test], f"{images.name}:test"),
    )


def check_image(path: Path) -> str:
    """Decode `path` (cheaply: JPEGs at reduced size) and return its id; DataError if unreadable."""
    try:
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as im:
            im.draft("RGB", (64, 64))
            im.convert("RGB").load()
    except (OSError, SyntaxError, ValueError) as e:  # PIL: unidentified, truncated, broken chunks
        raise DataError(f"{path}: not a readable image ({e})") from e
    return image_id(data)


def _class_list(classes: Sequence[str] | str | Path) -> tuple[tuple[str, ...], str]:
    if isinstance(classes, str | Path):
        path = Path(classes)
        if not path.is_file():
            raise DataError(f"{path}: no such class list file")
        names = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
        source = str(path)
    else:
        names, source = [str(c) for c in classes], "the class list"
    if len(set(names)) != len(names) or not names:
        raise DataError(f"{source}: class names must be unique and non-empty, got {len(names)} names")
    return tuple(names), source


def _folder_items(root: Path, classes: tuple[str, ...] | None, source: str) -> tuple[list, tuple]:
    folders = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if classes is None:
        classes = tuple(folders)
    if not classes:
        raise DataError(f"{root}: no class folders (expected root/<class>/<image>)")
    for c in classes:
        if c not in folders:
            raise DataError(f"{root}: unknown class {c!r} in {source}: no folder {root / c}")
    for f in folders:
        if f not in classes:
            raise DataError(f"{root / f}: folder is not one of the {len(classes)} classes in {source}")
    items = []
    for label, c in enumerate(classes):
        files = sorted(
            p
            for p in (root / c).rglob("*")
            if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS and not p.name.startswith(".")
        )
        if not files:
            raise DataError(f"{root / c}: class folder has no images ({', '.join(IMAGE_EXTENSIONS)})")
        items += [(p, label) for p in files]
    return items, classes


def _labelled_items(
    root: Path, labels_file: Path, classes: tuple[str, ...] | None, source: str
) -> tuple[list, tuple]:
    rows = read_table(labels_file, required=("image", "label"))
    first = 2 if labels_file.suffix.lower() in (".csv", ".tsv") else 1  # line of the first row
    if classes is None:
        classes = tuple(sorted({str(r["label"]) for r in rows}))
    index = {c: i for i, c in enumerate(classes)}
    items = []
    for line, row in enumerate(rows, first):
        path, label = root / str(row["image"]), str(row["label"])
        if label not in index:
            raise DataError(f"{labels_file}: line {line}: unknown class {label!r} (not in {source})")
        if not path.is_file():
            raise DataError(f"{labels_file}: line {line}: no such image {path}")
        items.append((path, index[label]))
    return items, classes


def image_folder(
    root: str | Path,
    classes: Sequence[str] | str | Path | None = None,
    labels_file: str | Path | None = None,
    name: str | None = None,
) -> ImageSet:
    """Labelled images from a folder, every file checked before returning.

    Layouts: `root/<class>/<image>` (classes = the sorted folder names, as torchvision's
    ImageFolder: for the ImageNet val folder this is the standard class index order), or
    with `labels_file` (CSV/TSV/JSONL with fields `image`, a path below root, and `label`,
    a class name) any layout. `classes` (a list, or a text file with one name a line) fixes
    the label order; a class without a folder, a folder not in the list, or a label not in
    the list is an error.
    """
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DataError(f"{root}: no such image folder")
    fixed, source = _class_list(classes) if classes is not None else (None, "the class folders")
    if labels_file is not None:
        items, names = _labelled_items(root, Path(labels_file), fixed, source)
    else:
        items, names = _folder_items(root, fixed, source)
    ids = tuple(check_image(p) for p, _ in tqdm(items, desc=f"checking {root.name}", leave=False))
    return ImageSet(
        name or root.name,
        ids,
        np.array([label for _, label in items], dtype=np.int64),
        tuple(names),
        paths=tuple(p for p, _ in items),
    )
