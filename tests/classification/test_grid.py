"""Grid expansion, validation before training, resume after a kill, and the paper spec."""

import dataclasses
import math
from pathlib import Path

import pytest

from conftest import REPO, tiny_grid
from w2s_helpers.classification import flow, grid, stages
from w2s_helpers.core import runs
from w2s_helpers.grid.spec import SpecError

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
        ("pairs", [["tiny-random-llama", "tiny-random-bert"]], "weak model 'tiny-random-llama' is above"),
        ("base", {"mode": "finetune"}, "base/sweep: mode: .finetune.; expected one of"),
        ("base", {"epoch": 2}, r"base: unknown field\(s\) \[.epoch.\]"),
    ],
)
def test_bad_specs_fail_before_training(tmp_path, no_training, field, value, match):
    spec = tiny_spec(**{field: value})
    path = tmp_path / "bad.yaml"
    import yaml

    path.write_text(yaml.safe_dump(dataclasses.asdict(spec)))
    with pytest.raises(SpecError, match=match) as e:
        flow.load_spec(path)
    assert "bad.yaml" in str(e.value)


def test_unknown_spec_field(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("datasets: [sarcasm]\nladder: [minilm-l6]\n")
    with pytest.raises(SpecError, match=r"unknown field\(s\) \['ladder'\]"):
        flow.load_spec(path)


def test_expansion_counts(tmp_path):
    spec = tiny_spec(models=["tiny-random-bert", "tiny-random-llama", "tiny-random-qwen2"], seeds=[0, 1, 2])
    (cell,) = [c for d in spec.datasets for c in grid.gt_cells(spec, "", d, tmp_path, papermill=False)]
    assert cell.key == "movie_polarity__gt"  # one notebook 01 per dataset: every model, every seed
    assert len(cell.task.args[0]) == 3 * 3
    # no ground truth has finished yet: every pair is blocked, none runs
    none, blocked = grid.transfer_cells(spec, "", "movie_polarity", tmp_path, papermill=False)
    assert none == [] and len(blocked) == 6 and all(o.status == "blocked" for o in blocked)
    # 3 weak < strong pairs and 3 weak -> weak pairs, x 3 seeds x 2 losses
    assert grid.run_counts(spec) == {"gt_runs": 9, "transfer_runs": 36}


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
        flow.run_grid(spec, tmp_path, papermill=False, report=False)
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
    flow.run_grid(spec, tmp_path, papermill=False, report=False)
    results = {p.parent.name: p.stat().st_mtime_ns for p in tmp_path.glob("runs/*/result.json")}
    assert len(results) == 4 + 12  # 2 models x 2 seeds gt, 3 pairs (2 weak -> weak) x 2 seeds x 2 losses
    assert all(results[k] == v for k, v in done.items())  # finished runs untouched
    assert killed.name in redone and not set(done) & set(redone)


def test_same_seed_same_numbers(tmp_path):
    cfg = grid.base_config(tiny_spec(), "movie_polarity", "tiny-random-bert", 0)
    a = stages.run(cfg, tmp_path / "a")
    b = stages.run(cfg, tmp_path / "b")
    assert a["test_acc"] == b["test_acc"] and a["losses"] == b["losses"]


def test_paper_gpu_spec_runs_with_tiny_models(tmp_path):
    """The documented full-fine-tuning spec, with its ladder swapped for tiny models."""
    spec = flow.load_spec(REPO / "grids" / "paper_gpu.yaml")
    assert spec.base["mode"] == "full" and "gpt2" in spec.models and spec.base["distributed"] == "fsdp"
    tiny = dataclasses.replace(
        spec,
        datasets=["movie_polarity"],
        models=["tiny-random-gpt2", "tiny-random-qwen2"],
        seeds=[0],
        losses=spec.losses[:1],
        pairs=None,
        executor="local",  # the spec's Slurm: this process here
        base={
            **spec.base,
            "n_train": 64,
            "n_test": 32,
            "epochs": 1.0,
            "batch_size": 16,
            "source": "auto",
            "distributed": "none",  # the spec's FSDP over 8 GPUs: one CPU process here
        },
    )
    root = flow.run_grid(flow.validate(tiny), tmp_path, papermill=False)
    table = (root / "transfer.csv").read_text()
    assert "tiny-random-gpt2" in table and (root / "accuracy.png").exists()


def test_sweep_runs_every_setting_and_plots_pgr_against_it(tmp_path):
    spec = tiny_spec(seeds=[0], losses=["xent"], sweep={"epochs": [1.0, 3.0]})
    assert [tag for tag, _ in grid.variants(spec)] == ["__epochs1.0", "__epochs3.0"]
    assert grid.run_counts(spec) == {"gt_runs": 4, "transfer_runs": 6}  # 2 settings x 3 pairs
    root = flow.run_grid(flow.validate(spec), tmp_path, papermill=False)
    summary = (root / "median_pgr.csv").read_text().splitlines()
    assert summary[0].startswith("dataset,epochs,method")
    assert (root / "pgr_vs_epochs.png").exists()
    with pytest.raises(SpecError, match="sweep: 'seed'"):
        flow.validate(tiny_spec(sweep={"seed": [1, 2]}))


def test_aux_coef_in_base_and_sweep_still_gives_pgr(tmp_path):
    """(fix) transfer runs are joined to their ground-truth runs by the ids they name:
    aux_coef / warmup_frac, which ground-truth runs never have, no longer make PGR NaN."""
    spec = tiny_spec(
        seeds=[0],
        losses=["logconf"],
        base={"n_train": 120, "n_test": 60, "epochs": 1.0, "warmup_frac": 0.2},
        sweep={"aux_coef": [0.5, 0.75]},
    )
    root = flow.run_grid(flow.validate(spec), tmp_path, papermill=False)
    import pandas as pd

    tr = pd.read_csv(root / "transfer.csv")
    assert len(tr) == 6  # 2 settings x (1 pair and 2 weak -> weak)
    assert tr["weak_gt_acc"].notna().all() and tr["strong_gt_acc"].notna().all()


def test_methods_name_the_baselines(tmp_path):
    """`methods:` runs each named baseline once per pair and seed, with the method in the tables."""
    spec = tiny_spec(
        seeds=[0],
        methods=[{"loss": "xent"}, {"loss": "xent", "relabel": "knn", "knn_k": 5}, {"loss": "window"}],
    )
    assert grid.run_counts(spec) == {"gt_runs": 2, "transfer_runs": 9}  # 3 pairs (2 weak -> weak) x 3
    root = flow.run_grid(flow.validate(spec), tmp_path, papermill=False)
    import pandas as pd

    tr = pd.read_csv(root / "transfer.csv")
    assert sorted(tr[~tr["self_transfer"]]["method"]) == ["window(0.15)", "xent", "xent + knn relabel"]
    with pytest.raises(SpecError, match="methods"):
        flow.validate(tiny_spec(methods=[{"model": "x"}]))
    with pytest.raises(SpecError, match="relabel"):
        flow.validate(tiny_spec(methods=[{"relabel": "svm"}]))


def test_slurm_without_sbatch_is_refused_before_any_work(tmp_path, no_training, monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)  # a machine without Slurm
    with pytest.raises(ValueError, match="no `sbatch`"):
        flow.run_grid(tiny_spec(executor="slurm"), tmp_path / "g")
    assert not (tmp_path / "g" / "runs").exists()


def test_gpu_cells_are_split_by_job_size(tmp_path):
    """On an 8-GPU node, runs that fit one GPU get a 1-GPU job as one process; the rest keep
    the spec's FSDP over 8; each cell carries its Resources overrides and its compute."""
    from w2s_helpers.grid.spec import variants

    path = tmp_path / "g.yaml"
    path.write_text(
        "datasets: [sciq]\nmodels: [gpt2, qwen2.5-14b-base]\nseeds: [0]\n"
        "resources: {gpus: 8, gpu_memory_gb: 80, cpus: 32, memory_gb: 512}\n"
        "base: {mode: full, source: hub, distributed: fsdp, num_processes: 8, gradient_checkpointing: true}\n"
    )
    spec = flow.load_spec(path, check_data=False)
    ((tag, v),) = variants(spec)
    small, big = grid.gt_cells(v, tag, "sciq", tmp_path, papermill=False)
    assert (small.key, big.key) == ("sciq__gt__1gpu", "sciq__gt__8gpu")
    assert small.resources == {"gpus": 1, "cpus": 4, "memory_gb": 64.0} and big.resources == {}
    (cfg,) = small.task.args[0]
    assert (cfg.model, cfg.distributed, cfg.num_processes) == ("gpt2", "none", 1)
    (cfg,) = big.task.args[0]
    assert (cfg.model, cfg.distributed, cfg.num_processes) == ("qwen2.5-14b-base", "fsdp", 8)
    # same runs, same ids: distributed and num_processes are how, not what
    assert cfg.run_id() == grid.base_config(v, "sciq", "qwen2.5-14b-base", 0).run_id()
    assert grid.transfer_jobs(v, "sciq", [["gpt2", "qwen2.5-14b-base"]])[0][0].suffix == "__8gpu"


def test_pairs_include_each_model_with_itself_as_the_reference_sweep():
    """The reference sweep's `for i: for j in range(i, n)`: (m, m) before m's pairs upward,
    counted in run_counts and planned; declared pairs get every model's own row too, and
    `self_transfer: false` gives the weak < strong pairs alone."""
    a, b, c = "tiny-random-bert", "tiny-random-llama", "tiny-random-qwen2"
    spec = tiny_spec(models=[a, b, c], seeds=[0], losses=["xent"])
    assert grid.declared_pairs(spec) == [(a, a), (a, b), (a, c), (b, b), (b, c), (c, c)]
    assert grid.run_counts(spec) == {"gt_runs": 3, "transfer_runs": 6}
    from w2s_helpers.classification.plan import plan_rows

    planned = [r.run for r in plan_rows(spec) if " transfer " in r.run]
    assert len(planned) == 6 and f"movie_polarity transfer {a} -> {a} xent s0" in planned
    declared = tiny_spec(models=[a, b, c], pairs=[[a, c]])
    assert grid.declared_pairs(declared) == [(a, a), (a, c), (b, b), (c, c)]
    assert grid.declared_pairs(dataclasses.replace(declared, pairs=[[b, b]])) == [(a, a), (b, b), (c, c)]
    off = tiny_spec(models=[a, b, c], self_transfer=False)
    assert grid.declared_pairs(off) == [(a, b), (a, c), (b, c)]
    assert grid.declared_pairs(dataclasses.replace(off, pairs=[[b, b], [a, c]])) == [(b, b), (a, c)]
    flow.validate(dataclasses.replace(off, pairs=[[b, b]]))  # a declared (m, m) is a valid pair


def test_weak_to_weak_row_end_to_end_in_process(tmp_path):
    """A one-model ladder has only its weak -> weak row: the student trains on its own
    teacher's soft labels (one ground-truth run is both teacher and ceiling), PGR is
    undefined, and the report shows the row in transfer.csv and self_transfer.csv / .md."""
    import pandas as pd

    spec = tiny_spec(models=["tiny-random-bert"], losses=["xent"], seeds=[0])
    assert grid.run_counts(spec) == {"gt_runs": 1, "transfer_runs": 1}
    root = flow.run_grid(flow.validate(spec), tmp_path, papermill=False)
    (row,) = pd.read_csv(root / "transfer.csv").to_dict("records")
    assert row["self_transfer"] and row["weak_model"] == row["strong_model"] == "tiny-random-bert"
    assert row["weak_gt_run"] == row["strong_gt_run"] and math.isnan(row["pgr"])
    (st,) = pd.read_csv(root / "self_transfer.csv").to_dict("records")
    assert st["model"] == "tiny-random-bert" and st["method"] == "xent" and st["seeds"] == 1
    assert st["teacher_acc"] == pytest.approx(row["weak_gt_acc"])
    assert st["student_acc"] == pytest.approx(row["transfer_acc"])
    assert st["gap"] == pytest.approx(row["transfer_acc"] - row["weak_gt_acc"])
    assert "tiny-random-bert" in (root / "self_transfer.md").read_text()
