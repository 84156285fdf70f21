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
