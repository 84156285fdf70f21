"""Grids drive the notebooks through papermill: resume, failing cells, the report, and the
command line's one-line errors."""

import json

import pandas as pd
import pytest

from conftest import TINY_REASONING, tiny_grid, write_replay_rows
from w2s_helpers.classification import flow
from w2s_helpers.cli.main import main
from w2s_helpers.core import runs
from w2s_helpers.grid.cells import GridFailed

pytestmark = pytest.mark.zoo  # real offline data (movie_polarity, gsm8k) from the package index


def tiny_spec(**kw):
    return tiny_grid(**{"name": "nb", "seeds": [0], "order_by": "gt_accuracy", **kw})


def test_classification_grid_runs_the_three_notebooks(tmp_path):
    """A tiny-model grid drives 01, 02 and 03 through papermill; a second call skips all."""
    spec = tiny_spec()
    root = flow.run_grid(spec, tmp_path)
    executed = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.ipynb"))
    # one kernel per notebook per dataset: 01 runs the whole ladder, 02 every pair
    assert executed == [
        "03_plot_classification.ipynb",
        "notebooks/movie_polarity__gt/01_ground_truth.ipynb",
        "notebooks/movie_polarity__transfer/02_weak_to_strong.ipynb",
    ]
    table = pd.read_csv(root / "transfer.csv")  # an encoder weak and a causal strong: both ceilings found
    # 1 pair and each model's weak -> weak row, x 2 losses
    assert len(table) == 6 and table[["weak_gt_acc", "strong_gt_acc"]].notna().all().all()
    for f in ("accuracy.png", "pgr.png", "median_pgr.md", "transfer.csv", "runs.csv"):
        assert (root / f).exists(), f
    mtimes = {p: p.stat().st_mtime_ns for p in root.glob("runs/*/result.json")}
    flow.run_grid(spec, root, report=False)
    assert mtimes == {p: p.stat().st_mtime_ns for p in root.glob("runs/*/result.json")}


def test_a_failing_cell_does_not_stop_the_grid(tmp_path):
    """A model folder without weights passes validation and fails when loaded: notebook 01
    finishes the other models and then fails naming it, its pairs are blocked, the other
    pair runs, the report is written, and GridFailed names the failed notebook."""
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text(json.dumps({"model_type": "bert", "architectures": ["BertModel"]}))
    spec = tiny_spec(models=["tiny-random-bert", str(broken), "tiny-random-llama"], order_by="ladder")
    with pytest.raises(GridFailed) as e:
        flow.run_grid(spec, tmp_path / "grid")
    status = {o.key: o.status for o in e.value.outcomes}
    assert status["movie_polarity__gt"] == "failed"
    assert status["movie_polarity__tiny-random-bert__to__broken-model"] == "blocked"
    assert status["movie_polarity__broken-model__to__tiny-random-llama"] == "blocked"
    assert status["movie_polarity__broken-model__to__broken-model"] == "blocked"
    assert status["movie_polarity__transfer"] == "done"
    (gt,) = [o for o in e.value.outcomes if o.key == "movie_polarity__gt"]
    assert "broken-model" in gt.error
    failed = tmp_path / "grid" / "notebooks" / "movie_polarity__gt" / "01_ground_truth.failed.ipynb"
    assert failed.exists() and str(failed) in str(e.value)
    # the report covers what finished: 1 pair and 2 weak -> weak rows, x 2 losses
    assert len(pd.read_csv(tmp_path / "grid" / "transfer.csv")) == 6


def test_report_draws_with_no_valid_pgr(tmp_path):
    """Tiny random models: a strong ceiling at or below the weak model is common; the report
    still writes every table and figure (the PGR figure says why it is empty)."""
    from w2s_helpers.classification import report

    spec = tiny_spec(models=["tiny-random-llama", "tiny-random-gpt2"], losses=["xent"], order_by="ladder")
    root = flow.run_grid(spec, tmp_path, papermill=False, report=False)
    tr = pd.DataFrame(report.transfer_table(report.gather(root)))
    tr["pgr"] = float("nan")
    fig = report.pgr_plot(tr)
    assert "no pair has a valid PGR" in fig.axes[0].texts[0].get_text()
    rep = report.build_report(root)
    report.save_report(rep, tmp_path / "out")
    assert (tmp_path / "out" / "pgr.png").exists() and (tmp_path / "out" / "accuracy.png").exists()


def test_reasoning_grid_end_to_end(tmp_path):
    """10 -> 11 -> 12 -> 13 -> 14 -> 19 on tiny models through papermill, with replayed
    weak/strong answers so that stage I has a non-empty consistent subset."""
    from w2s_helpers.reasoning import flow as rflow
    from w2s_helpers.reasoning import grid as rgrid
    from w2s_helpers.reasoning.config import ReasoningGridSpec
    from w2s_helpers.reasoning.experiment import load_splits

    models = ("weak_model", "strong_model")
    base = {k: v for k, v in TINY_REASONING.items() if k not in models}
    spec = ReasoningGridSpec(name="r", pairs=[[TINY_REASONING[m] for m in models]], base=base)
    questions = load_splits(rgrid.configs(spec)[0])[0]["train_2"]
    spec.base.update(write_replay_rows(tmp_path, questions))
    root = rflow.run_grid(rflow.validate(spec), tmp_path / "grid")
    (done,) = [runs.completed(p.parent) for p in root.glob("experiments/*/result.json")]
    methods = [r["method"] for r in done["accuracy"]]
    assert methods == [
        "weak_floor",
        "strong_zero_shot",
        "full_weak_sft",
        "stage1_it1_hybrid",
        "strong_ceiling",
    ]  # each once
    sets = {r["set"]: r for r in done["sets"]}
    assert sets["weak"]["questions"] == 2 and sets["hybrid"]["rows"] == 4
    exp = next(root.glob("experiments/*/result.json")).parent
    assert (exp / "reasoning_accuracy.png").exists() and (exp / "stage1_sets.md").exists()
    assert len(list(exp.glob("notebooks/*.ipynb"))) == 5
    # the grid's own report over its experiments: methods x pairs x seeds, with intervals
    summary = pd.read_csv(root / "reasoning_summary.csv")
    assert summary["method"].tolist() == methods and (summary["seeds"] == 1).all()
    assert (summary["ci_low"] <= summary["accuracy"]).all() and (root / "reasoning_summary.png").exists()
    assert len(pd.read_csv(root / "reasoning_runs.csv")) == len(methods)


@pytest.mark.parametrize(
    "content,expected",
    [
        (None, "mine.jsonl: no such file"),
        ("", "mine.jsonl: the file has no rows"),
        ('{"text": "a", "label": 1}\n{"text": "b", "label": \n', "mine.jsonl: line 2: not valid JSON"),
        ('{"text": "a", "label": 1}\n{"txt": "b", "label": 0}\n', "mine.jsonl: line 2: missing field"),
        (
            '{"text": "a", "label": 1}\n{"text": "b", "label": 2}\n',
            "mine.jsonl: line 2: field 'label' = 2; expected",
        ),
    ],
)
def test_cli_bad_data_file_is_one_line_before_any_work(tmp_path, capsys, content, expected):
    data = tmp_path / "data" / "mine.jsonl"
    data.parent.mkdir()
    if content is not None:
        data.write_text(content)
    spec = tmp_path / "g.yaml"
    spec.write_text(
        "datasets: [data/mine.jsonl]\nmodels: [tiny-random-bert, tiny-random-llama]\nseeds: [0]\n"
    )
    with pytest.raises(SystemExit) as e:
        main(["grid", str(spec), "--out", str(tmp_path / "out")])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and expected in err and str(spec) in err, err
    assert not (tmp_path / "out").exists()  # nothing started


def test_relative_paths_resolve_against_the_spec_folder(tmp_path, monkeypatch):
    (tmp_path / "specs" / "data").mkdir(parents=True)
    rows = [{"text": f"text number {i}", "label": i % 2} for i in range(40)]
    (tmp_path / "specs" / "data" / "mine.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    spec_path = tmp_path / "specs" / "g.yaml"
    spec_path.write_text(
        "datasets: [data/mine.jsonl]\nmodels: [tiny-random-bert, tiny-random-llama]\nseeds: [0]\n"
        "base: {n_train: 20, n_test: 4}\n"  # what 40 rows give: the data check refuses more
    )
    monkeypatch.chdir(tmp_path)  # not the spec's folder
    spec = flow.load_spec(spec_path)
    assert spec.datasets == [str(tmp_path / "specs" / "data" / "mine.jsonl")]
