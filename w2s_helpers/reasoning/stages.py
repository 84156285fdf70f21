"""The reasoning stages before and around selection (Yang et al. 2024), as the notebooks call
them: the weak model and its answers, the strong model's in-context answers, the strong
ceiling, and evaluation.

Artefacts (adapters, generation sets, pair sets) live in `<root>/artifacts/<kind>/`, keyed by
exactly what produced them and reused when complete; each experiment (one config) keeps its
records in `<root>/experiments/<slug>-<hash>/`. Stage I and II are in `stage1`, `stage2`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..core.fileio import write_json
from . import prompts
from .config import ReasoningConfig
from .evaluation import score, summarise
from .experiment import load_splits, root_or_default, start_experiment
from .policy import Policy
from .rows import read_replay, with_answers
from .steps import generate, gold, greedy, sampled, train_sft, zero_shot_prompts

log = logging.getLogger(__name__)


def weak_policy(cfg: ReasoningConfig, root: str | Path | None = None) -> Policy:
    """The weak model, SFT'd (LoRA) on train_1 questions with their gold solutions; or, with
    weak_sft=False (an instruct model, a dataset without train_1), the model as it is."""
    root = root_or_default(root)
    if not cfg.weak_sft:
        return Policy("weak", cfg.weak_model, source=cfg.source)
    splits, _ = load_splits(cfg)
    if not splits["train_1"]:
        raise ValueError(f"{cfg.dataset} has no train_1 to fine-tune the weak model on: set weak_sft=False")
    rows = [
        {
            "id": r["id"],
            "prompt": prompts.zero_shot(r["question"], cfg.dataset),
            "completion": " " + prompts.clean_solution(r["solution"]).strip(),
        }
        for r in splits["train_1"]
    ]
    adapter = train_sft(
        cfg, root, cfg.weak_model, rows, f"weak-{Path(cfg.weak_model).name}", stage="weak_sft"
    )
    return Policy("weak", cfg.weak_model, [adapter], cfg.source)


def _replayed(cfg: ReasoningConfig, path: str, questions: list[dict]) -> list[dict]:
    zs = zero_shot_prompts(cfg, questions)
    rows, how = read_replay(path, questions, [zs[q["id"]] for q in questions])
    log.info("replayed %s: matched by %s", path, how)
    return with_answers(rows, gold(questions), cfg.dataset)


def weak_generations(cfg: ReasoningConfig, root: str | Path | None = None) -> list[dict]:
    """The weak model answers train_2 zero-shot (or its saved rows, in replay mode)."""
    root = root_or_default(root)
    splits, _ = load_splits(cfg)
    if cfg.weak_rows_file:
        return _replayed(cfg, cfg.weak_rows_file, splits["train_2"])
    return generate(cfg, root, weak_policy(cfg, root), splits["train_2"], greedy(cfg), "train_2-zero_shot")


def demonstrations(cfg: ReasoningConfig, root: str | Path | None = None) -> prompts.Demos:
    """The strong model's in-context demonstrations: the weak model's own train_2 answers by
    default (seeded, wrong ones included), gold train_1 solutions as a deviation, or a file."""
    if cfg.n_shots == 0:
        return prompts.Demos()
    splits, _ = load_splits(cfg)
    if cfg.demos == "weak":
        questions = {q["id"]: q["question"] for q in splits["train_2"]}
        return prompts.weak_demos(weak_generations(cfg, root), questions, cfg.n_shots, cfg.seed, cfg.dataset)
    if cfg.demos == "gold":
        log.warning(
            "demos='gold': the strong model sees gold train_1 solutions (a deviation from the reference)"
        )
        return prompts.gold_demos(splits["train_1"], cfg.n_shots, cfg.seed, cfg.dataset)
    return prompts.file_demos(cfg.demos, cfg.dataset)


def strong_icl_generations(cfg: ReasoningConfig, root: str | Path | None = None) -> list[dict]:
    """The base strong model answers train_2 with the demonstrations in front of each question."""
    root = root_or_default(root)
    splits, _ = load_splits(cfg)
    if cfg.strong_rows_file:
        return _replayed(cfg, cfg.strong_rows_file, splits["train_2"])
    demos = demonstrations(cfg, root)
    write_json(
        start_experiment(cfg, root) / "demonstrations.json",
        {"source": demos.source, "ids": demos.ids, "prefix": demos.prefix},
    )
    policy = Policy("strong", cfg.strong_model, source=cfg.source)
    tag = f"train_2-{cfg.n_shots}shot-{demos.source.split(':')[0]}"
    return generate(
        cfg, root, policy, splits["train_2"], greedy(cfg), tag, lambda q: demos.prompt(q, cfg.dataset)
    )


def strong_ceiling(cfg: ReasoningConfig, root: str | Path | None = None) -> Policy | None:
    """The strong model SFT'd on train_2's gold solutions (the reference's `gsm8k_2` set): the
    top of the gap. None where train_2 has no gold (OlympicArena)."""
    root = root_or_default(root)
    splits, _ = load_splits(cfg)
    if not cfg.ceiling or not all(q.get("solution") for q in splits["train_2"]):
        return None
    rows = [
        {
            "id": r["id"],
            "prompt": prompts.zero_shot(r["question"], cfg.dataset),
            "completion": " " + prompts.clean_solution(r["solution"]).strip(),
        }
        for r in splits["train_2"]
    ]
    return Policy(
        "ceiling",
        cfg.strong_model,
        [train_sft(cfg, root, cfg.strong_model, rows, "strong-ceiling")],
        cfg.source,
    )


def evaluate(cfg: ReasoningConfig, root: str | Path | None, method: str, policy: Policy) -> dict:
    """Greedy accuracy on the test split with a 95% interval (and pass@k / maj@k when eval_k
    > 1), scored afresh from the cached generations; the record lands in the experiment's
    eval/ folder."""
    root = root_or_default(root)
    exp = start_experiment(cfg, root)
    splits, how = load_splits(cfg)
    rows = generate(cfg, root, policy, splits["test"], greedy(cfg), "test-greedy")
    records = [{"id": r["id"], **score([r["response"]], r["gold"], cfg.dataset)} for r in rows]
    result = {"method": method, **summarise(records)}
    if cfg.eval_k > 1:
        srows = generate(cfg, root, policy, splits["test"], sampled(cfg, cfg.eval_k), "test-sampled")
        s = summarise([score(r["responses"], r["gold"], cfg.dataset) for r in srows])
        result.update(pass_at_k=s["pass_at_k"], maj_at_k=s["maj_at_k"], k=s["k"])
    result.update(
        policy=policy.key(),
        split=how,
        dataset=cfg.dataset,
        weak_model=cfg.weak_model,
        strong_model=cfg.strong_model,
    )
    write_json(exp / "eval" / f"{method}.json", {**result, "records": records})
    return result
