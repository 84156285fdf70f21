"""The statistics both flows report: performance gap recovered and a proportion's interval.
No numpy or torch: report modules and tests use these as plain functions."""

from __future__ import annotations

import math


def pgr(weak: float, strong: float, transfer: float) -> float:
    """Performance gap recovered, (transfer - weak) / (strong - weak): `weak` is the weak
    supervisor's (or floor's) score, `strong` the strong model's ceiling, `transfer` the
    student's (or method's). NaN where undefined: a NaN input, or a ceiling not above the
    weak score (weak == strong, say); above 1 and below 0 are allowed."""
    if any(map(math.isnan, (weak, strong, transfer))) or not strong > weak:
        return float("nan")
    return (transfer - weak) / (strong - weak)


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (sound near 0 and 1, unlike the normal one)."""
    if n == 0:
        return float("nan"), float("nan")
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)
