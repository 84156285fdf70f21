"""How a run uses the declared hardware, and its peak memory per device (an estimate).

Rules of thumb, stated so a user can check them: weights take 2 bytes a parameter in
bf16, 4 in fp32, ~0.55 in 4-bit NF4 with double quantisation; full fine-tuning adds
gradients (as the weights) and Adam's two moments (8 bytes); FSDP divides those by the
processes; LoRA adds ~1% trainable parameters; activations are tokens x hidden x layers x
18 bytes, or x 2 with gradient checkpointing; vLLM holds weights / TP plus the KV cache of
the batch. Estimates leave 10% of each device free. Unknown sizes (an arbitrary hub id)
are planned as unknown, never refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..zoo.registry import ModelSpec
from .resources import Resources

GB = 1e9
HEADROOM = 0.9


@dataclass
class Estimate:
    strategy: str  # "one GPU" | "FSDP over 8" | "QLoRA" | "vLLM TP 8" | "CPU" | ...
    per_device_gb: float | None  # None: the model's size is unknown
    devices: int
    problem: str = ""  # why it cannot fit the declared hardware ("" when it fits)


def weight_bytes(dtype: str, gpus: int, load_in_4bit: bool = False) -> float:
    if load_in_4bit:
        return 0.55
    if dtype == "auto":
        return 2.0 if gpus else 4.0
    return {"bfloat16": 2.0, "float16": 2.0}.get(dtype, 4.0)


def activations(spec: ModelSpec, tokens: int, checkpointing: bool) -> float:
    return tokens * spec.hidden * spec.layers * (2 if checkpointing else 18)


def _check(est: Estimate, res: Resources, what: str, hint: str) -> Estimate:
    if est.per_device_gb is None:
        return est
    limit = (res.gpu_memory_gb if res.gpus else res.memory_gb) * HEADROOM
    if est.devices > max(res.gpus, 1):
        est.problem = f"{what} needs {est.devices} GPUs; the spec declares {res.gpus}"
    elif est.per_device_gb > limit:
        where = "GPU" if res.gpus else "host RAM"
        est.problem = f"{what}: ~{est.per_device_gb:.0f} GB per device exceeds 90% of the {where} ({limit / HEADROOM:g} GB); {hint}"
    return est


def train(
    spec: ModelSpec,
    res: Resources,
    mode: str,
    dtype: str = "auto",
    batch_size: int = 8,
    seq: int = 512,
    distributed: str = "none",
    num_processes: int = 1,
    load_in_4bit: bool = False,
    checkpointing: bool = False,
) -> Estimate:
    """A training run: mode full / lora (probe is features + a head: `features`)."""
    if spec.params_m <= 0:
        return Estimate("unknown size", None, max(num_processes, 1))
    p = spec.params_m * 1e6
    n = num_processes if distributed != "none" else 1
    w = weight_bytes(dtype, res.gpus, load_in_4bit)
    act = activations(spec, batch_size // max(n, 1) * seq, checkpointing)
    if mode == "full":
        state = p * (2 * w + 8)
    else:
        state = p * w + 0.01 * p * 16
    if distributed == "fsdp":
        state /= n
    strategy = "CPU" if not res.gpus else "QLoRA" if load_in_4bit else "one GPU"
    if distributed != "none":
        strategy = f"{distributed.upper()} over {n}" + (" + QLoRA" if load_in_4bit else "")
    hint = "set distributed: fsdp with num_processes = GPUs, gradient_checkpointing: true" + (
        ", or load_in_4bit (QLoRA) with mode lora" if mode == "lora" else ""
    )
    return _check(Estimate(strategy, (state + act) / GB, n), res, f"{mode} training of {spec.name}", hint)


def features(spec: ModelSpec, res: Resources, dtype: str = "auto", device_map: str | None = None) -> Estimate:
    """Frozen features (probe mode): a forward pass, spread with device_map over the GPUs."""
    if spec.params_m <= 0:
        return Estimate("unknown size", None, 1)
    weights = spec.params_m * 1e6 * weight_bytes(dtype, res.gpus) * 1.1
    if device_map and res.gpus > 1:
        return _check(
            Estimate(f"device_map over {res.gpus}", weights / res.gpus / GB, res.gpus), res, "features", ""
        )
    strategy = "one GPU (features)" if res.gpus else "CPU"
    return _check(
        Estimate(strategy, weights / GB, 1), res, f"features of {spec.name}", "set device_map: auto"
    )


def generation(
    spec: ModelSpec,
    res: Resources,
    backend: str,
    tensor_parallel_size: int = 1,
    dtype: str = "auto",
    batch: int = 32,
    seq: int = 1024,
) -> Estimate:
    """Sampling: vLLM split over `tensor_parallel_size` GPUs, or transformers on one device."""
    if spec.params_m <= 0:
        return Estimate("unknown size", None, tensor_parallel_size)
    w = weight_bytes(dtype, res.gpus)
    tp = tensor_parallel_size if backend == "vllm" else 1
    kv = batch * seq * 2 * spec.layers * spec.hidden * spec.kv_frac * w
    per = (spec.params_m * 1e6 * w + kv) / tp
    strategy = f"vLLM TP {tp}" if backend == "vllm" else ("one GPU" if res.gpus else "CPU")
    return _check(
        Estimate(strategy, per / GB, tp),
        res,
        f"generation with {spec.name}",
        "use backend: vllm with tensor_parallel_size = GPUs",
    )


def train_run(spec: ModelSpec, res: Resources, mode: str, cfg) -> Estimate:
    """`train` with the settings read off a run config (either flow's)."""
    return train(
        spec,
        res,
        mode,
        cfg.dtype,
        cfg.batch_size,
        cfg.max_length,
        cfg.distributed,
        cfg.num_processes,
        cfg.load_in_4bit,
        cfg.gradient_checkpointing,
    )
