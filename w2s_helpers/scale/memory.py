"""How a run uses the declared hardware: its peak memory per device and its host RAM per
node (an estimate), from the model's sizes (`scale.arch`).

What the trainers run, in bytes, so a user can check each number:
- full fine-tuning keeps fp32 master weights under bf16 autocast on a GPU (fp32 throughout
  on a CPU): weights 4 + gradients 4 + Adam's two moments 8 = 16 a parameter. FSDP divides
  all of it by the processes and adds the transient bf16 all-gather of its largest wrapped
  unit; DDP keeps everything on every process, plus its gradient buckets (4 a trainable).
- LoRA: the base frozen in the compute dtype (2 bf16 on a GPU, 4 on a CPU, ~0.55 in 4-bit
  NF4 with double quantisation), no base gradients; the adapters in fp32 with gradients and
  Adam, 16 a trainable parameter, counted from the rank and the architecture
  (`arch.lora_params`). QLoRA does not shard: under DDP each GPU holds the whole 4-bit model.
- activations: `arch.activation_elems` values per token per block (2 bytes under bf16
  autocast, 4 on a CPU), for the blocks backward goes through; with gradient checkpointing
  each block's input (hidden values a token) plus one block's full set while it is
  recomputed. A causal LM's training (the reasoning flow) adds its logits in fp32 and their
  gradient: tokens x vocab x 8.
- generation: weights / TP plus the KV cache of the batch (`arch.kv_cache_bytes`).
- host RAM per node: under FSDP rank 0 loads the weights once (the other ranks start on the
  meta device and receive them by broadcast); otherwise every process loads its own copy;
  vLLM's workers each read their 1/TP; QLoRA quantises as it loads (a 4-bit copy). Each
  process adds PROCESS_GB.
Estimates leave 10% of each device and of the host free. Unknown sizes (an arbitrary hub
id) are planned as unknown, never refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..zoo.registry import ModelSpec
from . import arch
from .resources import Resources

GB = 1e9
HEADROOM = 0.9
PROCESS_GB = 4.0  # one process's host RAM before any weights: CUDA context, Python, torch, transformers
FULL_BYTES = 16  # fp32 weights 4 + gradients 4 + Adam's exp_avg and exp_avg_sq 8
QLORA_BYTES = 0.55  # NF4 with double quantisation: 4 bits + the scales


@dataclass
class Estimate:
    strategy: str  # "one GPU" | "FSDP over 8" | "QLoRA" | "vLLM TP 8" | "CPU" | ...
    per_device_gb: float | None  # None: the model's size is unknown
    devices: int  # GPUs the run takes (its job asks for this many)
    problem: str = ""  # why it cannot fit the declared hardware ("" when it fits)
    host_gb: float | None = None  # host RAM per node
    distributed: str = "none"  # how a training runs (what its config is given)
    processes: int = 1


def weight_bytes(dtype: str, gpus: int, load_in_4bit: bool = False) -> float:
    """Bytes a frozen or inference weight takes in the compute dtype."""
    if load_in_4bit:
        return QLORA_BYTES
    if dtype == "auto":
        return 2.0 if gpus else 4.0
    return {"bfloat16": 2.0, "float16": 2.0}.get(dtype, 4.0)


def _check(est: Estimate, res: Resources, what: str, hint: str) -> Estimate:
    if est.per_device_gb is None:
        return est
    limit = (res.gpu_memory_gb if res.gpus else res.memory_gb) * HEADROOM
    if est.devices > max(res.gpus, 1):
        est.problem = f"{what} needs {est.devices} GPUs; the spec declares {res.gpus}"
    elif est.per_device_gb > limit:
        where = "GPU" if res.gpus else "host RAM"
        est.problem = f"{what}: ~{est.per_device_gb:.0f} GB per device exceeds 90% of the {where} ({limit / HEADROOM:g} GB); {hint}"
    elif est.host_gb is not None and est.host_gb > res.memory_gb * HEADROOM:
        est.problem = (
            f"{what}: ~{est.host_gb:.0f} GB of host RAM per node exceeds 90% of the job's "
            f"memory_gb ({res.memory_gb:g} GB); raise resources.memory_gb"
        )
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
    lora_r: int = 8,
    lora_top_frac: float = 1.0,
    causal_lm: bool = False,
) -> Estimate:
    """A training run: mode full / lora (probe is features + a head: `features`). `causal_lm`:
    the LM with its head and logits (the reasoning flow); else the bare transformer with a
    linear head of hidden x 2 (the classification flow's PooledClassifier)."""
    d = arch.dims(spec)
    n = num_processes if distributed != "none" else 1
    if spec.params_m <= 0 or d is None:
        return Estimate("unknown size", None, n, distributed=distributed, processes=n)
    gpu = res.gpus > 0
    p = spec.params_m * 1e6 if causal_lm else arch.backbone_params(spec, d) + 2 * d.hidden + 2
    w = weight_bytes(dtype, res.gpus, load_in_4bit)
    if mode == "full":
        trainable, state, act_blocks = p, p * FULL_BYTES, d.layers
    else:
        trainable = arch.lora_params(d, lora_r, lora_top_frac if causal_lm else 1.0)
        if not causal_lm:  # the classifier's head trains in full; an encoder's pooler is linear too
            trainable += 2 * d.hidden + 2 + (lora_r * 2 * d.hidden if spec.modality == "text-encoder" else 0)
        # backward stops at the lowest adapted block: the frozen ones below keep nothing
        state, act_blocks = p * w + trainable * FULL_BYTES, arch.adapted_blocks(d, lora_top_frac)
    if distributed == "fsdp":
        state = state / n + arch.largest_unit(spec, d, causal_lm) * weight_bytes(dtype, res.gpus)
    elif distributed == "ddp":
        state += trainable * 4  # the gradient buckets DDP all-reduces
    a = 2.0 if gpu and dtype != "float32" else 4.0  # bf16 autocast keeps bf16 activations
    tokens = batch_size // max(n, 1) * seq
    per_token = arch.activation_elems(d)
    blocks = d.hidden * act_blocks + per_token if checkpointing else per_token * act_blocks
    act = tokens * blocks * a + (tokens * d.vocab * 8 if causal_lm else 0)
    per_device = state + act
    # host: one copy of the weights in their load dtype (fp32 for full FT, the compute dtype for
    # LoRA, 4-bit for QLoRA, which quantises each tensor as it loads), once under FSDP, once a
    # process otherwise
    load = p * (4.0 if mode == "full" or not gpu else w)
    copies = 1 if distributed == "fsdp" else n
    host = (load * copies if gpu else per_device * n) + n * PROCESS_GB * GB
    strategy = "CPU" if not gpu else "QLoRA" if load_in_4bit else "one GPU"
    if distributed != "none":
        strategy = f"{distributed.upper()} over {n}" + (" (QLoRA, a 4-bit copy each)" if load_in_4bit else "")
    est = Estimate(strategy, per_device / GB, n, host_gb=host / GB, distributed=distributed, processes=n)
    if load_in_4bit and distributed == "fsdp":
        est.strategy = "QLoRA"
        est.problem = "load_in_4bit with distributed: fsdp is refused (4-bit weights do not shard); use ddp"
        return est
    hint = "set distributed: fsdp with num_processes = GPUs, gradient_checkpointing: true" + (
        ", or load_in_4bit (QLoRA) with mode lora and distributed: ddp" if mode == "lora" else ""
    )
    return _check(est, res, f"{mode} training of {spec.name}", hint)


def features(spec: ModelSpec, res: Resources, dtype: str = "auto", device_map: str | None = None) -> Estimate:
    """Frozen features (probe mode): a forward pass, spread with device_map over the GPUs."""
    if spec.params_m <= 0:
        return Estimate("unknown size", None, 1)
    weights = spec.params_m * 1e6 * weight_bytes(dtype, res.gpus)
    host = (weights if res.gpus else weights * 1.1) / GB + PROCESS_GB
    if device_map and res.gpus > 1:
        est = Estimate(f"device_map over {res.gpus}", weights * 1.1 / res.gpus / GB, res.gpus, host_gb=host)
        return _check(est, res, "features", "")
    strategy = "one GPU (features)" if res.gpus else "CPU"
    est = Estimate(strategy, weights * 1.1 / GB, 1, host_gb=host)
    return _check(est, res, f"features of {spec.name}", "set device_map: auto")


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
    d = arch.dims(spec)
    tp = tensor_parallel_size if backend == "vllm" else 1
    if spec.params_m <= 0 or d is None:
        return Estimate("unknown size", None, tp)
    w = weight_bytes(dtype, res.gpus)
    weights, kv = spec.params_m * 1e6 * w, batch * seq * arch.kv_cache_bytes(d, w)
    per = (weights + kv) / tp
    # each vLLM worker reads its 1/TP of the weights through host RAM (transiently)
    host = (weights if res.gpus else weights + kv) / GB + tp * PROCESS_GB
    strategy = f"vLLM TP {tp}" if backend == "vllm" else ("one GPU" if res.gpus else "CPU")
    return _check(
        Estimate(strategy, per / GB, tp, host_gb=host, processes=tp),
        res,
        f"generation with {spec.name}",
        "use backend: vllm with tensor_parallel_size = GPUs",
    )


def train_run(
    spec: ModelSpec, res: Resources, mode: str, cfg, causal_lm: bool = False, fewest: bool = True
) -> Estimate:
    """`train` with the settings read off a run config (either flow's). `fewest`: on the
    fewest processes that fit, so a run that fits one GPU unsharded runs as one process
    whatever the config's distributed setting says (its job asks for one GPU, its share of
    the node); the caller then gives the run's config the estimate's distributed setting."""
    kw = dict(
        dtype=cfg.dtype,
        batch_size=cfg.batch_size,
        seq=cfg.max_length,
        load_in_4bit=cfg.load_in_4bit,
        checkpointing=cfg.gradient_checkpointing,
        lora_r=getattr(cfg, "lora_r", 8),
        lora_top_frac=getattr(cfg, "lora_top_frac", 1.0),
        causal_lm=causal_lm,
    )
    if fewest and res.gpus and cfg.distributed != "none":
        one = train(spec, res.share(1), mode, **kw)
        if one.per_device_gb is not None and not one.problem:
            return one
    return train(spec, res, mode, distributed=cfg.distributed, num_processes=cfg.num_processes, **kw)
