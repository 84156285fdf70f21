"""transfer_table and median PGR (the reference's statistic and the per-seed variant) on
hand-made run records."""

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


def test_per_seed_median_pgr_over_pairs_then_seeds():
    summary = median_pgr(transfer_table(RUNS), min_gap=0.15).set_index("method")
    # xent, all 3 pairs: per-seed median of (0.5, 0.75, 0.1) = 0.5; pairs with a gap >= .15: only w->s
    assert summary.loc["xent", "per_seed_median_pgr"] == pytest.approx(0.5)
    assert summary.loc["xent", "pairs_all"] == 3
    # the gap filter is on validation accuracy (here equal to test accuracy)
    assert summary.loc["xent", "per_seed_median_pgr_wide"] == pytest.approx(0.75)
    assert summary.loc["xent", "pairs_wide"] == 1
    # AUROC is accuracy + .1 on every run, so its PGR equals the accuracy PGR
    assert summary.loc["xent", "per_seed_median_pgr_auroc"] == pytest.approx(0.5)
    # logconf: one pair, seeds 1.0 and 0.5 -> mean 0.75, sd 0.354
    assert summary.loc["logconf", "per_seed_median_pgr"] == pytest.approx(0.75)
    assert summary.loc["logconf", "per_seed_median_pgr_sd"] == pytest.approx(math.sqrt(0.125))
    # ground truth equal across seeds: the reference's statistic agrees, over every row
    assert summary.loc["xent", "median_pgr"] == pytest.approx(0.5)
    assert summary.loc["xent", "median_pgr_rows"] == 6
    assert summary.loc["logconf", "median_pgr"] == pytest.approx(0.75)
    assert summary.loc["logconf", "median_pgr_rows"] == 2


# ground truth that moves between seeds, so the two estimators differ (means: w .62, m .68,
# s .82, x .61), a pair whose mean ceiling is below its weak model (w -> x) and a same-model row
SEEDED = pd.DataFrame(
    [
        gt(f"gt-{m}-{s}", m, s, a)
        for m, accs in (("w", (0.60, 0.64)), ("m", (0.70, 0.66)), ("s", (0.80, 0.84)), ("x", (0.63, 0.59)))
        for s, a in zip((0, 1), accs)
    ]
    + [
        tr(strong, weak, "xent", s, a)
        for weak, strong, accs in (
            ("w", "s", (0.72, 0.80)),
            ("w", "m", (0.65, 0.66)),
            ("m", "s", (0.71, 0.82)),
            ("w", "x", (0.62, 0.62)),
            ("w", "w", (0.61, 0.61)),
        )
        for s, a in zip((0, 1), accs)
    ]
)


def test_reference_median_pgr_against_seed_mean_ground_truth():
    """Every row's PGR against the models' seed means; w->x is dropped (mean x .61 <= mean w
    .62) and so is w->w; one median over the 6 rows left."""
    summary = median_pgr(transfer_table(SEEDED)).set_index("method")
    # w->s (.72-.62)/.2 = .5, (.80-.62)/.2 = .9; w->m (.65-.62)/.06 = .5, (.66-.62)/.06 = .6667;
    # m->s (.71-.68)/.14 = .2143, (.82-.68)/.14 = 1.0 -> median of the middle two (.5 + .6667) / 2
    assert summary.loc["xent", "median_pgr"] == pytest.approx((0.5 + 0.04 / 0.06) / 2)
    assert summary.loc["xent", "median_pgr_rows"] == 6
    assert summary.loc["xent", "seeds"] == 2
    # AUROC is accuracy + .1 on every run: the same statistic
    assert summary.loc["xent", "median_pgr_auroc"] == pytest.approx(summary.loc["xent", "median_pgr"])
    assert summary.loc["xent", "median_pgr_auroc_rows"] == 6


def test_reference_filter_drops_a_pair_whose_mean_ceiling_is_not_above_the_weak_model():
    """w -> x: on seed 0 its ceiling is above w (.63 > .60), so the per-seed variant counts it;
    on the seed means (.61 <= .62) the reference drops both of its rows."""
    runs = SEEDED[~SEEDED["run_id"].str.startswith("tr-w-x")]
    with_x = median_pgr(transfer_table(SEEDED)).set_index("method")
    without_x = median_pgr(transfer_table(runs)).set_index("method")
    assert with_x.loc["xent", "median_pgr"] == pytest.approx(without_x.loc["xent", "median_pgr"])
    assert with_x.loc["xent", "median_pgr_rows"] == without_x.loc["xent", "median_pgr_rows"] == 6
    assert with_x.loc["xent", "pairs_all"] == 4  # the per-seed variant does count w -> x


def test_per_seed_variant_differs_from_the_reference():
    summary = median_pgr(transfer_table(SEEDED)).set_index("method")
    # seed 0 (own gt): w->s .6, w->m .5, m->s .1, w->x .6667 -> median .55
    # seed 1: w->s .8, w->m 1.0, m->s .8889, w->x NaN (.59 < .64) -> median .8889
    seed0, seed1 = 0.55, 0.16 / 0.18
    assert summary.loc["xent", "per_seed_median_pgr"] == pytest.approx((seed0 + seed1) / 2)
    assert summary.loc["xent", "per_seed_median_pgr_sd"] == pytest.approx(abs(seed1 - seed0) / math.sqrt(2))


def test_seed_bootstrap_interval_is_seeded_and_holds_the_point_estimate():
    """Two seeds give three resamples: {0, 0} (median .55: seed 0 alone, w->x kept on its own
    means), {1, 1} (.8889) and {0, 1} (the point estimate); each of the first two is a quarter
    of the draws, so the 2.5% and 97.5% quantiles are those."""
    table = transfer_table(SEEDED)
    first = median_pgr(table).set_index("method")
    again = median_pgr(table).set_index("method")
    cols = ["median_pgr_lo", "median_pgr_hi", "median_pgr_auroc_lo", "median_pgr_auroc_hi"]
    assert first.loc["xent", cols].tolist() == pytest.approx(again.loc["xent", cols].tolist())
    lo, point, hi = first.loc["xent", ["median_pgr_lo", "median_pgr", "median_pgr_hi"]]
    assert lo <= point <= hi
    assert lo == pytest.approx(0.55)
    assert hi == pytest.approx(0.16 / 0.18)


def test_summary_puts_the_reference_statistic_first():
    summary = median_pgr(transfer_table(SEEDED))
    stats = [c for c in summary.columns if c not in ("dataset", "method")]
    assert stats[:6] == [
        "median_pgr",
        "median_pgr_lo",
        "median_pgr_hi",
        "median_pgr_rows",
        "seeds",
        "per_seed_median_pgr",
    ]
    assert stats.index("median_pgr_auroc") < stats.index("per_seed_median_pgr_auroc")


def test_gap_filter_reads_validation_not_test():
    """A pair whose test gap is wide but whose validation gap is not is left out of the
    gap-filtered median: nothing is chosen on the test set."""
    runs = RUNS.copy()
    runs.loc[runs["run_id"].isin(["gt-m-0", "gt-m-1"]), "val_acc"] = 0.79  # m ~ s on validation
    runs.loc[runs["run_id"].isin(["gt-w-0", "gt-w-1"]), "val_acc"] = 0.795
    summary = median_pgr(transfer_table(runs), min_gap=0.15).set_index("method")
    assert summary.loc["xent", "pairs_wide"] == 0 or math.isnan(
        summary.loc["xent", "per_seed_median_pgr_wide"]
    )
    assert summary.loc["xent", "per_seed_median_pgr"] == pytest.approx(0.5)  # test accuracies unchanged


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


def test_self_transfer_rows_are_marked_and_summarised():
    """weak -> weak rows: marked in the transfer table (PGR undefined), left out of the
    median (the reference drops weak == strong), and shown apart with the teacher's and the
    student's accuracy and their gap, mean over seeds."""
    from w2s_helpers.classification.report import self_transfer_table

    runs = pd.concat(
        [RUNS, pd.DataFrame([tr("w", "w", "xent", 0, 0.55), tr("w", "w", "xent", 1, 0.59)])],
        ignore_index=True,
    )
    t = transfer_table(runs)
    mine = t[t["self_transfer"]]
    assert len(mine) == 2 and mine["pgr"].isna().all() and (~t["self_transfer"]).sum() == len(t) - 2
    before = median_pgr(transfer_table(RUNS)).set_index("method")
    after = median_pgr(t).set_index("method")
    assert after.loc["xent", "median_pgr"] == pytest.approx(before.loc["xent", "median_pgr"])
    assert after.loc["xent", "median_pgr_rows"] == before.loc["xent", "median_pgr_rows"]
    (row,) = self_transfer_table(t).to_dict("records")
    assert (row["model"], row["method"], row["seeds"]) == ("w", "xent", 2)
    assert row["teacher_acc"] == pytest.approx(0.60) and row["student_acc"] == pytest.approx(0.57)
    assert row["gap"] == pytest.approx(-0.03) and row["gap_sd"] == pytest.approx(0.02 * 2**0.5)
    assert self_transfer_table(transfer_table(RUNS)).empty
