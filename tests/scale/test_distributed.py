"""Two processes (gloo, through the same launcher a GPU run uses) train a tiny model with
the same stage code as one process, to the same losses; a launched process never launches."""

import pytest

from w2s_helpers.classification import stages
from w2s_helpers.classification.config import ClassificationConfig
from w2s_helpers.core.launch import fsdp_args, launch_command, launched

BASE = dict(
    dataset="movie_polarity",
    model="tiny-random-bert",
    mode="full",
    n_train=256,
    n_test=64,
    epochs=1.0,
    batch_size=16,
)


@pytest.mark.zoo
def test_two_processes_train_like_one(tmp_path):
    one = stages.run(ClassificationConfig(**BASE), tmp_path / "one")
    two = stages.run(ClassificationConfig(**BASE, distributed="ddp", num_processes=2), tmp_path / "two")
    assert one["processes"] == 1 and two["processes"] == 2
    # the global batch is the config's (8 per process): the same run, to float tolerance
    assert [h["step"] for h in one["losses"]] == [h["step"] for h in two["losses"]]
    for a, b in zip(one["losses"], two["losses"]):
        assert b["loss"] == pytest.approx(a["loss"], abs=1e-3)
    # distributed is how, not what: both runs have one identity apart from the folder
    assert ClassificationConfig(**BASE).run_id() == ClassificationConfig(**BASE, distributed="ddp").run_id()


def test_launcher_commands(monkeypatch):
    cpu = launch_command("m:f", "c.json", 2, cpu=True)
    assert cpu[1:5] == ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node"]
    gpu = launch_command("m:f", "c.json", 8, cpu=False)
    assert "accelerate.commands.launch" in gpu and "--multi_gpu" in gpu and gpu[-2:] == ["m:f", "c.json"]
    assert fsdp_args("ddp") == {} and fsdp_args("fsdp")["fsdp"] is True
    monkeypatch.setenv("W2S_LAUNCHED", "1")
    assert launched()


def test_distributed_needs_a_trainer():
    from w2s_helpers.core.configs import ConfigError

    with pytest.raises(ConfigError, match="linear probe trains on one device"):
        ClassificationConfig(distributed="ddp")
    with pytest.raises(ConfigError, match="QLoRA"):
        ClassificationConfig(load_in_4bit=True, mode="full")
