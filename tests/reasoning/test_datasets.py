"""The reasoning datasets: word problems from the package, OlympicArena's loader on a fixture
in the hub's format, demonstrations, and the split that does not move."""

import json

import pytest

from w2s_helpers.reasoning import prompts
from w2s_helpers.reasoning.config import ReasoningConfig
from w2s_helpers.reasoning.data import load_math
from w2s_helpers.reasoning.experiment import load_splits
from w2s_helpers.reasoning.olympic import extract_boxed, folder_loader, judge, load_olympicarena
from w2s_helpers.reasoning.wordproblems import parse


@pytest.mark.zoo
@pytest.mark.parametrize("name,total", [("asdiv", 2083), ("svamp", 1000), ("mawps", 1978)])
def test_word_problems_load_split_and_have_numeric_answers(name, total):
    splits, how = load_math(name, seed=0)
    assert sum(len(v) for v in splits.values()) == total and "20% test" in how
    ids = [r["id"] for v in splits.values() for r in v]
    assert len(ids) == len(set(ids))
    again, _ = load_math(name, seed=1)
    assert [r["id"] for r in again["test"]] == [r["id"] for r in splits["test"]]  # the test split is fixed
    assert all(r["solution"].endswith(f"#### {r['gold']}") for r in splits["train_1"])


def test_word_problem_rows_by_hand():
    rows = parse(
        "asdiv",
        [
            {
                "body": "Ann has 3.",
                "question": "How many?",
                "answer": "3 (apples)",
                "formula": "3=3",
                "idx": 7,
            },
            {"body": "Who?", "question": "Name?", "answer": "Mrs. Hilt", "formula": "", "idx": 8},
        ],
        "f",
    )
    assert rows == [
        {"id": "asdiv_7", "question": "Ann has 3. How many?", "solution": "3=3\n#### 3", "gold": "3"}
    ]
    (sv,) = parse(
        "svamp",
        [
            {
                "Body": "There are 290 bananas",
                "Question": "How big is each group?",
                "Equation": "( 290.0 / 2.0 )",
                "Answer": 145.0,
                "ID": "c-1",
            }
        ],
        "f",
    )
    assert sv["solution"] == "290 / 2 = 145\n#### 145" and sv["gold"] == "145"


@pytest.mark.zoo
def test_test_split_does_not_move_with_train_sizes():
    a = load_splits(ReasoningConfig(dataset="gsm8k", n_train_1=8, n_train_2=8, n_test=20))[0]["test"]
    b = load_splits(ReasoningConfig(dataset="gsm8k", n_train_1=800, n_train_2=50, n_test=20))[0]["test"]
    assert [r["id"] for r in a] == [r["id"] for r in b]


def _olympic_row(i, subject, split, answer_type="NV", language="EN", answer=("3",)):
    prompt = (
        f"You are participating in an international {subject} competition and need to solve the following question.\n"
        "The answer to this question is a numerical value.\n\nproblem:\n"
        f"What is {i} + 2?\n\nYou can solve it step by step.\n"
        'Please end your response with: "The final answer is $\\boxed{ANSWER}$", where ANSWER is the numerical value.'
    )
    row = {
        "id": f"{subject}_{i}",
        "problem": f"What is {i} + 2?",
        "prompt": prompt,
        "figure_urls": None,
        "answer_type": answer_type,
        "unit": None,
        "answer_sequence": None,
        "type_sequence": None,
        "test_cases": None,
        "subject": subject,
        "language": language,
        "modality": "text-only",
    }
    if split == "val":
        row["answer"] = list(answer)
    return row


def test_olympicarena_loader_on_a_fixture_in_the_hubs_format(tmp_path):
    """English problems whose answer type can be judged (not CODE, not OT); test split as
    train_2 (no answers), val as test; the prompt keeps its instructions."""
    for subject in ("Math", "Physics", "CS"):
        for split in ("test", "val"):
            rows = [
                _olympic_row(1, subject, split),
                _olympic_row(2, subject, split, language="ZH"),
                _olympic_row(3, subject, split, answer_type="OT"),
                _olympic_row(4, subject, split, answer_type="CODE"),
            ]
            (tmp_path / subject).mkdir(exist_ok=True)
            (tmp_path / subject / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    splits = load_olympicarena(folder_loader(tmp_path))
    assert [r["id"] for r in splits["train_2"]] == ["Math_1", "Physics_1"]  # CS, Chinese, OT, CODE left out
    assert splits["train_1"] == [] and splits["train_2"][0]["gold"] is None
    test = splits["test"][0]
    assert test["gold"] == {"answer": ["3"], "answer_type": "NV", "type_sequence": []}
    assert "\n\nQuestion: What is 1 + 2?" in test["question"] and "boxed" in test["question"]
    assert prompts.zero_shot(test["question"], "olympicarena").endswith("\n\nAnswer:")
    cfg = ReasoningConfig(
        dataset="olympicarena",
        split=str(tmp_path),
        weak_sft=False,
        n_train_1=None,
        n_train_2=None,
        n_test=None,
    )
    assert len(load_splits(cfg)[0]["test"]) == 2


@pytest.mark.parametrize(
    "pred,gold,expected",
    [
        ("The final answer is $\\boxed{3}$", {"answer": ["3"], "answer_type": "NV"}, True),
        ("\\boxed{3.000001}", {"answer": ["3"], "answer_type": "NV"}, True),
        ("\\boxed{B}", {"answer": ["A"], "answer_type": "SC"}, False),
        ("\\boxed{A, D}", {"answer": ["AD"], "answer_type": "MC"}, True),
        ("\\boxed{A}", {"answer": ["AD"], "answer_type": "MC"}, False),
        ("\\boxed{True}", {"answer": ["True"], "answer_type": "TF"}, True),
        ("\\boxed{(x+1)^2}", {"answer": ["x^2+2x+1"], "answer_type": "EX"}, True),
        ("\\boxed{5, 3}", {"answer": ["3", "5"], "answer_type": "MA", "type_sequence": ["NV", "NV"]}, True),
        ("\\boxed{5, 3}", {"answer": ["3", "5"], "answer_type": "MPV", "type_sequence": ["NV", "NV"]}, False),
        ("no box", {"answer": ["3"], "answer_type": "NV"}, False),
    ],
)
def test_olympicarena_judge(pred, gold, expected):
    assert judge(extract_boxed(pred), gold) is expected


def test_demonstrations_are_weak_answers_by_default():
    weak = [
        {"id": f"q{i}", "response": f"work {i}\n#### {i}", "pred": str(i) if i % 3 else ""} for i in range(10)
    ]
    questions = {r["id"]: f"question {r['id']}" for r in weak}
    d = prompts.weak_demos(weak, questions, 3, seed=0)
    assert d.source == "weak" and len(d.ids) == 3 and all(int(i[1:]) % 3 for i in d.ids)  # only answered rows
    assert d.prefix.startswith(f"Question: question {d.ids[0]}\nAnswer: work") and d.prefix.endswith("\n\n")
    assert (
        prompts.weak_demos(weak, questions, 3, seed=0).ids
        == d.ids
        != prompts.weak_demos(weak, questions, 3, seed=1).ids
    )
    assert d.prompt("new one") == d.prefix + "Question: new one\nAnswer:"


def test_demonstrations_from_a_file(tmp_path):
    txt = tmp_path / "demos.txt"
    txt.write_text("Question: a\nAnswer: 77\n#### 77\n\n")
    assert prompts.file_demos(txt).prefix == "Question: a\nAnswer: 77\n#### 77\n\n"
    jl = tmp_path / "demos.jsonl"
    jl.write_text(json.dumps({"question": "a", "response": "#### 1"}) + "\n")
    assert prompts.file_demos(jl).prefix == "Question: a\nAnswer: #### 1\n\n"
