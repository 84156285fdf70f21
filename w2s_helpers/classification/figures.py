"""The classification figures: accuracy against the strong ceiling (the paper's figure),
PGR per pair and loss, and median PGR against a swept setting. Each draws what the
records allow and says so when there is nothing to draw; none imports torch."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from ..core.tables import slanted_xticks


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=9, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def sweep_plot(summary: pd.DataFrame, field: str) -> plt.Figure:
    """Median PGR (the reference's statistic, with its 95% seed-bootstrap interval) against a
    swept setting, a line per method, per dataset."""
    datasets = sorted(summary["dataset"].unique())
    fig, axes = plt.subplots(1, len(datasets), figsize=(5 * len(datasets), 4), squeeze=False)
    for ax, d in zip(axes[0], datasets):
        for method, line in summary[summary["dataset"] == d].groupby("method"):
            line = line.sort_values(field)
            # a percentile interval need not contain its point estimate: clip at 0
            below = (line["median_pgr"] - line["median_pgr_lo"]).clip(lower=0)
            above = (line["median_pgr_hi"] - line["median_pgr"]).clip(lower=0)
            ax.errorbar(
                line[field],
                line["median_pgr"],
                yerr=[below, above],
                marker="o",
                capsize=3,
                label=method,
            )
        ax.axhline(0, color="grey", lw=0.8)
        values = sorted(summary[field].unique())
        if all(isinstance(v, int | float) for v in values) and values[0] > 0 and values[-1] / values[0] >= 4:
            ax.set_xscale("log", base=2)  # doubling sweeps (epochs 1, 2, 4, 8) read evenly
            ax.set_xticks(values, [f"{v:g}" for v in values])
        ax.set_xlabel(field)
        ax.set_ylabel("median PGR (95% seed-bootstrap interval)")
        ax.set_title(d)
        ax.legend()
    fig.tight_layout()
    return fig


def reference_plot(gt: pd.DataFrame, tr: pd.DataFrame) -> plt.Figure:
    """x = strong model's gt accuracy, y = test accuracy; a line per weak model (hue), a line
    style per loss, and the black ground-truth line. `gt` is report.gt_table's output."""
    datasets = sorted(gt["dataset"].unique()) if not gt.empty else [""]
    fig, axes = plt.subplots(1, len(datasets), figsize=(5.5 * len(datasets), 4.5), squeeze=False)
    if gt.empty:
        _empty(axes[0][0], "no finished ground-truth runs yet")
        return fig
    styles = dict(
        zip(sorted(tr["loss"].unique()) if not tr.empty else [], ["-", "--", ":", "-.", (0, (1, 1))])
    )
    palette = dict(
        zip(gt.sort_values("mean")["model"].unique(), sns.color_palette("viridis", gt["model"].nunique()))
    )
    for ax, d in zip(axes[0], datasets):
        g = gt[gt["dataset"] == d].sort_values("mean")
        ax.plot(g["mean"], g["mean"], "o-", color="black", label="ground truth", zorder=3)
        t = tr[tr["dataset"] == d] if not tr.empty else tr
        if not t.empty:
            agg = (
                t.groupby(["weak_model", "strong_model", "loss"])
                .agg(x=("strong_gt_acc", "mean"), y=("transfer_acc", "mean"), yerr=("transfer_acc", "std"))
                .reset_index()
            )
            for (weak, loss), line in agg.groupby(["weak_model", "loss"]):
                line = line.sort_values("x")
                ax.errorbar(
                    line["x"],
                    line["y"],
                    yerr=line["yerr"],
                    linestyle=styles[loss],
                    marker="o",
                    color=palette.get(weak),
                    capsize=2,
                    label=f"weak {weak} ({loss})",
                )
        ax.set_title(d)
        ax.set_xlabel("strong model ground-truth accuracy")
        ax.set_ylabel("test accuracy")
        ax.grid(alpha=0.3)
    axes[0][-1].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return fig


def pgr_plot(tr: pd.DataFrame, min_gap: float = 0.02) -> plt.Figure:
    """PGR per (weak -> strong) pair and method, mean and spread over seeds, for pairs whose
    ceiling is at least `min_gap` above the weak model on validation accuracy; each label
    carries the (test) gap."""
    valid = tr.dropna(subset=["pgr"]).copy() if "pgr" in tr else pd.DataFrame()
    if valid.empty:
        fig, ax = plt.subplots(figsize=(6, 3))
        _empty(
            ax,
            "no pair has a valid PGR: every strong ceiling is at or below its weak model's\n"
            "accuracy (or no transfer run has finished); see transfer.csv",
        )
        return fig
    means = valid.groupby(["dataset", "weak_model", "strong_model"])[
        ["strong_gt_acc", "weak_gt_acc", "strong_gt_val_acc", "weak_gt_val_acc"]
    ].transform("mean")
    valid["gap"] = means["strong_gt_acc"] - means["weak_gt_acc"]
    valid["val_gap"] = means["strong_gt_val_acc"] - means["weak_gt_val_acc"]
    valid["pair"] = [
        f"{w} → {st} (+{100 * g:.1f})"
        for w, st, g in zip(valid["weak_model"], valid["strong_model"], valid["gap"])
    ]
    datasets = sorted(valid["dataset"].unique()) or [""]
    fig, axes = plt.subplots(1, len(datasets), figsize=(6 * len(datasets), 4.8), squeeze=False)
    for ax, d in zip(axes[0], datasets):
        sub = valid[valid["dataset"] == d]
        shown = sub[sub["val_gap"] >= min_gap].sort_values("gap")
        if not shown.empty:
            sns.pointplot(
                data=shown,
                x="pair",
                y="pgr",
                hue="method",
                dodge=0.3 if shown["method"].nunique() > 1 else False,  # seaborn divides by methods - 1
                errorbar="sd",
                linestyle="none",
                capsize=0.1,
                ax=ax,
            )
        ax.axhline(0, color="grey", lw=0.8)
        ax.axhline(1, color="grey", lw=0.8, ls="--")
        hidden = sub[sub["val_gap"] < min_gap]["pair"].nunique()
        ax.set_title(
            f"{d}: PGR, mean ± sd over seeds\n(test gap in points; {hidden} pair(s) with a validation gap < "
            f"{100 * min_gap:.0f} points not shown)",
            fontsize=10,
        )
        ax.set_xlabel("weak → strong (ceiling − weak)")
        slanted_xticks(ax, 40)
    fig.tight_layout()
    return fig


def curves_plot(curves: pd.DataFrame, title: str = "") -> plt.Figure:
    """Validation and test accuracy during training, a line per method (mean over seeds):
    how a student learns the task, and whether it then copies the weak labels' mistakes."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), squeeze=False)
    if curves.empty:
        _empty(axes[0][0], "no evaluation curves recorded")
        return fig
    acc = curves[curves["metric"] == "acc"]
    for ax, split in zip(axes[0], ("val", "test")):
        sub = acc[acc["split"] == split]
        if not sub.empty:
            sns.lineplot(data=sub, x="step", y="value", hue="label", errorbar="sd", ax=ax)
        ax.set_title(
            f"{title} {split} accuracy" + (" (against the weak labels)" if split == "val" else ""),
            fontsize=10,
        )
        ax.set_ylabel("accuracy")
    fig.tight_layout()
    return fig
