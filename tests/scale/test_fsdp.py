"""FSDP through accelerate, checked on a CPU: the wrap policy covers every transformer block
of each model family (the classifier wrapper has no `_no_split_modules` of its own), the
arguments are the non-deprecated FSDP2 ones, only rank 0 of a launch reads the weights,
and QLoRA is placed per rank under DDP and refused under FSDP."""

import json
import sys

import pytest
import torch

from w2s_helpers import zoo
from w2s_helpers.core.configs import ConfigError
from w2s_helpers.core.launch import FSDP_ENV, fsdp_args, launch, launch_env

FAMILIES = ["tiny-random-bert", "tiny-random-llama", "tiny-random-qwen2", "tiny-random-gpt2"]


def wrapped(model) -> list[torch.nn.Module]:
    """The modules accelerate's FSDP2 would shard as their own units, given our arguments."""
    from accelerate.utils import FullyShardedDataParallelPlugin
    from accelerate.utils.fsdp_utils import fsdp2_prepare_auto_wrap_policy

    config = fsdp_args("fsdp", model)["fsdp_config"]
    plugin = FullyShardedDataParallelPlugin(
        fsdp_version=2,
        auto_wrap_policy="transformer_based_wrap",
        transformer_cls_names_to_wrap=",".join(config["transformer_layer_cls_to_wrap"]),
    )
    plugin.set_auto_wrap_policy(model)
    policy = fsdp2_prepare_auto_wrap_policy(plugin, model)
    return [m for m in model.modules() if policy(m)]


def blocks_of(model) -> list[torch.nn.Module]:
    """The transformer blocks: the module list as long as the config's depth."""
    depth = model.config.get_text_config().num_hidden_layers
    (blocks,) = [m for m in model.modules() if isinstance(m, torch.nn.ModuleList) and len(m) == depth]
    return list(blocks)


def covers_every_block(units, model) -> bool:
    ids = {id(u) for u in units}
    return all(id(b) in ids for b in blocks_of(model))


@pytest.mark.zoo
@pytest.mark.parametrize("name", FAMILIES)
@pytest.mark.parametrize("mode", ["full", "lora"])
def test_fsdp_wraps_every_block_of_the_classifier(name, mode):
    from w2s_helpers.classification.finetune import build_classifier

    model = build_classifier(name, zoo.get_spec(name).pooling, mode)
    units = wrapped(model)
    backbone = model.backbone.get_base_model() if mode == "lora" else model.backbone
    assert covers_every_block(units, backbone)
    # without the backbone's list accelerate finds nothing to wrap: every GPU holds it all
    model._no_split_modules = None
    from accelerate.utils import FullyShardedDataParallelPlugin

    plugin = FullyShardedDataParallelPlugin(fsdp_version=2, auto_wrap_policy="transformer_based_wrap")
    plugin.set_auto_wrap_policy(model)
    assert not any(plugin.auto_wrap_policy.keywords["transformer_layer_cls"])


@pytest.mark.zoo
def test_fsdp_wraps_every_block_of_a_lora_policy():
    from peft import LoraConfig, get_peft_model

    policy = get_peft_model(zoo.load_causal_lm("tiny-random-llama"), LoraConfig(target_modules="all-linear"))
    assert covers_every_block(wrapped(policy), policy.get_base_model())


def test_fsdp_arguments_are_fsdp2_and_not_deprecated():
    args = fsdp_args("fsdp", checkpointing=True)
    assert args["fsdp"] is True and isinstance(args["fsdp"], bool)  # a string is deprecated
    cfg = args["fsdp_config"]
    assert cfg["version"] == 2 and cfg["cpu_ram_efficient_loading"] and cfg["activation_checkpointing"]
    assert fsdp_args("ddp") == {} and fsdp_args("none") == {}
    from transformers import TrainingArguments

    made = TrainingArguments(output_dir="unused", use_cpu=True, **fsdp_args("fsdp"))
    assert made.fsdp_config["version"] == 2


RANK_PROBE = """
import json, os, sys
from w2s_helpers import zoo
def probe(config):
    model = zoo.load_backbone(config["model"])
    rank = int(os.environ["LOCAL_RANK"])
    devices = sorted({p.device.type for p in model.parameters()})
    buffers = sorted({b.device.type for b in model.buffers()})
    with open(os.path.join(config["out"], f"rank{rank}.json"), "w") as f:
        json.dump({"params": devices, "buffers": buffers}, f)
"""


@pytest.mark.zoo
def test_only_rank_zero_reads_the_weights_under_fsdp(tmp_path):
    """Two processes of an FSDP launch (the environment a GPU launch sets, here on gloo):
    rank 0 loads the checkpoint, rank 1 builds the same model with its parameters on the
    meta device (accelerate broadcasts rank 0's), so a node holds one copy of the weights in
    host memory, not one per GPU."""
    assert launch_env("fsdp", cpu=False) == FSDP_ENV
    assert (
        set(launch_env("fsdp", cpu=True).values()) == set(launch_env("ddp", cpu=False).values()) == {"false"}
    )
    zoo.load_backbone("tiny-random-llama")  # build the tiny checkpoint before two processes race
    (tmp_path / "rank_probe.py").write_text(RANK_PROBE)
    env = {"PYTHONPATH": f"{tmp_path}:{':'.join(sys.path)}"}
    cfg = {"model": "tiny-random-llama", "out": str(tmp_path)}
    launch("rank_probe:probe", cfg, 2, cpu=True, env={**env, **FSDP_ENV}, distributed="fsdp")
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0]["params"] == ["cpu"] and ranks[1]["params"] == ["meta"]
    assert ranks[1]["buffers"] in ([], ["cpu"])  # non-persistent buffers (rotary) stay real
    launch("rank_probe:probe", cfg, 2, cpu=True, env=env, distributed="ddp")  # DDP: every rank loads
    assert json.loads((tmp_path / "rank1.json").read_text())["params"] == ["cpu"]


def test_qlora_is_placed_per_rank_under_ddp_and_refused_under_fsdp(monkeypatch):
    from w2s_helpers.classification.config import ClassificationConfig
    from w2s_helpers.reasoning.config import ReasoningConfig

    with pytest.raises(ConfigError, match="load_in_4bit with distributed: fsdp"):
        ClassificationConfig(mode="lora", load_in_4bit=True, distributed="fsdp", num_processes=8)
    with pytest.raises(ConfigError, match="load_in_4bit with distributed: fsdp"):
        ReasoningConfig(load_in_4bit=True, distributed="fsdp", num_processes=8)
    ClassificationConfig(mode="lora", load_in_4bit=True, distributed="ddp", num_processes=8)
    monkeypatch.setenv("WORLD_SIZE", "8")
    monkeypatch.setenv("LOCAL_RANK", "3")
    kw = zoo.load_kwargs("tiny-random-llama", load_in_4bit=True)
    assert kw["device_map"] == {"": 3}  # not every process onto GPU 0


@pytest.mark.zoo
def test_a_receiving_rank_builds_the_policy_empty_with_its_adapters(tmp_path, monkeypatch):
    """Under FSDP a later stage's policy (base + earlier adapters, merged) is also built
    without weights on the ranks that receive rank 0's."""
    from peft import LoraConfig, get_peft_model

    from w2s_helpers.reasoning.policy import load_policy

    lora = LoraConfig(target_modules="all-linear", init_lora_weights=False)
    get_peft_model(zoo.load_causal_lm("tiny-random-llama"), lora).save_pretrained(tmp_path / "adapter")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("LOCAL_RANK", "1")
    monkeypatch.setenv("FSDP_CPU_RAM_EFFICIENT_LOADING", "true")
    policy = load_policy("tiny-random-llama", [str(tmp_path / "adapter")])
    assert {p.device.type for p in policy.parameters()} == {"meta"}
    assert not any("lora_" in n for n, _ in policy.named_parameters())  # merged
