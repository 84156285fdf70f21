"""Hub sources: the binarisation rules of the original hub tasks (pure functions, tested on
hand-made rows in the hub's format). The EleutherAI peer's extra tasks are in `hub_eleuther`,
its spurious-cue variants in `hub_spurious`, and where a split's rows come from (the hub or
a local mirror) in `hub_source`."""

from __future__ import annotations

import random

from .examples import Example, make_example
from .offline import boolq_text


def sciq_example(row: dict, rng: random.Random) -> Example:
    """Coin flip: the correct answer (1) or a random distractor (0)."""
    if rng.random() < 0.5:
        return make_example(f"Q: {row['question']} A: {row['correct_answer']}", 1)
    wrong = rng.choice([row["distractor1"], row["distractor2"], row["distractor3"]])
    return make_example(f"Q: {row['question']} A: {wrong}", 0)


def cosmos_qa_example(row: dict, rng: random.Random) -> Example:
    """Coin flip between the true answer and a random wrong one; a true answer of
    'None of the above choices .' is always shown as label 0 (it is not a real answer)."""
    answers = [row[f"answer{i}"] for i in range(4)]
    true = answers[int(row["label"])]
    wrong = [a for i, a in enumerate(answers) if i != int(row["label"])]
    use_true = rng.random() < 0.5 and true != "None of the above choices ."
    shown = true if use_true else rng.choice(wrong)
    text = f"Context: {row['context']}\nQuestion: {row['question']}\nAnswer: {shown}"
    return make_example(text, int(use_true))


def amazon_polarity_example(row: dict, rng: random.Random) -> Example:
    return make_example(f"{row['title']} {row['content']}", row["label"])


def boolq_hub_example(row: dict, rng: random.Random) -> Example:
    return make_example(boolq_text(row["passage"], row["question"]), bool(row["answer"]))


def sst2_example(row: dict, rng: random.Random) -> Example:
    return make_example(row["sentence"], row["label"])


def anthropic_hh_example(row: dict, rng: random.Random) -> Example:
    """The reference's single form: chosen (1) OR rejected (0) alone (models sit at chance)."""
    if rng.random() < 0.5:
        return make_example(row["chosen"], 1)
    return make_example(row["rejected"], 0)


def anthropic_hh_pairwise_example(row: dict, rng: random.Random) -> Example:
    """Both responses shown in random order; label 1 when response A is the chosen one."""
    a_chosen = rng.random() < 0.5
    a, b = (row["chosen"], row["rejected"]) if a_chosen else (row["rejected"], row["chosen"])
    return make_example(f"Response A:\n{a}\n\nResponse B:\n{b}", int(a_chosen))
