"""OlympicArena (Huang et al. 2024): loading with the reference's filters, and the judge.

The reference keeps English problems of six subjects whose answers it can judge (every
answer type but CODE and OT); the hub's `test` split (6,020 such problems, no public
answers) is train_2 and `val` (313) the test. A problem's prompt keeps its instructions
("...end your response with: The final answer is \\boxed{ANSWER}"); the final answer is
the first \\boxed{} and is judged by the problem's answer type.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ..core.fileio import DataError, read_jsonl
from .normalize import symbolic_equal

HUB_ID = "GAIR/OlympicArena"
SUBJECTS = (
    "Math",
    "Physics",
    "Chemistry",
    "Biology",
    "Geography",
    "Astronomy",
)  # the reference leaves out CS
UNJUDGED = ("CODE", "OT")  # code and open-ended (proof) answers: no automatic judge
Loader = Callable[[str, str], Iterable[dict]]


def hub_loader(subject: str, split: str) -> Iterable[dict]:
    from datasets import load_dataset

    return load_dataset(HUB_ID, subject, split=split)


def folder_loader(folder: str | Path) -> Loader:
    """A local copy in the hub's layout: <folder>/<Subject>/<split>.jsonl."""

    def load(subject: str, split: str) -> list[dict]:
        path = Path(folder) / subject / f"{split}.jsonl"
        return read_jsonl(path) if path.exists() else []

    return load


def question_text(row: dict) -> str:
    """The problem with its instructions, as the reference prompts it."""
    return row["prompt"].replace("\n\nproblem:\n", "\n\nQuestion: ").strip()


def to_row(r: dict, with_answer: bool) -> dict:
    gold = None
    if with_answer:
        gold = {
            "answer": list(r.get("answer") or []),
            "answer_type": r.get("answer_type"),
            "type_sequence": r.get("type_sequence") or [],
        }
    return {
        "id": str(r["id"]),
        "question": question_text(r),
        "solution": "",
        "gold": gold,
        "subject": r.get("subject"),
    }


def load_olympicarena(loader: Loader = hub_loader) -> dict[str, list[dict]]:
    """train_2 = the `test` split (answers unused), test = `val`; English, judgeable types."""
    out: dict[str, list[dict]] = {"train_1": []}
    for split, name in (("test", "train_2"), ("val", "test")):
        rows = []
        for subject in SUBJECTS:
            for r in loader(subject, split):
                if r.get("language") == "EN" and r.get("answer_type") not in UNJUDGED:
                    if "prompt" not in r or "id" not in r:
                        raise DataError(
                            f"OlympicArena {subject}/{split}: a row without 'id' or 'prompt': {sorted(r)}"
                        )
                    rows.append(to_row(r, with_answer=name == "test"))
        out[name] = rows
    return out


# --- the judge --------------------------------------------------------------------------------


def extract_boxed(text: str) -> str:
    """Content of the first \\boxed{...}, braces balanced ("" when there is none)."""
    i = text.find("\\boxed{")
    if i < 0:
        return ""
    depth, start = 0, i + len("\\boxed{")
    for j in range(start - 1, len(text)):
        depth += text[j] == "{"
        depth -= text[j] == "}"
        if depth == 0:
            return text[start:j].strip()
    return ""


def normalize(s: str) -> str:
    s = str(s).strip()
    for a, b in (
        ("\\left", ""),
        ("\\right", ""),
        ("$", ""),
        ("^\\circ", ""),
        ("^{\\circ}", ""),
        ("%", ""),
        ("\\%", ""),
    ):
        s = s.replace(a, b)
    for a in ("\\approx", "\\simeq", "\\sim"):
        s = s.replace(a, "=")
    for cmd in ("mathrm", "mathbf", "text", "textbf"):
        s = re.sub(r"\\" + cmd + r"\{~?([^{}]*)\}", r"\1", s)
    s = re.sub(r"(frac)([^{])(.)", r"frac{\2}{\3}", s)
    s = re.sub(r"(sqrt)([^{])", r"sqrt{\2}", s)
    return s.strip()


def _letters(s: str) -> set[str]:
    """Option letters: the stand-alone capitals ("A, C" or "AC" -> {A, C})."""
    alone = re.findall(r"\b([A-Z])\b", s)
    return set(alone) if alone else set(s) if re.fullmatch(r"[A-Z]+", s) else set()


def _first_letter(s: str) -> str:
    m = re.search(r"\b([A-Z])\b", s) or re.search(r"[A-Z]", s)
    return m.group(1) if m and m.groups() else (m.group(0) if m else "")


def _number_equal(a: str, b: str) -> bool:
    try:
        x, y = float(a.replace(",", "")), float(b.replace(",", ""))
    except ValueError:
        return False
    return abs(x - y) <= 1e-5 * max(1.0, abs(y))


def _equal(pred: str, gold: str, kind: str | None, timeout: float) -> bool:
    pred, gold = normalize(pred), normalize(gold)
    if not pred:
        return False
    if kind == "SC":
        return pred == gold or (bool(_first_letter(pred)) and _first_letter(pred) == _first_letter(gold))
    if kind == "MC":
        return bool(_letters(pred)) and _letters(pred) == _letters(gold)
    if kind == "TF" or gold in ("True", "False"):
        return pred.strip(".").lower() == gold.lower()
    if pred == gold or _number_equal(pred, gold):
        return True
    if kind in (None, "SC", "MC") and re.fullmatch(r"[A-Z](,\s*[A-Z])*", gold):
        return _letters(pred) == _letters(gold)
    if kind in ("EX", "EQ", None) and "=" in pred and "=" in gold and kind != "EQ":
        pred, gold = pred.split("=")[-1], gold.split("=")[-1]
    return symbolic_equal(pred.replace(" ", ""), gold.replace(" ", ""), timeout)


def judge(pred: str, gold, timeout: float = 2.0) -> bool:
    """Is `pred` (a boxed answer) right? `gold` is a row's {answer, answer_type,
    type_sequence}, or another prediction (a string: the type is then guessed)."""
    if isinstance(gold, str):
        try:
            gold = json.loads(gold) if gold.startswith("{") else gold
        except json.JSONDecodeError:
            pass
    if isinstance(gold, str):
        return _equal(pred, gold, None, timeout)
    answers, kind, seq = gold.get("answer") or [], gold.get("answer_type"), gold.get("type_sequence") or []
    if not answers:
        return False
    if len(answers) > 1 or seq:  # several quantities: one per answer, in order (MPV) or any order (MA)
        parts = [p.strip() for p in normalize(pred).split(",")]
        if len(parts) != len(answers):
            return False
        kinds = seq if len(seq) == len(answers) else [None] * len(answers)
        if kind == "MA":
            rest = list(zip(answers, kinds))
            for p in parts:
                hit = next((i for i, (a, k) in enumerate(rest) if _equal(p, a, k, timeout)), None)
                if hit is None:
                    return False
                rest.pop(hit)
            return True
        return all(_equal(p, a, k, timeout) for p, a, k in zip(parts, answers, kinds))
    return _equal(pred, answers[0], kind, timeout)
