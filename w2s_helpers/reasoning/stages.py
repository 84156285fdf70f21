"""The weak-to-strong reasoning stages (Yang et al. 2024), as the notebooks call them.

Artefacts (adapters, generation sets, pair sets) live in `<root>/artifacts/<kind>/`,
keyed by exactly what produced them, written atomically, and reused when complete:
nothing is trained or generated twice, and an interrupted stage resumes. Each experiment
(one config) has its own folder `<root>/<slug>-<hash>/` for its records: the stage-I
table, the pair statistics and one evaluation per method, so two configs never share a
table or a bar chart.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .. import zoo
from ..core import runs
from ..core.fileio import write_json, write_jsonl
from ..core.hashing import stable_hash
from . import prompts
from .config import ReasoningConfig
from .evaluation import score, summarise
from .experiment import load_splits, root_or_default, start_experiment, store
from .generation import SamplingParams
from .pairs import build_pairs, pair_accuracy
from .policy import Policy
from .rows import generate_rows, read_replay, with_answers
from .selection import summary, training_sets
from .training import preference, sft

log = logging.getLogger(__name__)


def _gold(rows: list[dict]) -> dict:
    return {r["id"]: r["gold"] for r in rows}


def greedy(cfg: ReasoningConfig) -> SamplingParams:
    return SamplingParams(max_new_tokens=cfg.max_new_tokens, temperature=0.0)


def _generate(cfg, root, policy: Policy, questions, prompt_of, params, tag: str) -> list[dict]:
    items = [(q["id"], prompt_of(q["question"])) for q in questions]
    rows = generate_rows(
        store(root), policy, items, params, cfg.backend, cfg.gen_batch_size, cfg.tensor_parallel_size, tag
    )
    return with_answers(rows, _gold(questions), cfg.dataset)


def _adapter_dir(root, name: str, **fields) -> Path:
    return runs.artifact_dir(store(root), "adapters", name, fields)


# --- stages --------------------------------------------------------------------------------


def weak_sft(cfg: ReasoningConfig, root: str | Path | None = None) -> Policy:
    """The weak model, SFT'd (LoRA) on train_1 questions with their gold solutions."""
    root = root_or_default(root)
    splits, _ = load_splits(cfg)
    rows = [
        {
            "id": r["id"],
            "prompt": prompts.zero_shot(r["question"]),
            "completion": " " + prompts.clean_solution(r["solution"]).strip(),
        }
        for r in splits["train_1"]
    ]
    params = cfg.train_params("sft")
    out = _adapter_dir(
        root,
        f"weak-{Path(cfg.weak_model).name}",
        model=zoo.identity(cfg.weak_model, cfg.source),
        rows=stable_hash(rows),
        train=params,
    )
    return Policy(
        "weak", cfg.weak_model, [str(sft(cfg.weak_model, rows, out, params, source=cfg.source))], cfg.source
    )


def weak_generations(cfg: ReasoningConfig, root: str | Path | None = None) -> list[dict]:
    """The SFT'd weak model answers train_2 zero-shot (or its saved rows, in replay mode)."""
    root = root_or_default(root)
    splits, _ = load_splits(cfg)
    if cfg.weak_rows_file:
        rows = read_replay(cfg.weak_rows_file, splits["train_2"], cfg.dataset)
        return with_answers(rows, _gold(splits["train_2"]), cfg.dataset)
    return _generate(
        cfg, root, weak_sft(cfg, root), splits["train_2"], prompts.zero_shot, greedy(cfg), "train_2-zero_shot"
    )


def strong_icl_generations(cfg: ReasoningConfig, root: str | Path | None = None) -> list[dict]:
    """The base strong model answers train_2 with n_shots demonstrations from train_1."""
    root = root_or_default(root)
    splits, _ = load_splits(cfg)
    if cfg.strong_rows_file:
        rows = read_replay(cfg.strong_rows_file, splits["train_2"], cfg.dataset)
        return with_answers(rows, _gold(splits["train_2"]), cfg.dataset)
    demos = prompts.pick_demos(splits["train_1"], cfg.n_shots, cfg.seed)
    policy = Policy("strong", cfg.strong_model, source=cfg.source)
    return _generate(
        cfg,
        root,
        policy,
        splits["train_2"],
        lambda q: prompts.few_shot(q, demos),
        greedy(cfg),
        "train_2-few_shot",
    )


def stage1_method(iteration: int, training_set: str) -> str:
    """The method name of a stage-I model, as evaluations and plots label it."""
    return "full_weak_sft" if training_set == "full_weak" else f"stage1_it{iteration}_{training_set}"


def stage1(cfg: ReasoningConfig, root: str | Path | None = None) -> dict:
    """Select consistent questions, SFT the strong model on each requested set; with
    iterations=2, the iter-1 model regenerates train_2 and the selection runs again.

    Returns {"sets": summary rows, "policies": {method: Policy}}.
    """
    root = root_or_default(root)
    exp = start_experiment(cfg, root)
    splits, _ = load_splits(cfg)
    gold = _gold(splits["train_2"])
    weak_rows = weak_generations(cfg, root)
    strong_rows = strong_icl_generations(cfg, root)
    table, policies = [], {}
    params = cfg.train_params("sft")
    for it in range(1, cfg.iterations + 1):
        sets = training_sets(weak_rows, strong_rows, cfg.dataset)
        table += [{"iteration": it, **row} for row in summary(sets, gold, cfg.dataset)]
        names = cfg.stage1_sets if it == 1 else [cfg.stage1_final]
        for name in names:
            if name == "full_weak" and it > 1:
                continue
            if not sets[name]:
                log.warning("stage I iteration %d: set %r is empty; skipping its SFT", it, name)
                continue
            out = _adapter_dir(
                root,
                f"stage1-it{it}-{name}",
                model=zoo.identity(cfg.strong_model, cfg.source),
                rows=stable_hash(sets[name]),
                train=params,
            )
            adapter = sft(cfg.strong_model, sets[name], out, params, source=cfg.source)
            policies[stage1_method(it, name)] = Policy(
                f"stage1-it{it}-{name}", cfg.strong_model, [str(adapter)], cfg.source
            )
        if it < cfg.iterations:
            final = policies.get(stage1_method(it, cfg.stage1_final))
            if final is None:
                break
            strong_rows = _generate(
                cfg, root, final, splits["train_2"], prompts.zero_shot, greedy(cfg), "train_2-zero_shot"
            )
    write_json(exp / "stage1_sets.json", table)
    return {"sets": table, "policies": policies}


def stage1_policy(cfg: ReasoningConfig, policies: dict) -> Policy:
    key = stage1_method(cfg.iterations, cfg.stage1_final)
    if key not in policies:
        raise RuntimeError(
            f"stage I produced no {key!r} model (its training set was empty); "
            "use more train_2 questions or a stronger strong model"
        )
    return policies[key]


def stage2(cfg: ReasoningConfig, root: str | Path | None, policies: dict) -> dict:
    """Sample k at temperature 1 from the stage-I model, vote, build pairs against the weak
    responses, and train DPO/ORPO from the stage-I model."""
    root = root_or_default(root)
    exp = start_experiment(cfg, root)
    splits, _ = load_splits(cfg)
    gold = _gold(splits["train_2"])
    try:
        start = stage1_policy(cfg, policies)
    except RuntimeError as e:
        log.warning("stage II skipped: %s", e)
        result = {
            "pairs": [],
            "pair_stats": pair_accuracy([], gold, cfg.dataset),
            "policy": None,
            "skipped": str(e),
        }
        write_json(exp / "stage2.json", {k: v for k, v in result.items() if k != "policy"})
        return result
    sampling = SamplingParams(
        max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, top_p=1.0, n=cfg.k_samples, seed=0
    )
    sampled = _generate(cfg, root, start, splits["train_2"], prompts.zero_shot, sampling, "train_2-sampled")
    weak_rows = weak_generations(cfg, root)
    pairs = build_pairs(
        weak_rows, {r["id"]: r["responses"] for r in sampled}, cfg.dataset, seed=cfg.pair_seed
    )
    pair_dir = runs.artifact_dir(store(root), "pairs", f"pairs-{start.name}", {"pairs": stable_hash(pairs)})
    if runs.completed(pair_dir) is None:
        runs.start(pair_dir, {"start": start.key(), "pair_seed": cfg.pair_seed, "dataset": cfg.dataset})
        write_jsonl(pair_dir / "pairs.jsonl", pairs)
        runs.finish(pair_dir, {"n": len(pairs)})
    stats = pair_accuracy(pairs, gold, cfg.dataset)
    policy = None
    if pairs:
        params = cfg.train_params(cfg.pref_method)
        out = _adapter_dir(
            root, f"stage2-{cfg.pref_method}", start=start.key(), pairs=stable_hash(pairs), train=params
        )
        adapter = preference(
            cfg.pref_method, cfg.strong_model, pairs, out, params, adapters=start.adapters, source=cfg.source
        )
        policy = Policy(
            f"stage2-{cfg.pref_method}", cfg.strong_model, [*start.adapters, str(adapter)], cfg.source
        )
    else:
        log.warning("stage II: no preference pairs; nothing to train")
    skipped = None if policy else "no preference pairs (no confident majority on any question)"
    write_json(exp / "stage2.json", {"pair_stats": stats, "pairs_dir": pair_dir.name, "skipped": skipped})
    return {"pairs": pairs, "pair_stats": stats, "policy": policy, "skipped": skipped}


def evaluate(cfg: ReasoningConfig, root: str | Path | None, method: str, policy: Policy) -> dict:
    """Greedy accuracy on the test split (and pass@k / maj@k when eval_k > 1), scored afresh
    from the cached generations; the record lands in the experiment's eval/ folder."""
    root = root_or_default(root)
    exp = start_experiment(cfg, root)
    splits, how = load_splits(cfg)
    rows = _generate(cfg, root, policy, splits["test"], prompts.zero_shot, greedy(cfg), "test-greedy")
    records = [{"id": r["id"], **score([r["response"]], r["gold"], cfg.dataset)} for r in rows]
    result = {"method": method, **summarise(records)}
    if cfg.eval_k > 1:
        samp = SamplingParams(
            max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, n=cfg.eval_k, seed=0
        )
        srows = _generate(cfg, root, policy, splits["test"], prompts.zero_shot, samp, "test-sampled")
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


def methods(cfg: ReasoningConfig, root: str | Path | None = None) -> dict[str, Policy]:
    """Every model the paper compares, in plot order (training whatever is missing)."""
    root = root_or_default(root)
    out = {"weak_floor": weak_sft(cfg, root)}
    if cfg.eval_strong_zero_shot:
        out["strong_zero_shot"] = Policy("strong", cfg.strong_model, source=cfg.source)
    s1 = stage1(cfg, root)
    out.update(s1["policies"])
    s2 = stage2(cfg, root, s1["policies"])
    if s2["policy"] is not None:
        out[f"stage2_{cfg.pref_method}"] = s2["policy"]
    return out
