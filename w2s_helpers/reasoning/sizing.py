"""What each stage of a reasoning experiment needs of the declared node: the LoRA trainings
(the experiment's own distributed setting: its stages share one config) and the generations.
The experiment's job asks for its largest stage's GPUs; the plan's rows and the grid's
cells both come from here."""

from __future__ import annotations

from dataclasses import dataclass

from .. import zoo
from ..scale import memory
from ..scale.resources import Resources
from .config import ReasoningConfig


@dataclass
class Stage:
    what: str
    model: zoo.ModelSpec
    params: str  # the settings that matter for cost
    estimate: memory.Estimate


def _train(cfg: ReasoningConfig, res: Resources, m: zoo.ModelSpec, what: str) -> Stage:
    est = memory.train_run(m, res, "lora", cfg, causal_lm=True, fewest=False)
    return Stage(what, m, f"LoRA r{cfg.lora_r} bs={cfg.batch_size} len={cfg.max_length}", est)


def _gen(cfg: ReasoningConfig, res: Resources, m: zoo.ModelSpec, what: str, n: int) -> Stage:
    seq = cfg.max_new_tokens + 512  # a few-shot prompt and the answer
    est = memory.generation(m, res, cfg.backend, cfg.tensor_parallel_size, cfg.dtype, cfg.gen_batch_size, seq)
    return Stage(what, m, f"{cfg.backend} x{n} new={cfg.max_new_tokens}", est)


def stages(cfg: ReasoningConfig, res: Resources) -> list[Stage]:
    """Every training and generation stage of one experiment, in the order they run."""
    weak, strong = zoo.get_spec(cfg.weak_model), zoo.get_spec(cfg.strong_model)
    out = []
    if cfg.weak_sft:
        out.append(_train(cfg, res, weak, "weak SFT on train_1"))
    out.append(_gen(cfg, res, weak, "weak answers train_2 and test", 1))
    out.append(_gen(cfg, res, strong, "strong in-context answers", 1))
    out += [_train(cfg, res, strong, f"stage I iteration {it} SFT") for it in range(1, cfg.iterations + 1)]
    out.append(_gen(cfg, res, strong, "stage II sampling", cfg.k_samples))
    out.append(_train(cfg, res, strong, f"stage II {cfg.pref_method}"))
    if cfg.ceiling:
        out.append(_train(cfg, res, strong, "strong ceiling SFT (gold train_2)"))
    out.append(_gen(cfg, res, strong, "test evaluation of every method", cfg.eval_k))
    return out


def job_resources(cfg: ReasoningConfig, res: Resources) -> dict:
    """The overrides of the spec's Resources for the experiment's job: its largest stage's
    GPUs and that share of the node (none on a CPU)."""
    if not res.gpus:
        return {}
    gpus = max(s.estimate.devices for s in stages(cfg, res))
    return res.overrides(res.share(gpus))
