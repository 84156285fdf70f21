"""Final answers of math solutions: extraction, normalisation and equivalence.

GSM8K: the text after the last "####" (else after "The answer is"), its first number,
commas and "$" removed. MATH / OlympicArena: "The answer is: X" or the last \\boxed{X},
then Minerva-style normalisation (Lewkowycz et al. 2022), and equivalence by sympy where
both sides parse, under a time limit; string equality otherwise.
"""

from __future__ import annotations

import contextlib
import functools
import re
import signal
import threading

from .data import last_boxed

NUMERIC = ("gsm8k",)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[:/]\d+)?")  # 12, -3.5, 3/4, 5:40 (clock times occur in gold)


def _after_marker(response: str) -> str | None:
    if "####" in response:
        return response.rsplit("####", 1)[1]
    m = list(re.finditer(r"[Tt]he (?:final )?answer is:?", response))
    return response[m[-1].end() :] if m else None


def extract_gsm8k(response: str) -> str:
    segment = _after_marker(response)
    if segment is None:
        return ""
    segment = segment.split("\n")[0].split("=")[-1]  # "#### 2+7=9" -> "9"
    m = _NUMBER.search(segment.replace(",", "").replace("$", ""))
    return m.group(0) if m else ""


def extract_math(response: str) -> str:
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


def extract_answer(response: str, dataset: str) -> str:
    """The final answer of `response` as a string ("" when there is none)."""
    return extract_gsm8k(response) if dataset in NUMERIC else extract_math(response)


# --- MATH normalisation (Minerva, with the REFERENCE.md extras) ---------------------------

_SUBSTITUTIONS = [
    ("an ", ""),
    ("a ", ""),
    (".$", "$"),
    ("\\$", ""),
    (r"\ ", ""),
    (" ", ""),
    ("mbox", "text"),
    (",\\text{and}", ","),
    ("\\text{and}", ","),
    ("\\text{m}", "\\text{}"),
    ("\\dfrac", "\\frac"),
    ("\\tfrac", "\\frac"),
    ("\\left", ""),
    ("\\right", ""),
    ("\\!", ""),
    ("\\%", ""),
    ("%", ""),
    ("^\\circ", ""),
    ("^{\\circ}", ""),
    ("°", ""),
]
_REMOVED = [
    "square",
    "ways",
    "integers",
    "dollars",
    "mph",
    "inches",
    "ft",
    "hours",
    "km",
    "units",
    "\\ldots",
    "sue",
    "points",
    "feet",
    "minutes",
    "digits",
    "cents",
    "degrees",
    "cm",
    "gm",
    "pounds",
    "meters",
    "meals",
    "edges",
    "students",
    "childrentickets",
    "multiples",
    "\\text{s}",
    "\\text{.}",
    "\\text{\ns}",
    "\\text{}^2",
    "\\text{}^3",
    "\\text{\n}",
    "\\text{}",
    r"\mathrm{th}",
    r"\;",
    r",\!",
    "{,}",
    '"',
    "\\dots",
]


_ROW_BREAK = "\x00"  # protects LaTeX's "\\" (matrix rows) from the "\ " substitution


def normalize_math(answer: str) -> str:
    s = answer.strip().replace("\\\\", _ROW_BREAK)
    if "=" in s and not re.search(r"[<>]|\\le|\\ge", s):
        s = s.split("=")[-1]  # "x = 3" -> "3"
    for before, after in _SUBSTITUTIONS:
        s = s.replace(before, after)
    for expr in _REMOVED:
        if expr.isalpha():  # a unit word, not part of a command or word ("ft" in "\infty")
            s = re.sub(rf"(?<![A-Za-z\\]){expr}(?![A-Za-z])", "", s)
        else:
            s = s.replace(expr, "")
    s = re.sub(r"(.*?)(\$)(.*?)(\$)(.*)", "$\\3$", s)
    for cmd in ("text", "textbf", "mathrm", "overline", "mbox"):
        s = re.sub(r"\\" + cmd + r"\{(.*?)\}", r"\1", s)
    s = re.sub(r"\\boxed\{(.*)\}", r"\1", s)
    s = re.sub(r"(frac)([^{])(.)", r"frac{\2}{\3}", s)  # \frac12 -> \frac{1}{2}
    s = re.sub(r"(sqrt)([^{])", r"sqrt{\2}", s)  # \sqrt2 -> \sqrt{2}
    s = s.replace("$", "")
    if s.replace(",", "").isdigit():
        s = s.replace(",", "")  # 100,000 -> 100000
    s = re.sub(r"^(-?\d+)\.0+$", r"\1", s)  # 5.0 -> 5
    return s.strip().replace(_ROW_BREAK, "\\\\")


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise _Timeout after `seconds` (SIGALRM; outside the main thread, no limit is possible,
    so the caller skips the symbolic check instead)."""
    if threading.current_thread() is not threading.main_thread():
        raise _Timeout

    def handler(signum, frame):
        raise _Timeout

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _split_top_level(s: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    return [*parts, cur]


@functools.cache
def _latex_parser():
    """sympy's LaTeX parser, its grammar and simplify's modules loaded once, outside any time
    limit: the first use takes seconds and must not count against a check's budget."""
    import sympy
    from sympy.parsing.latex import parse_latex

    sympy.simplify(parse_latex("\\sqrt{8}", backend="lark") - parse_latex("\\frac{1}{2}", backend="lark"))
    return parse_latex


def _to_sympy(s: str):
    return _latex_parser()(s, backend="lark")


def symbolic_equal(a: str, b: str, timeout: float = 2.0) -> bool:
    """a and b denote the same value (elementwise for tuples/intervals with equal brackets)."""
    import sympy

    _latex_parser()
    if a[:1] in "([" and b[:1] in "([":
        if a[0] != b[0] or a[-1:] != b[-1:]:
            return False  # an open and a closed interval differ
        pa, pb = _split_top_level(a[1:-1]), _split_top_level(b[1:-1])
        return len(pa) == len(pb) and all(x == y or symbolic_equal(x, y, timeout) for x, y in zip(pa, pb))
    try:
        with time_limit(timeout):
            diff = sympy.simplify(_to_sympy(a) - _to_sympy(b))
            return bool(diff == 0)
    except Exception:  # unparsable, not comparable, or too slow: not equal
        return False


def is_equiv(pred: str, gold: str, dataset: str, timeout: float = 2.0) -> bool:
    """Does the predicted final answer match the gold one?"""
    if pred is None or str(pred).strip() == "":
        return False
    if dataset in NUMERIC:
        p, g = str(pred).replace(",", ""), str(gold).replace(",", "")
        if p == g:
            return True
        try:
            return abs(float(p) - float(g)) < 1e-6  # (fix) "0.50" equals "0.5"
        except ValueError:
            return False
    a, b = normalize_math(str(pred)), normalize_math(str(gold))
    return a == b or symbolic_equal(a, b, timeout)
