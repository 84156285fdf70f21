"""Grid expansion, validation before training, resume after a kill, and the paper spec."""

import dataclasses
from pathlib import Path

import pytest

from conftest import REPO, tiny_grid
from w2s_helpers.classification import grid, stages
from w2s_helpers.core import runs

pytestmark = pytest.mark.zoo  # real offline data (movie_polarity, gsm8k) from the package index


def tiny_spec(**kw):
    return tiny_grid(**kw)


@pytest.fixture
def no_training(monkeypatch):
    def fail(*a, **k):
        raise AssertionError("training started despite a bad spec")

    monkeypatch.setattr(stages, "run", fail)


@pytest.mark.parametrize(
    "field,value,match",
    [
        ("models", ["tiny-random-bert", "gpt5"], "models: unknown model 'gpt5'"),
        ("datasets", ["imdbb"], "datasets: unknown dataset 'imdbb'"),
        ("losses", ["xent", "hinge"], "losses: unknown loss 'hinge'"),
        ("pairs", [["tiny-random-llama", "tiny-random-bert"]], "weak model 'tiny-random-llama' is not below"),
        ("base", {"mode": "finetune"}, "base/sweep: mode: .finetune.; expected one of"),
        ("base", {"epoch": 2}, r"base/sweep: unknown field\(s\) \[.epoch.\]"),
    ],
)
def test_bad_specs_fail_before_training(tmp_path, no_training, field, value, match):
    spec = tiny_spec(**{field: value})
    path = tmp_path / "bad.yaml"
    import yaml

    path.write_text(yaml.safe_dump(dataclasses.asdict(spec)))
    with pytest.raises(grid.GridSpecError, match=match) as e:
        grid.load_spec(path)
    assert "bad.yaml" in str(e.value)


def test_unknown_spec_field(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("datasets: [sarcasm]\nladder: [minilm-l6]\n")
    with pytest.raises(grid.GridSpecError, match=r"unknown field\(s\) \['ladder'\]"):
        grid.load_spec(path)


def test_expansion_counts(tmp_path):
    spec = tiny_spec(models=["tiny-random-bert", "tiny-random-llama", "tiny-random-qwen2"], seeds=[0, 1, 2])
    gt = [c for _, cfgs in grid.gt_groups(spec) for c in cfgs]
    transfer = [c for _, cfgs, _ in grid.transfer_groups(spec, tmp_path) for c in cfgs]
    assert len(gt) == 3 * 3
    assert len(transfer) == 3 * 3 * 2  # 3 pairs x 3 seeds x 2 losses
    assert len({c.run_id() for c in transfer}) == 18
    assert grid.plan(spec) == {"gt_runs": 9, "transfer_runs": 18}


def test_resume_after_kill_skips_finished_and_redoes_unfinished(tmp_path, monkeypatch):
    spec = tiny_spec()
    real_finish = runs.finish
    calls = []

    def killed_on_third(path, record):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt  # dies after training, before the result is written
        return real_finish(path, record)

    monkeypatch.setattr(runs, "finish", killed_on_third)
    with pytest.raises(KeyboardInterrupt):
        grid.run_grid(spec, tmp_path, papermill=False, plot=False)
    done = {p.parent.name: p.stat().st_mtime_ns for p in tmp_path.glob("runs/*/result.json")}
    assert len(done) == 2
    killed = Path(calls[2])
    assert (killed / "config.json").exists() and not (killed / "result.json").exists()

    monkeypatch.setattr(runs, "finish", real_finish)
    redone = []
    real_run = stages.run

    def spy(cfg, root, force=False):
        if runs.completed(cfg.run_dir(root)) is None:
            redone.append(cfg.run_id())
        return real_run(cfg, root, force)

    monkeypatch.setattr(stages, "run", spy)
    grid.run_grid(spec, tmp_path, papermill=False, plot=False)
    results = {p.parent.name: p.stat().st_mtime_ns for p in tmp_path.glob("runs/*/result.json")}
    assert len(results) == 4 + 4  # 2 models x 2 seeds gt, 1 pair x 2 seeds x 2 losses
    assert all(results[k] == v for k, v in done.items())  # finished runs untouched
    assert killed.name in redone and not set(done) & set(redone)


def test_same_seed_same_numbers(tmp_path):
    cfg = grid.base_config(tiny_spec(), "movie_polarity", "tiny-random-bert", 0)
    a = stages.run(cfg, tmp_path / "a")
    b = stages.run(cfg, tmp_path / "b")
    assert a["test_acc"] == b["test_acc"] and a["losses"] == b["losses"]


def test_paper_gpu_spec_runs_with_tiny_models(tmp_path):
    """The documented full-fine-tuning spec, with its ladder swapped for tiny models."""
    spec = grid.load_spec(REPO / "grids" / "paper_gpu.yaml")
    assert spec.base["mode"] == "full" and "gpt2" in spec.models
    tiny = dataclasses.replace(
        spec,
        datasets=["movie_polarity"],
        models=["tiny-random-gpt2", "tiny-random-qwen2"],
        seeds=[0],
        losses=spec.losses[:1],
        pairs=None,
        base={**spec.base, "n_train": 64, "n_test": 32, "epochs": 1.0, "batch_size": 16, "source": "auto"},
    )
    root = grid.run_grid(grid.validate(tiny), tmp_path, papermill=False)
    table = (root / "transfer.csv").read_text()
    assert "tiny-random-gpt2" in table and (root / "accuracy.png").exists()


def test_sweep_runs_every_setting_and_plots_pgr_against_it(tmp_path):
    spec = tiny_spec(seeds=[0], losses=["xent"], sweep={"epochs": [1.0, 3.0]})
    assert [tag for tag, _ in grid.variants(spec)] == ["__epochs1.0", "__epochs3.0"]
    assert grid.plan(spec) == {"gt_runs": 4, "transfer_runs": 2}
    root = grid.run_grid(grid.validate(spec), tmp_path, papermill=False)
    summary = (root / "median_pgr.csv").read_text().splitlines()
    assert summary[0].startswith("dataset,epochs,loss")
    assert (root / "pgr_vs_epochs.png").exists()
    with pytest.raises(grid.GridSpecError, match="sweep: 'seed'"):
        grid.validate(tiny_spec(sweep={"seed": [1, 2]}))
