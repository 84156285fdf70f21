import random

import pytest

from w2s_helpers.classification import data as tasks
from w2s_helpers.classification.data import hub
from w2s_helpers.core.fileio import DataError


@pytest.mark.zoo
@pytest.mark.parametrize(
    "name,n_train,n_test",
    [
        ("boolq", 9427, 3270),  # OFFLINE.md: labelled minus dev questions; test = dev
        ("movie_sentiment", 8406, 2160),  # 10,605 rated sentences, 37 zero-rated dropped
        ("movie_polarity", 3193, 807),  # Pang & Lee, 4,000
        ("sarcasm", 22967, 5531),  # 28,614 rows, 116 repeated headlines dropped
    ],
)
def test_offline_datasets_load_with_documented_counts(name, n_train, n_test):
    train, test, source = tasks.task_examples(name)
    assert (len(train), len(test), source) == (n_train, n_test, "offline")
    assert not {e["id"] for e in train} & {e["id"] for e in test}
    assert {e["label"] for e in train} == {0, 1}


@pytest.mark.zoo
def test_load_task_balanced_seeded_with_soft_labels():
    a = tasks.load_task("movie_polarity", n_train=200, n_test=100, seed=1)
    b = tasks.load_task("movie_polarity", n_train=200, n_test=100, seed=1)
    c = tasks.load_task("movie_polarity", n_train=200, n_test=100, seed=2)
    assert a["train"]["id"] == b["train"]["id"] != c["train"]["id"]
    assert a["test"]["id"] == c["test"]["id"]  # the test split never depends on the seed
    assert a["train"][0]["soft_label"] == [1.0 - a["train"][0]["label"], float(a["train"][0]["label"])]
    full = tasks.load_task("boolq", seed=0)
    labels = full["train"]["label"]
    assert sum(labels) * 2 == len(labels)  # balanced by undersampling
    h1, h2 = tasks.split_halves(a["train"], seed=1)
    assert len(h1) == len(h2) == 100 and not set(h1["id"]) & set(h2["id"])


def test_unknown_dataset_lists_valid_names():
    with pytest.raises(tasks.UnknownTaskError) as e:
        tasks.load_task("imdbb")
    assert "imdbb" in str(e.value) and "sciq" in str(e.value) and "sarcasm" in str(e.value)


def test_hub_only_task_offline_is_clear():
    with pytest.raises(tasks.UnknownTaskError, match="no offline source"):
        tasks.task_examples("sciq", source="offline")


def test_user_file_is_a_dataset(tmp_path):
    p = tmp_path / "mine.csv"
    p.write_text("sentence,is_good,split\ngreat,1,train\nawful,0,train\nfine,true,test\nbad,false,test\n")
    dd = tasks.load_task(str(p), text_column="sentence", label_column="is_good", balanced=False)
    assert sorted(dd["train"]["text"]) == ["awful", "great"]
    assert sorted(zip(dd["test"]["text"], dd["test"]["label"])) == [("bad", 0), ("fine", 1)]
    p.write_text("sentence,is_good\ngreat,maybe\n")
    with pytest.raises(DataError, match=r"mine\.csv: line 2: field 'is_good' = 'maybe'; expected a boolean"):
        tasks.load_task(str(p), text_column="sentence", label_column="is_good")
    j = tmp_path / "mine.jsonl"
    j.write_text('{"text": "a", "label": 1}\n{"txt": "b", "label": 0}\n')
    with pytest.raises(DataError, match=r"mine\.jsonl: line 2: missing field"):
        tasks.load_task(str(j))


class TestBinarisationRules:
    def test_sciq_coin_flip(self):
        row = {
            "question": "Q?",
            "correct_answer": "right",
            "distractor1": "w1",
            "distractor2": "w2",
            "distractor3": "w3",
        }
        exs = [hub.sciq_example(row, random.Random(i)) for i in range(40)]
        assert {e["label"] for e in exs} == {0, 1}
        for e in exs:
            assert e["text"].startswith("Q: Q? A: ")
            assert (e["text"].endswith("right")) == (e["label"] == 1)

    def test_cosmos_none_of_the_above_forced_zero(self):
        row = {
            "context": "c",
            "question": "q",
            "answer0": "a",
            "answer1": "None of the above choices .",
            "answer2": "b",
            "answer3": "d",
            "label": 1,
        }
        exs = [hub.cosmos_qa_example(row, random.Random(i)) for i in range(40)]
        assert all(e["label"] == 0 for e in exs)
        assert not any("None of the above" in e["text"] for e in exs)

    def test_cosmos_regular(self):
        row = {
            "context": "c",
            "question": "q",
            "answer0": "a",
            "answer1": "true",
            "answer2": "b",
            "answer3": "d",
            "label": 1,
        }
        exs = [hub.cosmos_qa_example(row, random.Random(i)) for i in range(40)]
        assert {e["label"] for e in exs} == {0, 1}
        assert all(e["text"].endswith("Answer: true") == (e["label"] == 1) for e in exs)

    def test_anthropic_hh_pairwise(self):
        row = {"chosen": "good reply", "rejected": "bad reply"}
        for i in range(20):
            e = hub.anthropic_hh_pairwise_example(row, random.Random(i))
            a = e["text"].split("Response B:")[0]
            assert ("good reply" in a) == (e["label"] == 1)

    def test_boolq_and_amazon(self):
        assert hub.boolq_hub_example({"passage": "P", "question": "q", "answer": True}, None)["text"] == (
            "Passage: P\nQuestion: q"
        )
        assert hub.amazon_polarity_example({"title": "T", "content": "C", "label": 0}, None) == {
            "id": tasks.example_id("T C"),
            "text": "T C",
            "label": 0,
        }
