"""Final answers of math solutions: extraction and equivalence.

Numeric datasets (GSM8K and the word-problem sets): the text after the last "####" (else
after "The answer is"), its first number, commas and "$" removed; on the "####" line a
value after a trailing "=" wins ("#### 2+7=9" is 9). MATH: "The answer is: X" or the last
\\boxed{X}, normalised and compared by sympy (see `normalize`). OlympicArena: the first
\\boxed{X}, judged by its answer type (see `olympic`). `is_equiv` never raises: an answer
that cannot be judged is not equal.
"""

from __future__ import annotations

import logging
import re

from .data import MATH_ANSWER_FORMATS, NUMERIC, last_boxed
from .normalize import math_verify_equal, normalize_math

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[:/]\d+)?")  # 12, -3.5, 3/4, 5:40 (clock times occur in gold)
_GSM8K_ANSWER_IS = re.compile(r"[Tt]he (?:final )?answer is:?")


def extract_gsm8k(response: str) -> str:
    if "####" in response:
        line = response.rsplit("####", 1)[1].split("\n")[0]
        line = line.split("=")[-1]  # "#### 2+7=9" -> "9": only on the "####" line
    else:
        m = list(_GSM8K_ANSWER_IS.finditer(response))
        if not m:
            return ""
        line = response[m[-1].end() :].split("\n")[0]  # "The answer is 5 (since 2 x 3 = 6)" -> 5
    m = _NUMBER.search(line.replace(",", "").replace("$", ""))
    return m.group(0) if m else ""


DEFAULT_MATH_ANSWER_FORMAT = "answer_line"  # the reference's, and the config's default
_ANSWER_LINE = re.compile(r"The answer is: (.*)$")  # `$` without MULTILINE: on the last line only
_ANSWER_IS = re.compile(r"The answer is (.*)$")
_FIRST_NUMBER = re.compile(r"-?\d+\.?\d*")


def extract_answer_line(response: str) -> str:
    """The reference's MATH reading: the text after "The answer is: " on the response's last
    line (a run-on "Question..." cut first); failing that, the first number after "The answer
    is " there. A \\boxed{} alone is not an answer."""
    text = response.split("Question")[0].strip()
    found = _ANSWER_LINE.findall(text)
    if found:
        pred = found[-1]
    else:
        tail = _ANSWER_IS.findall(text)
        numbers = _FIRST_NUMBER.findall(tail[-1].replace(",", "")) if tail else []
        pred = numbers[0].rstrip(".") if numbers else ""
    return pred.removesuffix("</s>").strip()


def extract_last_box(response: str) -> str:
    """The box reading (the option for rows that end in the raw solution's \\boxed{}): after
    the last "The answer is", its box or its line; with no such phrase, the last box."""
    m = list(re.finditer(r"[Tt]he (?:final )?answer is:?\s*", response))
    if m:
        tail = response[m[-1].end() :].strip()
        boxed = last_boxed(tail)
        if boxed is not None:
            return boxed.strip()
        tail = tail.split("\n")[0].strip()
        if tail.startswith("$") and tail.count("$") >= 2:
            tail = tail[1 : tail.index("$", 1)]
        return tail.rstrip(".").strip()
    boxed = last_boxed(response)
    return boxed.strip() if boxed is not None else ""


def extract_math(response: str, answer_format: str = DEFAULT_MATH_ANSWER_FORMAT) -> str:
    """A MATH-style final answer: "answer_line" reads the last line's "The answer is: X",
    "boxed" the last \\boxed{X} (a run passes its config's `math_answer_format`)."""
    if answer_format not in MATH_ANSWER_FORMATS:
        raise ValueError(f"math_answer_format: {answer_format!r}; expected one of {MATH_ANSWER_FORMATS}")
    return extract_last_box(response) if answer_format == "boxed" else extract_answer_line(response)


def extract_answer(response: str, dataset: str, answer_format: str = DEFAULT_MATH_ANSWER_FORMAT) -> str:
    """The final answer of `response` as a string ("" when there is none). answer_format
    (MATH-style datasets only; others ignore it): "answer_line" | "boxed"."""
    if dataset == "olympicarena":
        from .olympic import extract_boxed

        return extract_boxed(response)
    return extract_gsm8k(response) if dataset in NUMERIC else extract_math(response, answer_format)


def _numeric_equal(pred: str, gold: str) -> bool:
    p, g = pred.replace(",", ""), gold.replace(",", "")
    if p == g:
        return True
    try:
        return abs(float(p) - float(g)) < 1e-6  # (fix) "0.50" equals "0.5"
    except ValueError:
        return False


_LONE_LETTER = re.compile(r"\(?([A-Za-z])\)?")


def _lone_letter(s: str) -> str | None:
    """The letter of a multiple-choice answer ("B", "(b)"), lower-cased; None for anything else."""
    m = _LONE_LETTER.fullmatch(s)
    return m.group(1).lower() if m else None


def _unescape_dollar(s: str) -> str:
    return s.replace("\\$", "")  # "\\$18.90": math-verify reads no escaped currency sign


def is_equiv(pred: str, gold, dataset: str, timeout: float = 2.0) -> bool:
    """Does the predicted final answer match the gold one? Never raises. A lone letter (a
    multiple-choice answer) matches in either case, as the reference's grader; anything
    longer keeps its case ("x + Y" is not "x + y")."""
    if pred is None or str(pred).strip() == "" or gold is None:
        return False
    try:
        if dataset in NUMERIC:
            return _numeric_equal(str(pred), str(gold))
        if dataset == "olympicarena":
            from .olympic import judge

            return judge(str(pred), gold, timeout=timeout)
        a, b = normalize_math(str(pred)), normalize_math(str(gold))
        if _lone_letter(a) is not None and _lone_letter(a) == _lone_letter(b):
            return True
        if not a or a == b:  # the reference's rule (units, \\text, "x = 3") decides first
            return bool(a)
        if a.lower() == b.lower():  # math-verify is case-blind: "x + Y" is not "x + y"
            return False
        return math_verify_equal(_unescape_dollar(str(pred)), _unescape_dollar(str(gold)), timeout)
    except Exception as e:  # a checker bug must not end a stage: log it, count it wrong
        log.warning("is_equiv(%r, %r, %s) failed: %s", pred, gold, dataset, e)
        return False
