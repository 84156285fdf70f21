"""The weak-to-strong reasoning stages (Yang et al. 2024), as the notebooks call them.

Every artifact (adapter, generation set, pair set, evaluation) lives in a folder named
from the fields that determine it, is written atomically, and is reused when present:
nothing is trained or generated twice, and an interrupted stage resumes (generations
continue from a partial file, training from its last checkpoint).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path

from . import prompts
from .answers import extract_answer, is_equiv
from .evaluation import score, summarise
from .fileio import DataError, atomic_path, read_json, read_jsonl, write_json, write_jsonl
from .generation import SamplingParams, make_generator
from .mathdata import load_math
from .pairs import build_pairs, pair_accuracy
from .reasoning_train import PREFERENCE_METHODS, TrainParams, preference, sft
from .selection import SETS, summary, training_sets

log = logging.getLogger(__name__)


@dataclass
class ReasoningConfig:
    """One weak -> strong reasoning experiment. Field names are the notebooks' parameters."""

    dataset: str = "gsm8k"  # gsm8k | math | olympicarena | a .jsonl path
    split: str = "half"  # "half" (seeded half split of train) or a folder with train_1/train_2/test.jsonl
    weak_model: str = "smollm2-135m"
    strong_model: str = "qwen2.5-0.5b"
    n_train_1: int | None = 64  # weak SFT questions (None: all; the paper: 7,000)
    n_train_2: int | None = 24  # questions the strong model learns from (paper: 7,000)
    n_test: int | None = 24  # evaluation questions (paper: 1,319 / 500)
    n_shots: int = 4  # in-context demonstrations for the strong model (from train_1)
    max_new_tokens: int = 160  # the paper: 1024 (GSM8K), 2048 (MATH)
    backend: str = "hf"  # hf | vllm
    gen_batch_size: int = 8
    k_samples: int = 4  # stage II samples per question (paper: 10)
    temperature: float = 1.0  # stage II sampling
    stage1_sets: list[str] = field(default_factory=lambda: ["full_weak", "hybrid"])  # SFT'd strong variants
    stage1_final: str = "hybrid"  # the stage-I set that iteration 2 and stage II build on
    iterations: int = 1  # stage I iterations (paper: 2)
    pref_method: str = "dpo"  # dpo | orpo
    sft_epochs: float = 2.0
    sft_lr: float = 2e-4
    pref_epochs: float = 2.0
    pref_lr: float = 5e-5
    beta: float = 0.1
    lora_r: int = 16
    batch_size: int = 4
    max_length: int = 512
    eval_k: int = 1  # samples per test question for pass@k / maj@k (1: greedy accuracy only)
    eval_strong_zero_shot: bool = True  # also evaluate the untrained strong model (zero-shot)
    # replay: saved generations in the reference's row format (id, prompt, response[, pred]) used
    # instead of generating; e.g. the paper's real Llama2-7b weak outputs on train_2
    weak_rows_file: str | None = None
    strong_rows_file: str | None = None
    seed: int = 0
    pair_seed: int = 42
    source: str = "auto"

    def __post_init__(self) -> None:
        for s in [*self.stage1_sets, self.stage1_final]:
            if s not in SETS:
                raise ValueError(f"stage-I set {s!r}: expected one of {SETS}")
        if self.stage1_final == "full_weak":
            raise ValueError("stage1_final must be a selected set (weak, icl or hybrid), not full_weak")
        if self.pref_method not in PREFERENCE_METHODS:
            raise ValueError(f"pref_method {self.pref_method!r}: expected one of {PREFERENCE_METHODS}")
        if self.iterations not in (1, 2):
            raise ValueError(f"iterations={self.iterations}: 1 or 2")

    def train_params(self, stage: str) -> TrainParams:
        pref = stage in PREFERENCE_METHODS
        return TrainParams(
            epochs=self.pref_epochs if pref else self.sft_epochs,
            lr=self.pref_lr if pref else self.sft_lr,
            batch_size=self.batch_size,
            max_length=self.max_length,
            lora_r=self.lora_r,
            lora_alpha=2 * self.lora_r,
            beta=self.beta,
            seed=self.seed,
        )


def _hash(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:10]


def artifact(root: Path, kind: str, name: str, **fields) -> Path:
    """<root>/<kind>/<name>-<hash of fields>: the folder of one cached artifact."""
    return Path(root) / kind / f"{name}-{_hash(fields)}"


# --- data ---------------------------------------------------------------------------------


def load_splits(cfg: ReasoningConfig) -> tuple[dict[str, list[dict]], str]:
    splits, how = load_math(cfg.dataset, cfg.split, cfg.seed)
    rng = random.Random(cfg.seed)
    for name, n in (("train_1", cfg.n_train_1), ("train_2", cfg.n_train_2), ("test", cfg.n_test)):
        if n is not None and n < len(splits[name]):
            rows = splits[name]
            splits[name] = [rows[i] for i in sorted(rng.sample(range(len(rows)), n))]
    return splits, how


def _data_fields(cfg: ReasoningConfig) -> dict:
    return {k: getattr(cfg, k) for k in ("dataset", "split", "n_train_1", "n_train_2", "n_test", "seed")}


# --- generation (cached, resumable) ---------------------------------------------------------


@dataclass
class Policy:
    """A model to generate with: a base and the adapters merged into it, in order."""

    name: str
    model: str
    adapters: list[str] = field(default_factory=list)

    def key(self) -> dict:
        return {"model": self.model, "adapters": [str(a) for a in self.adapters]}


def generate_rows(
    cfg: ReasoningConfig,
    root: Path,
    policy: Policy,
    questions: list[dict],
    prompt_kind: str,
    params: SamplingParams,
    demos: list[dict] | None = None,
) -> list[dict]:
    """Rows {id, prompt, response(s), pred, gold, result} in the reference's format, cached per
    policy x prompt set x sampling; an interrupted run continues from its partial file."""
    prompt_of = {"zero_shot": prompts.zero_shot, "few_shot": lambda q: prompts.few_shot(q, demos or [])}[
        prompt_kind
    ]
    items = [(q["id"], prompt_of(q["question"]), q["gold"]) for q in questions]
    sampling = {k: v for k, v in dataclasses.asdict(params).items() if k != "stats"}
    folder = artifact(
        root,
        "generations",
        f"{policy.name}-{prompt_kind}",
        policy=policy.key(),
        prompts=_hash([p for _, p, _ in items]),
        sampling=sampling,
        backend=cfg.backend,
    )
    final, partial = folder / "rows.jsonl", folder / "rows.partial.jsonl"
    if final.exists():
        return read_jsonl(final)
    done = {r["id"]: r for r in read_jsonl(partial)} if partial.exists() else {}
    todo = [it for it in items if it[0] not in done]
    if todo:
        gen = make_generator(
            cfg.backend, policy.model, policy.adapters, batch_size=cfg.gen_batch_size, source=cfg.source
        )
        folder.mkdir(parents=True, exist_ok=True)
        chunk = max(cfg.gen_batch_size, 1) * 2
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            outs = gen.generate([p for _, p, _ in part], params, desc=f"{policy.name} {prompt_kind}")
            for (qid, prompt, gold), responses in zip(part, outs):
                pred = extract_answer(responses[0], cfg.dataset)
                done[qid] = {
                    "id": qid,
                    "prompt": prompt,
                    "response": responses[0],
                    "responses": responses,
                    "pred": pred,
                    "gold": gold,
                    "result": is_equiv(pred, gold, cfg.dataset),
                }
            write_jsonl(partial, list(done.values()))  # atomic: a kill loses at most one chunk
        write_json(
            folder / "meta.json",
            {
                "policy": policy.key(),
                "prompt_kind": prompt_kind,
                "sampling": sampling,
                "backend": cfg.backend,
                "last_stats": params.stats,
            },
        )
    rows = [done[qid] for qid, _, _ in items]
    write_jsonl(final, rows)
    partial.unlink(missing_ok=True)
    return rows


def greedy(cfg: ReasoningConfig) -> SamplingParams:
    return SamplingParams(max_new_tokens=cfg.max_new_tokens, temperature=0.0)


# --- stages --------------------------------------------------------------------------------


def weak_sft(cfg: ReasoningConfig, root: Path) -> Policy:
    """The weak model, SFT'd (LoRA) on train_1 questions with their gold solutions."""
    splits, _ = load_splits(cfg)
    rows = [
        {
            "id": r["id"],
            "prompt": prompts.zero_shot(r["question"]),
            "completion": " " + prompts.clean_solution(r["solution"]).strip(),
        }
        for r in splits["train_1"]
    ]
    out = artifact(
        root,
        "adapters",
        f"weak-{cfg.weak_model}",
        data=_data_fields(cfg),
        train=cfg.train_params("sft").__dict__,
        model=cfg.weak_model,
    )
    return Policy(
        "weak",
        cfg.weak_model,
        [str(sft(cfg.weak_model, rows, out, cfg.train_params("sft"), source=cfg.source))],
    )


def replay_rows(path: str, questions: list[dict], dataset: str) -> list[dict]:
    """Saved generations for `questions` (matched by id; every question must be present)."""
    from .selection import read_rows

    rows = {str(r["id"]): r for r in read_rows(path, dataset)}
    missing = [q["id"] for q in questions if str(q["id"]) not in rows]
    if missing:
        raise DataError(
            f"{path}: no rows for {len(missing)} of {len(questions)} questions, e.g. ids {missing[:5]}"
        )
    out = []
    for q in questions:
        r = rows[str(q["id"])]
        pred = r.get("pred") or extract_answer(r["response"], dataset)
        out.append(
            {
                "id": q["id"],
                "prompt": r["prompt"],
                "response": r["response"],
                "responses": r.get("responses", [r["response"]]),
                "pred": pred,
                "gold": q["gold"],
                "result": is_equiv(pred, q["gold"], dataset),
            }
        )
    return out


def weak_generations(cfg: ReasoningConfig, root: Path) -> list[dict]:
    """The SFT'd weak model answers train_2 zero-shot (or its saved rows, in replay mode)."""
    splits, _ = load_splits(cfg)
    if cfg.weak_rows_file:
        return replay_rows(cfg.weak_rows_file, splits["train_2"], cfg.dataset)
    return generate_rows(cfg, root, weak_sft(cfg, root), splits["train_2"], "zero_shot", greedy(cfg))


def strong_icl_generations(cfg: ReasoningConfig, root: Path) -> list[dict]:
    """The base strong model answers train_2 with n_shots demonstrations from train_1."""
    splits, _ = load_splits(cfg)
    if cfg.strong_rows_file:
        return replay_rows(cfg.strong_rows_file, splits["train_2"], cfg.dataset)
    demos = prompts.pick_demos(splits["train_1"], cfg.n_shots, cfg.seed)
    return generate_rows(
        cfg, root, Policy("strong", cfg.strong_model), splits["train_2"], "few_shot", greedy(cfg), demos
    )


def stage1_method(iteration: int, training_set: str) -> str:
    """The method name of a stage-I model, as evaluations and plots label it."""
    return "full_weak_sft" if training_set == "full_weak" else f"stage1_it{iteration}_{training_set}"


def stage1(cfg: ReasoningConfig, root: Path) -> dict:
    """Select consistent questions, SFT the strong model on each requested set; with
    iterations=2, the iter-1 model regenerates train_2 and the selection runs again.

    Returns {"sets": summary rows, "policies": {name: Policy}}.
    """
    splits, _ = load_splits(cfg)
    gold = {r["id"]: r["gold"] for r in splits["train_2"]}
    weak_rows = weak_generations(cfg, root)
    strong_rows = strong_icl_generations(cfg, root)
    table, policies = [], {}
    for it in range(1, cfg.iterations + 1):
        sets = training_sets(weak_rows, strong_rows, cfg.dataset)
        table += [{"iteration": it, **row} for row in summary(sets, gold, cfg.dataset)]
        names = cfg.stage1_sets if it == 1 else [cfg.stage1_final]
        for name in names:
            if name == "full_weak" and it > 1:
                continue
            out = artifact(
                root,
                "adapters",
                f"stage1-it{it}-{name}",
                data=_data_fields(cfg),
                rows=_hash(sets[name]),
                train=cfg.train_params("sft").__dict__,
                model=cfg.strong_model,
            )
            if not sets[name]:
                log.warning("stage I iteration %d: set %r is empty; skipping its SFT", it, name)
                continue
            adapter = sft(cfg.strong_model, sets[name], out, cfg.train_params("sft"), source=cfg.source)
            policies[stage1_method(it, name)] = Policy(
                f"stage1-it{it}-{name}", cfg.strong_model, [str(adapter)]
            )
        if it < cfg.iterations:
            final = policies.get(stage1_method(it, cfg.stage1_final))
            if final is None:
                break
            strong_rows = generate_rows(cfg, root, final, splits["train_2"], "zero_shot", greedy(cfg))
    write_json(Path(root) / "stage1_sets.json", table)
    return {"sets": table, "policies": policies}


def stage1_policy(cfg: ReasoningConfig, policies: dict) -> Policy:
    key = stage1_method(cfg.iterations, cfg.stage1_final)
    if key not in policies:
        raise RuntimeError(
            f"stage I produced no {key!r} model (its training set was empty); "
            "use more train_2 questions or a stronger strong model"
        )
    return policies[key]


def stage2(cfg: ReasoningConfig, root: Path, policies: dict) -> dict:
    """Sample k at temperature 1 from the stage-I model, vote, build pairs against the weak
    responses, and train DPO/ORPO from the stage-I model."""
    splits, _ = load_splits(cfg)
    gold = {r["id"]: r["gold"] for r in splits["train_2"]}
    try:
        start = stage1_policy(cfg, policies)
    except RuntimeError as e:
        log.warning("stage II skipped: %s", e)
        return {
            "pairs": [],
            "pair_stats": pair_accuracy([], gold, cfg.dataset),
            "policy": None,
            "skipped": str(e),
        }
    sampling = SamplingParams(
        max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, top_p=1.0, n=cfg.k_samples, seed=0
    )
    sampled = generate_rows(cfg, root, start, splits["train_2"], "zero_shot", sampling)
    weak_rows = weak_generations(cfg, root)
    pairs = build_pairs(
        weak_rows, {r["id"]: r["responses"] for r in sampled}, cfg.dataset, seed=cfg.pair_seed
    )
    pair_dir = artifact(
        root,
        "pairs",
        f"pairs-{start.name}",
        sampled=_hash(sampled),
        weak=_hash(weak_rows),
        seed=cfg.pair_seed,
    )
    with atomic_path(pair_dir / "pairs.jsonl") as tmp:
        tmp.write_text("".join(json.dumps(p) + "\n" for p in pairs))
    stats = pair_accuracy(pairs, gold, cfg.dataset)
    out = artifact(
        root,
        "adapters",
        f"stage2-{cfg.pref_method}",
        start=start.key(),
        pairs=_hash(pairs),
        train=cfg.train_params(cfg.pref_method).__dict__,
    )
    policy = None
    if pairs:
        adapter = preference(
            cfg.pref_method,
            cfg.strong_model,
            pairs,
            out,
            cfg.train_params(cfg.pref_method),
            adapters=start.adapters,
            source=cfg.source,
        )
        policy = Policy(f"stage2-{cfg.pref_method}", cfg.strong_model, [*start.adapters, str(adapter)])
    else:
        log.warning("stage II: no preference pairs; nothing to train")
    return {
        "pairs": pairs,
        "pair_stats": stats,
        "policy": policy,
        "skipped": None if policy else "no preference pairs (no confident majority on any question)",
    }


def evaluate(cfg: ReasoningConfig, root: Path, method: str, policy: Policy) -> dict:
    """Greedy accuracy on the test split (and pass@k / maj@k when eval_k > 1), with
    per-question records under <root>/eval/."""
    splits, how = load_splits(cfg)
    rows = generate_rows(cfg, root, policy, splits["test"], "zero_shot", greedy(cfg))
    records = [{"id": r["id"], **score([r["response"]], r["gold"], cfg.dataset)} for r in rows]
    result = {"method": method, **summarise(records)}
    if cfg.eval_k > 1:
        samp = SamplingParams(
            max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature, n=cfg.eval_k, seed=0
        )
        srows = generate_rows(cfg, root, policy, splits["test"], "zero_shot", samp)
        srec = [score(r["responses"], r["gold"], cfg.dataset) for r in srows]
        s = summarise(srec)
        result.update(pass_at_k=s["pass_at_k"], maj_at_k=s["maj_at_k"], k=s["k"])
    result.update(
        policy=policy.key(),
        split=how,
        dataset=cfg.dataset,
        weak_model=cfg.weak_model,
        strong_model=cfg.strong_model,
    )
    write_json(Path(root) / "eval" / f"{method}.json", {**result, "records": records})
    return result


def gather_evals(root: Path) -> list[dict]:
    return [
        {k: v for k, v in read_json(p).items() if k != "records"}
        for p in sorted(Path(root).glob("eval/*.json"))
    ]


def methods(cfg: ReasoningConfig, root: Path) -> dict[str, Policy]:
    """Every model the paper compares, in plot order (training whatever is missing)."""
    out = {"weak_floor": weak_sft(cfg, root)}
    if cfg.eval_strong_zero_shot:
        out["strong_zero_shot"] = Policy("strong", cfg.strong_model)
    s1 = stage1(cfg, root)
    out.update(s1["policies"])
    s2 = stage2(cfg, root, s1["policies"])
    if s2["policy"] is not None:
        out[f"stage2_{cfg.pref_method}"] = s2["policy"]
    return out
