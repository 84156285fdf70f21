"""The classification figures read at a paper's size: a PGR axis one wild pair cannot
flatten, titles inside the figure, legends off the data, and a figure (never a crash)
when a column is missing."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from w2s_helpers.classification.analysis_figures import (  # noqa: E402
    agreement_plot,
    misfit_plot,
    pgr_vs_strong_plot,
)
from w2s_helpers.classification.figures import (  # noqa: E402
    PGR_BAND,
    curves_plot,
    pgr_plot,
    reference_plot,
    robust_limits,
    sweep_plot,
)

LADDER = {"m1": 0.625, "m2": 0.6875, "m3": 0.75, "m4": 0.8125, "m5": 0.875, "m6": 0.9375}


def _gt(ladder=LADDER, dataset="sst2") -> pd.DataFrame:
    rows = [dict(dataset=dataset, model=m, mean=a, std=0.0, count=3, val_mean=a) for m, a in ladder.items()]
    return pd.DataFrame(rows)


def _tr(ladder=LADDER, datasets=("sst2",), methods=("logconf", "xent"), outlier: float | None = None):
    """Every weak -> strong pair of the ladder (weak below strong), three seeds, PGR 0.5
    (0.25 for xent); with `outlier`, the first pair's logconf rows read that PGR instead."""
    names = list(ladder)
    rows = []
    for d in datasets:
        for i, w in enumerate(names):
            for s in names[i + 1 :]:
                for m in methods:
                    for seed in range(3):
                        p = 0.5 if m == "logconf" else 0.25
                        if outlier is not None and (w, s, m) == (names[0], names[1], "logconf"):
                            p = outlier
                        lo, hi = ladder[w], ladder[s]
                        rows.append(
                            dict(
                                dataset=d,
                                weak_model=w,
                                strong_model=s,
                                self_transfer=False,
                                method=m,
                                loss=m,
                                seed=seed,
                                weak_gt_acc=lo,
                                strong_gt_acc=hi,
                                transfer_acc=lo + p * (hi - lo),
                                pgr=p,
                                weak_gt_val_acc=lo,
                                strong_gt_val_acc=hi,
                            )  # fmt: skip
                        )
    return pd.DataFrame(rows)


def _titles(fig):
    out = [ax.title for ax in fig.axes if ax.get_visible() and ax.get_title()]
    return out + ([fig._suptitle] if fig._suptitle is not None else [])


def _assert_titles_fit(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    for t in _titles(fig):
        ext = t.get_window_extent(renderer)
        assert ext.x0 >= box.x0 - 1 and ext.x1 <= box.x1 + 1, f"title {t.get_text()!r} overflows"
        assert ext.y1 <= box.y1 + 1, f"title {t.get_text()!r} is cut at the top"


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_robust_limits_keep_to_the_band_and_widen_for_the_interquartile_data():
    lo, hi = robust_limits([0.5, 0.6, 0.4, -30.0])
    assert PGR_BAND[0] <= lo <= 0 and 1 <= hi <= PGR_BAND[1]
    lo, hi = robust_limits([-5.0, -4.0, -6.0, 0.5])  # most of the data is below the band
    assert lo < -5 and hi >= 1


def test_pgr_plot_keeps_its_axis_and_marks_the_outlier():
    fig = pgr_plot(_tr(outlier=-3.0), min_gap=0.0)
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    assert PGR_BAND[0] <= lo <= 0 and 1 <= hi <= PGR_BAND[1]
    assert hi - lo <= 2.5  # the in-band points are not squashed into a line
    texts = [t.get_text() for t in ax.texts]
    assert "-3.0" in texts, texts


def test_pgr_vs_strong_keeps_its_axis_and_marks_the_outlier():
    fig = pgr_vs_strong_plot(_tr(outlier=4.0), min_gap=0.0)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 2  # a panel per method
    for ax in shown:
        lo, hi = ax.get_ylim()
        assert PGR_BAND[0] <= lo <= 0 and 1 <= hi <= PGR_BAND[1]
    assert "4.0" in [t.get_text() for ax in shown for t in ax.texts]


def test_pgr_vs_strong_draws_the_median_per_weak_model_in_ceiling_order():
    tr = _tr()
    fig = pgr_vs_strong_plot(tr, min_gap=0.0)
    ax = fig.axes[0]
    assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == list(LADDER)[1:]
    data = [line for line in ax.lines if len(line.get_xdata()) > 1 and line.get_linestyle() != "None"]
    medians = {float(v) for line in data for v in line.get_ydata()} - {0.0, 1.0}
    assert medians == {0.5}  # the logconf panel (methods sorted), every pair at its median
    assert len(fig.legends[0].get_texts()) == len(LADDER) - 1  # the weak models: every rung but the top


def test_titles_fit_inside_the_figure():
    long = "a dataset name that goes on and on to see whether the title wraps rather than runs off"
    tr = _tr(datasets=(long, "sst2"))
    curves = pd.DataFrame(
        dict(step=[1, 2, 1, 2], value=[0.5, 0.625, 0.5, 0.75], metric="acc", split=["val", "val", "test", "test"], label="logconf")
    )  # fmt: skip
    summary = pd.DataFrame(
        dict(dataset=long, method="logconf", epochs=[1, 2, 4, 8], median_pgr=0.5, median_pgr_lo=0.25, median_pgr_hi=0.75)
    )  # fmt: skip
    figs = [
        pgr_plot(tr, min_gap=0.5),  # every pair hidden in one panel: the long note
        pgr_plot(tr, min_gap=0.0),
        pgr_vs_strong_plot(tr, min_gap=0.0),
        reference_plot(pd.concat([_gt(dataset=long), _gt()]), tr),
        curves_plot(curves, long),
        sweep_plot(summary, "epochs"),
        agreement_plot(tr.assign(agree_weak=0.75, agree_weak_right=1.0, agree_weak_wrong=0.25)),
        misfit_plot(tr.assign(misfit=0.25, gain_sq=0.5)),
        agreement_plot(tr),  # the missing-column message
    ]
    for fig in figs:
        assert fig.get_figwidth() in (3.25, 6.75)
        _assert_titles_fit(fig)


def test_legend_covers_no_data_point_in_the_accuracy_figure():
    fig = reference_plot(_gt(), _tr())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    assert legends
    boxes = [leg.get_window_extent(renderer) for leg in legends]
    ax = fig.axes[0]
    points = np.vstack([ax.transData.transform(line.get_xydata()) for line in ax.lines])
    assert len(points) >= 6 + 15  # the six rungs and every pair
    for box in boxes:
        inside = (
            (points[:, 0] >= box.x0)
            & (points[:, 0] <= box.x1)
            & (points[:, 1] >= box.y0)
            & (points[:, 1] <= box.y1)
        )
        assert not inside.any(), points[inside]


def test_agreement_bars_are_the_means_and_skip_self_transfer():
    tr = _tr()
    tr["agree_weak"] = np.where(tr["seed"] == 0, 0.5, 1.0)  # mean over runs: 5/6 ... per method
    tr["agree_weak_right"] = 1.0
    tr["agree_weak_wrong"] = np.where(tr["method"] == "xent", 0.75, 0.25)
    self_rows = tr.head(3).assign(self_transfer=True, agree_weak_wrong=0.0)
    fig = agreement_plot(pd.concat([tr, self_rows]))
    heights = [round(p.get_height(), 6) for p in fig.axes[0].patches]
    expected = round((0.5 + 1.0 + 1.0) / 3, 6)
    assert heights == [expected, expected, 1.0, 1.0, 0.25, 0.75]  # measure by measure, methods sorted


def test_misfit_plot_draws_every_run_and_the_identity_line():
    tr = _tr(datasets=("a", "b")).assign(misfit=0.25, gain_sq=0.5)
    tr.loc[tr.index[0], "gain_sq"] = np.nan  # a run without a gain is left out
    fig = misfit_plot(tr)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == 2
    n = sum(len(c.get_offsets()) for ax in shown for c in ax.collections)
    assert n == len(tr) - 1
    assert any(list(line.get_xdata()) == list(line.get_ydata()) for line in shown[0].lines)


@pytest.mark.parametrize("plot", [agreement_plot, misfit_plot, pgr_vs_strong_plot])
@pytest.mark.parametrize("table", [pd.DataFrame(), _tr().drop(columns=["pgr"])])
def test_missing_columns_give_a_figure_that_says_so(plot, table):
    fig = plot(table)
    words = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "lacks" in words


def test_all_nan_columns_give_a_figure_that_says_so():
    fig = agreement_plot(_tr().assign(agree_weak=np.nan, agree_weak_right=np.nan, agree_weak_wrong=np.nan))
    assert "agree_weak" in " ".join(t.get_text() for t in fig.axes[0].texts)


def test_existing_calls_still_work_on_empty_tables():
    for fig in (
        reference_plot(pd.DataFrame(columns=["dataset", "model", "mean"]), pd.DataFrame()),
        pgr_plot(pd.DataFrame(), 0.02),
        curves_plot(pd.DataFrame(), "t"),
        sweep_plot(pd.DataFrame(), "epochs"),
    ):
        assert fig.axes and fig.axes[0].texts


def test_figure_modules_import_no_torch():
    code = (
        "import sys, w2s_helpers.classification.analysis_figures; "
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
