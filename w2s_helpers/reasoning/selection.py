"""Stage I: keep the train_2 questions where two models' final answers agree.

Iteration 1 compares the weak model (zero-shot) with the strong model (in context);
iteration 2 the two iteration-1 strong models, SFT'd on the weak and on the icl set (both
zero-shot). Rows are in the reference's format: {id, prompt, response, pred, gold?, result?}.
The training sets: `weak` (the first side's responses on kept questions), `icl` (the second
side's), `hybrid` (both: two rows per question), and the baseline `full_weak` (every
response of the first side).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from ..core.fileio import DataError, read_jsonl
from .answers import DEFAULT_MATH_ANSWER_FORMAT, extract_answer, is_equiv


def read_rows(path: str | Path, dataset: str, answer_format: str = DEFAULT_MATH_ANSWER_FORMAT) -> list[dict]:
    """Generation rows from JSONL, their `pred` derived from `response` (a stored pred is
    ignored: the answer checker of this version decides; answer_format: MATH-style reading)."""
    rows = read_jsonl(path, ["id", "prompt", "response"])
    for r in rows:
        r["pred"] = extract_answer(r["response"], dataset, answer_format)
    check_ids(rows, str(path))
    return rows


def check_ids(rows: Sequence[dict], where: str) -> None:
    seen: dict = {}
    for line, r in enumerate(rows, 1):
        if r.get("id") is None:
            raise DataError(f"{where}: line {line}: missing field 'id'")
        if r["id"] in seen:
            raise DataError(
                f"{where}: line {line}: duplicated id {r['id']!r} (first at line {seen[r['id']]})"
            )
        seen[r["id"]] = line


def by_id(rows: Sequence[dict]) -> dict:
    return {r["id"]: r for r in rows}


def consistent_ids(
    weak: Sequence[dict],
    strong: Sequence[dict],
    dataset: str,
    where: tuple[str, str] = ("weak rows", "strong rows"),
) -> list:
    """Ids (in weak order) whose weak prediction is non-empty and equals the strong one."""
    check_ids(weak, where[0])
    check_ids(strong, where[1])
    w, s = by_id(weak), by_id(strong)
    if set(w) != set(s):
        only_w, only_s = sorted(set(w) - set(s), key=str)[:5], sorted(set(s) - set(w), key=str)[:5]
        raise DataError(
            f"{where[0]} and {where[1]} cover different questions: "
            f"{len(set(w) - set(s))} ids only in the first (e.g. {only_w}), "
            f"{len(set(s) - set(w))} only in the second (e.g. {only_s})"
        )
    return [i for i in w if str(w[i]["pred"]).strip() and is_equiv(w[i]["pred"], s[i]["pred"], dataset)]


def sft_row(r: dict, prompt: str | None = None) -> dict:
    """A prompt-completion row for trl's SFTTrainer (plain template)."""
    return {"id": r["id"], "prompt": prompt or r["prompt"], "completion": " " + r["response"].strip()}


def training_sets(
    weak: Sequence[dict],
    strong: Sequence[dict],
    dataset: str,
    prompts: dict | None = None,
    exclude: Collection = (),
) -> dict[str, list[dict]]:
    """The stage-I sets. Every row pairs a response with the zero-shot prompt of its
    question (`prompts`: id -> prompt; default: the weak row's own, which is zero-shot),
    never the few-shot prompt the strong model answered: demonstrations are not trained on.
    Questions in `exclude` (the demonstrations' own: the strong model can agree by copying
    the answer it was shown) never enter the consistent subset; `full_weak` keeps them."""
    skip = set(exclude)
    kept = [i for i in consistent_ids(weak, strong, dataset) if i not in skip]
    w, s = by_id(weak), by_id(strong)

    def prompt(i):
        return (prompts or {}).get(i) or w[i]["prompt"]

    return {
        "weak": [sft_row(w[i], prompt(i)) for i in kept],
        "icl": [sft_row(s[i], prompt(i)) for i in kept],
        "hybrid": [row for i in kept for row in (sft_row(w[i], prompt(i)), sft_row(s[i], prompt(i)))],
        "full_weak": [sft_row(r, prompt(r["id"])) for r in weak],
    }


def label_accuracy(
    rows: Sequence[dict], gold: dict, dataset: str, answer_format: str = DEFAULT_MATH_ANSWER_FORMAT
) -> float:
    """Fraction of rows whose final answer matches the gold answer of their question."""
    if not rows:
        return float("nan")
    hits = [
        is_equiv(
            extract_answer(r.get("completion", r.get("response", "")), dataset, answer_format),
            gold[r["id"]],
            dataset,
        )
        for r in rows
    ]
    return sum(hits) / len(hits)


def summary(
    sets: dict[str, list[dict]],
    gold: dict | None,
    dataset: str,
    answer_format: str = DEFAULT_MATH_ANSWER_FORMAT,
) -> list[dict]:
    """Size and label accuracy of every constructed set (questions, not rows, for hybrid)."""
    out = []
    for name, rows in sets.items():
        acc = label_accuracy(rows, gold, dataset, answer_format) if gold else float("nan")
        out.append(
            {"set": name, "rows": len(rows), "questions": len({r["id"] for r in rows}), "label_acc": acc}
        )
    return out
