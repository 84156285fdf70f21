"""MATH-style answers: Minerva normalisation (Lewkowycz et al. 2022, with the extras of
docs/REFERENCE.md) and equivalence by sympy under a time limit."""

from __future__ import annotations

import contextlib
import functools
import re
import signal
import threading

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
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


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
    if _THOUSANDS.fullmatch(s):
        s = s.replace(",", "")  # 100,000 -> 100000; a list "3,5,7" stays a list
    s = re.sub(r"^(-?\d+)\.0+$", r"\1", s)  # 5.0 -> 5
    return s.strip().replace(_ROW_BREAK, "\\\\")


class _Timeout(BaseException):
    """A BaseException: the libraries' own broad `except Exception` must not swallow it."""


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


def _is_group(s: str) -> bool:
    """s is one bracketed group: "(1,2]" or "[a, b)", not "(x+1)(x+1)"."""
    if len(s) < 2 or s[0] not in "([" or s[-1] not in ")]":
        return False
    depth = 0
    for i, ch in enumerate(s):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0 and i < len(s) - 1:
            return False
    return True


def _sympy_equal(a: str, b: str, timeout: float) -> bool:
    import sympy

    try:
        with time_limit(timeout):
            return bool(sympy.simplify(_to_sympy(a) - _to_sympy(b)) == 0)
    except (Exception, _Timeout):  # unparsable, not comparable, or too slow: not equal
        return False


def _same(x: str, y: str, timeout: float) -> bool:
    return x == y or symbolic_equal(x, y, timeout)


def symbolic_equal(a: str, b: str, timeout: float = 2.0) -> bool:
    """a and b denote the same value: tuples and intervals element-wise with the same
    brackets, bare comma lists ("3, 5, 7") as multisets, anything else by sympy."""
    _latex_parser()
    if not a or not b:
        return False
    ga, gb = _is_group(a), _is_group(b)
    if ga or gb:
        if not (ga and gb) or a[0] != b[0] or a[-1] != b[-1]:
            return False if (ga and gb) or "," in (a if ga else b) else _sympy_equal(a, b, timeout)
        pa, pb = _split_top_level(a[1:-1]), _split_top_level(b[1:-1])
        if len(pa) == 1:  # "(x+1)" is an expression in parentheses, not a tuple
            return _sympy_equal(a, b, timeout)
        return len(pa) == len(pb) and all(_same(x, y, timeout) for x, y in zip(pa, pb))
    pa, pb = _split_top_level(a), _split_top_level(b)
    if len(pa) > 1 or len(pb) > 1:
        if len(pa) != len(pb):
            return False
        rest = list(pb)
        for x in pa:  # a list of answers: the same elements in any order
            hit = next((i for i, y in enumerate(rest) if _same(x, y, timeout)), None)
            if hit is None:
                return False
            rest.pop(hit)
        return True
    return _sympy_equal(a, b, timeout)


@functools.cache
def _math_verify():
    """math-verify's parse and verify, its grammar warmed outside any time limit."""
    from math_verify import parse, verify

    verify(
        parse("$\\frac{1}{2}$", parsing_timeout=None),
        parse("$0.5$", parsing_timeout=None),
        timeout_seconds=None,
    )
    return parse, verify


def _as_latex(s: str) -> str:
    return s if "$" in s or "\\boxed" in s else f"${s}$"


def math_verify_equal(pred: str, gold: str, timeout: float = 2.0) -> bool:
    """HF math-verify's judgement of two final answers, under one time limit of ours for both
    parses and the comparison (its own signal.alarm timers are off: they fail outside the main
    thread and would cancel ours)."""
    parse, verify = _math_verify()
    try:
        with time_limit(timeout):
            g = parse(_as_latex(gold), parsing_timeout=None)
            p = parse(_as_latex(pred), parsing_timeout=None)
            return bool(g and p and verify(g, p, timeout_seconds=None))
    except (Exception, _Timeout):  # unparsable, not comparable, too slow, or off the main thread
        return False
