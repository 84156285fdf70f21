"""The compute block: the fields every config that trains or generates shares, and the one
answer to what "auto" precision means on this machine.

A field here says how and where work runs (placement, sharding, checkpointing, tracking)
and is left out of every identity, except the two that change the numbers: the *effective*
dtype (a GPU's bf16 run and a CPU's fp32 run are different results, so keys hash what
"auto" resolved to) and 4-bit weights. Where the weights come from (`source`) is hashed
inside each model's identity instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .configs import param

DTYPES = ("bfloat16", "float16", "float32")


def resolve_dtype(dtype: str = "auto") -> str:
    """What `dtype` stands for here: "auto" is bf16 on a GPU that has it (fp16 on older ones)
    and fp32 on every CPU. CPUs stay fp32 even with AVX-512 BF16 so that one config gives one
    result on any CPU; ask for `bfloat16` explicitly to trade that for speed."""
    if dtype != "auto":
        if dtype not in DTYPES:
            raise ValueError(f"dtype {dtype!r}: expected auto or one of {DTYPES}")
        return dtype
    import torch

    if torch.cuda.is_available():
        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    return "float32"


def torch_dtype(dtype: Any = "auto"):
    """`resolve_dtype` as a torch dtype (a torch dtype passes through)."""
    import torch

    if isinstance(dtype, torch.dtype):
        return dtype
    return getattr(torch, resolve_dtype("auto" if dtype is None else dtype))


def _effective(value: str, _config: Any) -> str:
    return resolve_dtype(value)


@dataclass
class Compute:
    """How a stage runs; every training or generating config extends this block."""

    source: Literal["auto", "offline", "hub"] = param(
        "auto", "auto: the offline package where one exists", result=False
    )
    dtype: Literal["auto", "bfloat16", "float16", "float32"] = param(
        "auto", "auto: bf16 on a GPU (the paper scale), fp32 on a CPU", key=_effective
    )
    load_in_4bit: bool = param(False, "4-bit NF4 base weights under LoRA (QLoRA, bitsandbytes, GPU only)")
    gradient_checkpointing: bool = param(
        False, "recompute activations in training (big models, long rows)", result=False
    )
    device_map: str | None = param(
        None, "'auto': spread a model too big for one GPU over the node's GPUs (inference)", result=False
    )
    distributed: Literal["none", "ddp", "fsdp"] = param(
        "none", "train over `num_processes` GPUs through accelerate; fsdp shards weights + Adam", result=False
    )
    num_processes: int = param(1, "processes (GPUs) a distributed training is launched on", result=False)
    report_to: Literal["none", "wandb", "tensorboard"] = param(
        "none", "experiment tracking through the HF Trainer; nothing is sent unless set", result=False
    )

    def check_compute(self) -> None:
        """The block's own rules (each config's __post_init__ calls this after coercing)."""
        from .configs import ConfigError

        if self.num_processes < 1:
            raise ConfigError(f"num_processes: {self.num_processes}; at least 1")
