"""Every numbered notebook runs headless through papermill with smoke parameters, and the
metrics it records are checked."""

from w2s_helpers.notebooks import notebook_metrics, run_notebook


def test_00_zoo_notebook(tmp_path):
    out = run_notebook(
        "00",
        tmp_path,
        {
            "models": ["tiny-random-bert", "tiny-random-llama"],
            "classification_tasks": ["movie_polarity"],
            "math_tasks": ["gsm8k"],
        },
    )
    assert out.exists()
    m = notebook_metrics(out)
    assert [r["model"] for r in m["models"]] == ["tiny-random-bert", "tiny-random-llama"]
    assert m["classification"][0]["train"] == 3193
    assert m["math"][0]["test"] == 1319


def test_classification_grid_runs_the_three_notebooks(tmp_path):
    """A tiny-model grid drives 01, 02 and 03 through papermill; a second call skips all."""
    from w2s_helpers import grid
    from w2s_helpers.config import GridSpec

    spec = GridSpec(
        name="nb",
        datasets=["movie_polarity"],
        models=["tiny-random-bert", "tiny-random-llama"],
        losses=["xent", "logconf"],
        seeds=[0],
        order_by="gt_accuracy",
        base={"n_train": 120, "n_test": 60, "epochs": 1.0},
    )
    root = grid.run_grid(spec, tmp_path)
    executed = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.ipynb"))
    assert executed == [
        "03_plot_classification.ipynb",
        "notebooks/movie_polarity__gt__tiny-random-bert/01_ground_truth.ipynb",
        "notebooks/movie_polarity__gt__tiny-random-llama/01_ground_truth.ipynb",
        f"notebooks/movie_polarity__{'__to__'.join(grid.ladder_order(spec, 'movie_polarity', root))}"
        "/02_weak_to_strong.ipynb",
    ]
    gt = notebook_metrics(root / executed[1])
    assert len(gt["test_acc"]) == 1 and 0 <= gt["test_acc"][0] <= 1
    transfer = notebook_metrics(root / executed[3])
    assert len(transfer["run_ids"]) == 2
    summary = notebook_metrics(root / executed[0])
    assert summary["runs"] == 4 and summary["transfer_runs"] == 2
    for f in ("accuracy.png", "pgr.png", "median_pgr.md", "transfer.csv", "runs.csv"):
        assert (root / f).exists(), f
    mtimes = {p: p.stat().st_mtime_ns for p in root.glob("runs/*/result.json")}
    grid.run_grid(spec, root, plot=False)
    assert mtimes == {p: p.stat().st_mtime_ns for p in root.glob("runs/*/result.json")}
