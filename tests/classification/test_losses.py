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


def test_logconf_pools_the_weak_rate_with_the_predictions():
    """(fix) the threshold's class-1 rate comes from the same pooled rows as its predictions."""
    lc = LogConf(aux_coef=1.0, warmup_frac=0.0, buffer_size=4)
    for p in (0.9, 0.8, 0.2):  # earlier rows: all weak labels say class 0
        lc(logits_for([p]), torch.tensor([[1.0, 0.0]]), 1.0)
    # now one row labelled class 1: pooled rate 1/4, pooled p0 [0.85, 0.2, 0.8, 0.9]
    t = lc.threshold(torch.tensor([0.85]), torch.tensor([1.0]))
    assert t.item() == pytest.approx(torch.quantile(torch.tensor([0.85, 0.2, 0.8, 0.9]), 0.25).item())


def test_window_counts_only_unsure_examples():
    # P(class 0) 0.55 is unsure (top prob < 0.65), 0.9 is sure; weak label [0.3, 0.7] on both
    w = torch.tensor([[0.3, 0.7], [0.3, 0.7]])
    loss = get_loss("window", radius=0.15)(logits_for([0.55, 0.9]), w, 0.0)
    expected = -(0.3 * math.log(0.55) + 0.7 * math.log(0.45)) / 2  # divided by the whole batch
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    sure = get_loss("window", radius=0.15)(logits_for([0.95, 0.05]), w, 0.0)
    assert sure.item() == 0.0


def test_midweak_radius_is_the_median_distance_from_a_coin_flip():
    from w2s_helpers.classification.losses import midweak_radius

    w = torch.tensor([[0.4, 0.6], [0.1, 0.9], [0.7, 0.3]])  # |w1 - .5| = .1, .4, .2
    assert midweak_radius(w) == pytest.approx(0.2)


def test_balance_batch_centres_the_weak_log_odds():
    lc = LogConf(aux_coef=0.0, warmup_frac=0.0, balance_batch=True)
    w = torch.tensor([[0.2, 0.8], [0.4, 0.6], [0.1, 0.9]])  # all lean class 1
    t = lc.targets(w)
    z = torch.log(t[:, 1]) - torch.log(t[:, 0])
    assert z.mean().item() == pytest.approx(0.0, abs=1e-5)
    # order is kept: the most confident weak label stays the most confident
    assert torch.argsort(t[:, 1]).tolist() == torch.argsort(w[:, 1]).tolist()
    # with aux_coef 0 the loss is xent on the balanced targets
    x = torch.randn(3, 2)
    assert lc(x, w, 1.0).item() == pytest.approx(get_loss("xent")(x, t, 0.0).item(), rel=1e-5)
