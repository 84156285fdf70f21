"""One grid root's rows of the cross-folder leaderboard (`w2s leaderboard`): per (task,
swept settings, method) the reference's median PGR over all pairs, and the same per weak ->
strong pair, on accuracy and AUROC with their seed-bootstrap intervals. No torch: it reads
run records through records, report and medians.

Weak -> weak rows (a model trained on its own labels) have no PGR: they are left out of
every median and of the run counts (`self_transfer_table` in report lists them)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from .medians import reference_median_pgr
from .records import gather
from .report import transfer_table, varying_fields

ALL_PAIRS = "all pairs"
KEYS = ["task", "setting", "method", "pair"]
STATS = [
    "median_pgr",
    "median_pgr_lo",
    "median_pgr_hi",
    "median_pgr_rows",
    "median_pgr_auroc",
    "median_pgr_auroc_lo",
    "median_pgr_auroc_hi",
    "median_pgr_auroc_rows",
    "seeds",
    "runs",
    "mean_transfer_acc",
]
COLUMNS = [*KEYS, *STATS]


def is_grid_root(path: str | Path) -> bool:
    """A classification grid root: a folder holding `runs/<id>/result.json` records."""
    return any(Path(path).glob("runs/*/result.json"))


def run_fingerprint(root: str | Path) -> frozenset[tuple[str, str]]:
    """Each run's id with a hash of its record's bytes: two folders with the same
    fingerprint hold literally the same runs (a copy, or the same folder named twice)."""
    return frozenset(
        (p.parent.name, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in Path(root).glob("runs/*/result.json")
    )


def _setting(row: dict, fields: list[str]) -> str:
    """The swept settings of one group as `field=value, ...` ("" for a single recipe)."""
    return ", ".join(f"{f}={row[f]}" for f in fields)


def _medians(tr: pd.DataFrame, by: list[str], n_boot: int, boot_seed: int) -> pd.DataFrame:
    """reference_median_pgr per (dataset, `by`, method), with the run count and the mean
    transfer accuracy of each group."""
    keys = ["dataset", *by, "method"]
    out = reference_median_pgr(tr, by, n_boot, boot_seed)
    counts = tr.groupby(keys, dropna=False, sort=True).agg(
        runs=("run_id", "size"), mean_transfer_acc=("transfer_acc", "mean")
    )
    return out.merge(counts.reset_index(), on=keys, how="left")


def leaderboard(root: str | Path, n_boot: int = 1000, boot_seed: int = 0) -> pd.DataFrame:
    """The leaderboard rows of one grid root: for each (task, swept settings, method) an
    "all pairs" row, then one row per weak -> strong pair. `median_pgr*` are
    `medians.reference_median_pgr`'s (median, 95% seed-bootstrap interval `_lo`/`_hi`,
    the kept rows), on accuracy and on AUROC; `runs` counts the transfer runs and
    `mean_transfer_acc` is their mean test accuracy. Unsorted; empty (with the columns)
    when the root has no transfer runs yet."""
    runs = gather(root)
    tr = transfer_table(runs)
    if tr.empty:
        return pd.DataFrame(columns=COLUMNS)
    tr = tr[~tr["self_transfer"].astype(bool)]
    if tr.empty:
        return pd.DataFrame(columns=COLUMNS)
    by = varying_fields(runs)
    summary = _medians(tr, by, n_boot, boot_seed).assign(pair=ALL_PAIRS)
    pairs = _medians(tr, [*by, "weak_model", "strong_model"], n_boot, boot_seed)
    pairs["pair"] = [f"{w} -> {s}" for w, s in zip(pairs["weak_model"], pairs["strong_model"])]
    out = pd.concat([summary, pairs], ignore_index=True)
    out["task"] = out["dataset"].astype(str)
    out["setting"] = [_setting(r, by) for r in out.to_dict("records")]
    for col in STATS:
        if col not in out:
            out[col] = np.nan
    return out[COLUMNS].reset_index(drop=True)
