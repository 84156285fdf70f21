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


@dataclass(frozen=True)
class Precision:
    """How a training run holds its numbers: the dtype the weights load in, the autocast the
    trainer runs under (None: none), and the dtype of what the optimizer updates."""

    weights: str
    autocast: str | None
    trainable: str

    def trainer_flags(self) -> dict:
        """The HF Trainer's (and trl's) mixed-precision arguments."""
        return {"bf16": self.autocast == "bfloat16", "fp16": self.autocast == "float16"}

    def describe(self) -> str:
        cast = f", {self.autocast} autocast" if self.autocast else ""
        return f"{self.weights} weights{cast}, {self.trainable} updates"


def training_precision(mode: str, dtype: str = "auto", load_in_4bit: bool = False) -> Precision:
    """The one precision policy of training. Half-precision weights under AdamW lose most
    updates (a bf16 weight cannot hold a 5e-5 step: one step left 76% of a model unchanged),
    so full fine-tuning keeps fp32 master weights and computes under bf16 / fp16 autocast
    (the Trainer's mixed precision); LoRA freezes the base in the compute dtype (NF4 with
    QLoRA) and keeps its adapters in fp32. fp16 autocast needs a GPU (on a CPU, float16
    trains without autocast)."""
    import torch

    compute = resolve_dtype(dtype)
    half = (
        None if compute == "float32" or (compute == "float16" and not torch.cuda.is_available()) else compute
    )
    if mode == "full":
        return Precision("float32", half, "float32")
    return Precision("nf4" if load_in_4bit else compute, half, "float32")


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
        if self.load_in_4bit and self.distributed == "fsdp":
            raise ConfigError(
                "load_in_4bit with distributed: fsdp: FSDP cannot shard 4-bit weights here; use "
                "distributed: ddp (each GPU holds its own 4-bit copy) or fsdp with bf16 weights"
            )
