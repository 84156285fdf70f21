"""Writing tables (CSV or Markdown) and figures (PNG) atomically."""

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
        fig.savefig(tmp, dpi=120, format="png")
