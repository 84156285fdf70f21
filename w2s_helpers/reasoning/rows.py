"""Generation rows, cached and resumable, in the reference's format.

A generation set is an artefact keyed by the policy that wrote it, the exact prompts and
the sampling. Only what the model wrote is stored (`id, prompt, responses`); the final
answer and its correctness are derived from the response each time rows are read, so a
fix to answer extraction reaches every cached generation. An interrupted generation
continues from its partial file.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

from ..core import runs
from ..core.fileio import DataError, read_jsonl, write_jsonl
from ..core.hashing import stable_hash
from .answers import extract_answer, is_equiv
from .generation import SamplingParams, make_generator
from .policy import Policy

log = logging.getLogger(__name__)


def with_answers(rows: Sequence[dict], gold: dict, dataset: str) -> list[dict]:
    """Rows {id, prompt, response, responses, pred, gold, result}: the first response's final
    answer and whether it matches the gold one (gold is for analysis; no stage trains on it)."""
    out = []
    for r in rows:
        responses = r.get("responses") or [r["response"]]
        pred = extract_answer(responses[0], dataset)
        g = gold.get(r["id"])
        out.append(
            {
                "id": r["id"],
                "prompt": r["prompt"],
                "response": responses[0],
                "responses": responses,
                "pred": pred,
                "gold": g,
                "result": g is not None and is_equiv(pred, g, dataset),
            }
        )
    return out


def generate_rows(
    root: str | Path,
    policy: Policy,
    items: Sequence[tuple[str, str]],
    params: SamplingParams,
    backend: str = "hf",
    batch_size: int = 8,
    tensor_parallel_size: int = 1,
    tag: str = "",
) -> list[dict]:
    """Responses {id, prompt, responses} for (id, prompt) items, cached per policy x prompts x
    sampling x backend; an interrupted run continues from its partial file."""
    sampling = {k: v for k, v in dataclasses.asdict(params).items() if k != "stats"}
    fields = {
        "policy": policy.key(),
        "prompts": stable_hash(list(items)),
        "sampling": sampling,
        "backend": backend,
    }
    folder = runs.artifact_dir(root, "generations", f"{policy.name}-{tag}", fields)
    final, partial = folder / "rows.jsonl", folder / "rows.partial.jsonl"
    if runs.completed(folder) is not None and final.exists():
        return read_jsonl(final)
    runs.start(folder, {**fields, "n": len(items), "policy_name": policy.name})
    done = {r["id"]: r for r in read_jsonl(partial)} if partial.exists() else {}
    todo = [it for it in items if it[0] not in done]
    if todo:
        gen = make_generator(
            backend, policy, batch_size=batch_size, tensor_parallel_size=tensor_parallel_size
        )
        chunk = max(batch_size, 1) * 2  # a kill loses at most one chunk
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            outs = gen.generate([p for _, p in part], params, desc=f"{policy.name} {tag}")
            for (qid, prompt), responses in zip(part, outs):
                done[qid] = {"id": qid, "prompt": prompt, "responses": responses}
            write_jsonl(partial, list(done.values()))
    rows = [done[qid] for qid, _ in items]
    write_jsonl(final, rows)
    runs.finish(folder, {"n": len(rows), "last_stats": params.stats})
    partial.unlink(missing_ok=True)
    return rows


def read_replay(path: str | Path, questions: Sequence[dict], dataset: str) -> list[dict]:
    """Saved generations (the reference's row format: id, prompt, response) for `questions`,
    matched by id; every question must be present."""
    rows = {str(r["id"]): r for r in read_jsonl(path, ["id", "prompt", "response"])}
    missing = [q["id"] for q in questions if str(q["id"]) not in rows]
    if missing:
        raise DataError(
            f"{path}: no rows for {len(missing)} of {len(questions)} questions, e.g. ids {missing[:5]}"
        )
    return [
        {
            "id": q["id"],
            "prompt": rows[str(q["id"])]["prompt"],
            "responses": rows[str(q["id"])].get("responses") or [rows[str(q["id"])]["response"]],
        }
        for q in questions
    ]
