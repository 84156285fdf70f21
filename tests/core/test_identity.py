"""One run identity: what changes a result changes the key, and nothing else does."""

import json
import shutil

import pytest

from w2s_helpers import zoo
from w2s_helpers.classification import stages
from w2s_helpers.classification.config import ClassificationConfig
from w2s_helpers.classification.features import feature_key
from w2s_helpers.core.configs import ConfigError
from w2s_helpers.core.hashing import stable_hash
from w2s_helpers.core.paths import cache_dir
from w2s_helpers.core.runs import completed
from w2s_helpers.reasoning.config import ReasoningConfig
from w2s_helpers.reasoning.experiment import experiment_dir
from w2s_helpers.reasoning.policy import Policy


def test_values_that_mean_the_same_hash_the_same():
    assert ClassificationConfig(epochs=2).run_id() == ClassificationConfig(epochs=2.0).run_id()
    assert (
        ClassificationConfig(layer=1).run_id() == ClassificationConfig(layer=1.0).run_id()
    )  # the last block
    assert ClassificationConfig(layer_index=1).run_id() != ClassificationConfig(layer=1.0).run_id()  # block 1
    assert stable_hash({"a": 1, "b": [1, 2]}) == stable_hash({"b": (1, 2), "a": 1})
    with pytest.raises(ConfigError, match="layer: 3.0; a fraction of depth"):
        ClassificationConfig(layer=3)
    with pytest.raises(ConfigError, match="epochs: 'two'; expected a number"):
        ClassificationConfig(epochs="two")


def test_fields_that_cannot_change_a_result_do_not_split_runs():
    base = ClassificationConfig(loss="xent", weak_model="minilm-l6", model="mpnet-base")
    assert (
        base.run_id() == ClassificationConfig(**{**base.to_dict(), "aux_coef": 0.75}).run_id()
    )  # xent ignores it
    assert base.run_id() == ClassificationConfig(**{**base.to_dict(), "lora_r": 64}).run_id()  # probe mode


def test_model_source_is_part_of_every_key():
    offline, hub = zoo.identity("smollm2-135m", "offline"), zoo.identity("smollm2-135m", "hub")
    assert offline.startswith("offline:") and hub == "hub:HuggingFaceTB/SmolLM2-135M-Instruct@main"
    a = ClassificationConfig(model="smollm2-135m", source="auto")
    b = ClassificationConfig(model="smollm2-135m", source="hub")
    assert a.run_id() != b.run_id()
    assert feature_key("smollm2-135m", ["x"], 0.5, None, 128, "auto") != feature_key(
        "smollm2-135m", ["x"], 0.5, None, 128, "hub"
    )
    assert Policy("p", "smollm2-135m").key() != Policy("p", "smollm2-135m", source="hub").key()
    r = ReasoningConfig(source="auto")
    assert experiment_dir("root", r) != experiment_dir("root", ReasoningConfig(source="hub"))


def _rows(n, flip=()):
    return "".join(
        json.dumps(
            {"text": f"review number {i} is {'good' if i % 2 else 'bad'}", "label": (i % 2) ^ (i in flip)}
        )
        + "\n"
        for i in range(n)
    )


def test_editing_a_data_file_recomputes_its_runs(tmp_path):
    data = tmp_path / "mine.jsonl"
    data.write_text(_rows(60))
    cfg = ClassificationConfig(dataset=str(data), model="tiny-random-bert", n_train=40, n_test=10, epochs=1.0)
    first = stages.run(cfg, tmp_path / "runs")
    moved = tmp_path / "elsewhere.jsonl"
    shutil.copy(data, moved)  # same content under another name: the same result (the hash is of content)
    assert (
        ClassificationConfig(**{**cfg.to_dict(), "dataset": str(moved)}).run_id().split("-")[-1]
        == cfg.run_id().split("-")[-1]
    )
    data.write_text(_rows(60, flip={1, 2, 3}))  # edited in place: a new run, not the stale one
    edited = ClassificationConfig(**cfg.to_dict())
    assert edited.run_id() != first["run_id"] and completed(edited.run_dir(tmp_path / "runs")) is None
    second = stages.run(edited, tmp_path / "runs")
    assert second["run_id"] != first["run_id"] and len(list((tmp_path / "runs" / "runs").iterdir())) == 2


@pytest.mark.zoo
def test_switching_a_models_source_recomputes(tmp_path, monkeypatch):
    """MiniLM from the offline package, then 'from the hub' (a hub cache built from the same
    files, so it runs offline): the hub run does not reuse the offline run or its features."""
    from huggingface_hub import constants

    spec = zoo.get_spec("minilm-l6")
    snap = tmp_path / "hub" / f"models--{spec.hub_id.replace('/', '--')}" / "snapshots" / ("0" * 40)
    shutil.copytree(zoo.model_path("minilm-l6", "offline"), snap)
    (snap.parents[1] / "refs").mkdir()
    (snap.parents[1] / "refs" / "main").write_text("0" * 40)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    kw = dict(dataset="movie_polarity", model="minilm-l6", n_train=60, n_test=20, epochs=1.0)
    a = stages.run(ClassificationConfig(**kw, source="offline"), tmp_path / "runs")
    b = stages.run(ClassificationConfig(**kw, source="hub"), tmp_path / "runs")
    assert a["run_id"] != b["run_id"] and b["identity"]["model"].startswith("hub:")
    data = stages.load_data(ClassificationConfig(**kw))
    keys = {feature_key("minilm-l6", data.pool_ids, 0.5, None, 128, s) for s in ("offline", "hub")}
    assert len(keys) == 2 and all((cache_dir() / "features" / f"{k}.safetensors").exists() for k in keys)
    assert a["test_acc"] == b["test_acc"]  # same weights, so the same numbers: only the keys differ
