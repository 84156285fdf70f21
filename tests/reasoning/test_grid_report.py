"""The report over a reasoning grid: every finished experiment's methods in one table, and
per pair and method the seeds pooled (hand-made records, no model)."""

import pandas as pd
import pytest

from w2s_helpers.core.fileio import write_json
from w2s_helpers.core.stats import wilson
from w2s_helpers.reasoning.grid_report import write_grid_report


def _experiment(root, seed, accs, finished=True):
    exp = root / "experiments" / f"asdiv__a__to__b__s{seed}-{seed}"
    for method, acc in accs.items():
        write_json(exp / "eval" / f"{method}.json", {"method": method, "n": 100, "accuracy": acc, "k": 1})
    if finished:
        cfg = {"dataset": "asdiv", "weak_model": "a", "strong_model": "b", "seed": seed}
        write_json(exp / "result.json", {"config": cfg})


def test_seeds_pool_into_one_row_per_method(tmp_path):
    _experiment(tmp_path, 0, {"weak_floor": 0.2, "stage1_it1_hybrid": 0.4, "strong_ceiling": 0.6})
    _experiment(tmp_path, 1, {"weak_floor": 0.1, "stage1_it1_hybrid": 0.5, "strong_ceiling": 0.5})
    _experiment(tmp_path, 2, {"weak_floor": 0.9}, finished=False)  # still running: not reported
    out = write_grid_report(tmp_path)
    assert out == {"experiments": 2, "rows": 3}
    runs = pd.read_csv(tmp_path / "reasoning_runs.csv")
    assert len(runs) == 6 and sorted(runs["seed"].unique()) == [0, 1]
    s = pd.read_csv(tmp_path / "reasoning_summary.csv").set_index("method")
    assert s.index.tolist() == ["weak_floor", "stage1_it1_hybrid", "strong_ceiling"]  # plot order
    row = s.loc["stage1_it1_hybrid"]
    assert row["n"] == 200 and row["accuracy"] == pytest.approx(0.45)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson(90, 200))
    # PGR per seed: (0.4 - 0.2) / (0.6 - 0.2) = 0.5 and (0.5 - 0.1) / (0.5 - 0.1) = 1.0
    assert (row["pgr"], row["pgr_min"], row["pgr_max"]) == pytest.approx((0.75, 0.5, 1.0))
    assert (tmp_path / "reasoning_summary.png").exists() and (tmp_path / "reasoning_summary.md").exists()


def test_an_empty_grid_still_writes_its_report(tmp_path):
    assert write_grid_report(tmp_path) == {"experiments": 0, "rows": 0}
    assert (tmp_path / "reasoning_summary.png").exists()
