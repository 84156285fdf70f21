"""One identity for every config: each field says once whether (and when) it changes a
result, `core.configs.identity` hashes exactly those, and the compute block is one
declaration shared by every config that trains or generates."""

import dataclasses

import pytest

from w2s_helpers.classification.config import ClassificationConfig
from w2s_helpers.core import compute, configs
from w2s_helpers.reasoning.config import ReasoningConfig, TrainParams

CONFIGS = (ClassificationConfig, ReasoningConfig, TrainParams)
# how and where a run works, never what it computes
EXECUTION = {
    "gradient_checkpointing": True,
    "device_map": "auto",
    "distributed": "ddp",
    "num_processes": 2,
    "report_to": "tensorboard",
}


@pytest.mark.parametrize("cls", CONFIGS, ids=lambda c: c.__name__)
def test_every_config_extends_the_one_compute_block(cls):
    assert issubclass(cls, compute.Compute)
    mine = {f.name: f for f in dataclasses.fields(cls)}
    for f in dataclasses.fields(compute.Compute):
        assert mine[f.name].metadata is f.metadata, f"{cls.__name__}.{f.name} is redeclared"


@pytest.mark.parametrize("cls", CONFIGS, ids=lambda c: c.__name__)
def test_execution_fields_never_split_a_result(cls):
    base = cls(mode="full") if cls is ClassificationConfig else cls()  # a probe is never distributed
    assert base.identity() == configs.identity(base)  # the one function, not a copy
    for name, value in EXECUTION.items():
        assert cls(**{**dataclasses.asdict(base), name: value}).identity() == base.identity(), name


def test_a_field_changes_the_result_only_where_it_is_declared_to():
    xent = ClassificationConfig(loss="xent", weak_model="minilm-l6", model="mpnet-base")
    logconf = dataclasses.replace(xent, loss="logconf")
    assert "aux_coef" not in xent.identity() and "aux_coef" in logconf.identity()
    assert dataclasses.replace(xent, aux_coef=0.75).run_id() == xent.run_id()
    assert dataclasses.replace(logconf, aux_coef=0.75).run_id() != logconf.run_id()
    gt = ClassificationConfig()
    assert "relabel" not in gt.identity() and "relabel" in xent.identity()
    assert "eval_every" not in gt.identity()  # evaluating more often draws more curve points
    assert dataclasses.replace(gt, early_stop=True, eval_every=5).identity()["eval_every"] == 5
    assert "lora_r" not in gt.identity() and "layer" in gt.identity()  # probe mode


def test_keys_hash_what_a_value_stands_for():
    cfg = ClassificationConfig(model="smollm2-135m")
    ident = cfg.identity()
    assert ident["model"].startswith("offline:smollm2-135m") and "source" not in ident
    assert ident["dtype"] == "float32"  # "auto" on a CPU, resolved: a GPU run is another result
    r = ReasoningConfig()
    assert r.identity()["strong_model"].startswith("offline:") and "gen_batch_size" not in r.identity()
    assert TrainParams(save_steps=7).identity() == TrainParams().identity()  # checkpoint interval


def test_auto_dtype_has_one_meaning():
    import torch

    want = "float32" if not torch.cuda.is_available() else compute.resolve_dtype("auto")
    assert compute.resolve_dtype("auto") == want and compute.torch_dtype("auto") == getattr(torch, want)
    assert (
        compute.resolve_dtype("bfloat16") == "bfloat16"
        and compute.torch_dtype(torch.float16) is torch.float16
    )
    with pytest.raises(ValueError, match="dtype 'fp8'"):
        compute.resolve_dtype("fp8")


def test_training_params_come_from_the_experiment_by_name():
    cfg = ReasoningConfig(batch_size=3, lora_r=4, distributed="fsdp", num_processes=2, dtype="bfloat16")
    p = cfg.train_params("sft")
    assert (p.batch_size, p.lora_r, p.lora_alpha, p.distributed, p.num_processes, p.dtype) == (
        3,
        4,
        8,
        "fsdp",
        2,
        "bfloat16",
    )
    assert (p.epochs, p.lr) == (cfg.sft_epochs, cfg.sft_lr)
    assert (cfg.train_params("dpo").epochs, cfg.train_params("dpo").lr) == (cfg.pref_epochs, cfg.pref_lr)


def test_recipe_files_override_the_cell(tmp_path):
    recipe = tmp_path / "r.yaml"
    (tmp_path / "splits").mkdir()  # a folder beside the recipe: taken from there
    recipe.write_text("base:\n  n_test: 7\n  split: splits\n")
    cfg = configs.from_params(ReasoningConfig, {"n_test": 3, "n_shots": 2, "recipe": str(recipe)})
    assert cfg.n_test == 7 and cfg.n_shots == 2 and cfg.split == str(tmp_path / "splits")
    recipe.write_text("n_tests: 7\n")
    with pytest.raises(configs.ConfigError, match=r"r.yaml: unknown field\(s\) \['n_tests'\]"):
        configs.from_params(ReasoningConfig, {"recipe": str(recipe)})
    cfg = configs.from_params(ClassificationConfig, {"epochs": 3}, model="mpnet-base", seed=2)
    assert (cfg.epochs, cfg.model, cfg.seed) == (3.0, "mpnet-base", 2)
