"""The methods beyond the reference code (several supervisors, confidence filtering,
bootstrapping chains, prompting baselines), the analyses (agreement split, misfit) and the
sealed boundary between a transfer run's training and its evaluation."""

import inspect
from dataclasses import replace

import numpy as np
import pytest

from conftest import tiny_grid
from w2s_helpers.classification import analysis, flow, methods, stages, supervision, transfer
from w2s_helpers.classification.config import ClassificationConfig
from w2s_helpers.classification.report import build_report
from w2s_helpers.core.configs import ConfigError

LADDER = ["tiny-random-bert", "tiny-random-gpt2", "tiny-random-llama"]
WORDS = ["N", "P"]  # the tiny tokenizer is character-level: one character per label
ALL_METHODS = [
    {"loss": "xent"},
    {"loss": "xent", "filter": "confidence", "contamination": 0.3},
    {"loss": "xent", "co_supervisors": "between", "combine": "mean"},
    {"loss": "xent", "co_supervisors": "between", "combine": "confident"},
    {"loss": "xent", "co_supervisors": "between", "combine": "fitted"},
    {"loss": "logconf", "chain": "between"},
    {"prompt": "zero_shot", "label_words": WORDS},
    {"prompt": "weak_shots", "n_shots": 2, "label_words": WORDS},
    {"prompt": "gold_shots", "n_shots": 2, "label_words": WORDS},
]


def test_mean_and_most_confident_by_hand():
    a = np.array([[0.9, 0.1], [0.4, 0.6], [0.5, 0.5]])
    b = np.array([[0.3, 0.7], [0.2, 0.8], [0.5, 0.5]])
    np.testing.assert_allclose(
        supervision.combine("mean", [a, b]), [[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]], atol=1e-6
    )
    # row 0: a is surer (0.9 > 0.7); row 1: b (0.8 > 0.6); row 2: a tie keeps the first
    np.testing.assert_allclose(supervision.combine("confident", [a, b]), [a[0], b[1], a[2]], atol=1e-6)


def test_fitted_weights_favour_the_supervisor_that_is_right():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 2, 400)
    good = np.where(gold[:, None] == 1, [0.2, 0.8], [0.8, 0.2])  # always right, 0.8 sure
    noise = rng.uniform(0.05, 0.95, 400)
    bad = np.stack([1 - noise, noise], 1)  # unrelated to the labels
    fitted = supervision.fit_weights([good, bad], gold)
    assert fitted["weights"][0] > 1.0 > abs(fitted["weights"][1]) * 5
    p = supervision.combine("fitted", [good, bad], fitted)
    np.testing.assert_allclose(p.sum(1), 1, atol=1e-5)
    assert ((p.argmax(1) == gold).mean()) == 1.0
    # the fitted form, by hand: softmax(w1 log p1 + w2 log p2 + b)
    z = fitted["weights"][0] * np.log(good) + fitted["weights"][1] * np.log(bad) + fitted["bias"]
    np.testing.assert_allclose(p, np.exp(z) / np.exp(z).sum(1, keepdims=True), atol=1e-5)


def test_confidence_filter_keeps_the_confident_labels():
    y = np.array([[0.5, 0.5], [0.9, 0.1], [0.4, 0.6], [0.05, 0.95], [0.3, 0.7]])
    assert supervision.confidence_keep(y, 0.4).tolist() == [1, 3, 4]  # drops 0.5 and 0.6
    assert supervision.confidence_keep(y, 0.0, threshold=0.7).tolist() == [1, 3, 4]
    assert supervision.confidence_keep(y, 0.0, threshold=0.96).tolist() == []


def test_agreement_split_by_whether_the_supervisor_is_right():
    gold = np.array([0, 0, 1, 1, 1, 0])
    weak = np.eye(2)[[0, 1, 1, 0, 1, 0]]  # right on 0, 2, 4, 5; wrong on 1, 3
    student = np.eye(2)[[0, 0, 1, 0, 0, 0]]  # agrees with weak on 0, 2, 3, 5
    got = analysis.agreement(student, weak, gold)
    s, w = student.argmax(1), weak.argmax(1)
    right = w == gold
    assert got["agree_weak"] == pytest.approx(np.mean(s == w), abs=1e-6)
    assert got["agree_weak_right"] == pytest.approx(np.mean((s == w)[right]), abs=1e-6)  # 3 of 4
    assert got["agree_weak_wrong"] == pytest.approx(np.mean((s == w)[~right]), abs=1e-6)  # 1 of 2
    assert (got["n_weak_right"], got["n_weak_wrong"]) == (4, 2)


def test_misfit_and_gain_against_numpy():
    rng = np.random.default_rng(1)
    st, lab = rng.dirichlet([1, 1], 50), rng.dirichlet([1, 1], 50)
    s_test, w_test = rng.dirichlet([1, 1], 30), rng.dirichlet([1, 1], 30)
    gold = rng.integers(0, 2, 30)
    got = analysis.misfit(st, lab, s_test, w_test, gold)
    onehot = np.eye(2)[gold]
    assert got["misfit"] == pytest.approx(np.mean(np.sum((st - lab) ** 2, 1)), abs=1e-6)
    assert got["misfit_disagree"] == pytest.approx(np.mean(st.argmax(1) != lab.argmax(1)), abs=1e-6)
    gain = np.mean(np.sum((w_test - onehot) ** 2, 1)) - np.mean(np.sum((s_test - onehot) ** 2, 1))
    assert got["gain_sq"] == pytest.approx(gain, abs=1e-6)
    acc = np.mean(s_test.argmax(1) == gold) - np.mean(w_test.argmax(1) == gold)
    assert got["gain_acc"] == pytest.approx(acc, abs=1e-6)


def test_between_expands_per_pair_and_skips_what_does_not_apply():
    chain = {"loss": "xent", "chain": "between"}
    assert methods.expand(chain, LADDER[0], LADDER[2], LADDER) == {"loss": "xent", "chain": [LADDER[1]]}
    assert methods.expand(chain, LADDER[0], LADDER[1], LADDER) is None  # nothing between
    prompt = {"prompt": "zero_shot"}
    assert methods.expand(prompt, LADDER[0], "tiny-random-bert", LADDER) is None  # an encoder
    assert methods.expand(prompt, LADDER[2], LADDER[2], LADDER) is None  # a model with itself
    runs = methods.transfer_overrides([LADDER[:2], [LADDER[0], LADDER[2]]], [0, 1], [chain], LADDER)
    assert [(r["weak_model"], r["model"], r["seed"], r["chain"]) for r in runs] == [
        (LADDER[0], LADDER[2], 0, [LADDER[1]]),
        (LADDER[0], LADDER[2], 1, [LADDER[1]]),
    ]


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"chain": ["tiny-random-gpt2"], "prompt": "zero_shot"}, "choose one"),
        ({"co_supervisors": ["tiny-random-bert"]}, "repeats a supervisor"),
        ({"prompt": "zero_shot", "model": "tiny-random-bert"}, "not a causal LM"),
        ({"chain": ["tiny-random-gpt2"], "relabel": "knn"}, "not with relabel"),
        ({"filter": "confidence", "confidence_threshold": 1.5}, "a probability"),
    ],
)
def test_method_settings_that_cannot_work_are_refused(kw, match):
    base = {"dataset": "movie_polarity", "weak_model": "tiny-random-bert", "model": "tiny-random-llama"}
    with pytest.raises(ConfigError, match=match):
        ClassificationConfig(**{**base, **kw})


def test_new_method_fields_leave_earlier_run_ids_alone():
    """A config that uses none of them hashes as before (the fields hash only when set)."""
    cfg = ClassificationConfig(weak_model="minilm-l6", model="mpnet-base")
    assert not {"co_supervisors", "combine", "chain", "prompt", "n_shots", "confidence_threshold"} & set(
        cfg.identity()
    )


@pytest.mark.zoo
def test_training_never_sees_gold_of_half_2_or_test(tmp_path, monkeypatch):
    """The sealed boundary: training receives a `Sealed` view only (ids, texts, weak labels),
    and a transfer run whose gold labels of half 2 and test are scrambled trains the very
    same student (same test predictions); only its scores change."""
    assert list(inspect.signature(transfer.train).parameters) == ["cfg", "sealed", "features", "path"]
    cfg = ClassificationConfig(
        dataset="movie_polarity",
        model="tiny-random-llama",
        weak_model="tiny-random-bert",
        n_train=120,
        n_test=60,
    )
    seen = []
    real_train = transfer.train

    def spy(cfg, sealed, features, path):
        for ds in (sealed.train2, sealed.val2, sealed.test, sealed.train1, sealed.val1):
            assert set(ds.column_names) <= {"id", "text"}, ds.column_names
        seen.append(sealed)
        return real_train(cfg, sealed, features, path)

    monkeypatch.setattr(transfer, "train", spy)
    first = stages.run(cfg, tmp_path)
    p1 = (cfg.run_dir(tmp_path) / "test_predictions.parquet").read_bytes()
    load = stages.load_data

    def scrambled(c):
        data = load(c)
        if c.kind == "transfer":
            for part in ("train2", "val2", "test"):
                ds = getattr(data, part)
                flipped = ds.map(lambda r: {"label": 1 - r["label"], "soft_label": r["soft_label"][::-1]})
                data = replace(data, **{part: flipped})
        return data

    monkeypatch.setattr(stages, "load_data", scrambled)
    second = stages.run(cfg, tmp_path, force=True)
    import pandas as pd

    a = pd.read_parquet(cfg.run_dir(tmp_path) / "test_predictions.parquet")
    b = pd.read_parquet(__import__("io").BytesIO(p1))
    np.testing.assert_allclose(a[["p0", "p1"]].to_numpy(), b[["p0", "p1"]].to_numpy(), atol=1e-6)
    assert second["test_acc"] == pytest.approx(1 - first["test_acc"])  # the scores did see the flip
    assert len(seen) == 2


@pytest.mark.zoo
def test_every_method_runs_through_the_notebooks(tmp_path):
    """One tiny grid with every method, through papermill (01, 02, 03): each method's rows
    in the report, with the analyses and PGR against the right floor."""
    spec = tiny_grid(name="methods", models=LADDER, seeds=[0], losses=["xent"], methods=ALL_METHODS)
    root = flow.run_grid(flow.validate(spec), tmp_path)
    tr = build_report(root).transfer
    got = set(tr["method"])
    assert got == {
        "xent",
        "xent + confidence filter (drop 30%)",
        "xent + mean of weak supervisors",
        "xent + confident of weak supervisors",
        "xent + fitted of weak supervisors",
        "logconf + bootstrap chain",
        "prompt: zero-shot",
        "prompt: 2-shot weak demos",
        "prompt: 2-shot gold demos",
    }
    several = tr[tr["method"].str.contains("weak supervisors")]
    # the one ensemble (bert + gpt2 -> llama), measured against its better member
    assert len(several) == 3 and several["first_weak_model"].eq(LADDER[0]).all()
    assert several["weak_model"].isin(LADDER[:2]).all() and several["ensemble_test_acc"].notna().all()
    prompts = tr[tr["method"].str.startswith("prompt")]
    assert set(prompts["strong_model"]) <= {"tiny-random-gpt2", "tiny-random-llama"}
    trained = tr[~tr["method"].str.startswith("prompt")]
    assert trained[["agree_weak", "agree_weak_right", "agree_weak_wrong"]].notna().all().all()
    assert tr.loc[tr["method"] == "xent", "misfit"].notna().all()
    for f in ("accuracy.png", "pgr.png", "median_pgr.md"):
        assert (root / f).exists()


def test_analysis_table_means_and_the_gain_at_least_misfit_share():
    import pandas as pd

    tr = pd.DataFrame(
        {
            "dataset": ["d"] * 4,
            "method": ["xent", "xent", "xent", "logconf"],
            "self_transfer": [False, False, True, False],
            "agree_weak": [0.9, 0.7, 1.0, 0.5],
            "agree_weak_right": [1.0, 0.8, 1.0, 0.6],
            "agree_weak_wrong": [0.6, 0.4, 1.0, 0.2],
            "misfit": [0.1, 0.3, 0.0, 0.2],
            "gain_sq": [0.2, 0.1, 0.0, 0.25],
        }
    )
    got = analysis.analysis_table(tr).set_index("method")
    assert got.loc["xent", "runs"] == 2  # the weak -> weak row is left out
    assert got.loc["xent", "agree_weak_wrong"] == pytest.approx(0.5)
    assert got.loc["xent", "gain_at_least_misfit"] == pytest.approx(0.5)
    assert got.loc["logconf", "gain_at_least_misfit"] == pytest.approx(1.0)
