"""One reasoning folder's rows of the cross-folder leaderboard (`w2s leaderboard`): per
(task, weak -> strong pair, method) the test accuracy with its 95% interval, PGR against
the weak floor and the strong ceiling, and the questions. No torch: it reads the evaluation
records (`eval/<method>.json`) through report and grid_report, never the generations.

A folder is one experiment (`eval/*.json`, the accuracy table of report) or a reasoning
grid root (`experiments/*/result.json`, grid_report's summary: each pair's seeds pooled)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.fileio import read_json
from . import grid_report
from .report import ORDER, accuracy_table, gather_evals

ANCHORS = ("weak_floor", "strong_ceiling")  # PGR's two ends: 0 and 1 by construction
COLUMNS = [
    "task",
    "pair",
    "method",
    "n",
    "seeds",
    "accuracy",
    "ci_low",
    "ci_high",
    "pgr",
    "pgr_min",
    "pgr_max",
]


def is_experiment(path: str | Path) -> bool:
    """One reasoning experiment's folder: it holds evaluation records."""
    return any(Path(path).glob("eval/*.json"))


def is_grid_root(path: str | Path) -> bool:
    """A reasoning grid root: finished experiments under experiments/."""
    return any(Path(path).glob("experiments/*/result.json"))


def is_reasoning_folder(path: str | Path) -> bool:
    return is_experiment(path) or is_grid_root(path)


def _pair_of(exp: Path) -> dict:
    """The experiment's dataset and models, named as grid_report names them: from its
    evaluation records, else its config (result.json or config.json)."""
    found: dict = {}
    sources = [*gather_evals(exp)]
    for name in ("result.json", "config.json"):
        if (exp / name).exists():
            record = read_json(exp / name)
            sources.append(record.get("config", record))
    for key in ("dataset", "weak_model", "strong_model", "seed"):
        found[key] = next((s[key] for s in sources if s.get(key) is not None), None)
    return {
        "dataset": Path(str(found["dataset"] or "?")).stem,
        "weak_model": Path(str(found["weak_model"] or "?")).name,
        "strong_model": Path(str(found["strong_model"] or "?")).name,
        "seed": found["seed"],
    }


def _rows(path: Path) -> pd.DataFrame:
    """Per (pair, method): grid_report's pooled summary for a grid root, the accuracy table
    for one experiment (seeds 1, PGR min = max = its PGR)."""
    if is_grid_root(path):
        return grid_report.summary(grid_report.gather(path))
    table = accuracy_table(path)
    if table.empty:
        return table
    pair = _pair_of(path)
    return table.assign(
        dataset=pair["dataset"],
        weak_model=pair["weak_model"],
        strong_model=pair["strong_model"],
        seeds=1,
        pgr_min=table["pgr"],
        pgr_max=table["pgr"],
    )


def anchor_rank(method: str) -> int:
    """Methods first, the anchors (ceiling, then floor) at the end of each pair."""
    return ANCHORS[::-1].index(method) + 1 if method in ANCHORS else 0


def leaderboard(path: str | Path) -> pd.DataFrame:
    """The leaderboard rows of one reasoning folder: one per (task, weak -> strong pair,
    method), best PGR first within a pair (NaN last; the weak floor and the strong ceiling
    after the methods, the paper's order breaking ties). Empty (with the columns) when
    nothing has been evaluated yet."""
    rows = _rows(Path(path))
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = rows.assign(
        task=rows["dataset"].astype(str),
        pair=[f"{w} -> {s}" for w, s in zip(rows["weak_model"], rows["strong_model"])],
        anchor=rows["method"].map(anchor_rank),
        order=rows["method"].map(lambda m: ORDER.index(m) if m in ORDER else len(ORDER)),
    )
    rows = rows.sort_values(
        ["task", "pair", "anchor", "pgr", "order"],
        ascending=[True, True, True, False, True],
        na_position="last",
        kind="stable",
    )
    for col in COLUMNS:
        if col not in rows:
            rows[col] = float("nan")
    return rows[COLUMNS].reset_index(drop=True)
