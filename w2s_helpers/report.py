"""Gather per-run records into tidy tables, compute PGR, draw the paper's figures.

The plotting notebook only calls these: nothing here trains or reads anything but the
run records.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless by default; notebooks still show figures inline
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .classification import gather  # noqa: E402
from .fileio import atomic_path  # noqa: E402
from .metrics import pgr  # noqa: E402

# fields that identify a recipe: runs that differ only in these are compared with each other
_RUN_FIELDS = ("model", "weak_model", "loss", "seed")
_METRICS = ("test_acc", "test_auroc", "run_id", "kind", "wall_s", "weak_label_acc", "half2_acc")


def _recipe_columns(df: pd.DataFrame) -> list[str]:
    from .config import ClassificationConfig

    fields = [f for f in ClassificationConfig.__dataclass_fields__ if f not in _RUN_FIELDS]
    return [c for c in fields if c in df.columns]


def _key(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    return pd.Series(["|".join(map(str, row)) for row in df[cols].itertuples(index=False)], index=df.index)


def varying_fields(runs: pd.DataFrame) -> list[str]:
    """Recipe fields (other than the dataset) that take several values: a swept setting."""
    return [c for c in _recipe_columns(runs) if c != "dataset" and runs[c].astype(str).nunique() > 1]


def transfer_table(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per transfer run with its weak and strong ground-truth accuracies and PGR."""
    if runs.empty or "kind" not in runs:
        return pd.DataFrame()
    recipe = _recipe_columns(runs)
    runs = runs.assign(recipe=_key(runs, recipe))
    gt = runs[runs["kind"] == "gt"].set_index(["recipe", "model", "seed"])["test_acc"]
    tr = runs[runs["kind"] == "transfer"].copy()
    if tr.empty:
        return tr

    def lookup(model_col: str) -> list[float]:
        return [gt.get((r, m, s), np.nan) for r, m, s in zip(tr["recipe"], tr[model_col], tr["seed"])]

    tr["weak_gt_acc"] = lookup("weak_model")
    tr["strong_gt_acc"] = lookup("model")
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


def sweep_plot(summary: pd.DataFrame, field: str) -> plt.Figure:
    """Median PGR (wide-gap pairs) against a swept setting, a line per loss, per dataset."""
    datasets = sorted(summary["dataset"].unique())
    fig, axes = plt.subplots(1, len(datasets), figsize=(5 * len(datasets), 4), squeeze=False)
    for ax, d in zip(axes[0], datasets):
        for loss, line in summary[summary["dataset"] == d].groupby("loss"):
            line = line.sort_values(field)
            ax.errorbar(
                line[field],
                line["median_pgr"],
                yerr=line["median_pgr_seed_std"],
                marker="o",
                capsize=3,
                label=loss,
            )
        ax.axhline(0, color="grey", lw=0.8)
        values = sorted(summary[field].unique())
        if all(isinstance(v, int | float) for v in values) and values[0] > 0 and values[-1] / values[0] >= 4:
            ax.set_xscale("log", base=2)  # doubling sweeps (epochs 1, 2, 4, 8) read evenly
            ax.set_xticks(values, [f"{v:g}" for v in values])
        ax.set_xlabel(field)
        ax.set_ylabel("median PGR (sd over seeds)")
        ax.set_title(d)
        ax.legend()
    fig.tight_layout()
    return fig


def reference_plot(runs: pd.DataFrame, tr: pd.DataFrame) -> plt.Figure:
    """x = strong model's gt accuracy, y = test accuracy; a line per weak model (hue), a line
    style per loss, and the black ground-truth line."""
    datasets = sorted(runs["dataset"].unique())
    fig, axes = plt.subplots(1, len(datasets), figsize=(5.5 * len(datasets), 4.5), squeeze=False)
    gt = gt_table(runs)
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
    """PGR per (weak -> strong) pair and loss, mean and spread over seeds, for pairs whose
    ceiling is at least `min_gap` above the weak model; each label carries the gap."""
    valid = tr.dropna(subset=["pgr"]).copy()
    gap = valid.groupby(["dataset", "weak_model", "strong_model"])[
        ["strong_gt_acc", "weak_gt_acc"]
    ].transform("mean")
    valid["gap"] = gap["strong_gt_acc"] - gap["weak_gt_acc"]
    valid["pair"] = [
        f"{w} → {st} (+{100 * g:.1f})"
        for w, st, g in zip(valid["weak_model"], valid["strong_model"], valid["gap"])
    ]
    datasets = sorted(valid["dataset"].unique()) or [""]
    fig, axes = plt.subplots(1, len(datasets), figsize=(6 * len(datasets), 4.8), squeeze=False)
    for ax, d in zip(axes[0], datasets):
        sub = valid[valid["dataset"] == d]
        shown = sub[sub["gap"] >= min_gap].sort_values("gap")
        if not shown.empty:
            sns.pointplot(
                data=shown,
                x="pair",
                y="pgr",
                hue="loss",
                dodge=0.3,
                errorbar="sd",
                linestyle="none",
                capsize=0.1,
                ax=ax,
            )
        ax.axhline(0, color="grey", lw=0.8)
        ax.axhline(1, color="grey", lw=0.8, ls="--")
        hidden = sub[sub["gap"] < min_gap]["pair"].nunique()
        ax.set_title(
            f"{d}: PGR, mean ± sd over seeds\n(gap in points; {hidden} pair(s) with gap < "
            f"{100 * min_gap:.0f} points not shown)",
            fontsize=10,
        )
        ax.set_xlabel("weak → strong (ceiling − weak)")
        ax.tick_params(axis="x", rotation=40)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    fig.tight_layout()
    return fig


def save_figure(fig: plt.Figure, path: Path) -> None:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=120, format="png")


def save_table(df: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as tmp:
        if path.suffix == ".csv":
            df.to_csv(tmp, index=False)
        else:
            tmp.write_text(df.to_markdown(index=False, floatfmt=".3f") + "\n")


def write_report(run_root: str | Path, out_dir: str | Path, min_gap: float = 0.02) -> dict:
    """Gather all runs under run_root; write tables (CSV + Markdown) and figures (PNG)."""
    run_root, out_dir = Path(run_root), Path(out_dir)
    runs = gather(run_root)
    tr = transfer_table(runs)
    by = varying_fields(runs) if not runs.empty else []
    summary = median_pgr(tr, min_gap, by) if not tr.empty else pd.DataFrame()
    gt = gt_table(runs, by)
    save_table(runs, out_dir / "runs.csv")
    save_table(tr, out_dir / "transfer.csv")
    save_table(gt, out_dir / "ground_truth.csv")
    save_table(summary, out_dir / "median_pgr.csv")
    save_table(gt, out_dir / "ground_truth.md")
    save_table(summary, out_dir / "median_pgr.md")
    # one recipe: the paper's two figures; a sweep: median PGR against each swept setting
    figures = (
        [(f"pgr_vs_{f}.png", sweep_plot(summary, f)) for f in by if not summary.empty]
        if by
        else [
            ("accuracy.png", reference_plot(runs, tr)),
            ("pgr.png", pgr_plot(tr, min_gap) if not tr.empty else None),
        ]
    )
    for name, fig in figures:
        if fig is not None:
            save_figure(fig, out_dir / name)
            plt.close(fig)
    return {
        "runs": len(runs),
        "transfer_runs": len(tr),
        "median_pgr": summary.to_dict("records"),
        "ground_truth": gt.to_dict("records"),
    }
