"""The report over a whole reasoning grid: every finished experiment's methods in one table
(methods x pairs x seeds), and a summary per method and pair over the seeds with intervals.
No torch: it reads the records the experiments wrote.

Per seed, an accuracy carries its own 95% Wilson interval. Over seeds, the interval is
the Wilson interval of all the seeds' test answers pooled (each seed's questions counted
once), and PGR is given as its mean with the lowest and highest seed beside it.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ..core.runs import completed
from ..core.stats import wilson
from ..core.tables import save_figure, save_table
from .report import ORDER, accuracy_table, draw_accuracy

PAIR = ["dataset", "weak_model", "strong_model"]


def gather(root: str | Path) -> pd.DataFrame:
    """One row per (finished experiment, method): the pair, seed, accuracy, interval, PGR."""
    rows = []
    for result in sorted(Path(root).glob("experiments/*/result.json")):
        cfg = (completed(result.parent) or {}).get("config", {})
        for r in accuracy_table(result.parent).to_dict("records"):
            rows.append(
                {
                    "dataset": Path(cfg.get("dataset", "?")).stem,
                    "weak_model": Path(cfg.get("weak_model", "?")).name,
                    "strong_model": Path(cfg.get("strong_model", "?")).name,
                    "seed": cfg.get("seed"),
                    "experiment": result.parent.name,
                    **r,
                }
            )
    return pd.DataFrame(rows)


def _order(method: str) -> int:
    return ORDER.index(method) if method in ORDER else len(ORDER)


def summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Per pair and method over the seeds: seeds, questions, pooled accuracy and interval,
    PGR mean (lowest, highest seed)."""
    if runs.empty:
        return runs
    out = []
    for key, g in runs.groupby([*PAIR, "method"], sort=False):
        n = int(g["n"].sum())
        hits = int(round(float((g["accuracy"] * g["n"]).sum())))
        low, high = wilson(hits, n)
        pgr = g["pgr"].dropna()
        out.append(
            {
                **dict(zip([*PAIR, "method"], key)),
                "seeds": len(g),
                "n": n,
                "accuracy": hits / n if n else float("nan"),
                "ci_low": low,
                "ci_high": high,
                "pgr": pgr.mean() if len(pgr) else float("nan"),
                "pgr_min": pgr.min() if len(pgr) else float("nan"),
                "pgr_max": pgr.max() if len(pgr) else float("nan"),
            }
        )
    df = pd.DataFrame(out)
    df["order"] = df["method"].map(_order)
    return df.sort_values([*PAIR, "order"]).drop(columns="order").reset_index(drop=True)


def summary_figure(table: pd.DataFrame) -> plt.Figure:
    """Accuracy per method (pooled over seeds, 95% interval), one panel per pair, drawn as
    one experiment's chart is."""
    pairs = table[PAIR].drop_duplicates().to_dict("records") if not table.empty else []
    fig, axes = plt.subplots(1, max(1, len(pairs)), figsize=(max(6, 5 * len(pairs)), 4), squeeze=False)
    if not pairs:
        axes[0][0].text(0.5, 0.5, "no finished experiments yet", ha="center", va="center")
        return fig
    for ax, pair in zip(axes[0], pairs):
        g = table[(table[PAIR] == pd.Series(pair)).all(axis=1)]
        draw_accuracy(ax, g, f"{pair['dataset']}: {pair['weak_model']} -> {pair['strong_model']}")
    fig.tight_layout()
    return fig


def write_grid_report(root: str | Path, out_dir: str | Path | None = None) -> dict:
    """reasoning_runs.{csv,md} (every method of every experiment), reasoning_summary.{csv,md}
    and reasoning_summary.png under the grid's folder."""
    out_dir = Path(out_dir or root)
    runs = gather(root)
    table = summary(runs)
    for df, stem in ((runs, "reasoning_runs"), (table, "reasoning_summary")):
        save_table(df, out_dir / f"{stem}.csv")
        save_table(df, out_dir / f"{stem}.md")
    fig = summary_figure(table)
    save_figure(fig, out_dir / "reasoning_summary.png")
    plt.close(fig)
    return {"experiments": int(runs["experiment"].nunique()) if not runs.empty else 0, "rows": len(table)}
