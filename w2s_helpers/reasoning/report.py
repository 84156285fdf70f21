"""Tables and the bar chart of one reasoning experiment, from its records on disk. No
torch: notebook 19 only reads what the stages wrote."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from ..core.fileio import read_json
from ..core.stats import pgr
from ..core.tables import save_figure, save_table, slanted_xticks

ORDER = [
    "weak_floor",
    "strong_zero_shot",
    "strong_few_shot",
    "full_weak_sft",
    "stage1_it1_weak",
    "stage1_it1_icl",
    "stage1_it1_hybrid",
    "stage1_it2_weak",
    "stage1_it2_icl",
    "stage1_it2_hybrid",
    "stage2_dpo",
    "stage2_orpo",
    "strong_ceiling",
]


def gather_evals(exp: str | Path) -> list[dict]:
    """The evaluation records of one experiment folder (never another config's)."""
    return [
        {k: v for k, v in read_json(p).items() if k != "records"}
        for p in sorted(Path(exp).glob("eval/*.json"))
    ]


def accuracy_table(exp: str | Path) -> pd.DataFrame:
    df = pd.DataFrame(gather_evals(exp))
    if df.empty:
        return df
    df["order"] = [ORDER.index(m) if m in ORDER else len(ORDER) for m in df["method"]]
    acc = dict(zip(df["method"], df["accuracy"]))
    # PGR = (method - weak floor) / (ceiling - weak floor), NaN unless the ceiling is above the floor
    floor, ceiling = acc.get("weak_floor", float("nan")), acc.get("strong_ceiling", float("nan"))
    df["pgr"] = [pgr(floor, ceiling, a) for a in df["accuracy"]]
    sampled = "k" in df and (df["k"] > 1).any()  # pass@k / maj@k only mean something for k > 1
    cols = [
        c
        for c in (
            "method",
            "n",
            "accuracy",
            "ci_low",
            "ci_high",
            "pgr",
            *(("pass_at_k", "maj_at_k", "k") if sampled else ()),
        )
        if c in df
    ]
    return df.sort_values("order")[cols].reset_index(drop=True)


def draw_accuracy(ax, table: pd.DataFrame, title: str = "") -> None:
    """Test accuracy per method with its 95% interval, coloured by kind (reference points,
    full weak SFT, stage I, stage II), the value inside each bar clear of the interval."""
    colors = [
        "#999999"
        if m in ("weak_floor", "strong_zero_shot", "strong_few_shot", "strong_ceiling")
        else "#d98c5f"
        if m == "full_weak_sft"
        else "#4c72b0"
        if m.startswith("stage1")
        else "#55a868"
        for m in table["method"]
    ]
    err = None
    if "ci_low" in table:
        err = [100 * (table["accuracy"] - table["ci_low"]), 100 * (table["ci_high"] - table["accuracy"])]
    bars = ax.bar(table["method"], 100 * table["accuracy"], color=colors, yerr=err, capsize=3)
    labels = [f"{100 * a:.1f}" for a in table["accuracy"]]
    ax.bar_label(bars, labels=labels, label_type="center", color="white", fontsize=8)
    top = table["ci_high"] if "ci_high" in table else table["accuracy"]
    ax.set_ylim(0, min(100, 115 * float(top.max())) or 1)
    ax.set_ylabel("test accuracy, % (95% interval)")
    ax.set_title(title, fontsize=10)
    slanted_xticks(ax)


def bar_chart(table: pd.DataFrame, title: str = "") -> plt.Figure:
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * max(len(table), 1)), 4))
    if table.empty:
        ax.text(0.5, 0.5, "no evaluations recorded yet", ha="center", va="center", transform=ax.transAxes)
        return fig
    draw_accuracy(ax, table, title)
    fig.tight_layout()
    return fig


@dataclass
class Report:
    accuracy: pd.DataFrame
    sets: pd.DataFrame
    pairs: dict
    figure: plt.Figure

    def metrics(self) -> dict:
        return {
            "accuracy": self.accuracy.to_dict("records"),
            "sets": self.sets.to_dict("records"),
            "pairs": self.pairs,
        }


def build_report(exp: str | Path) -> Report:
    exp = Path(exp)
    table = accuracy_table(exp)
    sets_path = exp / "stage1_sets.json"
    sets = pd.DataFrame(read_json(sets_path)) if sets_path.exists() else pd.DataFrame()
    pairs = read_json(exp / "stage2.json").get("pair_stats", {}) if (exp / "stage2.json").exists() else {}
    evals = gather_evals(exp)
    title = (
        f"{evals[0]['dataset']}: weak {evals[0]['weak_model']} -> strong {evals[0]['strong_model']}"
        if evals
        else ""
    )
    return Report(table, sets, pairs, bar_chart(table, title))


def save_report(report: Report, out_dir: str | Path) -> None:
    out_dir = Path(out_dir)
    for df, stem in ((report.accuracy, "reasoning_accuracy"), (report.sets, "stage1_sets")):
        save_table(df, out_dir / f"{stem}.csv")
        save_table(df, out_dir / f"{stem}.md")
    save_figure(report.figure, out_dir / "reasoning_accuracy.png")


def write_report(exp: str | Path, out_dir: str | Path | None = None) -> dict:
    report = build_report(exp)
    save_report(report, out_dir or exp)
    plt.close(report.figure)
    return report.metrics()
