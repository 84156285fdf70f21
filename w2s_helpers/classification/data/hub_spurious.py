"""Spurious-cue variants of hub tasks (the EleutherAI w2s peer's `underspec` branch).

Each shows a prompt in which an easier feature than the ground truth is salient (the
review's title, the word "good", the excuse without its scenario, whether the passage
contains the answer), so a weak supervisor that learns the cue and a student that imitates
it can be told apart from one that learns the task. The label is the ground truth unless a
docstring says otherwise.
"""

from __future__ import annotations

import random

from .examples import Example, make_example
from .hub_eleuther import sciq_answer

_PRAISE = ("good", "great")


def ethics_deontology_excuse_only_example(row: dict, rng: random.Random) -> Example:
    """The excuse without its scenario; label 1 = valid excuse in the (unseen) scenario."""
    return make_example(f'Q: Is "{row["excuse"]}" a morally valid excuse?\n\nA:', row["label"])


def has_support(row: dict) -> bool:
    """sciq rows with a non-blank supporting passage (some rows have none)."""
    return bool(row["support"].strip())


def sciq_support_contains_example(row: dict, rng: random.Random) -> Example:
    """sciq's coin flip, asked as "does the passage contain the answer?"; the label is
    still whether the answer is correct, not whether the passage contains it. Rows
    without support are dropped (`has_support`)."""
    answer, label = sciq_answer(row, rng)
    text = f'{row["question"]}\n\n>>>{row["support"]}\n\nDoes the quoted text contain "{answer}"?'
    return make_example(text, label)


def _misleading_text(row: dict) -> str:
    return f'{row["title"]} {row["content"]}\n\nDoes this review say the product was "good" or "great"?'


def amazon_polarity_misleading_example(row: dict, rng: random.Random) -> Example:
    """The review, asked whether it says "good" or "great"; label 1 = positive review."""
    return make_example(_misleading_text(row), row["label"])


def praises(row: dict) -> bool:
    """Whether "good" or "great" occurs in the title or content, as a substring of any
    word ("goodness" counts) and in any case."""
    return any(w in row["title"].lower() or w in row["content"].lower() for w in _PRAISE)


def amazon_polarity_misleading_weak_example(row: dict, rng: random.Random) -> Example:
    """The misleading prompt labelled by the cue itself: label 1 = `praises(row)`."""
    return make_example(_misleading_text(row), praises(row))


def amazon_polarity_title_only_example(row: dict, rng: random.Random) -> Example:
    """The title alone; label 1 = positive review."""
    return make_example(f"{row['title']}\n\nIs this review positive?", row["label"])


def amazon_polarity_look_at_title_example(row: dict, rng: random.Random) -> Example:
    """The whole review, asked what its title alone suggests; label 1 = positive review."""
    text = (
        f'{row["content"]}\n\nAbove is a review titled "{row["title"]}". Based only on the '
        "title, would you expect that the reviewer liked the product?"
    )
    return make_example(text, row["label"])
