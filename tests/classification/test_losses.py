"""Each loss against a case worked out by hand."""

import math

import numpy as np
import pytest
import torch

from w2s_helpers.classification.losses import LogConf, get_loss, hard_rates, quota_hardening


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


def reference_logconf(logits: np.ndarray, weak: np.ndarray, coef: float, rate1: float | None = None) -> float:
    """openai/weak-to-strong's logconf_loss_fn in numpy (after warmup): threshold = the batch
    quantile of p0 at the batch's mean weak class-1 label (or at `rate1`)."""
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    p0 = np.exp(logp[:, 0])
    t = np.quantile(p0, weak[:, 1].mean() if rate1 is None else rate1)
    strong = np.stack([p0 >= t, p0 < t], 1).astype(float)
    target = weak * (1 - coef) + strong * coef
    return float(-(target * logp).sum(1).mean())


def greedy_quota(p: np.ndarray, quota: list[int]) -> np.ndarray:
    """Hand-rolled: (row, class) pairs by p descending; a free row takes a class with room."""
    quota, label = list(quota), -np.ones(len(p), dtype=int)
    for flat in sorted(range(p.size), key=lambda f: -p.flat[f]):
        i, c = divmod(flat, p.shape[1])
        if label[i] < 0 and quota[c] > 0:
            label[i], quota[c] = c, quota[c] - 1
    return label


def test_logconf_is_the_reference_on_a_random_batch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2)).astype(np.float32)
    w = rng.dirichlet([1, 1], size=32).astype(np.float32)
    loss = get_loss("logconf", aux_coef=0.5, warmup_frac=0.1)(torch.tensor(x), torch.tensor(w), 1.0)
    assert loss.item() == pytest.approx(reference_logconf(x, w, 0.5), rel=1e-5)


@pytest.mark.parametrize("rates", [[0.25, 0.75], [0.6, 0.4]])
def test_logconf_prior_hardens_at_the_given_rate_not_the_batch(rates):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 2)).astype(np.float32)
    w = rng.dirichlet([1, 1], size=32).astype(np.float32)
    lc = get_loss("logconf_prior", class_rates=rates, aux_coef=0.5, warmup_frac=0.0)
    loss = lc(torch.tensor(x), torch.tensor(w), 1.0)
    assert loss.item() == pytest.approx(reference_logconf(x, w, 0.5, rate1=rates[1]), rel=1e-5)
    assert lc.stats()["hardened_rate"] == pytest.approx(rates[1], abs=1 / 32)


def test_fixed_rate_variants_need_their_rates():
    with pytest.raises(ValueError, match="class_rates"):
        get_loss("logconf_hard")
    with pytest.raises(ValueError, match="non-negative"):
        get_loss("logconf_prior", class_rates=[-0.1, 1.1])


def test_hardened_rate_is_the_share_called_class_1_over_all_calls():
    lc = LogConf(aux_coef=0.5, warmup_frac=0.0, buffer_size=4)  # 4-row batches: no pooling
    assert lc.stats() == {"hardened_rate": None}
    p0 = [0.9, 0.7, 0.4, 0.1]
    lc(logits_for(p0), torch.tensor([[0.5, 0.5]] * 4), 1.0)  # median threshold: 2 of 4 to class 1
    lc(logits_for(p0), torch.tensor([[1.0, 0.0]] * 4), 1.0)  # rate 0: quantile = min, none below
    assert lc.stats()["hardened_rate"] == pytest.approx(2 / 8)


def test_hard_rates_counts_argmax():
    assert hard_rates(torch.tensor([[0.4, 0.6], [0.45, 0.55], [0.9, 0.1], [0.2, 0.8]])) == [0.25, 0.75]


def test_quota_hardening_by_hand_for_three_classes():
    p = torch.tensor([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.5, 0.1, 0.4], [0.1, 0.1, 0.8]])
    # quotas 2, 1, 1: row 3 takes class 2 (0.8), rows 0 and 1 fill class 0, so row 2 (argmax
    # class 0) goes to the class with room, class 1; argmax would call three rows class 0
    hard = quota_hardening(p, torch.tensor([0.5, 0.25, 0.25]))
    assert hard.argmax(-1).tolist() == [0, 0, 1, 2]


def test_quota_hardening_matches_a_numpy_greedy_and_the_binary_top_rows():
    rng = np.random.default_rng(2)
    p = rng.dirichlet([1, 1, 1, 1], size=30).astype(np.float32)
    rates = np.array([0.1, 0.2, 0.3, 0.4])  # quotas 3, 6, 9, 12
    hard = quota_hardening(torch.tensor(p), torch.tensor(rates))
    assert hard.argmax(-1).tolist() == greedy_quota(p, [3, 6, 9, 12]).tolist()
    assert hard.sum(0).tolist() == [3, 6, 9, 12]
    p2 = rng.dirichlet([1, 1], size=30).astype(np.float32)
    hard2 = quota_hardening(torch.tensor(p2), torch.tensor([0.7, 0.3]))  # 9 rows of class 1
    assert set(np.flatnonzero(hard2[:, 1].numpy())) == set(np.argsort(-p2[:, 1])[:9])


def test_k_class_logconf_hardens_at_the_weak_class_rates():
    """(fix) K classes harden at the batch's mean weak soft labels (the binary rule's rate),
    not at the student's argmax: a zero-initialised head's argmax calls every row class 0."""
    x = torch.zeros(6, 3)  # the zero head: all ties
    w = torch.tensor([[0.1, 0.8, 0.1]] * 3 + [[0.1, 0.1, 0.8]] * 3)  # mean weak [1/10, 9/20, 9/20]
    lc = LogConf(aux_coef=1.0, warmup_frac=0.0)
    lc(x, w, 1.0)
    # 6 * [0.1, 0.45, 0.45] = [0.6, 2.7, 2.7]: floors 0, 2, 2; the two largest remainders
    # go to classes 1 and 2, so quotas 0, 3, 3 (argmax of the zero head: 6, 0, 0)
    assert lc.stats()["hardened_rate"] == [0.0, 0.5, 0.5]
    assert get_loss("xent")(x, w).item() == pytest.approx(math.log(3))
    # fixed rates for K classes come from the caller
    fixed = get_loss("logconf_hard", class_rates=[0.5, 0.5, 0.0], aux_coef=1.0, warmup_frac=0.0)
    fixed(x, w, 1.0)
    assert fixed.stats()["hardened_rate"] == [0.5, 0.5, 0.0]


def test_config_names_every_registered_loss():
    from w2s_helpers.classification.config import LOSS_NAMES
    from w2s_helpers.classification.losses import LOSSES

    assert set(LOSS_NAMES) == set(LOSSES)


def test_probe_batches_never_read_the_buffer():
    """A 32-row call thresholds on itself alone, whatever the buffer holds (probe batches are
    always `batch_size` rows, 32 by default): pooling acts only on shorter calls."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 2)).astype(np.float32)
    w = rng.dirichlet([1, 1], size=32).astype(np.float32)
    lc = LogConf(aux_coef=0.5, warmup_frac=0.0)
    lc(
        torch.zeros(8, 2) + torch.tensor([5.0, 0.0]), torch.tensor([[0.0, 1.0]] * 8), 1.0
    )  # a short call first
    assert lc(torch.tensor(x), torch.tensor(w), 1.0).item() == pytest.approx(
        reference_logconf(x, w, 0.5), rel=1e-5
    )
