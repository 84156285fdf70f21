"""Tables and the bar chart of the reasoning pipeline, from the records on disk."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from .fileio import read_json  # noqa: E402
from .reasoning import gather_evals  # noqa: E402
from .report import save_figure, save_table  # noqa: E402

ORDER = [
    "weak_floor",
    "strong_zero_shot",
    "full_weak_sft",
    "stage1_it1_weak",
    "stage1_it1_icl",
    "stage1_it1_hybrid",
    "stage1_it2_weak",
    "stage1_it2_icl",
    "stage1_it2_hybrid",
    "stage2_dpo",
    "stage2_orpo",
]


def accuracy_table(run_root: str | Path) -> pd.DataFrame:
    df = pd.DataFrame(gather_evals(Path(run_root)))
    if df.empty:
        return df
    df["order"] = [ORDER.index(m) if m in ORDER else len(ORDER) for m in df["method"]]
    sampled = "k" in df and (df["k"] > 1).any()  # pass@k / maj@k only mean something for k > 1
    cols = [
        c
        for c in ("method", "n", "accuracy", *(("pass_at_k", "maj_at_k", "k") if sampled else ()))
        if c in df
    ]
    return df.sort_values("order")[cols].reset_index(drop=True)


def bar_chart(table: pd.DataFrame, title: str = "") -> plt.Figure:
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(table)), 4))
    colors = [
        "#999999"
        if m in ("weak_floor", "strong_zero_shot")
        else "#d98c5f"
        if m == "full_weak_sft"
        else "#4c72b0"
        if m.startswith("stage1")
        else "#55a868"
        for m in table["method"]
    ]
    bars = ax.bar(table["method"], 100 * table["accuracy"], color=colors)
    ax.bar_label(bars, fmt="%.1f", fontsize=8)
    ax.set_ylabel("test accuracy (%, greedy)")
    ax.set_title(title)
    ax.tick_params(axis="x", rotation=30)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    fig.tight_layout()
    return fig


def write_report(run_root: str | Path, out_dir: str | Path) -> dict:
    run_root, out_dir = Path(run_root), Path(out_dir)
    table = accuracy_table(run_root)
    sets_path = run_root / "stage1_sets.json"
    sets = pd.DataFrame(read_json(sets_path)) if sets_path.exists() else pd.DataFrame()
    for df, stem in ((table, "reasoning_accuracy"), (sets, "stage1_sets")):
        save_table(df, out_dir / f"{stem}.csv")
        save_table(df, out_dir / f"{stem}.md")
    evals = gather_evals(run_root)
    title = (
        f"{evals[0]['dataset']}: weak {evals[0]['weak_model']} -> strong {evals[0]['strong_model']}"
        if evals
        else ""
    )
    fig = bar_chart(table, title)
    save_figure(fig, out_dir / "reasoning_accuracy.png")
    plt.close(fig)
    return {"accuracy": table.to_dict("records"), "sets": sets.to_dict("records")}
