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


def test_majority_vote_groups_by_equivalence():
    """0.5 and \\frac{1}{2} are one vote; no negative is equivalent to the majority."""
    v = majority_vote(["0.5", "\\frac{1}{2}", "\\dfrac12", "1/3", "\\frac{2}{4}"], "math")
    assert v.confidence == 0.8 and v.positives == [0, 1, 2, 4] and v.negatives == [3]
    tie = majority_vote(["2", "3", "3", "2"], "gsm8k")
    assert tie.majority == "2" and tie.confidence == 0.5  # a tie goes to the answer seen first


def test_training_rows_use_the_zero_shot_prompt():
    """The strong model answered with demonstrations in front; it is trained on the zero-shot
    prompt (as the reference pairs every response with "Question: {q}\\nAnswer:")."""
    few_shot = [{**r, "prompt": "Question: demo\nAnswer: 1\n\n" + r["prompt"]} for r in ICL]
    sets = selection.training_sets(WEAK, few_shot, "gsm8k")
    assert all(r["prompt"] == f"Question: q{r['id']}\nAnswer:" for name in sets for r in sets[name])
    explicit = selection.training_sets(WEAK, few_shot, "gsm8k", prompts={i: f"Z{i}" for i in range(5)})
    assert [r["prompt"] for r in explicit["icl"]] == ["Z0", "Z3", "Z4"]


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
    weak = [row("a", "5", "The answer is: 5"), row("b", "7", "The answer is: 7")]
    samples = {
        "a": [f"v{j} The answer is: 5" for j in range(6)] + [f"w{j} The answer is: 6" for j in range(4)],
        "b": [f"x{j} The answer is: 8" for j in range(9)] + ["The answer is: 7"],
    }
    pairs = build_pairs(weak, samples, "math", seed=42)
    assert [p["id"] for p in pairs] == ["a"] * 3 + ["b"] * 3
    assert len({p["rejected"] for p in pairs[:3]}) == 3 and len({p["chosen"] for p in pairs[3:]}) == 3
    acc = pair_accuracy(pairs, {"a": "5", "b": "8"}, "math")
    assert acc == {"pairs": 6, "chosen_correct": 1.0, "rejected_correct": 0.0}


def test_w2s_replay_on_the_released_llama2_outputs(gair, tmp_path, capsys):
    """`w2s replay` on the reference's split and its released weak outputs (positional ids
    0..6999 against `gsm8k_N` split ids): all 7,000 rows match, and the full weak set's label
    accuracy is the paper's 41.6%. With the reference's iteration-1 ICL rows as the strong side
    (only the 2,683 kept questions were released, so the other 4,317 count as no answer), the
    selection over all 7,000 weak rows keeps the reference's set but for the 8 questions where
    both answers are empty (the rule requires a non-empty answer), at 90% label accuracy."""
    from w2s_helpers.cli.main import main

    split, weak = gair / "raw" / "gsm8k", gair / "outputs" / "gsm8k_train_2" / "llama2_7b_zero_shot.jsonl"
    main(["replay", "--dataset", "gsm8k", "--split", str(split), "--weak-rows", str(weak), "--json"])
    (full,) = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(full) == {"set", "rows", "questions", "label_acc"}
    assert full["set"] == "full_weak" and full["rows"] == 7000 and round(full["label_acc"], 3) == 0.416
    kept = json.loads((gair / "llama_factory" / "gsm8k" / "train_gsm8k_llama2_7b_iter1_icl.json").read_text())
    icl = tmp_path / "icl.jsonl"
    icl.write_text(
        "".join(
            json.dumps({"id": r["id"], "prompt": r["content"], "response": r["output"]}) + "\n" for r in kept
        )
    )
    main(
        [
            "replay",
            "--dataset",
            "gsm8k",
            "--split",
            str(split),
            "--weak-rows",
            str(weak),
            "--strong-rows",
            str(icl),
            "--json",
        ]
    )
    sets = {r["set"]: r for r in json.loads(capsys.readouterr().out.strip().splitlines()[-1])}
    assert (
        len(kept) == 2683
        and sets["weak"]["questions"] == 2683 - 8
        and sets["hybrid"]["rows"] == 2 * (2683 - 8)
    )
    assert sets["weak"]["label_acc"] == pytest.approx(0.903, abs=0.002)


def test_replay_matches_by_id_then_position_then_prompt(tmp_path):
    from w2s_helpers.reasoning.rows import read_replay

    qs = [{"id": f"gsm8k_{i}", "question": f"q{i}"} for i in range(3)] + [{"id": "gsm8k_9", "question": "q0"}]
    prompts = [f"Question: {q['question']}\nAnswer:" for q in qs]

    def write(rows):
        path = tmp_path / "rows.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
        return path

    by_id = write([{"id": q["id"], "prompt": "other", "response": f"#### {n}"} for n, q in enumerate(qs)])
    assert read_replay(by_id, qs, prompts)[1].startswith("id")
    positional = write([{"id": n, "prompt": p, "response": f"#### {n}"} for n, p in enumerate(prompts)])
    rows, how = read_replay(positional, qs, prompts)
    assert how.startswith("position") and [r["responses"][0] for r in rows] == [
        "#### 0",
        "#### 1",
        "#### 2",
        "#### 3",
    ]
    shuffled = write([{"id": f"x{n}", "prompt": prompts[n], "response": f"#### {n}"} for n in (3, 2, 1, 0)])
    rows, how = read_replay(shuffled, qs, prompts)  # the repeated question "q0" takes its rows in file order
    assert how.startswith("prompt") and [r["responses"][0] for r in rows] == [
        "#### 3",
        "#### 1",
        "#### 2",
        "#### 0",
    ]
    with pytest.raises(DataError, match=r"rows\.jsonl: matches 0 of 4 questions by id and 0 by prompt text"):
        read_replay(write([{"id": "a", "prompt": "p", "response": "r"}]), qs, prompts)


def test_accuracy_pass_at_k_and_majority():
    from w2s_helpers.reasoning.evaluation import score, summarise

    recs = [
        score(["#### 5", "#### 4", "#### 5"], "5", "gsm8k"),  # first right, majority right
        score(["#### 1", "#### 2", "#### 2"], "1", "gsm8k"),  # first right, pass, majority wrong
        score(["#### 0", "#### 3", "#### 0"], "3", "gsm8k"),  # first wrong, pass, majority wrong
        score(["#### 9", "", ""], "9", "gsm8k"),  # majority is the empty answer: wrong
    ]
    s = summarise(recs)
    assert {k: s[k] for k in ("n", "k", "accuracy", "pass_at_k", "maj_at_k")} == {
        "n": 4,
        "k": 3,
        "accuracy": 0.75,
        "pass_at_k": 1.0,
        "maj_at_k": 0.25,
    }
    assert (s["ci_low"], s["ci_high"]) == (
        pytest.approx(0.3006, abs=1e-4),
        pytest.approx(0.9544, abs=1e-4),
    )  # Wilson


def test_reasoning_pgr_validity():
    from w2s_helpers import pgr

    assert pgr(0.2, 1.0, 0.6) == pytest.approx(0.5)  # (floor, ceiling, method)
    assert pgr(0.5, 0.5, 0.6) != pgr(0.5, 0.5, 0.6)  # NaN: the ceiling is not above the floor
