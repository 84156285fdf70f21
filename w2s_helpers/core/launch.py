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


def fsdp_args(distributed: str) -> dict:
    """TrainingArguments for FSDP (full sharding, one unit per transformer block, via
    accelerate); empty for a single process or DDP, which needs no arguments."""
    if distributed != "fsdp":
        return {}
    return {
        "fsdp": "full_shard auto_wrap",
        "fsdp_config": {"auto_wrap_policy": "TRANSFORMER_BASED_WRAP", "use_orig_params": True},
    }


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
    target: str, config: dict, num_processes: int, cpu: bool | None = None, env: dict | None = None
) -> None:
    """Run `target` ("package.module:function") on `config` in `num_processes` processes
    and wait; raises CalledProcessError naming the command if any process fails."""
    if cpu is None:
        import torch

        cpu = not torch.cuda.is_available()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(config, f)
    try:
        subprocess.run(
            launch_command(target, f.name, num_processes, cpu),
            check=True,
            env={**os.environ, **(env or {}), LAUNCHED_ENV: "1"},
        )
    finally:
        Path(f.name).unlink(missing_ok=True)
