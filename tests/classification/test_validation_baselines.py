"""Validation slices, early stopping, the peer's weak-label baselines and the defects that
changed numbers (repeated texts, a source switch), on hand-made inputs."""

import json

import numpy as np
import pytest
import torch

from w2s_helpers.classification import baselines, probe, stages, supervision
from w2s_helpers.classification.config import ClassificationConfig
from w2s_helpers.classification.data import usable_examples
from w2s_helpers.classification.features import feature_key
from w2s_helpers.classification.losses import get_loss


def test_early_stopping_keeps_the_step_with_the_best_validation_auroc(monkeypatch):
    """A constructed curve: validation AUROC peaks at the 3rd evaluation; the probe returned
    is the one of that step, not the last."""
    scripted = iter([0.60, 0.70, 0.90, 0.80, 0.75, 0.65])
    snapshots = []

    def fake_metrics(p, evals):
        snapshots.append(p.head.weight.detach().clone())
        return {"val_auroc": next(scripted)}

    monkeypatch.setattr(probe, "split_metrics", fake_metrics)
    x = torch.randn(60, 5)
    y = torch.nn.functional.one_hot((x[:, 0] > 0).long(), 2).float()
    kept, _, curves, best_step = probe.train_probe(
        x, y, get_loss("xent"), epochs=6, batch_size=10, evals={"val": (x, y)}, eval_every=6, early_stop=True
    )
    assert [c["step"] for c in curves] == [6, 12, 18, 24, 30, 36]
    assert best_step == 18
    assert torch.equal(kept.head.weight, snapshots[2])
    # off: the last step's probe, no step kept
    monkeypatch.setattr(probe, "split_metrics", lambda p, e: {"val_auroc": 0.5})
    last, _, _, none = probe.train_probe(
        x, y, get_loss("xent"), epochs=6, batch_size=10, evals={"val": (x, y)}, eval_every=6
    )
    assert none is None


def test_eval_steps_include_the_last():
    assert probe.eval_steps(10, 4) == {3, 7, 9}
    assert len(probe.eval_steps(100, 0)) == 20


def test_knn_relabel_is_the_mean_label_of_the_neighbours():
    x = torch.tensor([[0.0], [0.1], [0.2], [5.0], [5.1]])
    y = torch.tensor([1.0, 1.0, 0.0, 0.0, 0.0])  # the third point's label disagrees with its cluster
    got = baselines.knn_predict(x, y, x, k=3)
    assert got.tolist() == pytest.approx([2 / 3, 2 / 3, 2 / 3, 0.0, 0.0])


def test_logreg_relabel_separates_separable_labels():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 3, generator=g)
    y = (x[:, 0] > 0).float()
    p = baselines.logreg_predict(x, y, x)
    assert ((p > 0.5).float() == y).float().mean() > 0.97


def test_filter_drops_the_contamination_share_that_disagrees_most():
    x = torch.tensor([[0.0], [0.1], [0.2], [0.3], [5.0], [5.1], [5.2], [5.3]])
    y = torch.tensor([1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0])  # rows 3 and 7 are mislabelled
    keep_t, y_t, keep_v, y_v, stats = baselines.improve("filter", "knn", x, y, x, y, contamination=0.25, k=4)
    assert sorted(set(range(8)) - set(keep_t.tolist())) == [3, 7]
    assert stats["train_dropped"] == 2 and y_t.tolist() == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]


def test_topo_filter_drops_a_point_outside_its_class_component():
    x = torch.tensor([[0.0], [0.1], [0.2], [0.3], [5.0], [5.1], [5.2], [0.15]])
    y = torch.tensor([1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0])  # row 7 sits in the class-1 cluster
    # k=3: in the one graph over both classes row 7 takes a neighbour slot of rows 0-3
    keep = baselines.topo_keep(x, y, contamination=0.125, k=3)
    assert 7 not in keep.tolist() and len(keep) == 7


def test_topo_filter_builds_one_graph_over_both_classes():
    """Row 3 (class 1) sits among class 0. Within class 1 alone its 3 nearest are rows 0-2,
    which point back at it (a per-class graph keeps it); in the one graph over all points
    its nearest are class 0, so it has no same-class edge left and drops out, budget or not."""
    x = torch.tensor([[0.0], [0.1], [0.2], [5.05], [5.0], [5.1], [5.2], [4.9], [5.3]])
    y = torch.tensor([1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    keep = baselines.topo_keep(x, y, contamination=0.0, k=3)
    assert keep.tolist() == [0, 1, 2, 4, 5, 6, 7, 8]
    # a lone point of its own class among its nearest: the class 0 cluster keeps every row
    assert baselines.topo_keep(x[4:], y[4:], contamination=0.0, k=3).tolist() == [0, 1, 2, 3, 4]


def test_relabel_changes_labels_but_keeps_every_row():
    x = torch.tensor([[0.0], [0.1], [0.2], [5.0], [5.1], [5.2]])
    y = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    keep_t, y_t, keep_v, y_v, stats = baselines.improve("relabel", "knn", x, y, x, y, 0.0, k=3)
    assert len(keep_t) == 6 and y_t.tolist() == pytest.approx([2 / 3] * 3 + [1 / 3] * 3)
    assert stats["changed_hard_labels"] == 2


def test_feature_cache_key_names_the_model_source():
    """(fix) probe features of hub weights and of the dequantised offline checkpoint never
    share a cache entry, and the run id follows the source."""
    a = feature_key("smollm2-135m", ["x"], 0.5, None, 128, "offline")
    b = feature_key("smollm2-135m", ["x"], 0.5, None, 128, "hub")
    assert a != b
    cfg = ClassificationConfig(dataset="sarcasm", model="smollm2-135m")
    assert (
        cfg.run_id() != ClassificationConfig(dataset="sarcasm", model="smollm2-135m", source="hub").run_id()
    )


@pytest.fixture
def repeated_file(tmp_path):
    """A user file where 9 texts appear twice (the new user's crash: shapes (1002,) (1000,))."""
    rng = np.random.default_rng(0)
    words = ["good", "great", "fine", "bad", "awful", "poor"]
    rows = []
    for i in range(150):
        label = int(rng.integers(2))
        text = f"review {i}: " + " ".join(rng.choice(words[:3] if label else words[3:], 4))
        rows.append({"text": text, "label": label})
    rows += [dict(rows[i]) for i in range(9)]
    path = tmp_path / "repeated.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.zoo
def test_repeated_texts_do_not_shift_weak_labels(repeated_file, tmp_path):
    train, test, _, _ = usable_examples(str(repeated_file), balanced=False)
    counts = dict(n_train=len(train), n_test=len(test))  # every text: asking more is refused
    base = dict(dataset=str(repeated_file), epochs=1.0, val_frac=0.2, balanced=False, **counts)
    weak = ClassificationConfig(model="tiny-random-bert", **base)
    data = stages.load_data(weak)
    ids = [*data.train1["id"], *data.val1["id"], *data.train2["id"], *data.val2["id"], *data.test["id"]]
    assert len(ids) == len(set(ids)) == 150  # every text once, halves / slices / test disjoint
    transfer = ClassificationConfig(model="tiny-random-llama", weak_model="tiny-random-bert", **base)
    stages.run_all([weak, transfer.ground_truth("tiny-random-llama"), transfer], tmp_path)
    soft, val = supervision.read_weak_labels(supervision.weak_labels_path(tmp_path, transfer), data)
    assert len(soft) == len(data.train2) and len(val) == len(data.val2)


def test_max_length_help_says_what_happens_to_longer_rows():
    import dataclasses

    from w2s_helpers.reasoning.config import TrainParams

    helps = {f.name: f.metadata["help"] for f in dataclasses.fields(ClassificationConfig)}
    assert "dropped" in helps["max_length"] and "truncated" in helps["max_length"]
    assert (
        "prompt is too long"
        in {f.name: f.metadata["help"] for f in dataclasses.fields(TrainParams)}["max_length"]
    )
