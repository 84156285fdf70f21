"""Notebook 14 (and the look at each stage's models in 10, 12, 13): a method's greedy test
accuracy, scored afresh from its cached generations (zero-shot, or after demonstrations: the
untrained strong model's few-shot baseline); and the strong ceiling, the top of the gap that
PGR measures against."""

from __future__ import annotations

from pathlib import Path

from ...core.fileio import write_json
from .. import prompts
from ..config import ReasoningConfig
from ..evaluation import score, summarise
from ..experiment import load_splits, root_or_default, start_experiment
from ..policy import Policy
from .common import generate, gold_solution_rows, greedy, sampled, train_sft


def evaluate(
    cfg: ReasoningConfig,
    root: str | Path | None,
    method: str,
    policy: Policy,
    demos: prompts.Demos | None = None,
) -> dict:
    """Greedy accuracy on the test split with a 95% interval (and pass@k / maj@k when eval_k
    > 1); zero-shot, or with `demos` in front of every question. The record lands in the
    experiment's eval/ folder."""
    root = root_or_default(root)
    exp = start_experiment(cfg, root)
    splits, how = load_splits(cfg)
    prompt_of, shots, tag = None, "zero_shot", "test-greedy"
    if demos is not None:  # the same prefix as stage I's in-context answers
        shots = f"{cfg.n_shots}shot-{demos.source}"
        prompt_of, tag = (lambda q: demos.prompt(q, cfg.dataset)), f"test-greedy-{shots.split(':')[0]}"
    rows = generate(cfg, root, policy, splits["test"], greedy(cfg), tag, prompt_of)
    fmt = cfg.math_answer_format
    records = [{"id": r["id"], **score([r["response"]], r["gold"], cfg.dataset, fmt)} for r in rows]
    result = {"method": method, **summarise(records)}
    if cfg.eval_k > 1:
        stag = tag.replace("greedy", "sampled")
        srows = generate(cfg, root, policy, splits["test"], sampled(cfg, cfg.eval_k), stag, prompt_of)
        s = summarise([score(r["responses"], r["gold"], cfg.dataset, fmt) for r in srows])
        result.update(pass_at_k=s["pass_at_k"], maj_at_k=s["maj_at_k"], k=s["k"])
    result.update(
        policy=policy.key(),
        prompt=shots,
        demo_ids=demos.ids if demos is not None else [],
        split=how,
        dataset=cfg.dataset,
        weak_model=cfg.weak_model,
        strong_model=cfg.strong_model,
    )
    write_json(exp / "eval" / f"{method}.json", {**result, "records": records})
    return result


def strong_ceiling(cfg: ReasoningConfig, root: str | Path | None = None) -> Policy | None:
    """The strong model SFT'd on train_2's gold solutions (the reference's `gsm8k_2` set). None
    where train_2 has no gold (OlympicArena)."""
    root = root_or_default(root)
    splits, _ = load_splits(cfg)
    if not cfg.ceiling or not all(q.get("solution") for q in splits["train_2"]):
        return None
    rows = gold_solution_rows(cfg, splits["train_2"])
    return Policy(
        "ceiling",
        cfg.strong_model,
        [train_sft(cfg, root, cfg.strong_model, rows, "strong-ceiling")],
        cfg.source,
    )
