"""PGR against the strong model (the paper's second view), and what a student learns from
its weak supervisor, drawn from the transfer table: how far it
imitates the supervisor (agreement on the test examples the supervisor gets right and on
those it gets wrong) and the misfit-gain picture (a convex student's gain over its teacher
is at least its misfit on the weak labels). Sized like the other classification figures;
a missing column is said on the figure, never a crash; no torch."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..core.tables import slanted_xticks
from .figures import (
    DOUBLE,
    SINGLE,
    clip_axis,
    empty_figure,
    errorbar_between,
    legend_below,
    pair_gaps,
    palette,
    panel_title,
    panels,
    paper_style,
    pgr_lines,
    robust_limits,
    weak_colours,
    wrap,
)

AGREEMENT = {
    "agree_weak": "all test examples",
    "agree_weak_right": "weak supervisor right",
    "agree_weak_wrong": "weak supervisor wrong",
}


def _missing(tr: pd.DataFrame, need: list[str]) -> list[str]:
    """The needed columns absent from `tr` or holding no value."""
    return [c for c in need if c not in tr or tr[c].notna().sum() == 0]


def _transfer_rows(tr: pd.DataFrame) -> pd.DataFrame:
    """The weak -> strong rows (the weak -> weak rows copy their own features' teacher)."""
    if "self_transfer" in tr:
        return tr[~tr["self_transfer"].astype(bool)]
    return tr


@paper_style
def pgr_vs_strong_plot(tr: pd.DataFrame, metric: str = "pgr", min_gap: float = 0.02) -> plt.Figure:
    """The paper's second view: `metric` (pgr, or pgr_auroc) against the strong model
    (ordered by its ceiling accuracy), a line per weak model, the median over seeds with
    min-max bars; a panel per dataset and method. Pairs whose validation gap is below
    `min_gap` are left out; the axis keeps to the PGR band as in pgr_plot."""
    need = ["dataset", "weak_model", "strong_model", "method", metric, "strong_gt_acc", "weak_gt_acc"]
    if missing := _missing(tr, need):
        return empty_figure(f"no {metric} to draw: the transfer table lacks {', '.join(missing)}")
    colours = {
        w: c for w, c in weak_colours(tr).items() if w in set(tr.dropna(subset=[metric])["weak_model"])
    }
    rows = tr.dropna(subset=[metric])
    if {"strong_gt_val_acc", "weak_gt_val_acc"} <= set(rows.columns):
        rows = pair_gaps(rows)
        rows = rows[rows["val_gap"] >= min_gap]
    if rows.empty:
        return empty_figure(f"no pair with a validation gap of at least {100 * min_gap:g} points")
    datasets, methods = sorted(rows["dataset"].unique()), sorted(rows["method"].unique())
    colours = {w: c for w, c in weak_colours(tr).items() if w in set(rows["weak_model"])}
    # datasets as columns and methods as rows; one dataset: its methods two to a row
    cols = len(datasets) if len(datasets) > 1 else min(2, len(methods))
    cells = [(d, m) for m in methods for d in datasets]
    n_rows = -(-len(cells) // cols)
    fig, axes = plt.subplots(
        n_rows, cols, figsize=(SINGLE if cols == 1 else DOUBLE, 0.7 + 1.8 * n_rows), squeeze=False,
        sharey=True, sharex="col" if len(datasets) > 1 else True, layout="constrained",
    )  # fmt: skip
    label = {"pgr": "PGR", "pgr_auroc": "PGR on AUROC"}.get(metric, metric)
    points: dict = {}
    for k, ax in enumerate(axes.flat):
        if k >= len(cells):
            ax.set_visible(False)
            continue
        d, m = cells[k]
        sub = rows[rows["dataset"] == d]
        order = list(sub.groupby("strong_model")["strong_gt_acc"].mean().sort_values().index)
        agg = sub[sub["method"] == m].groupby(["weak_model", "strong_model"])[metric]
        agg = agg.agg(["median", "min", "max"]).reset_index()
        agg["x"] = [order.index(s) for s in agg["strong_model"]]
        for w, line in agg.sort_values("x").groupby("weak_model"):
            errorbar_between(
                ax, line["x"], line["median"], line["min"], line["max"], marker="o", color=colours[w]
            )
        points[ax] = (agg["x"], agg["median"], [*agg["min"], *agg["max"]])
        ceiling = sub.groupby("strong_model")["strong_gt_acc"].mean()
        ax.set_xticks(range(len(order)), [f"{s}\n({ceiling[s]:.2f})" for s in order])
        ax.set_xlim(-0.5, len(order) - 0.5)
        pgr_lines(ax)
        panel_title(ax, f"{d}: {m}")
        ax.label_outer()
    ys, ends = ([v for p in points.values() for v in p[k]] for k in (1, 2))
    limits = robust_limits(ys, reach=ends)  # one for the shared axis
    for ax, (x, y, _) in points.items():
        clip_axis(ax, x, y, limits)
    for ax in axes[:, 0]:
        ax.set_ylabel(f"median {label}")
    for ax in axes[-1]:
        ax.set_xlabel("strong model (ceiling accuracy)")
    fig.suptitle(
        wrap(f"{label} against the strong model: median over seeds, bars min-max", fig.get_figwidth())
    )
    legend_below(
        fig,
        [plt.Line2D([], [], color=c, marker="o") for c in colours.values()],
        [f"weak {w}" for w in colours],
    )
    return fig


@paper_style
def agreement_plot(tr: pd.DataFrame) -> plt.Figure:
    """Per method, the student's agreement with its weak supervisor's test predictions:
    overall, where the supervisor is right and where it is wrong; three bars per method, the
    mean over weak -> strong runs with mean ± sd bars, a panel per dataset. Imitation reads
    as high agreement on the supervisor's mistakes (a student that generalises disagrees there)."""
    missing = _missing(tr, ["dataset", "method", *AGREEMENT])
    if missing:
        return empty_figure(
            f"no agreement with the weak supervisor to draw: the transfer table lacks {', '.join(missing)}"
        )
    rows = _transfer_rows(tr)
    if rows.empty:
        return empty_figure("no weak -> strong transfer runs to draw")
    datasets, methods = sorted(rows["dataset"].unique()), sorted(rows["method"].unique())
    colours = dict(zip(AGREEMENT, ["#666666", "#0173b2", "#de8f05"]))
    fig, axes = panels(len(datasets), height=2.5)
    width = 0.8 / len(AGREEMENT)
    for ax, d in zip(axes[0], datasets):
        sub = rows[rows["dataset"] == d]
        for k, col in enumerate(AGREEMENT):
            agg = sub.groupby("method")[col].agg(["mean", "std", "count"]).reindex(methods)
            x = np.arange(len(methods)) + (k - (len(AGREEMENT) - 1) / 2) * width
            ax.bar(x, agg["mean"], width * 0.92, color=colours[col])
            ax.errorbar(x, agg["mean"], yerr=agg["std"].fillna(0), fmt="none", ecolor="black", elinewidth=0.6)
        ax.set_xticks(range(len(methods)), methods)
        if max(len(m) for m in methods) * len(methods) > 40 / len(datasets):
            slanted_xticks(ax, 30)
        ax.set_ylim(0, 1.02)
        panel_title(ax, d)
        ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("agreement with the weak model")
    fig.suptitle(
        wrap(
            "student-supervisor agreement on test: mean over weak → strong runs, bars ± sd",
            fig.get_figwidth(),
        )
    )
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in colours.values()]
    legend_below(fig, handles, list(AGREEMENT.values()))
    return fig


@paper_style
def misfit_plot(tr: pd.DataFrame) -> plt.Figure:
    """Per run, x = misfit (mean squared distance between the student's and the weak soft
    labels on the weak-labelled half), y = gain_sq (the weak model's test squared error minus
    the student's); a colour per method, the y = x line (under convexity the gain is at least
    the misfit: points on or above it), a panel per dataset."""
    missing = _missing(tr, ["dataset", "method", "misfit", "gain_sq"])
    if missing:
        return empty_figure(f"no misfit and gain to draw: the transfer table lacks {', '.join(missing)}")
    rows = tr.dropna(subset=["misfit", "gain_sq"])
    if rows.empty:
        return empty_figure("no run has both a misfit and a gain")
    datasets, methods = sorted(rows["dataset"].unique()), sorted(rows["method"].unique())
    colours = palette(methods)
    fig, axes = panels(len(datasets), height=2.6)
    for ax, d in zip(axes[0], datasets):
        sub = rows[rows["dataset"] == d]
        for m in methods:
            pts = sub[sub["method"] == m]
            ax.scatter(pts["misfit"], pts["gain_sq"], s=9, color=colours[m], alpha=0.8, lw=0)
        lo = min(0.0, float(sub["gain_sq"].min()))
        hi = max(float(sub["misfit"].max()), float(sub["gain_sq"].max()), 1e-3)
        ax.plot([0, hi], [0, hi], color="black", lw=0.7, ls="--")
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xlim(0, hi * 1.05)
        ax.set_ylim(lo - 0.05 * (hi - lo), hi * 1.05)
        above = int((sub["gain_sq"] >= sub["misfit"]).sum())
        panel_title(ax, f"{d}: {above}/{len(sub)} runs on or above y = x")
        ax.set_xlabel("misfit (student vs weak labels)")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("gain (test sq. error, weak − student)")
    fig.suptitle(wrap("misfit against gain, one point per run; dashed: y = x", fig.get_figwidth()))
    handles = [plt.Line2D([], [], color=colours[m], marker="o", ls="none") for m in methods]
    legend_below(fig, handles, methods)
    return fig
