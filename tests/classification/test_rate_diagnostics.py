"""The per-run rates that say how logconf hardens: the record fields, and the fixed-rate
variants' rates as the caller resolves them."""

import json

import numpy as np
import pytest

from w2s_helpers.classification import scoring, stages, supervision
from w2s_helpers.classification.config import ClassificationConfig
from w2s_helpers.classification.fit import make_loss


def test_rate_diagnostics_by_hand():
    weak = np.array([[0.4, 0.6], [0.45, 0.55], [0.9, 0.1], [0.2, 0.8]])
    test_p = np.array([[0.3, 0.7], [0.8, 0.2]])
    d = scoring.rate_diagnostics(weak, [1, 1, 0], test_p)
    assert d == {
        "weak_soft_rate": pytest.approx(0.5125),  # mean of 0.6, 0.55, 0.1, 0.8
        "weak_hard_rate": 0.75,  # three of four above 0.5
        "true_rate": pytest.approx(2 / 3, abs=1e-5),
        "test_pred_rate": 0.5,
    }
    k3 = scoring.rate_diagnostics(np.eye(3)[[0, 1, 1, 2]], [0, 0, 2], np.eye(3)[[2, 2]])
    assert k3["weak_hard_rate"] == [0.25, 0.5, 0.25] and k3["test_pred_rate"] == [0.0, 0.0, 1.0]


def test_make_loss_resolves_the_fixed_rates():
    weak = np.array([[0.4, 0.6], [0.45, 0.55], [0.9, 0.1], [0.2, 0.8]])
    cfg = ClassificationConfig(model="minilm-l6", weak_model="minilm-l6", loss="logconf_hard")
    assert make_loss(cfg, weak).class_rates.tolist() == [0.25, 0.75]
    prior = ClassificationConfig(model="minilm-l6", weak_model="minilm-l6", loss="logconf_prior")
    with pytest.raises(ValueError, match="class_prior"):
        make_loss(prior, weak)
    assert make_loss(prior, weak, [0.7, 0.3]).class_rates.tolist() == pytest.approx([0.7, 0.3])
    assert (
        make_loss(
            ClassificationConfig(model="minilm-l6", weak_model="minilm-l6", loss="logconf"), weak
        ).class_rates
        is None
    )


@pytest.fixture
def skewed_file(tmp_path):
    rng = np.random.default_rng(0)
    words = ["good", "great", "fine", "bad", "awful", "poor"]
    rows = []
    for i in range(240):
        label = int(rng.random() < 0.7)
        rows.append(
            {
                "text": f"review {i}: " + " ".join(rng.choice(words[:3] if label else words[3:], 4)),
                "label": label,
            }
        )
    path = tmp_path / "skewed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.zoo
@pytest.mark.parametrize("loss", ["xent", "logconf", "logconf_prior", "logconf_hard"])
def test_every_transfer_record_carries_the_rates(skewed_file, tmp_path, loss):
    base = dict(dataset=str(skewed_file), n_train=160, n_test=40, epochs=1.0, balanced=False)
    cfg = ClassificationConfig(model="tiny-random-llama", weak_model="tiny-random-bert", loss=loss, **base)
    record = stages.run(cfg, tmp_path)
    data = stages.load_data(cfg)
    assert record["true_rate"] == pytest.approx(np.mean(data.train1["label"]), abs=1e-5)
    weak, _ = supervision.read_weak_labels(supervision.weak_labels_path(tmp_path, cfg), data)
    assert record["weak_soft_rate"] == pytest.approx(weak[:, 1].mean(), abs=1e-5)
    assert record["weak_hard_rate"] == pytest.approx((weak[:, 1] > 0.5).mean(), abs=1e-5)
    assert 0 <= record["test_pred_rate"] <= 1
    if loss == "xent":
        assert record["hardened_rate"] is None
    else:  # the quantile rule hardens each 32-row batch at its target rate, to a row
        target = {"logconf": record["weak_soft_rate"], "logconf_prior": record["true_rate"]}
        target["logconf_hard"] = record["weak_hard_rate"]
        assert record["hardened_rate"] == pytest.approx(target[loss], abs=1 / 32 + 0.02)
