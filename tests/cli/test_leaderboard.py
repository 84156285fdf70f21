"""`w2s leaderboard`: one table over hand-made results folders (classification grid roots
and reasoning folders), each row naming its folder; medians checked by hand."""

import shutil

import pandas as pd
import pytest

from w2s_helpers.cli import leaderboard as board
from w2s_helpers.cli import main as cli
from w2s_helpers.core.fileio import write_json

GT = {"w": 0.60, "m": 0.70, "s": 0.80}  # every seed; test AUROC is accuracy + 0.1


def _config(dataset, model, weak, loss, seed):
    return {
        "dataset": dataset,
        "model": model,
        "weak_model": weak,
        "loss": loss,
        "seed": seed,
        "mode": "probe",
    }


def _gt(root, dataset, seed):
    for model, acc in GT.items():
        run_id = f"{dataset}-gt-{model}-s{seed}"
        write_json(
            root / "runs" / run_id / "result.json",
            {
                "run_id": run_id,
                "kind": "gt",
                "config": _config(dataset, model, None, "xent", seed),
                "test_acc": acc,
                "test_auroc": acc + 0.1,
                "val_acc": acc,
            },
        )


def _transfer(root, dataset, weak, strong, loss, seed, acc, auroc=None):
    run_id = f"{dataset}-transfer-{weak}-to-{strong}-{loss}-s{seed}"
    write_json(
        root / "runs" / run_id / "result.json",
        {
            "run_id": run_id,
            "kind": "transfer",
            "config": _config(dataset, strong, weak, loss, seed),
            "weak_gt_run": f"{dataset}-gt-{weak}-s{seed}",
            "strong_gt_run": f"{dataset}-gt-{strong}-s{seed}",
            "test_acc": acc,
            "test_auroc": acc + 0.1 if auroc is None else auroc,
            "val_acc": acc,
        },
    )


def grid_a(root):
    """sciq, seeds 0 and 1. xent PGRs: w->m 0.5, 0.6; w->s 0.75, 0.9; m->s 0.1, 0.2.
    logconf: w->s 1.0, 0.95; m->s 0.9, 1.0 (on AUROC 0.5, 0.45, -0.1, 0.0). w->w is
    weak -> weak (no PGR)."""
    for seed in (0, 1):
        _gt(root, "sciq", seed)
    for seed, (wm, ws, ms) in enumerate([(0.65, 0.75, 0.71), (0.66, 0.78, 0.72)]):
        _transfer(root, "sciq", "w", "m", "xent", seed, wm)
        _transfer(root, "sciq", "w", "s", "xent", seed, ws)
        _transfer(root, "sciq", "m", "s", "xent", seed, ms)
    for seed, (ws, ms) in enumerate([(0.80, 0.79), (0.79, 0.80)]):
        _transfer(root, "sciq", "w", "s", "logconf", seed, ws, auroc=ws)
        _transfer(root, "sciq", "m", "s", "logconf", seed, ms, auroc=ms)
    _transfer(root, "sciq", "w", "w", "xent", 0, 0.58)
    return root


def grid_b(root):
    """Another grid of sciq, one seed: xent w->s at PGR 0.5."""
    _gt(root, "sciq", 0)
    _transfer(root, "sciq", "w", "s", "xent", 0, 0.70)
    return root


def experiment(exp, accs, dataset="gsm8k", weak="/models/qwen-0.5b", strong="llama-8b", n=200):
    for method, acc in accs.items():
        write_json(
            exp / "eval" / f"{method}.json",
            {
                "method": method,
                "n": n,
                "k": 1,
                "accuracy": acc,
                "ci_low": acc - 0.05,
                "ci_high": acc + 0.05,
                "dataset": dataset,
                "weak_model": weak,
                "strong_model": strong,
                "records": [],
            },
        )
    return exp


@pytest.fixture
def two_grids(tmp_path):
    return grid_a(tmp_path / "a" / "grid"), grid_b(tmp_path / "b" / "grid")


def _row(df, source, method, pair="all pairs"):
    rows = df[(df["source"] == source) & (df["method"] == method) & (df["pair"] == pair)]
    assert len(rows) == 1, (source, method, pair, df[["source", "method", "pair"]])
    return rows.iloc[0]


def test_median_pgr_by_hand_with_intervals_and_counts(two_grids):
    df = board.build_leaderboard(two_grids)
    xent = _row(df, "a/grid", "xent")
    # six kept rows (the w->w run left out): 0.1 0.2 0.5 0.6 0.75 0.9 -> (0.5 + 0.6) / 2
    assert xent["median_pgr"] == pytest.approx(0.55)
    assert (xent["median_pgr_rows"], xent["runs"], xent["seeds"]) == (6, 6, 2)
    # the seed bootstrap: seed 0 alone gives 0.5, seed 1 alone 0.6
    assert (xent["median_pgr_lo"], xent["median_pgr_hi"]) == pytest.approx((0.5, 0.6))
    assert xent["mean_transfer_acc"] == pytest.approx((0.65 + 0.75 + 0.71 + 0.66 + 0.78 + 0.72) / 6)
    assert xent["median_pgr_auroc"] == pytest.approx(0.55)  # AUROC gaps equal accuracy's here
    pair = _row(df, "a/grid", "xent", "w -> s")
    assert pair["median_pgr"] == pytest.approx(0.825) and pair["runs"] == 2
    assert pair["mean_transfer_acc"] == pytest.approx(0.765)
    logconf = _row(df, "a/grid", "logconf")
    assert logconf["median_pgr"] == pytest.approx(0.975) and logconf["median_pgr_auroc"] == pytest.approx(
        0.225
    )
    b = _row(df, "b/grid", "xent")  # one seed: a point interval
    assert (b["median_pgr"], b["median_pgr_lo"], b["median_pgr_hi"]) == pytest.approx((0.5, 0.5, 0.5))
    assert b["runs"] == 1
    assert not df["pair"].str.contains("w -> w").any()  # weak -> weak: no PGR, not ranked


def test_both_folders_stay_separate_and_the_best_method_comes_first(two_grids):
    df = board.build_leaderboard(two_grids)
    assert set(df["source"]) == {"a/grid", "b/grid"} and set(df["flow"]) == {"classification"}
    summary = df[df["pair"] == "all pairs"]
    assert list(zip(summary["source"], summary["method"])) == [
        ("a/grid", "logconf"),
        ("a/grid", "xent"),
        ("b/grid", "xent"),
    ]
    # each method's all-pairs row heads its pairs, best pair first
    a_xent = df[(df["source"] == "a/grid") & (df["method"] == "xent")]["pair"].tolist()
    assert a_xent == ["all pairs", "w -> s", "w -> m", "m -> s"]
    assert df.index[df["method"] == "logconf"].max() < df.index[df["method"] == "xent"].min()
    by_auroc = board.build_leaderboard(two_grids, metric="auroc")
    assert by_auroc[by_auroc["pair"] == "all pairs"]["method"].iloc[0] == "xent"  # 0.55 > 0.225


def test_nan_sorts_last(tmp_path):
    root = grid_b(tmp_path / "g")
    _transfer(root, "sciq", "w", "s", "bad", 0, float("nan"))  # no transfer accuracy: no PGR
    df = board.build_leaderboard([root])
    summary = df[df["pair"] == "all pairs"]
    assert summary["method"].tolist() == ["xent", "bad"] and pd.isna(summary["median_pgr"].iloc[1])


def test_the_same_runs_twice_are_listed_once(two_grids, tmp_path):
    a, _ = two_grids
    copy = tmp_path / "copy"
    shutil.copytree(a, copy)
    df = board.build_leaderboard([a, copy, a])
    assert set(df["source"]) == {"grid"}  # named among the folders listed
    assert len(df) == len(board.build_leaderboard([a]))


def test_a_folder_of_neither_kind_is_one_line_before_any_work(two_grids, tmp_path, monkeypatch, capsys):
    notes = tmp_path / "notes"
    (notes / "runs").mkdir(parents=True)
    (notes / "README.txt").write_text("nothing here")

    def never(*a, **k):
        raise AssertionError("a folder was read before every folder was checked")

    monkeypatch.setattr(board.classification, "leaderboard", never)
    with pytest.raises(board.LeaderboardError, match="notes"):
        board.build_leaderboard([two_grids[0], notes])
    with pytest.raises(SystemExit) as e:
        cli.main(["leaderboard", str(two_grids[0]), str(notes)])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(notes) in err and "runs/*/result.json" in err
    with pytest.raises(SystemExit) as e:
        cli.main(["leaderboard", str(tmp_path / "missing")])
    assert e.value.code == 2 and "no such folder" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        cli.main(["leaderboard", str(two_grids[0]), "--out", str(tmp_path / "board.txt")])
    assert e.value.code == 2 and ".md or .csv" in capsys.readouterr().err


def test_a_reasoning_experiment_and_grid(tmp_path):
    exp = experiment(
        tmp_path / "exp",
        {"weak_floor": 0.30, "strong_few_shot": 0.40, "stage1_it1_hybrid": 0.55, "strong_ceiling": 0.80},
    )
    root = tmp_path / "rgrid"
    for seed, (floor, hybrid, ceiling) in enumerate([(0.2, 0.4, 0.6), (0.1, 0.5, 0.5)]):
        e = experiment(
            root / "experiments" / f"x-s{seed}",
            {"weak_floor": floor, "stage1_it1_hybrid": hybrid, "strong_ceiling": ceiling},
            "asdiv",
            "a",
            "b",
            100,
        )
        write_json(
            e / "result.json",
            {"config": {"dataset": "asdiv", "weak_model": "a", "strong_model": "b", "seed": seed}},
        )
    df = board.build_leaderboard([exp, root])
    assert set(df["flow"]) == {"reasoning"} and set(df["source"]) == {"exp", "rgrid"}
    one = df[df["source"] == "exp"]
    assert set(one["task"]) == {"gsm8k"} and set(one["pair"]) == {"qwen-0.5b -> llama-8b"}
    # best PGR first, the floor and the ceiling after the methods
    assert one["method"].tolist() == ["stage1_it1_hybrid", "strong_few_shot", "strong_ceiling", "weak_floor"]
    hybrid = one.iloc[0]
    assert hybrid["pgr"] == pytest.approx((0.55 - 0.30) / (0.80 - 0.30))
    assert (hybrid["accuracy"], hybrid["ci_low"], hybrid["ci_high"], hybrid["n"]) == pytest.approx(
        (0.55, 0.50, 0.60, 200)
    )
    pooled = df[(df["source"] == "rgrid") & (df["method"] == "stage1_it1_hybrid")].iloc[0]
    assert (pooled["n"], pooled["seeds"], pooled["accuracy"]) == pytest.approx((200, 2, 0.45))
    assert (pooled["pgr"], pooled["pgr_min"], pooled["pgr_max"]) == pytest.approx((0.75, 0.5, 1.0))


def test_the_command_prints_and_writes_from_the_shell_cwd(two_grids, tmp_path, monkeypatch, capsys):
    experiment(tmp_path / "exp", {"weak_floor": 0.3, "stage1_it1_hybrid": 0.5, "strong_ceiling": 0.7})
    monkeypatch.chdir(tmp_path)
    cli.main(["leaderboard", "a/grid", "b/grid", "exp", "--out", "out/board.md"])
    printed = capsys.readouterr().out
    assert (
        "| flow" in printed and "a/grid" in printed and "b/grid" in printed and "stage1_it1_hybrid" in printed
    )
    assert (tmp_path / "out" / "board.md").read_text().strip() == printed.strip()
    csv = pd.read_csv(tmp_path / "out" / "board.csv")
    assert csv["flow"].tolist()[0] == "classification" and csv["flow"].tolist()[-1] == "reasoning"
    row = csv[(csv["source"] == "a/grid") & (csv["method"] == "xent") & (csv["pair"] == "all pairs")].iloc[0]
    assert row["median_pgr"] == pytest.approx(0.55)
    for col in ("median_pgr_lo", "median_pgr_hi", "median_pgr_auroc", "runs", "accuracy", "ci_low", "pgr"):
        assert col in csv


def test_source_names_are_the_shortest_distinct_tails(tmp_path):
    paths = [tmp_path / "a" / "grid", tmp_path / "b" / "grid", tmp_path / "c" / "other"]
    assert board.source_names(paths) == ["a/grid", "b/grid", "other"]


def test_folders_and_out_are_taken_from_the_shell_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = cli.from_shell_cwd(cli.parser().parse_args(["leaderboard", "a", "b/c", "--out", "x.md"]))
    assert args.dirs == [tmp_path / "a", tmp_path / "b" / "c"] and args.out == tmp_path / "x.md"
    assert args.metric == "acc"
