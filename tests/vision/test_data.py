"""Image tasks: the folder loader's one-line errors, content ids, the fixed/seeded split,
and the CIFAR-10 decoding (on a synthetic task file: no download)."""

import base64
import hashlib
import io
import json

import numpy as np
import pytest
from PIL import Image

from w2s_helpers.core.fileio import DataError
from w2s_helpers.vision import ImageSet, image_folder, split
from w2s_helpers.vision.cifar import CLASSES, _decode, _Links


def _png(path, seed=0, size=(20, 16), fmt="PNG") -> bytes:
    rng = np.random.default_rng(seed)
    im = Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    buf = io.BytesIO()
    im.save(buf, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "imgs"
    _png(root / "cat" / "a.png", 1)
    _png(root / "cat" / "sub" / "b.jpg", 2, fmt="JPEG")
    _png(root / "dog" / "c.png", 3)
    (root / "dog" / "notes.txt").write_text("not an image, ignored")
    return root


def _error(fn, *args, **kw) -> str:
    with pytest.raises(DataError) as e:
        fn(*args, **kw)
    msg = str(e.value)
    assert "\n" not in msg, msg
    return msg


def test_folder_layout_labels_and_content_ids(folder):
    s = image_folder(folder)
    assert s.classes == ("cat", "dog") and s.labels.tolist() == [0, 0, 1] and s.pixels is None
    assert [p.name for p in s.paths] == ["a.png", "b.jpg", "c.png"]  # sorted paths, subfolders too
    assert s.ids[2] == hashlib.sha256((folder / "dog" / "c.png").read_bytes()).hexdigest()[:16]
    before = s.identity
    _png(folder / "dog" / "c.png", 4)
    assert image_folder(folder).identity != before  # identity follows content, not names


def test_class_list_fixes_order(folder, tmp_path):
    s = image_folder(folder, classes=["dog", "cat"])
    assert [(p.name, int(y)) for p, y in zip(s.paths, s.labels)] == [("c.png", 0), ("a.png", 1), ("b.jpg", 1)]
    (tmp_path / "classes.txt").write_text("dog\ncat\n")
    assert image_folder(folder, classes=tmp_path / "classes.txt").classes == ("dog", "cat")


def test_missing_folder_and_files(tmp_path, folder):
    assert "no such image folder" in _error(image_folder, tmp_path / "nope")
    assert "no such class list file" in _error(image_folder, folder, classes=tmp_path / "none.txt")
    (folder / "bird").mkdir()
    assert "bird: class folder has no images" in _error(image_folder, folder)


def test_corrupt_image_is_named(folder):
    (folder / "dog" / "bad.png").write_bytes(b"this is not a png")
    assert "bad.png: not a readable image" in _error(image_folder, folder)
    good = (folder / "cat" / "a.png").read_bytes()
    (folder / "dog" / "bad.png").write_bytes(good[: len(good) // 2])  # truncated
    assert "bad.png: not a readable image" in _error(image_folder, folder)


def test_unknown_class(folder, tmp_path):
    msg = _error(image_folder, folder, classes=["cat", "dog", "bird"])
    assert "unknown class 'bird'" in msg and "no folder" in msg
    (tmp_path / "classes.txt").write_text("cat\nhorse\ndog\n")
    assert "unknown class 'horse'" in _error(image_folder, folder, classes=tmp_path / "classes.txt")
    assert "dog: folder is not one of the 1 classes" in _error(image_folder, folder, classes=["cat"])


def test_labels_file_layout(tmp_path):
    root = tmp_path / "flat"
    for i in range(3):
        _png(root / f"im{i}.png", i)
    labels = tmp_path / "labels.csv"
    labels.write_text("image,label\nim0.png,cat\nim1.png,dog\nim2.png,cat\n")
    s = image_folder(root, labels_file=labels)
    assert s.classes == ("cat", "dog") and s.labels.tolist() == [0, 1, 0]
    assert "line 3: unknown class 'dog'" in _error(image_folder, root, classes=["cat"], labels_file=labels)
    labels.write_text("image,label\nim0.png,cat\nim9.png,dog\n")
    assert "line 3: no such image" in _error(image_folder, root, labels_file=labels)
    assert "no such file" in _error(image_folder, root, labels_file=tmp_path / "missing.csv")


def _pixel_set(n=400, seed=0) -> ImageSet:
    rng = np.random.default_rng(seed)
    px = rng.integers(0, 256, (n, 8, 8, 3), dtype=np.uint8)
    ids = tuple(hashlib.sha256(p.tobytes()).hexdigest()[:16] for p in px)
    return ImageSet("toy", ids, rng.integers(0, 3, n), ("a", "b", "c"), pixels=px)


def test_split_test_fixed_train_seeded_disjoint():
    s = _pixel_set()
    tr0, te0 = split(s, seed=0)
    tr1, te1 = split(s, seed=1)
    assert te0.ids == te1.ids  # the test split does not depend on the seed
    assert tr0.ids != tr1.ids and set(tr0.ids) == set(tr1.ids)  # a seeded shuffle of one pool
    assert not set(tr0.ids) & set(te0.ids) and len(tr0) + len(te0) == len(s)
    assert 40 < len(te0) < 120  # ~20%
    tr, te = split(s, seed=3, n_train=50, n_test=30)
    assert te.ids == te0.ids[:30] and len(tr) == 50 and not set(tr.ids) & set(te0.ids)
    assert np.array_equal(tr.pixels[0], s.pixels[s.ids.index(tr.ids[0])])
    with pytest.raises(ValueError, match="n_train=10000"):
        split(s, n_train=10000)


def test_cifar_decoding_on_a_synthetic_task_file(tmp_path):
    examples = []
    for i, label in enumerate((3, 0, 9)):
        png = _png(tmp_path / f"{i}.png", i, size=(32, 32))
        scores = {c: int(j == label) for j, c in enumerate(CLASSES)}
        examples.append({"input": base64.b64encode(png).decode(), "target_scores": scores})
    task = tmp_path / "task.json"
    task.write_text(json.dumps({"name": "base64", "examples": examples}))
    pixels, labels, ids = _decode(task)
    assert pixels.shape == (3, 32, 32, 3) and pixels.dtype == np.uint8
    assert labels.tolist() == [3, 0, 9]
    assert ids[0] == hashlib.sha256((tmp_path / "0.png").read_bytes()).hexdigest()[:16]
    assert np.array_equal(pixels[1], np.asarray(Image.open(tmp_path / "1.png")))


def test_simple_index_page_links():
    p = _Links()
    p.feed(
        '<a href="https://x/b-0.0.1.tar.gz#sha256=1">b-0.0.1.tar.gz</a><br/><a href="../b-1.0.0.tar.gz">b-1.0.0.tar.gz</a>'
    )
    assert p.links == {
        "b-0.0.1.tar.gz": "https://x/b-0.0.1.tar.gz#sha256=1",
        "b-1.0.0.tar.gz": "../b-1.0.0.tar.gz",
    }
