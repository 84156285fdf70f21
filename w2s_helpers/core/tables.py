"""Writing tables (CSV or Markdown) and figures (PNG) atomically; a shared figure detail."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .fileio import atomic_path


def save_table(df: pd.DataFrame, path: str | Path) -> None:
    path = Path(path)
    with atomic_path(path) as tmp:
        if path.suffix == ".csv":
            df.to_csv(tmp, index=False)
        else:
            tmp.write_text(df.to_markdown(index=False, floatfmt=".3f") + "\n")


def save_figure(fig, path: str | Path) -> None:
    """Save a matplotlib figure as PNG (the figure stays open: a notebook still shows it)."""
    with atomic_path(Path(path)) as tmp:
        fig.savefig(tmp, dpi=200, format="png")


def slanted_xticks(ax, rotation: float = 30) -> None:
    """Long category names under a plot: rotated, each ending under its tick."""
    ax.tick_params(axis="x", rotation=rotation)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
