"""Notebook 13, stage II: the stage-I model samples k answers per train_2 question at
temperature 1; a majority vote (answers grouped by equivalence) gives a confidence;
contrastive pairs against the weak model's answers train DPO or ORPO from the stage-I model."""

from __future__ import annotations

import logging
from pathlib import Path

from ...core import runs
from ...core.fileio import write_json, write_jsonl
from ...core.hashing import stable_hash
from ..config import ReasoningConfig
from ..experiment import load_splits, root_or_default, start_experiment, store
from ..pairs import build_pairs, pair_accuracy
from ..policy import Policy
from .common import generate, gold, sampled, train_preference
from .generate import weak_generations
from .stage1 import final_policy

log = logging.getLogger(__name__)


def stage2(cfg: ReasoningConfig, root: str | Path | None, policies: dict) -> dict:
    """From stage I's `policies`: {"pairs", "pair_stats" (against train_2 gold, for analysis),
    "policy" (None when skipped), "skipped" (why, or None)}; recorded in the experiment folder."""
    root = root_or_default(root)
    exp = start_experiment(cfg, root)
    splits, _ = load_splits(cfg)
    golds = gold(splits["train_2"])
    try:
        start = final_policy(cfg, policies)
    except RuntimeError as e:
        log.warning("stage II skipped: %s", e)
        result = {
            "pairs": [],
            "pair_stats": pair_accuracy([], golds, cfg.dataset, cfg.math_answer_format),
            "policy": None,
            "skipped": str(e),
        }
        write_json(exp / "stage2.json", {k: v for k, v in result.items() if k != "policy"})
        return result
    samples = generate(cfg, root, start, splits["train_2"], sampled(cfg, cfg.k_samples), "train_2-sampled")
    pairs = build_pairs(
        weak_generations(cfg, root),
        {r["id"]: r["responses"] for r in samples},
        cfg.dataset,
        seed=cfg.pair_seed,
        answer_format=cfg.math_answer_format,
    )
    pair_dir = runs.artifact_dir(store(root), "pairs", f"pairs-{start.name}", {"pairs": stable_hash(pairs)})
    if runs.completed(pair_dir) is None:
        runs.start(pair_dir, {"start": start.key(), "pair_seed": cfg.pair_seed, "dataset": cfg.dataset})
        write_jsonl(pair_dir / "pairs.jsonl", pairs)
        runs.finish(pair_dir, {"n": len(pairs)})
    stats = pair_accuracy(pairs, golds, cfg.dataset, cfg.math_answer_format)
    policy = None
    if pairs:
        adapter = train_preference(cfg, root, start, pairs)
        policy = Policy(f"stage2-{cfg.pref_method}", cfg.strong_model, [*start.adapters, adapter], cfg.source)
    else:
        log.warning("stage II: no preference pairs; nothing to train")
    skipped = None if policy else "no preference pairs (no confident majority on any question)"
    write_json(exp / "stage2.json", {"pair_stats": stats, "pairs_dir": pair_dir.name, "skipped": skipped})
    return {"pairs": pairs, "pair_stats": stats, "policy": policy, "skipped": skipped}
