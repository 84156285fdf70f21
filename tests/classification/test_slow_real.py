"""Slow end-to-end checks on real pretrained models (`make test-all`)."""

import pytest

from w2s_helpers.classification import flow, report
from w2s_helpers.classification.config import GridSpec

pytestmark = [pytest.mark.slow, pytest.mark.zoo]


def test_real_weak_to_strong_generalization(tmp_path):
    """MiniLM-L6 labels train SmolLM2-135M probes on Pang & Lee sentences (3 seeds): the
    strong ceiling is above the weak model and the student recovers part of the gap."""
    spec = GridSpec(
        name="real",
        datasets=["movie_polarity"],
        models=["minilm-l6", "smollm2-135m"],
        losses=["xent", "logconf"],
        seeds=[0, 1, 2],
        order_by="gt_accuracy",
        base={"n_train": 3000, "n_test": 800},
    )
    root = flow.run_grid(flow.validate(spec), tmp_path, papermill=False)
    runs = report.gather(root)
    gt = report.gt_table(runs).set_index("model")["mean"]
    assert gt.max() - gt.min() > 0.03, gt
    summary = report.median_pgr(report.transfer_table(runs)).set_index("method")
    assert (summary["median_pgr"] > 0).all(), summary
