"""transfer_table and median PGR on hand-made run records."""

import math

import pandas as pd
import pytest

from w2s_helpers.classification.report import median_pgr, transfer_table


def gt(run_id, model, seed, acc):
    return {
        "run_id": run_id,
        "kind": "gt",
        "dataset": "d",
        "model": model,
        "weak_model": None,
        "loss": "xent",
        "seed": seed,
        "test_acc": acc,
        "test_auroc": acc + 0.1,
        "val_acc": acc,
        "aux_coef": 0.5,
    }


def tr(model, weak, loss, seed, acc, aux=0.75):
    return {
        "run_id": f"tr-{weak}-{model}-{loss}-{seed}",
        "kind": "transfer",
        "dataset": "d",
        "model": model,
        "weak_model": weak,
        "loss": loss,
        "seed": seed,
        "test_acc": acc,
        "test_auroc": acc + 0.1,
        "aux_coef": aux,
        "weak_gt_run": f"gt-{weak}-{seed}",
        "strong_gt_run": f"gt-{model}-{seed}",
    }


RUNS = pd.DataFrame(
    [gt(f"gt-{m}-{s}", m, s, a) for s in (0, 1) for m, a in (("w", 0.60), ("m", 0.70), ("s", 0.80))]
    + [tr("m", "w", "xent", s, 0.65) for s in (0, 1)]  # PGR 0.5
    + [tr("s", "w", "xent", s, 0.75) for s in (0, 1)]  # PGR 0.75
    + [tr("s", "m", "xent", s, 0.71) for s in (0, 1)]  # PGR 0.1
    + [tr("s", "w", "logconf", 0, 0.80), tr("s", "w", "logconf", 1, 0.70)]  # PGR 1.0, 0.5
)


def test_transfer_table_joins_on_the_ground_truth_run_ids():
    """The transfer runs carry aux_coef 0.75, their ground-truth runs 0.5: the join is on the
    run ids the transfer records name, so every PGR is found (a join on config fields gave NaN)."""
    t = transfer_table(RUNS).set_index(["weak_model", "strong_model", "loss", "seed"])
    assert t.loc[("w", "m", "xent", 0), "pgr"] == pytest.approx(0.5)
    assert t.loc[("w", "s", "xent", 1), "pgr"] == pytest.approx(0.75)
    assert t.loc[("m", "s", "xent", 0), "pgr"] == pytest.approx(0.1)
    assert t.loc[("w", "s", "logconf", 1), "pgr"] == pytest.approx(0.5)
    assert t["pgr"].notna().all()


def test_median_pgr_over_pairs_then_seeds():
    summary = median_pgr(transfer_table(RUNS), min_gap=0.15).set_index("method")
    # xent, all 3 pairs: per-seed median of (0.5, 0.75, 0.1) = 0.5; pairs with a gap >= .15: only w->s
    # the paper's statistic comes first and counts every pair
    assert summary.loc["xent", "median_pgr"] == pytest.approx(0.5)
    assert summary.loc["xent", "pairs_all"] == 3
    # the gap filter is on validation accuracy (here equal to test accuracy)
    assert summary.loc["xent", "median_pgr_wide"] == pytest.approx(0.75)
    assert summary.loc["xent", "pairs_wide"] == 1
    # AUROC is accuracy + .1 on every run, so its PGR equals the accuracy PGR
    assert summary.loc["xent", "median_pgr_auroc"] == pytest.approx(0.5)
    # logconf: one pair, seeds 1.0 and 0.5 -> mean 0.75, sd 0.354
    assert summary.loc["logconf", "median_pgr"] == pytest.approx(0.75)
    assert summary.loc["logconf", "median_pgr_sd"] == pytest.approx(math.sqrt(0.125))


def test_gap_filter_reads_validation_not_test():
    """A pair whose test gap is wide but whose validation gap is not is left out of the
    gap-filtered median: nothing is chosen on the test set."""
    runs = RUNS.copy()
    runs.loc[runs["run_id"].isin(["gt-m-0", "gt-m-1"]), "val_acc"] = 0.79  # m ~ s on validation
    runs.loc[runs["run_id"].isin(["gt-w-0", "gt-w-1"]), "val_acc"] = 0.795
    summary = median_pgr(transfer_table(runs), min_gap=0.15).set_index("method")
    assert summary.loc["xent", "pairs_wide"] == 0 or math.isnan(summary.loc["xent", "median_pgr_wide"])
    assert summary.loc["xent", "median_pgr"] == pytest.approx(0.5)  # test accuracies unchanged


def test_method_label_names_baselines():
    from w2s_helpers.classification.report import method_label

    assert method_label({"loss": "logconf", "balance_batch": True}) == "logconf + balance"
    assert method_label({"loss": "window", "window_radius": 0.15}) == "window(0.15)"
    assert method_label({"loss": "xent", "relabel": "knn", "s2s_iters": 2, "early_stop": True}) == (
        "xent + knn relabel + s2s x2 + early stop"
    )


def test_invalid_pgr_when_ceiling_not_above_weak():
    runs = RUNS.copy()
    runs.loc[runs["run_id"] == "gt-s-0", "test_acc"] = 0.55  # ceiling below the weak model
    t = transfer_table(runs).set_index(["weak_model", "strong_model", "loss", "seed"])
    assert math.isnan(t.loc[("w", "s", "xent", 0), "pgr"])
