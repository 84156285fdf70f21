"""Stage I selection and stage II pair rules on hand-made rows, worked out by hand."""

import json

import pytest

from w2s_helpers.core.fileio import DataError
from w2s_helpers.reasoning import selection
from w2s_helpers.reasoning.pairs import build_pairs, pair_accuracy
from w2s_helpers.reasoning.voting import majority_vote


def row(i, pred, response=None):
    return {
        "id": i,
        "prompt": f"Question: q{i}\nAnswer:",
        "response": response or f"work\n#### {pred}",
        "pred": pred,
    }


WEAK = [row(0, "5"), row(1, "7"), row(2, ""), row(3, "0.50"), row(4, "9")]
ICL = [row(0, "5"), row(1, "8"), row(2, ""), row(3, "0.5"), row(4, "9")]
GOLD = {0: "5", 1: "8", 2: "1", 3: "0.5", 4: "10"}


def test_consistent_subset_and_sets():
    # 0 agrees; 1 disagrees; 2 weak empty (never kept); 3 agrees numerically; 4 agrees (wrongly)
    assert selection.consistent_ids(WEAK, ICL, "gsm8k") == [0, 3, 4]
    sets = selection.training_sets(WEAK, ICL, "gsm8k")
    assert [r["id"] for r in sets["weak"]] == [0, 3, 4]
    assert [r["id"] for r in sets["hybrid"]] == [0, 0, 3, 3, 4, 4]
    assert len(sets["full_weak"]) == 5
    assert sets["weak"][0] == {"id": 0, "prompt": "Question: q0\nAnswer:", "completion": " work\n#### 5"}
    table = {r["set"]: r for r in selection.summary(sets, GOLD, "gsm8k")}
    assert table["weak"]["label_acc"] == pytest.approx(2 / 3)  # 0 and 3 right, 4 wrong
    assert table["full_weak"]["label_acc"] == pytest.approx(2 / 5)
    assert table["hybrid"]["questions"] == 3 and table["hybrid"]["rows"] == 6


def test_bad_rows_fail_clearly():
    with pytest.raises(DataError, match="duplicated id 0"):
        selection.consistent_ids(WEAK + [row(0, "1")], ICL, "gsm8k")
    with pytest.raises(DataError, match="missing field 'id'"):
        selection.consistent_ids([{"prompt": "p", "response": "r", "pred": "1"}], ICL, "gsm8k")
    with pytest.raises(
        DataError, match=r"cover different questions: 0 ids only in the first .* 1 only in the second"
    ):
        selection.consistent_ids(WEAK[:4], ICL, "gsm8k")


def test_read_rows_names_the_file(tmp_path):
    p = tmp_path / "weak.jsonl"
    p.write_text(
        '{"id": 1, "prompt": "p", "response": "#### 3"}\n{"id": 1, "prompt": "p", "response": "#### 4"}\n'
    )
    with pytest.raises(DataError, match=r"weak\.jsonl: line 2: duplicated id 1"):
        selection.read_rows(p, "gsm8k")
    p.write_text('{"id": 1, "prompt": "p"}\n')
    with pytest.raises(DataError, match=r"weak\.jsonl: line 1: missing field"):
        selection.read_rows(p, "gsm8k")


def test_majority_vote():
    v = majority_vote(["3", "3.0", "4", "", "3"], "gsm8k")
    assert (v.majority, v.confidence, v.positives, v.negatives) == ("3", 0.6, [0, 1, 4], [2, 3])
    assert majority_vote(["", "", "1"], "gsm8k").majority == ""


def samples_for(preds):
    return [f"s{j}\n#### {p}" for j, p in enumerate(preds)]


def test_gsm8k_pair_rules():
    weak = [
        row("agree", "5"),
        row("flip", "7"),
        row("unsure", "1"),
        row("agree_no_neg", "2"),
        row("flip_weak_conf", "3"),
        row("empty_major", "4"),
    ]
    samples = {
        "agree": samples_for(["5"] * 7 + ["6"] * 3),  # conf .7, weak == majority: chosen weak, rejected a 6
        "flip": samples_for(["8"] * 9 + ["7"]),  # conf .9, weak differs: chosen an 8, rejected weak
        "unsure": samples_for(["1"] * 5 + ["2"] * 5),  # conf .5 < .6: skip
        "agree_no_neg": samples_for(["2"] * 10),  # no negatives: skip
        "flip_weak_conf": samples_for(["9"] * 7 + ["3"] * 3),  # differs but conf .7 < .8: skip
        "empty_major": ["no answer"] * 8 + samples_for(["4", "4"]),  # majority empty: skip
    }
    pairs = build_pairs(weak, samples, "gsm8k", seed=42)
    assert [(p["id"], p["case"]) for p in pairs] == [("agree", "weak_agrees"), ("flip", "strong_overrules")]
    agree, flip = pairs
    assert agree["chosen"] == weak[0]["response"] and agree["rejected"].endswith("#### 6")
    assert flip["rejected"] == weak[1]["response"] and flip["chosen"].endswith("#### 8")
    assert build_pairs(weak, samples, "gsm8k", seed=42) == pairs  # seeded


def test_math_rule_up_to_three():
    weak = [row("a", "5", "\\boxed{5}"), row("b", "7", "\\boxed{7}")]
    samples = {
        "a": [f"v{j} \\boxed{{5}}" for j in range(6)] + [f"w{j} \\boxed{{6}}" for j in range(4)],
        "b": [f"x{j} \\boxed{{8}}" for j in range(9)] + ["\\boxed{7}"],
    }
    pairs = build_pairs(weak, samples, "math", seed=42)
    assert [p["id"] for p in pairs] == ["a"] * 3 + ["b"] * 3
    assert len({p["rejected"] for p in pairs[:3]}) == 3 and len({p["chosen"] for p in pairs[3:]}) == 3
    acc = pair_accuracy(pairs, {"a": "5", "b": "8"}, "math")
    assert acc == {"pairs": 6, "chosen_correct": 1.0, "rejected_correct": 0.0}


def test_replay_reference_llama2_outputs(gair):
    """Stage I on the real Llama2-7b weak outputs: the full weak set's label accuracy
    (the reference measured 41.6%), and the reference's own iter-1 kept set (90.0%)."""
    weak = selection.read_rows(gair / "outputs" / "gsm8k_train_2" / "llama2_7b_zero_shot.jsonl", "gsm8k")
    gold = {r["id"]: r["gold"] for r in weak}
    full = selection.summary({"full_weak": [selection.sft_row(r) for r in weak]}, gold, "gsm8k")[0]
    assert full["rows"] == 7000 and full["label_acc"] == pytest.approx(0.416, abs=0.001)
    kept = json.loads((gair / "llama_factory" / "gsm8k" / "train_gsm8k_llama2_7b_iter1_icl.json").read_text())
    icl = [
        {
            "id": r["id"],
            "prompt": r["content"],
            "response": r["output"],
            "pred": selection.extract_answer(r["output"], "gsm8k"),
        }
        for r in kept
    ]
    kept_ids = {r["id"] for r in icl}
    weak_kept = [r for r in weak if r["id"] in kept_ids]
    sets = selection.training_sets(weak_kept, icl, "gsm8k")
    both_empty = [r["id"] for r in icl if not r["pred"] and not selection.by_id(weak)[r["id"]]["pred"]]
    assert len(kept) == 2683 and len(both_empty) == 8
    # we keep all of the reference's set except questions where both answers are empty
    assert len(sets["weak"]) == 2683 - len(both_empty)
    assert selection.label_accuracy(sets["weak"], gold, "gsm8k") == pytest.approx(0.900, abs=0.01)


def test_accuracy_pass_at_k_and_majority():
    from w2s_helpers.reasoning.evaluation import score, summarise

    recs = [
        score(["#### 5", "#### 4", "#### 5"], "5", "gsm8k"),  # first right, majority right
        score(["#### 1", "#### 2", "#### 2"], "1", "gsm8k"),  # first right, pass, majority wrong
        score(["#### 0", "#### 3", "#### 0"], "3", "gsm8k"),  # first wrong, pass, majority wrong
        score(["#### 9", "", ""], "9", "gsm8k"),  # majority is the empty answer: wrong
    ]
    assert summarise(recs) == {"n": 4, "k": 3, "accuracy": 0.75, "pass_at_k": 1.0, "maj_at_k": 0.25}
