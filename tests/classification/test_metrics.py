import math

import numpy as np
import pytest

from w2s_helpers.classification.metrics import accuracy, auroc
from w2s_helpers.core.stats import pgr


def test_pgr_and_validity_rule():
    assert pgr(0.6, 0.8, 0.7) == pytest.approx(0.5)
    assert pgr(0.6, 0.8, 0.85) == pytest.approx(1.25)  # above the ceiling is allowed
    assert pgr(0.6, 0.8, 0.55) == pytest.approx(-0.25)
    assert math.isnan(pgr(0.8, 0.8, 0.9))  # weak == strong ceiling: undefined
    assert math.isnan(pgr(0.8, 0.7, 0.75))  # ceiling below the weak model: undefined
    assert math.isnan(pgr(float("nan"), 0.8, 0.7))


def test_accuracy_and_auroc():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    labels = [0, 1, 1, 1]
    assert accuracy(probs, labels) == 0.75
    assert auroc(probs, labels) == pytest.approx(1.0)
