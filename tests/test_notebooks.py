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
    import pandas as pd

    table = pd.read_csv(root / "transfer.csv")  # an encoder weak and a causal strong: both ceilings found
    assert table[["weak_gt_acc", "strong_gt_acc"]].notna().all().all()
    for f in ("accuracy.png", "pgr.png", "median_pgr.md", "transfer.csv", "runs.csv"):
        assert (root / f).exists(), f
    mtimes = {p: p.stat().st_mtime_ns for p in root.glob("runs/*/result.json")}
    grid.run_grid(spec, root, plot=False)
    assert mtimes == {p: p.stat().st_mtime_ns for p in root.glob("runs/*/result.json")}


def test_reasoning_notebooks_end_to_end(tmp_path):
    """10 -> 11 -> 12 -> 13 -> 14 -> 19 on tiny models through papermill, with replayed
    weak/strong answers so that stage I has a non-empty consistent subset."""

    from conftest import TINY_REASONING, write_replay_rows

    from w2s_helpers import reasoning_grid
    from w2s_helpers.reasoning import load_splits

    models = ("weak_model", "strong_model")
    base = {k: v for k, v in TINY_REASONING.items() if k not in models}
    spec = reasoning_grid.ReasoningGridSpec(name="r", pairs=[[TINY_REASONING[m] for m in models]], base=base)
    questions = load_splits(reasoning_grid.configs(spec)[0])[0]["train_2"]
    spec.base.update(write_replay_rows(tmp_path, questions))
    root = reasoning_grid.run_reasoning_grid(reasoning_grid.validate(spec), tmp_path / "grid")
    (done,) = reasoning_grid.gather(root)
    methods = [r["method"] for r in done["accuracy"]]
    assert methods == ["weak_floor", "strong_zero_shot", "full_weak_sft", "stage1_it1_hybrid"]  # each once
    sets = {r["set"]: r for r in done["sets"]}
    assert sets["weak"]["questions"] == 2 and sets["hybrid"]["rows"] == 4
    exp = next(root.glob("*/done.json")).parent
    assert (exp / "reasoning_accuracy.png").exists() and (exp / "stage1_sets.md").exists()
    assert len(list(exp.glob("notebooks/*.ipynb"))) == 5
