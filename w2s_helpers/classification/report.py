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

from ..core.stats import pgr
from ..core.tables import save_figure, save_table
from .analysis import analysis_table
from .analysis_figures import agreement_plot, misfit_plot, pgr_vs_strong_plot
from .config import RUN_FIELDS
from .figures import curves_plot, pgr_plot, reference_plot, sweep_plot
from .medians import median_pgr
from .methods import method_label
from .records import config_fields, curves, gather

# settings that make a transfer run a different *method* rather than a different recipe
METHOD_FIELDS = (
    "loss",
    "balance_batch",
    "window_radius",
    "relabel",
    "filter",
    "contamination",
    "knn_k",
    "s2s_iters",
    "early_stop",
    "confidence_threshold",
    "co_supervisors",
    "combine",
    "chain",
    "prompt",
    "n_shots",
    "prompt_dtype",
    "label_words",
)


def _recipe_columns(df: pd.DataFrame) -> list[str]:
    """Config fields other than model, weak model, loss and seed: runs that differ only in
    those are compared with each other."""
    return [c for c in config_fields(df) if c not in RUN_FIELDS]


def varying_fields(runs: pd.DataFrame) -> list[str]:
    """Recipe fields (other than the dataset and the method's) that take several values: a swept setting."""
    skip = {"dataset", *METHOD_FIELDS, "aux_coef", "warmup_frac", "eval_every"}
    # a field missing from older records (NaN) is not a second value of it
    return [c for c in _recipe_columns(runs) if c not in skip and runs[c].dropna().astype(str).nunique() > 1]


def transfer_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per transfer run: its weak model's and its ceiling's test accuracy and AUROC
    (and validation accuracy, which decides which pairs count as a real gap), the student's,
    and PGR on accuracy and on AUROC."""
    if runs.empty or "kind" not in runs:
        return pd.DataFrame()
    # each transfer record names its two ground-truth runs: join on those ids, never on
    # config fields that a ground-truth run does not have (aux_coef, warmup_frac, ...)
    gt = runs[runs["kind"] == "gt"].set_index("run_id")
    tr = runs[runs["kind"] == "transfer"].copy()
    if tr.empty:
        return tr
    if "pgr_weak_model" in tr:  # several supervisors: PGR against the best single one
        several = tr["pgr_weak_model"].notna()
        tr.loc[several, "first_weak_model"] = tr.loc[several, "weak_model"]
        tr.loc[several, "weak_model"] = tr.loc[several, "pgr_weak_model"]
        tr.loc[several, "weak_gt_run"] = tr.loc[several, "pgr_weak_gt_run"]
    for side in ("weak", "strong"):
        for metric, col in (("acc", "test_acc"), ("auroc", "test_auroc"), ("val_acc", "val_acc")):
            values = gt[col] if col in gt else pd.Series(dtype=float)
            tr[f"{side}_gt_{metric}"] = [values.get(r, np.nan) for r in tr[f"{side}_gt_run"]]
    if "test_auroc" not in tr:
        tr["test_auroc"] = np.nan
    tr["pgr"] = [pgr(w, s, t) for w, s, t in zip(tr["weak_gt_acc"], tr["strong_gt_acc"], tr["test_acc"])]
    tr["pgr_auroc"] = [
        pgr(w, s, t) for w, s, t in zip(tr["weak_gt_auroc"], tr["strong_gt_auroc"], tr["test_auroc"])
    ]
    if "ensemble_test_acc" in tr:  # the combined supervisors as the floor instead
        tr["pgr_vs_ensemble"] = [
            pgr(w, s, t) for w, s, t in zip(tr["ensemble_test_acc"], tr["strong_gt_acc"], tr["test_acc"])
        ]
    tr["method"] = [method_label(r) for r in tr.to_dict("records")]
    tr["self_transfer"] = tr["weak_model"] == tr["model"]  # weak -> weak: PGR undefined
    varying = varying_fields(runs)
    cols = [
        "dataset",
        *varying,
        "weak_model",
        "model",
        "self_transfer",
        "method",
        "loss",
        "seed",
        "weak_gt_acc",
        "strong_gt_acc",
        "test_acc",
        "pgr",
        "weak_gt_auroc",
        "strong_gt_auroc",
        "test_auroc",
        "pgr_auroc",
        "weak_gt_val_acc",
        "strong_gt_val_acc",
        "weak_label_acc",
        "ensemble_test_acc",
        "pgr_vs_ensemble",
        "first_weak_model",
        "agree_weak",
        "agree_weak_right",
        "agree_weak_wrong",
        "misfit",
        "misfit_disagree",
        "gain_sq",
        "gain_acc",
        "best_step",
        "mode",
        "epochs",
        "n_train",
        "n_test",
        "weak_gt_run",
        "strong_gt_run",
        "run_id",
    ]
    return tr[list(dict.fromkeys(c for c in cols if c in tr))].rename(
        columns={"model": "strong_model", "test_acc": "transfer_acc", "test_auroc": "transfer_auroc"}
    )


def self_transfer_table(tr: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """The weak -> weak rows (a model trained on its own weak labels, the same features as
    its teacher): per (dataset, swept settings, model, method), the teacher's test accuracy,
    the student's and the gap (student - teacher), mean over seeds with the gap's sd and
    the seeds. A student that cannot copy its teacher (a gap well below 0) says the student
    recipe, not weak-to-strong generalisation, is what the other rows measure."""
    cols = ["dataset", *by, "model", "method", "teacher_acc", "student_acc", "gap", "gap_sd", "seeds"]
    rows = tr[tr["self_transfer"]] if "self_transfer" in tr else pd.DataFrame()
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows.assign(gap=rows["transfer_acc"] - rows["weak_gt_acc"])
    agg = rows.groupby(["dataset", *by, "strong_model", "method"], dropna=False).agg(
        teacher_acc=("weak_gt_acc", "mean"),
        student_acc=("transfer_acc", "mean"),
        gap=("gap", "mean"),
        gap_sd=("gap", "std"),
        seeds=("seed", "nunique"),
    )
    out = agg.reset_index().rename(columns={"strong_model": "model"})
    return out.sort_values(["dataset", *by, "teacher_acc", "method"])[cols].reset_index(drop=True)


def gt_table(runs: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Ground-truth accuracy per (dataset, swept settings, model): test mean, sd and seeds,
    and the validation accuracy that orders the ladder."""
    if runs.empty:
        return pd.DataFrame(columns=["dataset", *by, "model", "mean", "std", "count", "val_mean"])
    gt = runs[runs["kind"] == "gt"]
    agg = gt.groupby(["dataset", *by, "model"])
    out = agg["test_acc"].agg(["mean", "std", "count"])
    if "val_acc" in gt:
        out["val_mean"] = agg["val_acc"].mean()
    return out.reset_index().sort_values(["dataset", *by, "mean"])


def learning_curves(run_root: str | Path, tr: pd.DataFrame) -> dict[str, plt.Figure]:
    """Per dataset, the students of the pair with the widest validation gap: their validation
    and test accuracy as they train, a line per method."""
    if tr.empty or "weak_gt_val_acc" not in tr:
        return {}
    out = {}
    for d, sub in tr.groupby("dataset"):
        gaps = (
            sub.assign(gap=sub["strong_gt_val_acc"] - sub["weak_gt_val_acc"])
            .groupby(["weak_model", "strong_model"])["gap"]
            .mean()
        )
        if gaps.dropna().empty:
            continue
        weak, strong = gaps.idxmax()
        chosen = sub[(sub["weak_model"] == weak) & (sub["strong_model"] == strong)]
        c = curves(run_root, list(chosen["run_id"]))
        if c.empty:
            continue
        c = c.merge(chosen[["run_id", "method"]], on="run_id").rename(columns={"method": "label"})
        out[f"curves_{Path(str(d)).stem}.png"] = curves_plot(c, f"{Path(str(d)).stem}: {weak} -> {strong}")
    return out


@dataclass
class Report:
    """Everything notebook 03 shows: tidy tables and the figures drawn from them."""

    runs: pd.DataFrame
    transfer: pd.DataFrame
    ground_truth: pd.DataFrame
    median_pgr: pd.DataFrame
    self_transfer: pd.DataFrame = field(default_factory=pd.DataFrame)  # the weak -> weak rows
    analysis: pd.DataFrame = field(default_factory=pd.DataFrame)  # imitation and misfit per method
    figures: dict[str, plt.Figure] = field(default_factory=dict)

    def metrics(self) -> dict:
        return {
            "runs": len(self.runs),
            "transfer_runs": len(self.transfer),
            "median_pgr": self.median_pgr.to_dict("records"),
            "ground_truth": self.ground_truth.to_dict("records"),
            "self_transfer": self.self_transfer.to_dict("records"),
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
        figures = {
            "accuracy.png": reference_plot(gt, tr),
            "pgr.png": pgr_plot(tr, min_gap),
            "pgr_vs_strong.png": pgr_vs_strong_plot(tr, "pgr", min_gap),
        }
    if "agree_weak" in tr:  # records since the imitation analysis
        figures["agreement.png"] = agreement_plot(tr)
    if "misfit" in tr:
        figures["misfit.png"] = misfit_plot(tr)
    figures.update(learning_curves(run_root, tr))
    return Report(runs, tr, gt, summary, self_transfer_table(tr, by), analysis_table(tr, by), figures)


def save_report(report: Report, out_dir: str | Path) -> None:
    out_dir = Path(out_dir)
    for df, stem in (
        (report.runs, "runs"),
        (report.transfer, "transfer"),
        (report.ground_truth, "ground_truth"),
        (report.median_pgr, "median_pgr"),
        (report.self_transfer, "self_transfer"),
        (report.analysis, "analysis"),
    ):
        save_table(df, out_dir / f"{stem}.csv")
        if stem in ("ground_truth", "median_pgr", "self_transfer", "analysis"):
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
