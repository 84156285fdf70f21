"""Tidy tables from the run records, PGR, and the paper's figures.

The plotting notebook only calls these: nothing here trains or imports torch; it reads
run records. Figures are returned (a notebook shows them inline) and saved as PNG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.tables import save_figure, save_table
from .config import RUN_FIELDS
from .figures import pgr_plot, reference_plot, sweep_plot
from .metrics import pgr
from .records import config_fields, gather


def _recipe_columns(df: pd.DataFrame) -> list[str]:
    """Config fields other than model, weak model, loss and seed: runs that differ only in
    those are compared with each other."""
    return [c for c in config_fields(df) if c not in RUN_FIELDS]


def varying_fields(runs: pd.DataFrame) -> list[str]:
    """Recipe fields (other than the dataset) that take several values: a swept setting."""
    return [c for c in _recipe_columns(runs) if c != "dataset" and runs[c].astype(str).nunique() > 1]


def transfer_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per transfer run with its weak and strong ground-truth accuracies and PGR."""
    if runs.empty or "kind" not in runs:
        return pd.DataFrame()
    # each transfer record names its two ground-truth runs: join on those ids, never on
    # config fields that a ground-truth run does not have (aux_coef, warmup_frac, ...)
    gt = runs[runs["kind"] == "gt"].set_index("run_id")["test_acc"]
    tr = runs[runs["kind"] == "transfer"].copy()
    if tr.empty:
        return tr
    tr["weak_gt_acc"] = [gt.get(r, np.nan) for r in tr["weak_gt_run"]]
    tr["strong_gt_acc"] = [gt.get(r, np.nan) for r in tr["strong_gt_run"]]
    tr["pgr"] = [pgr(w, s, t) for w, s, t in zip(tr["weak_gt_acc"], tr["strong_gt_acc"], tr["test_acc"])]
    varying = varying_fields(runs)
    cols = [
        "dataset",
        *varying,
        "weak_model",
        "model",
        "loss",
        "seed",
        "weak_gt_acc",
        "strong_gt_acc",
        "test_acc",
        "pgr",
        "test_auroc",
        "weak_label_acc",
        "mode",
        "epochs",
        "n_train",
        "n_test",
        "run_id",
    ]
    return tr[list(dict.fromkeys(c for c in cols if c in tr))].rename(
        columns={"model": "strong_model", "test_acc": "transfer_acc"}
    )


def gt_table(runs: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Ground-truth test accuracy per (dataset, swept settings, model): mean, sd, seeds."""
    if runs.empty:
        return pd.DataFrame(columns=["dataset", *by, "model", "mean", "std", "count"])
    gt = runs[runs["kind"] == "gt"]
    return (
        gt.groupby(["dataset", *by, "model"])["test_acc"]
        .agg(["mean", "std", "count"])
        .reset_index()
        .sort_values(["dataset", *by, "mean"])
    )


def median_pgr(tr: pd.DataFrame, min_gap: float = 0.02, by: Sequence[str] = ()) -> pd.DataFrame:
    """Median PGR over pairs per (dataset, loss, seed), then mean and spread over seeds.

    `median_pgr` uses the pairs whose mean ceiling is at least `min_gap` above the weak
    model (PGR of a sub-point gap is noise divided by noise); `median_pgr_all` uses every
    valid pair, as the paper does.
    """
    valid = tr.dropna(subset=["pgr"]).copy()
    keys = ["dataset", *by, "loss"]
    gap = (
        valid.groupby(["dataset", *by, "weak_model", "strong_model"])[["strong_gt_acc", "weak_gt_acc"]]
        .transform("mean")
        .pipe(lambda g: g["strong_gt_acc"] - g["weak_gt_acc"])
    )
    valid["wide"] = gap >= min_gap

    def summarise(rows: pd.DataFrame, name: str) -> pd.DataFrame:
        per_seed = rows.groupby([*keys, "seed"])["pgr"].median().reset_index()
        out = per_seed.groupby(keys)["pgr"].agg(["mean", "std", "min", "max"]).reset_index()
        out.columns = [*keys, name, f"{name}_seed_std", f"{name}_seed_min", f"{name}_seed_max"]
        pairs = (
            rows.drop_duplicates([*keys, "weak_model", "strong_model"])
            .groupby(keys)
            .size()
            .rename(f"{name}_pairs")
            .reset_index()
        )
        return out.merge(pairs, on=keys)

    wide = summarise(valid[valid["wide"]], "median_pgr")
    every = summarise(valid, "median_pgr_all")[
        [*keys, "median_pgr_all", "median_pgr_all_seed_std", "median_pgr_all_pairs"]
    ]
    return wide.merge(every, on=keys, how="outer").assign(min_gap=min_gap)


@dataclass
class Report:
    """Everything notebook 03 shows: tidy tables and the figures drawn from them."""

    runs: pd.DataFrame
    transfer: pd.DataFrame
    ground_truth: pd.DataFrame
    median_pgr: pd.DataFrame
    figures: dict[str, plt.Figure] = field(default_factory=dict)

    def metrics(self) -> dict:
        return {
            "runs": len(self.runs),
            "transfer_runs": len(self.transfer),
            "median_pgr": self.median_pgr.to_dict("records"),
            "ground_truth": self.ground_truth.to_dict("records"),
        }


def build_report(run_root: str | Path, min_gap: float = 0.02, run_ids: list[str] | None = None) -> Report:
    """Gather the runs under run_root (only `run_ids` when given) into tables and figures.
    Whatever has finished is drawn; a missing piece is said on the figure, never a crash."""
    runs = gather(run_root, run_ids)
    tr = transfer_table(runs)
    by = varying_fields(runs) if not runs.empty else []
    summary = median_pgr(tr, min_gap, by) if not tr.empty and tr["pgr"].notna().any() else pd.DataFrame()
    gt = gt_table(runs, by)
    # one recipe: the paper's two figures; a sweep: median PGR against each swept setting
    if by:
        figures = {f"pgr_vs_{f}.png": sweep_plot(summary, f) for f in by if not summary.empty}
    else:
        figures = {"accuracy.png": reference_plot(gt, tr), "pgr.png": pgr_plot(tr, min_gap)}
    return Report(runs, tr, gt, summary, figures)


def save_report(report: Report, out_dir: str | Path) -> None:
    out_dir = Path(out_dir)
    for df, stem in (
        (report.runs, "runs"),
        (report.transfer, "transfer"),
        (report.ground_truth, "ground_truth"),
        (report.median_pgr, "median_pgr"),
    ):
        save_table(df, out_dir / f"{stem}.csv")
        if stem in ("ground_truth", "median_pgr"):
            save_table(df, out_dir / f"{stem}.md")
    for name, fig in report.figures.items():
        save_figure(fig, out_dir / name)


def write_report(run_root: str | Path, out_dir: str | Path, min_gap: float = 0.02) -> dict:
    """Build and save the report (tables as CSV + Markdown, figures as PNG); its metrics."""
    report = build_report(run_root, min_gap)
    save_report(report, out_dir)
    for fig in report.figures.values():
        plt.close(fig)
    return report.metrics()
