"""Examples and the sampling rules every classification source shares.

An example is {"id", "text", "label"}; its id is a hash of its text, the same on every
machine. Corpora without an official split are split by that hash; balancing undersamples
the majority class; halves are the reference's seeded 50/50 split.
"""

from __future__ import annotations

import hashlib
import random

from ...core.fileio import DataError

Example = dict  # {"id": str, "text": str, "label": int}


def example_id(text: str) -> str:
    """Stable id of an example: a hash of its text, the same on every machine and run."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def is_test_by_hash(ex_id: str, test_frac: float = 0.2) -> bool:
    """A fixed train/test split for corpora that have none: the same for every seed."""
    return int(ex_id[:8], 16) / 0xFFFFFFFF < test_frac


def make_example(text: str, label: int) -> Example:
    return {"id": example_id(text), "text": text, "label": int(label)}


def as_label(value, path, lineno, field) -> int:
    if isinstance(value, bool):
        return int(value)
    if str(value).strip().lower() in ("true", "1", "yes"):
        return 1
    if str(value).strip().lower() in ("false", "0", "no"):
        return 0
    raise DataError(f"{path}: line {lineno}: field {field!r} = {value!r}; expected a boolean")


def hash_split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    train = [e for e in examples if not is_test_by_hash(e["id"])]
    test = [e for e in examples if is_test_by_hash(e["id"])]
    return train, test


def dedup(examples: list[Example]) -> list[Example]:
    """Drop repeated texts; a text seen with both labels is dropped entirely."""
    labels: dict[str, set[int]] = {}
    for e in examples:
        labels.setdefault(e["id"], set()).add(e["label"])
    seen, out = set(), []
    for e in examples:
        if len(labels[e["id"]]) == 1 and e["id"] not in seen:
            seen.add(e["id"])
            out.append(e)
    return out


def balance(examples: list[Example], seed: int) -> list[Example]:
    """Undersample the majority class to the minority's count (seeded)."""
    by_label: dict[int, list[Example]] = {}
    for e in examples:
        by_label.setdefault(e["label"], []).append(e)
    if len(by_label) < 2:
        return list(examples)
    n = min(len(v) for v in by_label.values())
    rng = random.Random(seed)
    kept = [e for v in by_label.values() for e in rng.sample(v, n)]
    rng.shuffle(kept)
    return kept


def at_rate(examples: list[Example], pos_frac: float, seed: int) -> list[Example]:
    """Undersample one class so that class 1 makes up `pos_frac` of the examples (seeded)."""
    pos = [e for e in examples if e["label"] == 1]
    neg = [e for e in examples if e["label"] != 1]
    rng = random.Random(seed)
    if len(pos) > pos_frac / (1 - pos_frac) * len(neg):
        pos = rng.sample(pos, round(pos_frac / (1 - pos_frac) * len(neg)))
    else:
        neg = rng.sample(neg, round((1 - pos_frac) / pos_frac * len(pos)))
    kept = pos + neg
    rng.shuffle(kept)
    return kept


def take(examples: list[Example], n: int | None, seed: int) -> list[Example]:
    rng = random.Random(seed)
    shuffled = list(examples)
    rng.shuffle(shuffled)
    return shuffled if n is None else shuffled[:n]


def with_soft_labels(examples: list[Example]) -> list[Example]:
    return [{**e, "soft_label": [1.0 - e["label"], float(e["label"])]} for e in examples]


def split_halves(ds, seed: int):
    """The reference's seeded 50/50 split of the train split: (half 1, half 2)."""
    parts = ds.train_test_split(test_size=0.5, seed=seed)
    return parts["train"], parts["test"]
