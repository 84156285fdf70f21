"""`w2s leaderboard DIR [DIR ...]`: one table over several results folders, classification
grid roots and reasoning folders alike, each row naming the folder it came from.

Every folder's kind is checked before anything is read. A task and method found in two
folders stay two rows (two grids are never merged), unless the two folders hold literally
the same runs (the same folder twice, or a copy): then it is listed once, under the first."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..classification import leaderboard as classification
from ..core.fileio import DataError
from ..core.tables import save_table
from ..reasoning import leaderboard as reasoning

log = logging.getLogger("w2s")

CLASSIFICATION, REASONING = "classification", "reasoning"
METRICS = {"acc": "median_pgr", "auroc": "median_pgr_auroc"}
FRONT = ["flow", "source", "task", "setting", "pair", "method"]
INTEGERS = ["median_pgr_rows", "median_pgr_auroc_rows", "seeds", "runs", "n"]


class LeaderboardError(DataError):
    """A folder the leaderboard cannot read, or an output it cannot write: bad input, so
    main reports it in one line with exit status 2."""


def folder_kind(path: Path) -> str:
    """ "classification" or "reasoning", from what the folder holds."""
    if not path.is_dir():
        raise LeaderboardError(f"{path}: no such folder")
    if classification.is_grid_root(path):
        return CLASSIFICATION
    if reasoning.is_reasoning_folder(path):
        return REASONING
    raise LeaderboardError(
        f"{path}: not a results folder (expected a classification grid root holding "
        "runs/*/result.json, or a reasoning experiment folder holding eval/*.json, "
        "or a reasoning grid root holding experiments/*/result.json)"
    )


def source_names(paths: Sequence[Path]) -> list[str]:
    """Each folder's shortest trailing path that no other folder given shares."""
    parts = [Path(p).parts for p in paths]
    names = []
    for mine in parts:
        for k in range(1, len(mine) + 1):
            tail = mine[-k:]
            if all(other[-k:] != tail for other in parts if other != mine):
                break
        names.append(str(Path(*tail)))
    return names


def _distinct(folders: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """The folders less those holding literally the same runs as an earlier one."""
    seen: dict = {}
    out = []
    for path, kind in folders:
        key = path.resolve()
        if kind == CLASSIFICATION:
            key = classification.run_fingerprint(path) or key
        if key in seen:
            log.warning("%s holds the same runs as %s: listed once", path, seen[key])
            continue
        seen[key] = path
        out.append((path, kind))
    return out


def _sorted(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Per task the best method first: classification groups (source, setting, method)
    ranked by their all-pairs median PGR on `metric`, the all-pairs row first and the pairs
    after it best first; reasoning rows per pair best PGR first, floor and ceiling last.
    NaN sorts last everywhere."""
    col = METRICS[metric]
    group = ["source", "task", "setting", "method"]
    cls = df[df["flow"] == CLASSIFICATION]
    best = cls[cls["pair"] == classification.ALL_PAIRS].set_index(group)[col]
    rank = pd.Series([best.get(tuple(k)) for k in cls[group].to_numpy()], index=cls.index, dtype=float)
    keys = pd.DataFrame(
        {
            "flow": (df["flow"] != CLASSIFICATION).astype(int),
            "task": df["task"],
            "reasoning_pair": df["pair"].where(df["flow"] == REASONING, ""),
            "group": -rank.reindex(df.index),
            "group_source": df["source"].where(df["flow"] == CLASSIFICATION, ""),
            "setting": df["setting"].fillna(""),
            "method_key": df["method"].where(df["flow"] == CLASSIFICATION, ""),
            "anchor": df["method"].map(reasoning.anchor_rank).where(df["flow"] == REASONING, 0),
            "summary": (df["pair"] != classification.ALL_PAIRS).astype(int),
            "score": -df[col].where(df["flow"] == CLASSIFICATION, df["pgr"]),
            "source": df["source"],
            "pair": df["pair"],
            "method": df["method"],
        },
        index=df.index,
    )
    order = keys.sort_values(list(keys.columns), na_position="last", kind="stable").index
    return df.loc[order].reset_index(drop=True)


def build_leaderboard(
    paths: Sequence[str | Path], metric: str = "acc", n_boot: int = 1000, boot_seed: int = 0
) -> pd.DataFrame:
    """The leaderboard over `paths` (see the module's doc), sorted on `metric` ("acc" or
    "auroc"). Every folder is checked first: a folder that is neither kind raises
    LeaderboardError naming it before any record is read."""
    if metric not in METRICS:
        raise LeaderboardError(f"--metric {metric}: expected one of {', '.join(METRICS)}")
    paths = [Path(p) for p in paths]
    folders = _distinct([(p, folder_kind(p)) for p in paths])
    names = dict(zip([p for p, _ in folders], source_names([p for p, _ in folders])))
    parts = []
    for path, kind in folders:
        rows = (
            classification.leaderboard(path, n_boot, boot_seed)
            if kind == CLASSIFICATION
            else reasoning.leaderboard(path)
        )
        parts.append(rows.assign(flow=kind, source=names[path]))
    cols = list(dict.fromkeys([*FRONT, *classification.COLUMNS, *reasoning.COLUMNS]))
    df = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=cols)], ignore_index=True)
    df = df.reindex(columns=cols)
    df["setting"] = df["setting"].fillna("")
    for c in INTEGERS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    return _sorted(df, metric) if not df.empty else df


def compact(df: pd.DataFrame) -> pd.DataFrame:
    """The table as shown: less the columns no row fills (reasoning's on a classification
    board, `setting` where no grid sweeps one), a missing value an empty cell."""
    keep = [c for c in df if df[c].notna().any() and not (df[c].astype(str) == "").all()]
    table = df[keep]
    return table.astype(object).where(table.notna(), None)


def markdown(df: pd.DataFrame) -> str:
    """The Markdown table `w2s leaderboard` prints (and writes to FILE.md)."""
    if df.empty:
        return "(no rows: no transfer runs or evaluations recorded yet)"
    return compact(df).to_markdown(index=False, floatfmt=".3f")


def check_out(out: Path | None) -> None:
    if out is not None and out.suffix not in (".md", ".csv"):
        raise LeaderboardError(f"--out {out}: expected a .md or .csv file name")


def write_leaderboard(df: pd.DataFrame, out: Path) -> list[Path]:
    """`out` with .csv (every column) and .md (the compact table); the paths written."""
    check_out(out)
    csv, md = out.with_suffix(".csv"), out.with_suffix(".md")
    save_table(df, csv)
    save_table(compact(df), md)
    return [csv, md]


def cmd_leaderboard(args) -> None:
    check_out(args.out)
    df = build_leaderboard(args.dirs, args.metric)
    print(markdown(df))
    if args.out is not None:
        written = write_leaderboard(df, args.out)
        log.info("leaderboard: %d rows -> %s", len(df), ", ".join(map(str, written)))
