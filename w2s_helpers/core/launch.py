"""Training over several processes through accelerate: the launch, and the Trainer's FSDP
arguments. No distributed code of our own: `accelerate launch` starts the processes, the
HF Trainer / trl trainers share batches (DDP) or shard weights and Adam state (FSDP).

`launch` runs a stage function (any `module:function` taking one config dict) in
`num_processes` processes, from a notebook cell or the grid alike; every process runs the
same stage code, and only the main one writes artefacts (core.dist.is_main).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

LAUNCHED_ENV = "W2S_LAUNCHED"  # set in every launched process: it never launches again


def launched() -> bool:
    """True inside a process that `launch` started (or any distributed launcher)."""
    return os.environ.get(LAUNCHED_ENV) == "1" or int(os.environ.get("WORLD_SIZE", "1")) > 1


FSDP_ENV = {  # what `accelerate launch --use_fsdp` would set; read by transformers at load time
    "ACCELERATE_USE_FSDP": "true",
    "FSDP_CPU_RAM_EFFICIENT_LOADING": "true",
}


def launch_env(distributed: str, cpu: bool) -> dict:
    """The FSDP variables of a launch, always set (TrainingArguments writes them into
    os.environ, and a DDP launch from the same notebook must not inherit an earlier FSDP
    run's). Off on a CPU: accelerate runs FSDP on accelerators only and trains a CPU
    launch data-parallel, where every process needs its own weights."""
    on = distributed == "fsdp" and not cpu
    return {k: v if on else "false" for k, v in FSDP_ENV.items()}


def fsdp_blocks(model) -> list[str]:
    """The class names of the blocks FSDP wraps: every `_no_split_modules` entry of the
    transformers models inside `model` (a wrapper such as the classifier or a PeftModel
    has none of its own, and accelerate reads only the top level's), that `model` has."""
    names: set[str] = set()
    for m in model.modules():
        names.update(getattr(m, "_no_split_modules", None) or ())
    present = {type(m).__name__ for m in model.modules()}
    return sorted(names & present)


def fsdp_args(distributed: str, model=None, checkpointing: bool = False) -> dict:
    """TrainingArguments for FSDP2 through accelerate: full sharding, one unit per
    transformer block of `model`, FSDP's own activation checkpointing, and RAM-efficient
    loading (rank 0 holds the weights, the others receive them by broadcast); empty for a
    single process or DDP, which needs no arguments."""
    if distributed != "fsdp":
        return {}
    config: dict = {
        "version": 2,
        "reshard_after_forward": True,
        "auto_wrap_policy": "TRANSFORMER_BASED_WRAP",
        "cpu_ram_efficient_loading": True,
        "state_dict_type": "FULL_STATE_DICT",
        "activation_checkpointing": checkpointing,
    }
    if model is not None:
        config["transformer_layer_cls_to_wrap"] = fsdp_blocks(model)
    return {"fsdp": True, "fsdp_config": config}


def launch_command(target: str, config_file: str, num_processes: int, cpu: bool = False) -> list[str]:
    """The launcher of the worker that calls `target(config)` in each process: `accelerate
    launch` on GPUs; on a CPU (tests, gloo) PyTorch's own `torch.distributed.run`, which
    accelerate's multi-GPU launch also runs on."""
    worker = ["-m", "w2s_helpers.core.worker", target, config_file]
    if cpu:
        return [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc_per_node",
            str(num_processes),
            *worker,
        ]
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", str(num_processes)]
    cmd += ["--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no"]
    if num_processes > 1:
        cmd += ["--multi_gpu"]
    return [*cmd, *worker]


def launch(
    target: str,
    config: dict,
    num_processes: int,
    cpu: bool | None = None,
    env: dict | None = None,
    distributed: str = "ddp",
) -> None:
    """Run `target` ("package.module:function") on `config` in `num_processes` processes
    and wait; raises CalledProcessError naming the command if any process fails. Under
    FSDP only rank 0 reads the weights (`zoo.loaders` starts the others empty)."""
    if cpu is None:
        import torch

        cpu = not torch.cuda.is_available()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(config, f)
    try:
        subprocess.run(
            launch_command(target, f.name, num_processes, cpu),
            check=True,
            env={
                **os.environ,
                **launch_env(distributed, cpu),
                **(env or {}),
                LAUNCHED_ENV: "1",
            },
        )
    finally:
        Path(f.name).unlink(missing_ok=True)
