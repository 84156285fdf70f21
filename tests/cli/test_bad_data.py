"""A user's own data that would run and report nonsense is refused before any work: one
line naming the file (and line or counts), exit status 2, no run folder."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from w2s_helpers.classification import data as tasks
from w2s_helpers.classification import stages
from w2s_helpers.classification.config import ClassificationConfig
from w2s_helpers.cli.main import main
from w2s_helpers.core.fileio import DataError


def _rows(n: int) -> list[dict]:
    return [{"text": f"review number {i}", "label": i % 2} for i in range(n)]


def _write(path, rows) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def _grid_error(tmp_path, capsys, dataset: str, base: str = "") -> str:
    spec = tmp_path / "g.yaml"
    spec.write_text(
        f"datasets: [{dataset}]\nmodels: [tiny-random-bert, tiny-random-llama]\nseeds: [0]\n{base}"
    )
    with pytest.raises(SystemExit) as e:
        main(["grid", str(spec), "--out", str(tmp_path / "out")])
    assert e.value.code == 2
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("w2s:")]  # not tqdm's bars
    assert len(lines) == 1 and str(spec) in lines[0], lines
    err = lines[0]
    assert not (tmp_path / "out").exists()  # nothing started
    return err


def test_null_text_names_file_line_and_field(tmp_path, capsys):
    rows = _rows(40)
    rows[6]["text"] = None
    path = _write(tmp_path / "mine.jsonl", rows)
    expected = f"{path}: line 7: field 'text' is null; expected a text"
    assert expected in _grid_error(tmp_path, capsys, path, "base: {n_train: 20, n_test: 4}\n")
    with pytest.raises(DataError, match="line 7: field 'text' is null"):
        tasks.load_task(path)


def test_csv_lines_count_the_header(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("text,label\ngood,1\n,0\n")
    with pytest.raises(DataError, match=r"mine\.csv: line 3: field 'text' is empty"):
        tasks.load_task(str(p))


def test_one_label_file_names_the_label(tmp_path, capsys):
    path = _write(tmp_path / "mine.jsonl", [{"text": f"t{i}", "label": True} for i in range(30)])
    expected = f"{path}: every one of its 30 rows has 'label' = 1; a classification file needs both labels"
    assert expected in _grid_error(tmp_path, capsys, path)


def test_too_few_rows_names_rows_and_counts(tmp_path, capsys):
    path = _write(tmp_path / "mine.jsonl", _rows(20))
    train, test, _, rows = tasks.usable_examples(path)
    expected = (
        f"{path}: 20 distinct rows give {len(train)} training and {len(test)} test examples "
        "(after the train/test split, balanced classes); the config asks n_train=200, n_test=60"
    )
    assert expected in _grid_error(tmp_path, capsys, path, "base: {n_train: 200, n_test: 60}\n")
    # a sweep is checked too: each setting's counts, before any run
    sweep = "base: {n_train: 4, n_test: 1}\nsweep: {n_test: [1, 60]}\n"
    assert "n_train=4, n_test=60" in _grid_error(tmp_path, capsys, path, sweep)


def test_stage_run_refuses_before_its_run_folder(tmp_path):
    path = _write(tmp_path / "mine.jsonl", _rows(20))
    cfg = ClassificationConfig(dataset=path, model="tiny-random-bert", n_train=200, n_test=60)
    with pytest.raises(DataError, match="the config asks n_train=200, n_test=60"):
        stages.run(cfg, tmp_path / "runs")
    assert not cfg.run_dir(tmp_path / "runs").exists()


def test_counts_that_fit_pass(tmp_path):
    path = _write(tmp_path / "mine.jsonl", _rows(40))
    train, test, _, _ = tasks.usable_examples(path)
    tasks.check_file_dataset(path, len(train), len(test))
    dd = tasks.load_task(path, len(train), len(test))
    assert (len(dd["train"]), len(dd["test"])) == (len(train), len(test))


def _png(path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)).save(buf, "PNG")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def test_image_folder_with_too_few_test_images_is_refused_before_the_grid(tmp_path, capsys):
    root = tmp_path / "imgs"
    for i in range(6):
        _png(root / ("cat" if i % 2 else "dog") / f"{i}.png", i)
    from w2s_helpers.vision.data import image_folder, is_test_id

    in_test = sum(is_test_id(i) for i in image_folder(root).ids)
    expected = (
        f"{root}: 6 images give {in_test} test images (the fixed 20% test split); the config asks n_test=50"
    )
    assert expected in _grid_error(
        tmp_path, capsys, str(root), "base: {n_train: 4, n_test: 50, mode: probe}\n"
    )
