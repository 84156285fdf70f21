"""Median PGR over a grid's transfer rows: the reference's statistic (one median over every
kept pair x seed row against seed-mean ground truth, with a seed-bootstrap interval) and the
per-seed variant beside it, on accuracy and AUROC (no torch)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The median of `values` each repeated `weights` times (np.median of the repeated array)."""
    keep = weights > 0
    return float(np.median(np.repeat(values[keep], weights[keep]))) if keep.any() else float("nan")


def _reference_median(rows: pd.DataFrame, metric: str, n_boot: int, boot_seed: int) -> dict:
    """The reference's median PGR over one group's transfer rows on `metric` ("acc" or
    "auroc"), the number of rows it keeps, the seeds, and a 95% seed-bootstrap interval."""
    gt = pd.concat(
        [
            rows[[f"{side}_gt_run", f"{side}_model", "seed", f"{side}_gt_{metric}"]].set_axis(
                ["run", "model", "seed", "score"], axis=1
            )
            for side in ("weak", "strong")
        ]
    ).drop_duplicates("run")
    gt = gt.groupby(["model", "seed"])["score"].mean()  # one score per (model, seed)
    models = sorted(set(rows["weak_model"]) | set(rows["strong_model"]))
    seeds = sorted(set(rows["seed"]) | set(gt.index.get_level_values("seed")))
    # scores[model, seed]; NaN where that ground-truth run is missing
    scores = gt.unstack("seed").reindex(index=models, columns=seeds).to_numpy(dtype=float)
    weak = np.searchsorted(models, rows["weak_model"].to_numpy())
    strong = np.searchsorted(models, rows["strong_model"].to_numpy())
    seed = np.searchsorted(seeds, rows["seed"].to_numpy())
    transfer = rows[f"transfer_{metric}"].to_numpy(dtype=float)
    distinct = rows["weak_model"].to_numpy() != rows["strong_model"].to_numpy()

    def estimate(counts: np.ndarray) -> tuple[float, int]:
        # each model's score averaged over the (resampled) seeds, then PGR for every row
        present = ~np.isnan(scores)
        total = (np.where(present, scores, 0.0) * counts).sum(axis=1)
        n = (present * counts).sum(axis=1)
        mean = np.divide(total, n, out=np.full(len(models), np.nan), where=n > 0)
        gap = mean[strong] - mean[weak]
        kept = distinct & (gap > 0) & ~np.isnan(transfer)
        value = np.divide(transfer - mean[weak], gap, out=np.zeros_like(gap), where=kept)
        weights = np.where(kept, counts[seed], 0)
        return _weighted_median(value, weights), int(weights.sum())

    point, kept = estimate(np.ones(len(seeds), dtype=int))
    # a fresh generator per group: groups with as many seeds draw the same resamples, so
    # two methods over the same seeds are compared on the same draws
    draws = np.random.default_rng(boot_seed).integers(0, len(seeds), size=(n_boot, len(seeds)))
    counts = np.stack([np.bincount(d, minlength=len(seeds)) for d in draws])
    # few seeds give few distinct resamples (10 for 3 seeds): estimate each once
    distinct_counts, which = np.unique(counts, axis=0, return_inverse=True)
    boot = np.array([estimate(c)[0] for c in distinct_counts])[which.ravel()]
    boot = boot[~np.isnan(boot)]
    lo, hi = np.quantile(boot, [0.025, 0.975]) if len(boot) else (np.nan, np.nan)
    return {"median": point, "lo": float(lo), "hi": float(hi), "rows": kept, "seeds": len(seeds)}


def reference_median_pgr(
    tr: pd.DataFrame, by: Sequence[str] = (), n_boot: int = 1000, boot_seed: int = 0
) -> pd.DataFrame:
    """The reference's median PGR per (dataset, swept settings, method), on test accuracy
    and on test AUROC, as its plotting notebook computes it:

    1. each model's ground-truth score is averaged over seeds (the ground-truth runs the
       transfer rows name);
    2. every transfer row (pair x seed) gets PGR = (transfer - mean weak) / (mean strong -
       mean weak);
    3. rows are kept where weak != strong and mean strong > mean weak. The validity rule
       reads *test* accuracy (test AUROC for the AUROC column), as the reference does;
    4. one median over all kept rows.

    `median_pgr_rows` counts the kept rows, `seeds` the seeds. The interval
    (`median_pgr_lo`, `median_pgr_hi`) is a 95% percentile bootstrap over *seeds*: each of
    `n_boot` resamples draws the seeds with replacement, recomputes the ground-truth means
    from the drawn seeds and takes the median over the drawn seeds' rows (a seed drawn twice
    counts twice). Seeds, not rows, are resampled because the rows of one seed share its
    ground-truth runs. Draws come from numpy's generator seeded with `boot_seed`: the same
    records give the same interval. With 3 seeds there are only 10 distinct resamples, so
    the interval is coarse."""
    keys = ["dataset", *by, "method"]
    out = []
    for key, rows in tr.groupby(keys, dropna=False, sort=True):
        row = dict(zip(keys, key))
        for metric, name in (("acc", "median_pgr"), ("auroc", "median_pgr_auroc")):
            r = _reference_median(rows, metric, n_boot, boot_seed)
            row |= {
                name: r["median"],
                f"{name}_lo": r["lo"],
                f"{name}_hi": r["hi"],
                f"{name}_rows": r["rows"],
            }
            row.setdefault("seeds", r["seeds"])
        out.append(row)
    return pd.DataFrame(out)


def per_seed_median_pgr(tr: pd.DataFrame, min_gap: float = 0.02, by: Sequence[str] = ()) -> pd.DataFrame:
    """A different estimator from the reference's: the median PGR over pairs within each
    (dataset, method, seed), each row's PGR against *its own seed's* ground-truth runs, then
    the mean and sd of those medians over seeds.

    `per_seed_median_pgr`: every pair with a valid PGR. `per_seed_median_pgr_wide` keeps
    the pairs whose ceiling is at least `min_gap` above the weak model on *validation*
    accuracy (a sub-point gap makes PGR noise divided by noise; choosing on test would be
    selection on test). `per_seed_median_pgr_auroc` is the same statistic on AUROC.
    """
    keys = ["dataset", *by, "method"]
    gap = tr.groupby(["dataset", *by, "weak_model", "strong_model"])[
        ["strong_gt_val_acc", "weak_gt_val_acc"]
    ].transform("mean")
    tr = tr.assign(wide=(gap["strong_gt_val_acc"] - gap["weak_gt_val_acc"]) >= min_gap)

    def summarise(rows: pd.DataFrame, col: str, name: str, pairs: str) -> pd.DataFrame:
        rows = rows.dropna(subset=[col])
        if rows.empty:
            return pd.DataFrame(columns=[*keys, name, f"{name}_sd", pairs])
        per_seed = rows.groupby([*keys, "seed"])[col].median().reset_index()
        out = per_seed.groupby(keys)[col].agg(["mean", "std"]).reset_index()
        out.columns = [*keys, name, f"{name}_sd"]
        n = rows.drop_duplicates([*keys, "weak_model", "strong_model"]).groupby(keys).size()
        return out.merge(n.rename(pairs).reset_index(), on=keys)

    out = summarise(tr, "pgr", "per_seed_median_pgr", "pairs_all")
    for col, name, pairs, rows in (
        ("pgr", "per_seed_median_pgr_wide", "pairs_wide", tr[tr["wide"]]),
        ("pgr_auroc", "per_seed_median_pgr_auroc", "pairs_auroc", tr),
    ):
        out = out.merge(summarise(rows, col, name, pairs), on=keys, how="outer")
    return out.assign(min_gap=min_gap)


# the summary table's columns in order: the reference's statistic with its interval and
# rows first, then the per-seed variant; AUROC the same way
SUMMARY_COLUMNS = (
    "median_pgr",
    "median_pgr_lo",
    "median_pgr_hi",
    "median_pgr_rows",
    "seeds",
    "per_seed_median_pgr",
    "per_seed_median_pgr_sd",
    "pairs_all",
    "per_seed_median_pgr_wide",
    "per_seed_median_pgr_wide_sd",
    "pairs_wide",
    "median_pgr_auroc",
    "median_pgr_auroc_lo",
    "median_pgr_auroc_hi",
    "median_pgr_auroc_rows",
    "per_seed_median_pgr_auroc",
    "per_seed_median_pgr_auroc_sd",
    "pairs_auroc",
    "min_gap",
)


def median_pgr(
    tr: pd.DataFrame,
    min_gap: float = 0.02,
    by: Sequence[str] = (),
    n_boot: int = 1000,
    boot_seed: int = 0,
) -> pd.DataFrame:
    """Median PGR per (dataset, swept settings, method): the reference's statistic first
    (`median_pgr`, its 95% seed-bootstrap interval and the rows it keeps; see
    reference_median_pgr), then the per-seed variant beside it (`per_seed_median_pgr`,
    the median over pairs per seed, mean and sd over seeds; see per_seed_median_pgr), and
    the same two on AUROC."""
    keys = ["dataset", *by, "method"]
    out = reference_median_pgr(tr, by, n_boot, boot_seed).merge(
        per_seed_median_pgr(tr, min_gap, by), on=keys, how="outer"
    )
    out["min_gap"] = min_gap
    return out[[*keys, *(c for c in SUMMARY_COLUMNS if c in out)]]
