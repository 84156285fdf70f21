"""The classification figures at a paper's size (3.25 in single column, 6.75 in double, 7-8 pt):
accuracy against the strong ceiling, PGR per pair and loss, median PGR against a swept setting,
and what they share: legends outside the axes, wrapped titles, a PGR axis one wild value cannot
flatten. Each draws what the records allow and says so when there is nothing; no torch."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from functools import wraps

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

SINGLE, DOUBLE = 3.25, 6.75  # column widths in inches
PAPER_RC = dict(zip(("font.size", "axes.titlesize", "axes.labelsize", "figure.titlesize"), (7, 8, 7, 8)))
PAPER_RC |= dict(zip(("xtick.labelsize", "ytick.labelsize", "legend.fontsize"), (7, 7, 7)))
PAPER_RC |= {"lines.linewidth": 1.1, "lines.markersize": 3.5, "errorbar.capsize": 2, "axes.linewidth": 0.6}
PGR_BAND = (-1.0, 2.0)
LINESTYLES = ["-", "--", ":", "-.", (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1))]
MARKERS = ["o", "s", "^", "D"]
# colour-blind safe, neighbours far apart (seaborn's "colorblind" reordered)
COLOURS = [sns.color_palette("colorblind")[i] for i in (0, 1, 2, 4, 5, 9, 3, 7, 8, 6)]


def paper_style(fn: Callable) -> Callable:
    """Draw the figure under the paper's font sizes."""

    @wraps(fn)
    def inner(*args, **kwargs):
        with plt.rc_context(PAPER_RC):
            return fn(*args, **kwargs)

    return inner


def wrap(text: str, width_in: float, size: float = 8) -> str:
    """`text` broken into lines that fit `width_in` inches at `size` pt (~0.62 em a character)."""
    chars = max(12, int(width_in * 72 / (0.62 * size)))
    return "\n".join(textwrap.fill(line, chars) for line in text.split("\n"))


def panel_title(ax, text: str) -> None:
    """A panel's title, wrapped to the panel's width (less what its labels will take)."""
    ax.set_title(wrap(text, 0.9 * ax.get_position().width * ax.figure.get_figwidth(), 8))


def panels(n: int, height: float = 2.4) -> tuple[plt.Figure, np.ndarray]:
    """A constrained-layout row of n panels, one column wide for one panel, else two."""
    size = (SINGLE if n <= 1 else DOUBLE, height)
    return plt.subplots(1, max(1, n), figsize=size, squeeze=False, layout="constrained")


def empty_figure(message: str, width: float = SINGLE) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(width, 1.6), layout="constrained")
    _empty(ax, message)
    return fig


def _empty(ax, message: str) -> None:
    text = wrap(message, 0.9 * ax.get_position().width * ax.figure.get_figwidth(), 7)
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=7)
    ax.set_xticks([])
    ax.set_yticks([])


def legend_below(fig: plt.Figure, handles: Sequence, labels: Sequence[str], title: str | None = None) -> None:
    """One figure legend under the panels, never over the data; the figure grows by its rows."""
    if not handles:
        return
    entry = (max(len(str(lab)) for lab in labels) * 0.55 * 7 + 24) / 72  # inches at 7 pt, with its key
    ncols = max(1, min(len(labels), int(fig.get_figwidth() / entry)))
    fig.set_figheight(fig.get_figheight() + 0.14 * -(-len(labels) // ncols))
    kw = dict(loc="outside lower center", ncols=ncols, title=title, frameon=False, columnspacing=1.2)
    fig.legend(handles, labels, **kw)


def robust_limits(
    y: Sequence[float], band: tuple[float, float] = PGR_BAND, reach: Sequence[float] = ()
) -> tuple:
    """Axis limits for `y` that show 0 and 1 (and the error bars' ends, `reach`, as far as
    they go within it) and keep to `band`, widened to the interquartile range of `y` where
    that lies outside it: one wild value cannot flatten the rest."""
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    if not len(y):
        return band
    # the middle half's ends, on data points (so one wild value of four stays outside it)
    q1, q3 = np.percentile(y, 25, method="higher"), np.percentile(y, 75, method="lower")
    floor, ceil = min(band[0], q1), max(band[1], q3)
    r = np.clip([v for v in reach if np.isfinite(v)] or [0.0], floor, ceil)
    lo, hi = min(max(y.min(), floor), 0.0, r.min()), max(min(y.max(), ceil), 1.0, r.max())
    pad = 0.08 * (hi - lo)
    return (
        max(lo - pad, band[0]) if q1 >= band[0] else lo - pad,
        min(hi + pad, band[1]) if q3 <= band[1] else hi + pad,
    )


def clip_axis(ax, x: Sequence[float], y: Sequence[float], limits: tuple[float, float] | None = None) -> None:
    """Set the y axis to `limits` (robust_limits of `y` by default); a value beyond it is a
    triangle at the axis edge with the value written beside it."""
    lo, hi = limits or robust_limits(y)
    ax.set_ylim(lo, hi)
    edge = 0.03 * (hi - lo)
    for xi, yi in zip(np.asarray(x, dtype=float), np.asarray(y, dtype=float)):
        if not np.isfinite(yi) or lo <= yi <= hi:
            continue
        at, marker, va = (hi - edge, "^", "top") if yi > hi else (lo + edge, "v", "bottom")
        ax.plot([xi], [at], marker=marker, color="crimson", ms=4, ls="none", zorder=5)
        kw = dict(xytext=(4, 0), textcoords="offset points", fontsize=7, color="crimson", va=va)
        ax.annotate(f"{yi:.1f}", (xi, at), **kw)


def errorbar_between(ax, x, y, lo, hi, **kw) -> None:
    """Points with bars from lo to hi (a bar never crosses its own point)."""
    y = np.asarray(y, dtype=float)
    yerr = [
        np.clip(y - np.asarray(lo, dtype=float), 0, None),
        np.clip(np.asarray(hi, dtype=float) - y, 0, None),
    ]
    ax.errorbar(x, y, yerr=yerr, **kw)


def palette(names: Sequence[str]) -> dict:
    return {n: COLOURS[i % len(COLOURS)] for i, n in enumerate(names)}


def weak_colours(tr: pd.DataFrame) -> dict:
    """A colour per weak model, in the order of its accuracy (seed mean per dataset, then
    the mean over datasets): the same model has the same colour in every figure."""
    acc = tr.groupby(["dataset", "weak_model"])["weak_gt_acc"].mean().groupby("weak_model").mean()
    return palette(list(acc.sort_values().index))


def pgr_lines(ax) -> None:
    ax.axhline(0, color="grey", lw=0.6)
    ax.axhline(1, color="grey", lw=0.6, ls="--")


@paper_style
def sweep_plot(summary: pd.DataFrame, field: str) -> plt.Figure:
    """Median PGR (the reference's statistic, with its 95% seed-bootstrap interval) against a
    swept setting, a line per method, per dataset."""
    if summary.empty or field not in summary:
        return empty_figure(f"no median PGR against {field} to draw")
    datasets, methods = sorted(summary["dataset"].unique()), sorted(summary["method"].unique())
    colours = palette(methods)
    col = summary[field]
    numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    values = sorted(col.unique()) if numeric else sorted(col.astype(str).unique())
    where = (lambda v: v) if numeric else (lambda v: values.index(str(v)))  # a category: its place
    fig, axes = panels(len(datasets))
    for ax, d in zip(axes[0], datasets):
        sub = summary[summary["dataset"] == d].assign(x=lambda t: [where(v) for v in t[field]])
        for method, line in sub.groupby("method"):
            line = line.sort_values("x")
            # a percentile interval need not contain its point estimate: the bars clip at it
            kw = dict(marker="o", color=colours[method])
            errorbar_between(
                ax, line["x"], line["median_pgr"], line["median_pgr_lo"], line["median_pgr_hi"], **kw
            )
        pgr_lines(ax)
        if not numeric:
            ax.set_xticks(range(len(values)), values)
        elif values[0] > 0 and values[-1] / values[0] >= 4:
            ax.set_xscale("log", base=2)  # doubling sweeps (epochs 1, 2, 4, 8) read evenly
            ax.set_xticks(values, [f"{v:g}" for v in values])
        ax.set_xlabel(field)
        panel_title(ax, d)
        ends = [*sub["median_pgr_lo"], *sub["median_pgr_hi"]]
        clip_axis(ax, sub["x"], sub["median_pgr"], robust_limits(sub["median_pgr"], reach=ends))
    axes[0][0].set_ylabel("median PGR")
    fig.suptitle(wrap("median PGR, bars: 95% seed-bootstrap interval", fig.get_figwidth()))
    legend_below(fig, [plt.Line2D([], [], color=colours[m], marker="o") for m in methods], methods)
    return fig


@paper_style
def reference_plot(gt: pd.DataFrame, tr: pd.DataFrame) -> plt.Figure:
    """x = strong model's gt accuracy, y = test accuracy (mean ± sd over seeds); a colour per
    weak model, a line style per method (its loss where the table has no method column), and
    the black ground-truth line. `gt` is report.gt_table's output."""
    if gt.empty:
        return empty_figure("no finished ground-truth runs yet")
    datasets = sorted(gt["dataset"].unique())
    fig, axes = panels(len(datasets), height=2.6)
    by = "method" if "method" in tr else "loss"
    losses = sorted(tr[by].unique()) if not tr.empty else []
    # more methods than line styles: styles repeat, each repeat with its own marker
    styles = {m: LINESTYLES[i % len(LINESTYLES)] for i, m in enumerate(losses)}
    marks = {m: MARKERS[i // len(LINESTYLES) % len(MARKERS)] for i, m in enumerate(losses)}
    colours = weak_colours(tr) if not tr.empty else {}
    for ax, d in zip(axes[0], datasets):
        g = gt[gt["dataset"] == d].sort_values("mean")
        ax.plot(g["mean"], g["mean"], "o-", color="black", zorder=3)
        t = tr[tr["dataset"] == d] if not tr.empty else tr
        if not t.empty:
            agg = t.groupby(["weak_model", "strong_model", by]).agg(
                x=("strong_gt_acc", "mean"), y=("transfer_acc", "mean"), yerr=("transfer_acc", "std")
            )
            for (weak, loss), line in agg.reset_index().groupby(["weak_model", by]):
                line = line.sort_values("x")
                kw = dict(linestyle=styles[loss], marker=marks[loss], color=colours.get(weak))
                ax.errorbar(line["x"], line["y"], yerr=line["yerr"], **kw)
        panel_title(ax, d)
        ax.set_xlabel("strong model ground-truth accuracy")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("test accuracy (mean ± sd)")
    handles = [plt.Line2D([], [], color=c, marker="o") for c in ["black", *colours.values()]]
    handles += [plt.Line2D([], [], color="grey", ls=styles[loss], marker=marks[loss]) for loss in losses]
    legend_below(fig, handles, ["ground truth", *(f"weak {w}" for w in colours), *losses])
    return fig


def pair_gaps(tr: pd.DataFrame) -> pd.DataFrame:
    """Each row's pair gap, test and validation, from the seed-mean accuracies."""
    cols = ["strong_gt_acc", "weak_gt_acc", "strong_gt_val_acc", "weak_gt_val_acc"]
    m = tr.groupby(["dataset", "weak_model", "strong_model"])[cols].transform("mean")
    return tr.assign(gap=m[cols[0]] - m[cols[1]], val_gap=m[cols[2]] - m[cols[3]])


@paper_style
def pgr_plot(tr: pd.DataFrame, min_gap: float = 0.02) -> plt.Figure:
    """PGR per (weak -> strong) pair and method, mean and sd over seeds, for pairs whose
    ceiling is at least `min_gap` above the weak model on validation accuracy; each label
    carries the (test) gap. The axis keeps to the PGR band; a mean beyond it is marked."""
    valid = pair_gaps(tr.dropna(subset=["pgr"])) if "pgr" in tr and tr["pgr"].notna().any() else None
    if valid is None:
        return empty_figure(
            "no pair has a valid PGR: every strong ceiling is at or below its weak model's "
            "accuracy (or no transfer run has finished); see transfer.csv"
        )
    keys = ["weak_model", "strong_model"]
    agg = valid[valid["val_gap"] >= min_gap].groupby(["dataset", *keys, "method"])
    agg = agg.agg(mean=("pgr", "mean"), sd=("pgr", "std"), gap=("gap", "first")).reset_index()
    agg = agg.sort_values(["gap", *keys])
    datasets, methods = sorted(valid["dataset"].unique()), sorted(valid["method"].unique())
    colours, step = palette(methods), 0.6 / len(methods)
    n_pairs = [max(1, len(agg[agg["dataset"] == d].drop_duplicates(keys))) for d in datasets]
    # a pair's label needs ~0.8 in: side by side while they fit, else a row per dataset
    wide = sum(n_pairs) > 4 or len(datasets) > 1
    grid = (1, len(datasets)) if sum(n_pairs) * 0.8 <= DOUBLE - 0.5 else (len(datasets), 1)
    fig, axes = plt.subplots(
        *grid, figsize=(DOUBLE if wide else SINGLE, 0.8 + 1.9 * grid[0]), squeeze=False, layout="constrained",
        gridspec_kw={"width_ratios": n_pairs} if grid[0] == 1 else {},
    )  # fmt: skip
    for ax, d in zip(axes.flat, datasets):
        sub = agg[agg["dataset"] == d]
        pairs = list(dict.fromkeys(zip(sub["weak_model"], sub["strong_model"])))
        xs, ys, ends = [], [], []
        for i, m in enumerate(methods):
            rows = sub[sub["method"] == m]
            x = [pairs.index(p) + (i - (len(methods) - 1) / 2) * step for p in zip(*(rows[k] for k in keys))]
            lo, hi = rows["mean"] - rows["sd"].fillna(0), rows["mean"] + rows["sd"].fillna(0)
            errorbar_between(ax, x, rows["mean"], lo, hi, marker="o", ls="none", color=colours[m])
            xs, ys, ends = xs + x, ys + list(rows["mean"]), [*ends, *lo, *hi]
        gaps = sub.groupby(keys)["gap"].first()
        ax.set_xticks(range(len(pairs)), [f"{w}\n→ {s}\n(+{100 * gaps[(w, s)]:.1f})" for w, s in pairs])
        ax.set_xlim(-0.5, max(1, len(pairs)) - 0.5)
        pgr_lines(ax)
        clip_axis(ax, xs, ys, robust_limits(ys, reach=ends))
        hidden = len(valid[(valid["dataset"] == d) & (valid["val_gap"] < min_gap)].drop_duplicates(keys))
        if not pairs:
            _empty(ax, f"no pair with a validation gap of at least {100 * min_gap:g} points")
        note = (
            f" ({hidden} pair(s) with a validation gap < {100 * min_gap:g} points hidden)" if hidden else ""
        )
        panel_title(ax, f"{d}{note}")
    axes[0][0].set_ylabel("PGR")
    fig.suptitle(
        wrap("PGR per weak → strong pair (its test gap in points), mean ± sd over seeds", fig.get_figwidth())
    )
    legend_below(fig, [plt.Line2D([], [], color=colours[m], marker="o", ls="none") for m in methods], methods)
    return fig


@paper_style
def curves_plot(curves: pd.DataFrame, title: str = "") -> plt.Figure:
    """Validation and test accuracy during training, a line per method (mean over seeds):
    how a student learns the task, and whether it then copies the weak labels' mistakes."""
    if curves.empty:
        return empty_figure("no evaluation curves recorded")
    fig, axes = panels(2)
    acc = curves[curves["metric"] == "acc"]
    labels = sorted(acc["label"].unique())
    colours = palette(labels)
    for ax, split in zip(axes[0], ("val", "test")):
        sub = acc[acc["split"] == split]
        if not sub.empty:
            kw = dict(hue="label", hue_order=labels, palette=colours, errorbar="sd", legend=False)
            sns.lineplot(data=sub, x="step", y="value", ax=ax, **kw)
        panel_title(ax, f"{split} accuracy" + (" (against the weak labels)" if split == "val" else ""))
        ax.set_ylabel("accuracy")
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(wrap(f"{title} (mean ± sd over seeds)", fig.get_figwidth()))
    legend_below(fig, [plt.Line2D([], [], color=colours[lab]) for lab in labels], labels)
    return fig
