"""Vision as a modality of the classification flow: K-class losses and metrics against an
independent computation, binary results unchanged, and a tiny image grid through papermill."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import torch

from w2s_helpers.classification import flow
from w2s_helpers.classification.config import GridSpec
from w2s_helpers.classification.losses import get_loss
from w2s_helpers.classification.metrics import accuracy, auroc, hard_labels


@pytest.fixture
def k_class():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(16, 10, generator=g)
    weak = torch.softmax(torch.randn(16, 10, generator=g) * 2, -1)
    return logits, weak


def test_k_class_xent_kl_product_by_hand(k_class):
    logits, weak = k_class
    logp = torch.log_softmax(logits, -1).numpy()
    w = weak.numpy()
    assert get_loss("xent")(logits, weak).item() == pytest.approx(-(w * logp).sum(1).mean(), rel=1e-5)
    kl = (w * (np.log(w) - logp)).sum(1).mean()
    assert get_loss("kl")(logits, weak).item() == pytest.approx(kl, rel=1e-4)
    prod = np.exp(logp) * w
    prod /= prod.sum(1, keepdims=True)
    assert get_loss("product")(logits, weak).item() == pytest.approx(-(prod * logp).sum(1).mean(), rel=1e-5)


def test_k_class_logconf_hardens_at_the_weak_class_rates(k_class):
    """10 classes: the hardened targets give each class its share of the batch at the weak
    labels' mean rates (largest remainders), and the loss mixes them with the weak labels."""
    logits, weak = k_class
    logp = torch.log_softmax(logits, -1).numpy()
    fn = get_loss("logconf", aux_coef=0.5, warmup_frac=0.1)
    hard = fn.hardened(torch.softmax(logits, -1), weak).numpy()
    assert (hard.sum(1) == 1).all()
    share = weak.numpy().mean(0) * len(hard)
    assert (np.abs(hard.sum(0) - share) < 1).all()  # each class's quota, rounded
    target = 0.5 * weak.numpy() + 0.5 * hard  # aux_coef 0.5 after warmup
    loss = fn(logits, weak, 1.0)
    assert loss.item() == pytest.approx(-(target * logp).sum(1).mean(), rel=1e-5)


def test_k_class_metrics_and_binary_unchanged():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
    labels = [0, 2, 2, 1]
    assert accuracy(probs, labels) == 0.5
    from sklearn.metrics import roc_auc_score

    ovr = np.mean([roc_auc_score(np.array(labels) == k, probs[:, k]) for k in range(3)])
    assert auroc(probs, labels) == pytest.approx(ovr)
    # binary: class 1 above 0.5, a tie goes to class 0, exactly as before
    b = np.array([[0.5, 0.5], [0.4, 0.6], [0.9, 0.1]])
    assert hard_labels(b).tolist() == [0, 1, 0] and accuracy(b, [0, 1, 1]) == pytest.approx(2 / 3)
    assert auroc(b, [0, 1, 1]) == pytest.approx(roc_auc_score([0, 1, 1], b[:, 1]))
    assert math.isnan(auroc(probs, [1, 1, 1, 1]))


@pytest.mark.zoo
def test_tiny_vision_grid_through_papermill(tmp_path):
    """CIFAR-10 (offline), tiny random image models of two families, probes on their
    features: notebooks 01, 02 and 03 run headless and the report has 10-class PGR rows and
    each model's weak -> weak row."""
    spec = GridSpec(
        name="v",
        datasets=["cifar10"],
        models=["tiny-alexnet", "tiny-resnet50"],
        losses=["xent", "logconf"],
        seeds=[0],
        base={"n_train": 200, "n_test": 100, "epochs": 2.0},
    )
    root = flow.run_grid(flow.validate(spec), tmp_path)
    assert (root / "notebooks" / "cifar10__gt" / "01_ground_truth.ipynb").exists()
    runs = pd.read_csv(root / "runs.csv")
    gt = runs[runs["kind"] == "gt"]
    assert len(gt) == 2 and (gt["test_acc"] > 0.05).all()  # 10 classes
    tr = pd.read_csv(root / "transfer.csv")
    assert sorted(tr["method"]) == ["logconf"] * 3 + ["xent"] * 3 and tr["transfer_auroc"].notna().all()
    assert (root / "accuracy.png").exists()
    # the weak -> weak rows (each model on its own weak labels): marked, and shown apart
    mine = tr[tr["self_transfer"]]
    assert len(mine) == 4 and (mine["weak_model"] == mine["strong_model"]).all() and mine["pgr"].isna().all()
    st = pd.read_csv(root / "self_transfer.csv")
    assert len(st) == 4 and set(st["model"]) == {"tiny-alexnet", "tiny-resnet50"}
    cells = json.loads((root / "03_plot_classification.ipynb").read_text())["cells"]
    shown = [str(c.get("outputs")) for c in cells if "rep.self_transfer" in "".join(c["source"])]
    assert len(shown) == 1 and "teacher_acc" in shown[0] and "tiny-alexnet" in shown[0]
