"""Each loss against a case worked out by hand."""

import math

import pytest
import torch

from w2s_helpers.classification.losses import LogConf, get_loss


def logits_for(p0s):
    return torch.tensor([[math.log(p), math.log(1 - p)] for p in p0s])


def test_xent_soft_target():
    loss = get_loss("xent")(torch.zeros(1, 2), torch.tensor([[0.25, 0.75]]), 0.0)
    assert loss.item() == pytest.approx(math.log(2))


def test_product_target_is_normalised_product():
    # p = [0.8, 0.2], w = [0.5, 0.5] -> target = [0.8, 0.2]; CE = entropy(0.8, 0.2)
    loss = get_loss("product")(logits_for([0.8]), torch.tensor([[0.5, 0.5]]), 0.0)
    assert loss.item() == pytest.approx(-(0.8 * math.log(0.8) + 0.2 * math.log(0.2)), rel=1e-5)


def test_logconf_hardens_at_the_weak_class_rate():
    p0 = [0.9, 0.7, 0.4, 0.1]
    w = torch.tensor([[0.5, 0.5]] * 4)  # class-1 rate 0.5 -> threshold = median of p0 = 0.55
    # hardened: p0 >= 0.55 -> class 0 (first two), else class 1; coef 0.5 after warmup
    targets = [[0.75, 0.25], [0.75, 0.25], [0.25, 0.75], [0.25, 0.75]]
    expected = sum(-(t0 * math.log(p) + t1 * math.log(1 - p)) for (t0, t1), p in zip(targets, p0)) / 4
    loss = get_loss("logconf", aux_coef=0.5, warmup_frac=0.1)(logits_for(p0), w, 1.0)
    assert loss.item() == pytest.approx(expected, rel=1e-5)


def test_logconf_warmup_ramps_linearly():
    # (fix) halfway through warmup the coefficient is half of aux_coef, not step_frac itself
    lc = LogConf(aux_coef=0.5, warmup_frac=0.1)
    assert lc.coef(0.05) == pytest.approx(0.25)
    assert lc.coef(0.0) == 0.0 and lc.coef(0.1) == pytest.approx(0.5) and lc.coef(0.9) == pytest.approx(0.5)
    # at step 0 logconf equals xent
    x = torch.randn(8, 2)
    w = torch.softmax(torch.randn(8, 2), -1)
    assert lc(x, w, 0.0).item() == pytest.approx(get_loss("xent")(x, w, 0.0).item())


def test_logconf_buffer_for_tiny_minibatches():
    lc = LogConf(aux_coef=1.0, warmup_frac=0.0, buffer_size=4)
    w = torch.tensor([[0.5, 0.5]])
    for p in (0.9, 0.8, 0.2):  # fill the buffer with recent predictions
        lc(logits_for([p]), w, 1.0)
    # a single example at p0 = 0.85: alone, the quantile would be itself; with the buffer
    # [0.85, 0.2, 0.8, 0.9] the median is 0.825, so 0.85 hardens to class 0
    loss = lc(logits_for([0.85]), w, 1.0)
    assert loss.item() == pytest.approx(-math.log(0.85), rel=1e-5)


def test_entropy_and_kl():
    x = logits_for([0.8])
    w = torch.tensor([[0.6, 0.4]])
    kl = get_loss("kl")(x, w, 0.0).item()
    assert kl == pytest.approx(0.6 * math.log(0.6 / 0.8) + 0.4 * math.log(0.4 / 0.2), rel=1e-5)
    ent = get_loss("entropy", aux_coef=0.5, warmup_frac=0.0)(x, w, 1.0).item()
    t = [0.5 * 0.6 + 0.5 * 0.8, 0.5 * 0.4 + 0.5 * 0.2]
    assert ent == pytest.approx(-(t[0] * math.log(0.8) + t[1] * math.log(0.2)), rel=1e-5)


def test_unknown_loss_lists_names():
    with pytest.raises(KeyError, match="expected one of .*logconf.*xent"):
        get_loss("hinge")
