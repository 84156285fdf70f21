"""The plan of a reasoning grid: one row per training or generation stage of every
experiment, with the strategy it takes on the declared hardware and its peak memory per
device (nothing is run or read)."""

from __future__ import annotations

from pathlib import Path

from .. import zoo
from ..grid.plan import PlanRow
from ..scale import memory
from ..scale.resources import Resources
from .config import ReasoningConfig, ReasoningGridSpec
from .grid import configs


def _train_row(cfg: ReasoningConfig, res: Resources, key: str, m: zoo.ModelSpec, what: str) -> PlanRow:
    est = memory.train_run(m, res, "lora", cfg)
    params = f"LoRA r{cfg.lora_r} bs={cfg.batch_size} len={cfg.max_length}"
    return PlanRow(f"{key} {what}", f"{Path(m.name).name} ({m.params_m:g}M)", params, est)


def _gen_row(cfg: ReasoningConfig, res: Resources, key: str, m: zoo.ModelSpec, what: str, n: int) -> PlanRow:
    seq = cfg.max_new_tokens + 512  # a few-shot prompt and the answer
    est = memory.generation(m, res, cfg.backend, cfg.tensor_parallel_size, cfg.dtype, cfg.gen_batch_size, seq)
    params = f"{cfg.backend} x{n} new={cfg.max_new_tokens}"
    return PlanRow(f"{key} {what}", f"{Path(m.name).name} ({m.params_m:g}M)", params, est)


def plan_rows(spec: ReasoningGridSpec) -> list[PlanRow]:
    """One row per training or generation stage of every experiment: the strategy it
    takes on the declared hardware and its peak memory per device."""
    res = Resources(**spec.resources)
    rows = []
    for cfg in configs(spec):
        key = (
            f"{Path(cfg.dataset).stem} {Path(cfg.weak_model).name}->{Path(cfg.strong_model).name} s{cfg.seed}"
        )
        weak, strong = zoo.get_spec(cfg.weak_model), zoo.get_spec(cfg.strong_model)
        if cfg.weak_sft:
            rows.append(_train_row(cfg, res, key, weak, "weak SFT on train_1"))
        rows.append(_gen_row(cfg, res, key, weak, "weak answers train_2 and test", 1))
        rows.append(_gen_row(cfg, res, key, strong, "strong in-context answers", 1))
        for it in range(1, cfg.iterations + 1):
            rows.append(_train_row(cfg, res, key, strong, f"stage I iteration {it} SFT"))
        rows.append(_gen_row(cfg, res, key, strong, "stage II sampling", cfg.k_samples))
        rows.append(_train_row(cfg, res, key, strong, f"stage II {cfg.pref_method}"))
        if cfg.ceiling:
            rows.append(_train_row(cfg, res, key, strong, "strong ceiling SFT (gold train_2)"))
        rows.append(_gen_row(cfg, res, key, strong, "test evaluation of every method", cfg.eval_k))
    return rows
