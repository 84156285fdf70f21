"""Answer equivalence against the reference: the hand-written checker, HF math-verify, and the
combination `is_equiv` uses, counted per source.

Sources (the reference's files under ../shared/data/gair; a source whose file is absent is skipped):

  gsm8k outputs    the Llama2-7b weak model's GSM8K train_2 answers with the reference's stored
                   result: agreement = the checker says what the stored result says
  math stage-I     the reference's Llama2-7b MATH iter-1 weak and ICL sets (334 questions each),
                   which its rule found to share a final answer: answers read off each row's
                   "The answer is:" line; agreement = judged equal
  math stage-I x   the same answers against the next question's ICL answer: judged unequal,
                   unless both normalise to the same string
  math500 golds    each MATH500 gold against itself (must be equal) and against the next gold
                   (unequal unless the same string after normalisation)
  hand-made        MATH forms written here with the expected verdict

    .venv/bin/python bench/bench_equivalence.py [--gair ../shared/data/gair] [--show]

--show lists the cases where a checker disagrees. Checkers:

  hand          normalisation (`normalize_math`) + the sympy comparison (`symbolic_equal`)
  math-verify   math_verify.verify(parse(gold), parse(pred)) on the raw strings
  adopted       `is_equiv` as it stands (with dataset "gsm8k" on the GSM8K outputs: numeric)
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from w2s_helpers.reasoning.answers import _lone_letter, extract_answer, is_equiv
from w2s_helpers.reasoning.normalize import math_verify_equal, normalize_math, symbolic_equal

REPO = Path(__file__).resolve().parents[1]

# (pred, gold, equal?): forms MATH answers take in model outputs
HAND_MADE = [
    ("\\frac{1}{2}", "0.5", True),
    ("\\dfrac{1}{2}", "\\frac12", True),
    ("\\frac{3}{4}", "\\frac{4}{3}", False),
    ("5 \\text{ cm}", "5", True),
    ("\\text{10 inches}", "10", True),
    ("50\\%", "50", True),
    ("(1, 2]", "(1,2]", True),
    ("(1,2)", "[1,2]", False),
    ("(-\\infty, 3)", "(-\\infty,3)", True),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}1\\\\2\\end{pmatrix}", True),
    ("\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix}2\\\\1\\end{pmatrix}", False),
    ("\\left( 3, \\frac{\\pi}{2} \\right)", "(3,\\frac{\\pi}{2})", True),
    ("(3, \\frac{\\pi}{2})", "(\\frac{\\pi}{2}, 3)", False),
    ("x = 3", "3", True),
    ("3, 5, 7", "7, 5, 3", True),
    ("3, 5", "3, 5, 7", False),
    ("B", "b", True),
    ("\\text{(B)}", "B", True),
    ("x + Y", "x + y", False),
    ("10\\sqrt{2}", "\\sqrt{200}", True),
    ("118^\\circ", "118", True),
    ("\\text{Alice}", "Alice", True),
    ("x^2+2x+1", "(x+1)^2", True),
    ("(x+1)(x+1)", "(x+1)^2", True),
    ("100,000", "100000", True),
    ("5.0", "5", True),
    ("\\$18.90", "18.90", True),
    ("0.3333", "\\frac{1}{3}", False),
    ("\\frac{\\sqrt{3}}{2}", "\\frac{1}{2}\\sqrt{3}", True),
    ("2\\pi", "6.28", False),
    ("x \\in [2, 5)", "[2,5)", True),
    ("1 \\le x \\le 3", "[1, 3]", True),
    ("\\{1, 2\\}", "\\{2, 1\\}", True),
    ("\\text{even}", "\\text{odd}", False),
    ("y = 2x + 3", "2x+3", True),
    ("\\infty", "\\infty", True),
    ("", "0", False),
]


def hand(pred: str, gold: str) -> bool:
    """The hand-written checker: Minerva normalisation, then strings or sympy."""
    if not str(pred).strip():
        return False
    a, b = normalize_math(pred), normalize_math(gold)
    if _lone_letter(a) is not None and _lone_letter(a) == _lone_letter(b):
        return True
    return bool(a) and (a == b or symbolic_equal(a, b))


def math_verify(pred: str, gold: str) -> bool:
    return bool(str(pred).strip()) and math_verify_equal(pred, gold)


def adopted(pred: str, gold: str, dataset: str = "math") -> bool:
    return is_equiv(pred, gold, dataset)


CHECKERS: dict[str, Callable[[str, str], bool]] = {
    "hand": hand,
    "math-verify": math_verify,
    "adopted": adopted,
}


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open()]


def sources(gair: Path) -> dict[str, list[tuple[str, str, bool]]]:
    out: dict[str, list[tuple[str, str, bool]]] = {}
    gsm = gair / "outputs" / "gsm8k_train_2" / "llama2_7b_zero_shot.jsonl"
    if gsm.exists():
        out["gsm8k outputs"] = [(str(r["pred"]), str(r["gold"]), bool(r["result"])) for r in _jsonl(gsm)]
    weak = gair / "llama_factory" / "math" / "train_math_llama2_7b_iter1_weak.json"
    icl = weak.with_name("train_math_llama2_7b_iter1_icl.json")
    if weak.exists() and icl.exists():
        w = [extract_answer(r["output"], "math", "answer_line") for r in json.loads(weak.read_text())]
        i = [extract_answer(r["output"], "math", "answer_line") for r in json.loads(icl.read_text())]
        out["math stage-I"] = [(a, b, True) for a, b in zip(w, i)]
        nxt = i[1:] + i[:1]
        out["math stage-I x"] = [(a, b, normalize_math(a) == normalize_math(b)) for a, b in zip(w, nxt)]
    m500 = gair / "raw" / "math" / "test.jsonl"
    if m500.exists():
        golds = [r["answer"] for r in _jsonl(m500)]
        out["math500 golds"] = [(g, g, True) for g in golds]
        nxt = golds[1:] + golds[:1]
        out["math500 golds x"] = [(a, b, normalize_math(a) == normalize_math(b)) for a, b in zip(golds, nxt)]
    out["hand-made"] = HAND_MADE
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gair", default=str(REPO.parent / "shared" / "data" / "gair"))
    ap.add_argument("--show", action="store_true", help="list each disagreement")
    ap.add_argument("--only", nargs="*", default=[], help="these sources only (by name)")
    args = ap.parse_args()
    hand("1", "1"), math_verify("1", "1")  # grammars loaded outside the timings
    rows = []
    for name, cases in sources(Path(args.gair)).items():
        if name not in args.only and args.only:
            continue
        cells = [name, str(len(cases))]
        for cname, check in CHECKERS.items():
            t = time.perf_counter()
            dataset = "gsm8k" if name.startswith("gsm8k") else "math"
            verdicts = [adopted(p, g, dataset) if check is adopted else check(p, g) for p, g, _ in cases]
            ms = 1000 * (time.perf_counter() - t) / max(len(cases), 1)
            agree = sum(v == want for v, (_, _, want) in zip(verdicts, cases))
            cells.append(f"{agree} ({ms:.1f} ms)")
            if args.show:
                for v, (p, g, want) in zip(verdicts, cases):
                    if v != want:
                        print(f"  [{name}] {cname} says {v}, expected {want}: {p!r} vs {g!r}")
        rows.append(cells)
        print(" | ".join(cells), flush=True)
    header = ["source", "n", *(f"{c} agrees (per check)" for c in CHECKERS)]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for r in [header, ["-" * w for w in widths], *rows]:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths)))


if __name__ == "__main__":
    main()
