"""Stage II: majority vote over k samples and contrastive preference pairs.

For each train_2 question the stage-I model's k samples are voted (answers grouped by
equivalence): confidence = the majority's share; its samples are positives, every sample
not equivalent to it a negative. Pairs (seeded, one generator for the whole set):
  - skip if confidence < 0.6 or the majority prediction is empty;
  - weak prediction == majority: chosen = the weak response, rejected = a random negative
    (none: skip). MATH rule: up to 3 negatives, one pair each;
  - else, if confidence >= 0.8: chosen = a random positive, rejected = the weak response.
    MATH rule: up to 3 distinct positives, one pair each.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from .answers import DEFAULT_MATH_ANSWER_FORMAT, NUMERIC, extract_answer, is_equiv
from .voting import majority_vote

MIN_CONFIDENCE = 0.6  # below: the strong model is too unsure for any pair
FLIP_CONFIDENCE = 0.8  # needed to overrule the weak model's answer


def build_pairs(
    weak_rows: Sequence[dict],
    samples: dict,
    dataset: str,
    rule: str | None = None,
    seed: int = 42,
    answer_format: str = DEFAULT_MATH_ANSWER_FORMAT,
) -> list[dict]:
    """Preference pairs {id, prompt, chosen, rejected, ...}.

    weak_rows: the weak model's rows on train_2 (id, prompt, response); the prompt is the
               zero-shot one, which every pair trains on.
    samples:   id -> the stage-I model's k responses.
    rule:      "gsm8k" (one pair per question) or "math" (up to 3); default from dataset.
    answer_format: how MATH-style responses are read (the config's `math_answer_format`).
    """
    rule = rule or ("gsm8k" if dataset in NUMERIC else "math")
    per_question = 1 if rule == "gsm8k" else 3
    rng = random.Random(seed)
    pairs = []
    for w in weak_rows:
        responses = samples.get(w["id"], [])
        if not responses:
            continue
        preds = [extract_answer(r, dataset, answer_format) for r in responses]
        vote = majority_vote(preds, dataset)
        if vote.confidence < MIN_CONFIDENCE or not vote.majority:
            continue
        weak_pred = extract_answer(w["response"], dataset, answer_format)
        base = {
            "id": w["id"],
            "prompt": w["prompt"],
            "confidence": vote.confidence,
            "majority": vote.majority,
        }
        if str(weak_pred).strip() and is_equiv(weak_pred, vote.majority, dataset):
            if not vote.negatives:
                continue
            for i in rng.sample(vote.negatives, min(per_question, len(vote.negatives))):
                pairs.append(
                    {**base, "chosen": w["response"], "rejected": responses[i], "case": "weak_agrees"}
                )
        elif vote.confidence >= FLIP_CONFIDENCE:
            distinct = list({responses[i]: i for i in vote.positives}.values())
            for i in rng.sample(distinct, min(per_question, len(distinct))):
                pairs.append(
                    {**base, "chosen": responses[i], "rejected": w["response"], "case": "strong_overrules"}
                )
    return pairs


def pair_accuracy(
    pairs: Sequence[dict], gold: dict, dataset: str, answer_format: str = DEFAULT_MATH_ANSWER_FORMAT
) -> dict:
    """How often the chosen and the rejected responses are correct (the reference reports
    80.0% / 6.0% for Llama2-7b weak on GSM8K)."""
    if not pairs:
        return {"pairs": 0, "chosen_correct": float("nan"), "rejected_correct": float("nan")}

    def correct(text: str, qid) -> bool:
        return is_equiv(extract_answer(text, dataset, answer_format), gold[qid], dataset)

    return {
        "pairs": len(pairs),
        "chosen_correct": sum(correct(p["chosen"], p["id"]) for p in pairs) / len(pairs),
        "rejected_correct": sum(correct(p["rejected"], p["id"]) for p in pairs) / len(pairs),
    }
