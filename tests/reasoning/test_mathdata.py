import pytest

from w2s_helpers.core.fileio import DataError
from w2s_helpers.reasoning import data as mathdata


@pytest.mark.zoo
def test_gsm8k_offline_counts_and_gold():
    splits, how = mathdata.load_math("gsm8k", seed=0)
    assert len(splits["train_1"]) + len(splits["train_2"]) == 7473 and len(splits["test"]) == 1319
    assert "seed 0" in how
    assert splits["test"][0]["gold"] == "18"
    assert not {r["id"] for r in splits["train_1"]} & {r["id"] for r in splits["train_2"]}


@pytest.mark.zoo
def test_math_offline_counts():
    splits, _ = mathdata.load_math("math")
    # the reference's 6,000 / 6,000 / 500: MATH's train and test without MATH500, in halves
    assert (len(splits["train_1"]), len(splits["train_2"]), len(splits["test"])) == (6000, 6000, 500)
    assert not {r["question"] for r in splits["test"]} & {
        r["question"] for r in splits["train_1"] + splits["train_2"]
    }
    assert splits["test"][0]["gold"] == "\\left( 3, \\frac{\\pi}{2} \\right)"


def test_reference_split_files(gair):
    splits, how = mathdata.load_math("gsm8k", split=str(gair / "raw" / "gsm8k"))
    assert {k: len(v) for k, v in splits.items()} == {"train_1": 7000, "train_2": 7000, "test": 1319}
    assert splits["train_2"][0]["id"] == "gsm8k_0" and splits["train_2"][0]["gold"] == "72"
    assert "split files" in how


def test_last_boxed_nested():
    assert mathdata.last_boxed("so \\boxed{\\frac{1}{2}} and \\boxed{x^{2}}") == "x^{2}"
    assert mathdata.last_boxed("no box") is None


def test_bad_rows_are_named(tmp_path):
    p = tmp_path / "train_1.jsonl"
    p.write_text(
        '{"id": "a", "question": "q", "answer": "#### 1"}\n{"id": "a", "question": "q2", "answer": "#### 2"}\n'
    )
    with pytest.raises(DataError, match="duplicated id 'a'"):
        mathdata.read_math_file(p, "gsm8k", "x")
    p.write_text('{"id": "a", "question": "q"}\n')
    with pytest.raises(DataError, match=r"train_1\.jsonl: line 1: missing field 'answer'"):
        mathdata.read_math_file(p, "gsm8k", "x")
    with pytest.raises(DataError, match="unknown math dataset 'gsm9k'"):
        mathdata.load_math("gsm9k")


@pytest.mark.zoo
def test_math_rows_end_with_the_answer_line_unless_boxed():
    splits, how = mathdata.load_math("math")
    row = splits["train_1"][0]
    assert row["solution"].endswith(f" The answer is: {row['gold']}") and "The answer is" in how
    assert all(r["solution"].endswith(f"The answer is: {r['gold']}") for r in splits["train_2"])
    boxed, _ = mathdata.load_math("math", math_answer_format="boxed")
    assert "The answer is" not in boxed["train_1"][0]["solution"]
    assert mathdata.last_boxed(boxed["train_1"][0]["solution"]) == boxed["train_1"][0]["gold"]


def test_numeric_sets_keep_their_solutions(tmp_path):
    folder = tmp_path / "split"
    folder.mkdir()
    for name in mathdata.SPLIT_FILES:
        (folder / f"{name}.jsonl").write_text('{"question": "q", "answer": "2+2=4\\n#### 4"}\n')
    splits, _ = mathdata.load_math("gsm8k", split=str(folder))
    assert splits["train_1"][0]["solution"] == "2+2=4\n#### 4"
    with pytest.raises(DataError, match="math_answer_format"):
        mathdata.load_math("gsm8k", split=str(folder), math_answer_format="box")


def test_answer_line_matches_the_reference_rows(gair):
    """The reference derives its MATH rows as solution + " The answer is: " + answer, the answer
    being the solution's last box (all of MATH500); its stage-I outputs end the same way."""
    import json

    rows = mathdata.read_math_file(gair / "raw" / "math" / "test.jsonl", "math", "t")
    raw = [json.loads(line) for line in open(gair / "raw" / "math" / "test.jsonl")]
    assert all(r["gold"] == x["answer"] == mathdata.last_boxed(x["solution"]) for r, x in zip(rows, raw))
    row = mathdata.with_answer_line(rows[0])
    assert row["solution"] == raw[0]["solution"] + " The answer is: " + raw[0]["answer"]
    outputs = json.loads(
        (gair / "llama_factory" / "math" / "train_math_llama2_7b_iter1_weak.json").read_text()
    )
    assert len(outputs) == 334
    assert all(o["output"].splitlines()[-1].count("The answer is: ") >= 1 for o in outputs)


def test_the_format_is_hashed_only_where_it_reads_answers():
    from w2s_helpers.reasoning.config import ReasoningConfig

    gsm = ReasoningConfig(dataset="gsm8k")
    assert "math_answer_format" not in gsm.identity()
    assert ReasoningConfig(dataset="gsm8k", math_answer_format="boxed").identity() == gsm.identity()
