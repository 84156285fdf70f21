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
from ..core.compute import resolve_dtype
from ..core.fileio import DataError, read_jsonl, write_jsonl
from ..core.hashing import stable_hash
from .answers import DEFAULT_MATH_ANSWER_FORMAT, extract_answer, is_equiv
from .generation.backends import make_generator
from .generation.base import SamplingParams
from .policy import Policy

log = logging.getLogger(__name__)


def with_answers(
    rows: Sequence[dict], gold: dict, dataset: str, answer_format: str = DEFAULT_MATH_ANSWER_FORMAT
) -> list[dict]:
    """Rows {id, prompt, response, responses, pred, gold, result}: the first response's final
    answer (MATH-style: read as `answer_format` says) and whether it matches the gold one
    (gold is for analysis; no stage trains on it)."""
    out = []
    for r in rows:
        responses = r.get("responses") or [r["response"]]
        pred = extract_answer(responses[0], dataset, answer_format)
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
    dtype: str = "auto",
) -> list[dict]:
    """Responses {id, prompt, responses} for (id, prompt) items, cached per policy x prompts x
    sampling x backend x arithmetic (what "auto" resolved to: a bf16 and an fp32 run write
    different answers); an interrupted run continues from its partial file."""
    fields = {
        "policy": policy.key(),
        "prompts": stable_hash(list(items)),
        "sampling": dataclasses.asdict(params),
        "backend": backend,
        "dtype": resolve_dtype(dtype),
    }
    folder = runs.artifact_dir(root, "generations", f"{policy.name}-{tag}", fields)
    final, partial = folder / "rows.jsonl", folder / "rows.partial.jsonl"
    if runs.completed(folder) is not None and final.exists():
        return read_jsonl(final)
    runs.start(folder, {**fields, "n": len(items), "policy_name": policy.name})
    done = {r["id"]: r for r in read_jsonl(partial)} if partial.exists() else {}
    todo = [it for it in items if it[0] not in done]
    last_stats: dict = {}
    if todo:
        gen = make_generator(
            backend, policy, batch_size=batch_size, tensor_parallel_size=tensor_parallel_size, dtype=dtype
        )
        chunk = max(batch_size, 1) * 4  # a kill loses at most one chunk
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            out = gen.generate(
                [p for _, p in part], params, keys=[q for q, _ in part], desc=f"{policy.name} {tag}"
            )
            for (qid, prompt), responses in zip(part, out.texts):
                done[qid] = {"id": qid, "prompt": prompt, "responses": responses}
            last_stats = out.stats
            write_jsonl(partial, list(done.values()))
    rows = [done[qid] for qid, _ in items]
    write_jsonl(final, rows)
    runs.finish(folder, {"n": len(rows), "last_stats": last_stats})
    partial.unlink(missing_ok=True)
    return rows


def _positional(rows: list[dict], prompts: Sequence[str]) -> list[dict | None] | None:
    """Rows keyed by position (the reference's derived files number train_2's rows 0..N-1),
    accepted only if every row's prompt is its position's prompt."""
    found: list[dict | None] = [None] * len(prompts)
    for r in rows:
        i = r["id"]
        if not isinstance(i, int) or not 0 <= i < len(prompts) or r["prompt"].strip() != prompts[i].strip():
            return None
        found[i] = r
    return found


def read_replay(
    path: str | Path, questions: Sequence[dict], prompts: Sequence[str], allow_missing: bool = False
) -> tuple[list[dict], str]:
    """Saved generations (the reference's row format: id, prompt, response) for `questions`,
    matched by id; else by position, where the ids are row numbers and every prompt agrees
    (the reference releases positional ids 0..N-1 while its splits use `gsm8k_N`); else by
    prompt text (`prompts[i]` is question i's zero-shot prompt; a repeated question takes its
    rows in order); else an error. With allow_missing, a question with no row gets an empty
    response (no answer). Returns the rows and how they were matched."""
    rows = read_jsonl(path, ["id", "prompt", "response"])
    by_id = {str(r["id"]): r for r in rows}
    by_prompt: dict[str, list[dict]] = {}
    for r in rows:
        by_prompt.setdefault(r["prompt"].strip(), []).append(r)
    n_id = sum(str(q["id"]) in by_id for q in questions)
    n_prompt = sum(p.strip() in by_prompt for p in prompts)
    need = 1 if allow_missing else len(questions)
    if n_id >= need and n_id >= n_prompt:
        found, how = [by_id.get(str(q["id"])) for q in questions], "id"
    elif (positional := _positional(rows, prompts)) is not None and sum(
        r is not None for r in positional
    ) >= need:
        found, how = positional, "position (row numbers whose prompts agree)"
    elif n_prompt >= need:
        queues = {k: list(v) for k, v in by_prompt.items()}
        found = [queues[p.strip()].pop(0) if queues.get(p.strip()) else None for p in prompts]
        how = "prompt"
    else:
        raise DataError(
            f"{path}: matches {n_id} of {len(questions)} questions by id and {n_prompt} by prompt text; "
            f"expected all of them (ids like {questions[0]['id']!r}, prompts like {prompts[0][:40]!r})"
        )
    missing = sum(r is None for r in found)
    if missing and not allow_missing:
        raise DataError(f"{path}: no rows for {missing} of {len(questions)} questions (matched by {how})")
    out = [
        {"id": q["id"], "prompt": p, "responses": (r.get("responses") or [r["response"]]) if r else [""]}
        for q, p, r in zip(questions, prompts, found)
    ]
    return out, f"{how}, {len(questions) - missing} of {len(questions)} questions"
