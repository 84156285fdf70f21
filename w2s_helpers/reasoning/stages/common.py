"""What every reasoning stage does the same way: the sampling settings, the zero-shot prompt
and gold-solution rows, generation (cached) and training (cached), keyed by exactly what
produced the result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ... import zoo
from ...core import runs
from ...core.hashing import stable_hash
from ...core.launch import launch, launched
from .. import prompts
from ..config import ReasoningConfig
from ..experiment import store
from ..generation.base import SamplingParams
from ..policy import Policy
from ..rows import generate_rows, with_answers
from ..training import done, preference, sft


def gold(rows: Sequence[dict]) -> dict:
    """id -> the gold answer (for scoring and analysis; no stage trains on train_2's)."""
    return {r["id"]: r["gold"] for r in rows}


def greedy(cfg: ReasoningConfig) -> SamplingParams:
    """Greedy decoding: every answer set a stage trains on or is scored by."""
    return SamplingParams(max_new_tokens=cfg.max_new_tokens, temperature=0.0)


def sampled(cfg: ReasoningConfig, n: int) -> SamplingParams:
    """n seeded samples per question at `cfg.temperature` (stage II; pass@k and maj@k)."""
    return SamplingParams(
        max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, top_p=1.0, n=n, seed=cfg.seed
    )


def zero_shot_prompts(cfg: ReasoningConfig, questions: Sequence[dict]) -> dict:
    """id -> the zero-shot prompt: what every training row and pair is paired with."""
    return {q["id"]: prompts.zero_shot(q["question"], cfg.dataset) for q in questions}


def gold_solution_rows(cfg: ReasoningConfig, questions: Sequence[dict]) -> list[dict]:
    """SFT rows of questions with their gold solutions: the weak model's train_1, the ceiling's train_2."""
    return [
        {
            "id": r["id"],
            "prompt": prompts.zero_shot(r["question"], cfg.dataset),
            "completion": " " + prompts.clean_solution(r["solution"]).strip(),
        }
        for r in questions
    ]


def generate(
    cfg: ReasoningConfig,
    root: Path,
    policy: Policy,
    questions: Sequence[dict],
    params: SamplingParams,
    tag: str,
    prompt_of: Callable[[str], str] | None = None,
) -> list[dict]:
    """`policy` answers `questions` (zero-shot unless `prompt_of` says otherwise); rows with
    their final answers derived afresh."""
    prompt_of = prompt_of or (lambda q: prompts.zero_shot(q, cfg.dataset))
    items = [(q["id"], prompt_of(q["question"])) for q in questions]
    rows = generate_rows(
        store(root),
        policy,
        items,
        params,
        cfg.backend,
        cfg.gen_batch_size,
        cfg.tensor_parallel_size,
        tag,
        dtype=cfg.dtype,
    )
    return with_answers(rows, gold(questions), cfg.dataset, cfg.math_answer_format)


def train_sft(
    cfg: ReasoningConfig,
    root: Path,
    model: str,
    rows: list[dict],
    name: str,
    adapters: Sequence[str] = (),
    stage: str = "sft",
) -> str:
    """A LoRA SFT of `model` (+ earlier adapters) on prompt/completion rows; the adapter folder."""
    params = cfg.train_params(stage)
    fields = {
        "model": zoo.identity(model, cfg.source),
        "adapters": [Path(a).parent.name for a in adapters],
        "rows": stable_hash(rows),
        "train": params.identity(),
    }
    out = runs.artifact_dir(store(root), "adapters", name, fields)
    if cfg.distributed != "none" and not launched() and done(out) is None:
        _launched(cfg, stage, model=model, rows=rows, out=str(out), adapters=list(adapters))
    return str(sft(model, rows, out, params, adapters=adapters, source=cfg.source))


def _launched(cfg: ReasoningConfig, stage: str, **job) -> None:
    """Train in `cfg.num_processes` processes through accelerate (DDP / FSDP); the
    finished adapter is then read back from disk like any cached one."""
    launch(
        "w2s_helpers.reasoning.training:train_launched",
        {"stage": stage, "params": cfg.train_params(stage).__dict__, "source": cfg.source, **job},
        cfg.num_processes,
        distributed=cfg.distributed,
    )


def train_preference(cfg: ReasoningConfig, root: Path, start: Policy, pairs: list[dict]) -> str:
    """DPO or ORPO (`cfg.pref_method`) from `start` on preference pairs; the adapter folder."""
    params = cfg.train_params(cfg.pref_method)
    fields = {"start": start.key(), "pairs": stable_hash(pairs), "train": params.identity()}
    out = runs.artifact_dir(store(root), "adapters", f"stage2-{cfg.pref_method}", fields)
    if cfg.distributed != "none" and not launched() and done(out) is None:
        _launched(
            cfg,
            cfg.pref_method,
            model=start.model,
            rows=pairs,
            out=str(out),
            adapters=list(start.adapters),
        )
    return str(
        preference(
            cfg.pref_method, start.model, pairs, out, params, adapters=start.adapters, source=cfg.source
        )
    )
