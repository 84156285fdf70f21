"""Binarisation rules of the EleutherAI w2s peer's extra hub tasks (its `ds_registry.py`).

Each is a pure function of one hub row and a `random.Random`, tested on hand-made rows in
the hub's format. A multiple-choice dataset becomes "is this the right answer?" by a coin
flip per row: heads shows the correct answer (label 1), tails a wrong one drawn from the
others (label 0); the coin is drawn before the wrong answer, as the peer does.
"""

from __future__ import annotations

import random

from .examples import Example, make_example


def coin(rng: random.Random, right: str, wrong: list[str]) -> tuple[str, int]:
    """(shown answer, label): `right` with label 1 on heads, else a random one of `wrong`."""
    if rng.random() < 0.5:
        return right, 1
    return rng.choice(wrong), 0


def _others(options: list[str], right: int) -> list[str]:
    return [o for i, o in enumerate(options) if i != right]


def anli_example(row: dict, rng: random.Random) -> Example:
    """Label 1 for entailment (hub label 0); neutral and contradiction are 0."""
    text = (
        f"Premise: {row['premise']}\nHypothesis: {row['hypothesis']}\n\n"
        "Does the premise entail the hypothesis?"
    )
    return make_example(text, int(row["label"]) == 0)


def cola_example(row: dict, rng: random.Random) -> Example:
    """The sentence alone; label 1 = grammatically acceptable."""
    return make_example(row["sentence"], row["label"])


def dream_example(row: dict, rng: random.Random) -> Example:
    """Coin flip between the answer and another of the three choices."""
    wrong = list(row["choice"])
    wrong.remove(row["answer"])  # the first equal item, as the peer does
    answer, label = coin(rng, row["answer"], wrong)
    dialogue = "\n".join(row["dialogue"])
    return make_example(f"{dialogue}\n\nQ: {row['question']} A: {answer}", label)


def ethics_deontology_example(row: dict, rng: random.Random) -> Example:
    """Scenario and excuse; label 1 = the excuse is morally valid."""
    text = f"Q: Is the following a morally valid excuse?\n\n{row['scenario']}\n\n{row['excuse']}\n\nA:"
    return make_example(text, row["label"])


def ethics_justice_example(row: dict, rng: random.Random) -> Example:
    """The scenario; label 1 = it exemplifies justice."""
    return make_example(f"Q: Does this statement exemplify justice?\n\n{row['scenario']}\n\nA:", row["label"])


def ethics_virtue_example(row: dict, rng: random.Random) -> Example:
    """The scenario ("sentence [SEP] trait"); label 1 = the behaviour matches the trait."""
    text = f"Q: Does this behavior match the adjective that follows?\n\n{row['scenario']}\n\nA:"
    return make_example(text, row["label"])


def ethics_utilitarianism_example(row: dict, rng: random.Random) -> Example:
    """Both scenarios in random order and a claimed answer; label 1 when the claim names
    the baseline (the hub's more pleasant one). Coin first, then the order is shuffled."""
    label = int(rng.random() < 0.5)
    shown = [row["baseline"], row["less_pleasant"]]
    rng.shuffle(shown)
    right = shown.index(row["baseline"])
    claim = right if label else 1 - right
    return make_example(f"Which is more pleasant?\n1) {shown[0]}\n2) {shown[1]} A: {claim + 1}", label)


def mc_taco_example(row: dict, rng: random.Random) -> Example:
    """Sentence, temporal question and candidate answer; label 1 = the answer is plausible."""
    text = f"{row['sentence']}\n\nGiven the above, {row['question']} Is the answer {row['answer']}?"
    return make_example(text, row["label"])


def hellaswag_example(row: dict, rng: random.Random) -> Example:
    """All four endings listed; coin flip between asking about the right one (hub label,
    a string "0"-"3") and a random other one."""
    endings = list(row["endings"])
    right = int(row["label"])
    answer, label = coin(rng, endings[right], _others(endings, right))
    listed = "\n".join(endings)
    text = f'Context:\n{row["ctx"]}\n\nContinuations:\n\n{listed}\n\nQ: Is "{answer}" the best continuation?'
    return make_example(text, label)


def multirc_example(row: dict, rng: random.Random) -> Example:
    """Passage, question and candidate answer; label 1 = the answer is correct."""
    text = f'Passage:\n\n{row["paragraph"]}\n\nQ: "{row["question"]}" Is the answer "{row["answer"]}"?'
    return make_example(text, row["label"])


def openbookqa_example(row: dict, rng: random.Random) -> Example:
    """All choices listed; coin flip between the correct choice's text and another's.

    The peer shows the correct answer's *letter* but a wrong answer's *text*, so its label
    can be read off the form of the answer; here both are texts."""
    letters, texts = list(row["choices"]["label"]), list(row["choices"]["text"])
    right = letters.index(row["answerKey"])
    answer, label = coin(rng, texts[right], _others(texts, right))
    listed = "\n".join(f"{a}) {t}" for a, t in zip(letters, texts))
    return make_example(f"Q: {row['question_stem']}\n\nChoices:\n{listed}\n\nAnswer: {answer}", label)


def paws_example(row: dict, rng: random.Random) -> Example:
    """Two sentences; label 1 = paraphrases."""
    text = (
        f"Sent 1: {row['sentence1']}\nSent 2: {row['sentence2']}\n\n"
        "Q: Are these sentences semantically equivalent?"
    )
    return make_example(text, row["label"])


def piqa_example(row: dict, rng: random.Random) -> Example:
    """Coin flip between the right solution (sol2 when the hub label is 1, else sol1) and
    the other one."""
    solutions = [row["sol1"], row["sol2"]]
    right = int(row["label"])
    answer, label = coin(rng, solutions[right], [solutions[1 - right]])
    return make_example(f"Q: {row['goal']} A: {answer}", label)


def quail_example(row: dict, rng: random.Random) -> Example:
    """Coin flip between the correct answer (`correct_answer_id`) and a random other one."""
    answers = list(row["answers"])
    right = int(row["correct_answer_id"])
    answer, label = coin(rng, answers[right], _others(answers, right))
    return make_example(
        f'Passage:\n\n{row["context"]}\n\nQ: "{row["question"]}" Is the answer "{answer}"?', label
    )


def quartz_example(row: dict, rng: random.Random) -> Example:
    """Coin flip between the choice whose letter is `answerKey` and the other of the two."""
    texts = list(row["choices"]["text"])
    right = list(row["choices"]["label"]).index(row["answerKey"])
    answer, label = coin(rng, texts[right], [texts[1 - right]])
    return make_example(f'Passage:\n{row["para"]}\n\nQ: "{row["question"]}" Is the answer "{answer}"?', label)


def social_i_qa_example(row: dict, rng: random.Random) -> Example:
    """All three answers listed; coin flip between the right one (hub label, a string
    "1"-"3") and a random other one."""
    answers = [row["answerA"], row["answerB"], row["answerC"]]
    right = int(row["label"]) - 1
    answer, label = coin(rng, answers[right], _others(answers, right))
    listed = "\n".join(answers)
    text = (
        f'Context:\n{row["context"]}\n\nQuestion: "{row["question"]}"\n\n'
        f'Choices:\n{listed}\n\nIs the answer "{answer}"?'
    )
    return make_example(text, label)


def wic_example(row: dict, rng: random.Random) -> Example:
    """Two sentences and a word; label 1 = the word has the same sense in both."""
    text = (
        f"Sentence 1:\n{row['sentence1']}\n\nSentence 2:\n{row['sentence2']}\n\n"
        f'Q: Does "{row["word"]}" have the same meaning in the above sentences?'
    )
    return make_example(text, row["label"])


def twitter_sentiment_example(row: dict, rng: random.Random) -> Example:
    """The tweet alone; label 1 = positive."""
    return make_example(row["text"], row["label"])


def sciq_answer(row: dict, rng: random.Random) -> tuple[str, int]:
    """sciq's coin flip: the correct answer (1) or one of the three distractors (0)."""
    return coin(rng, row["correct_answer"], [row["distractor1"], row["distractor2"], row["distractor3"]])


def sciq_with_support_example(row: dict, rng: random.Random) -> Example:
    """sciq's coin flip, with the supporting passage shown before the question."""
    answer, label = sciq_answer(row, rng)
    text = f'Name: Bob\n\nPassage 1:\n{row["support"]}\n\nQ1: "{row["question"]}" Is the answer "{answer}"?'
    return make_example(text, label)
