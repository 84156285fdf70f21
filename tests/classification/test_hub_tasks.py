"""The EleutherAI peer's hub tasks and spurious-cue variants: each binarisation rule on
hand-made rows in the hub's format (texts and labels worked out by hand), and the loader
end to end on a local mirror folder ($W2S_HUB_DATA) since the hub is not reachable."""

import json
import random

import pytest

from w2s_helpers.classification import data as tasks
from w2s_helpers.classification.data import hub_eleuther as el
from w2s_helpers.classification.data import hub_spurious as sp
from w2s_helpers.classification.data.hub_source import HUB_DATA_ENV, mirror_path
from w2s_helpers.classification.data.tasks_hub import PEER_TASKS, SPURIOUS_TASKS
from w2s_helpers.core.fileio import DataError


class Scripted:
    """An rng with a set coin (`random()`), pick (`choice` returns item `pick`) and
    order (`shuffle` reverses when `swap`)."""

    def __init__(self, coin: float, pick: int = 0, swap: bool = False):
        self.coin, self.pick, self.swap = coin, pick, swap

    def random(self) -> float:
        return self.coin

    def choice(self, seq):
        return seq[self.pick]

    def shuffle(self, x) -> None:
        if self.swap:
            x.reverse()


HEADS, TAILS = 0.1, 0.9

SCIQ = {
    "question": "What do plants make?",
    "correct_answer": "sugar",
    "distractor1": "salt",
    "distractor2": "iron",
    "distractor3": "oil",
    "support": "Plants make sugar.",
}
AMAZON = {"title": "Great buy", "content": "Works well.", "label": 1}
DEONTOLOGY = {"scenario": "Could you walk the dog?", "excuse": "But the dog is asleep.", "label": 1}

# one hand-made row per task, in its hub dataset's format
ROWS = {
    "anli-r2": {"premise": "A man sleeps.", "hypothesis": "A person rests.", "label": 0},
    "cola": {"sentence": "The cat sat.", "label": 1, "idx": 0},
    "dream": {
        "dialogue": ["M: Hi.", "W: Hello."],
        "question": "Who speaks first?",
        "choice": ["The man.", "The woman.", "Nobody."],
        "answer": "The man.",
    },
    "ethics-deontology": DEONTOLOGY,
    "ethics-justice": {"scenario": "I deserve pay because I worked.", "label": 1},
    "ethics-virtue": {"scenario": "She gave away her lunch. [SEP] generous", "label": 1},
    "ethics-utilitarianism": {"baseline": "I ate cake.", "less_pleasant": "I ate dirt."},
    "mc_taco": {
        "sentence": "He left at noon.",
        "question": "When did he arrive?",
        "answer": "11 am",
        "label": 1,
    },
    "hellaswag": {
        "ctx": "A man opens a door.",
        "endings": ["He walks in.", "He eats it.", "It sings.", "He flies."],
        "label": "0",
    },
    "multirc": {
        "paragraph": "Tom has a red ball.",
        "question": "What color is the ball?",
        "answer": "Red",
        "label": 1,
    },
    "openbookqa": {
        "question_stem": "The sun is a",
        "choices": {"text": ["star", "planet", "moon", "comet"], "label": ["A", "B", "C", "D"]},
        "answerKey": "A",
    },
    "paws": {"sentence1": "A is B.", "sentence2": "B is A.", "label": 0},
    "piqa": {"goal": "Boil eggs", "sol1": "Use no water.", "sol2": "Use cold water.", "label": 1},
    "quail": {
        "context": "Ann read.",
        "question": "What did Ann do?",
        "answers": ["slept", "read", "ran", "sang"],
        "correct_answer_id": 1,
    },
    "quartz": {
        "para": "More heat, more melting.",
        "question": "If it is hotter, ice melts",
        "choices": {"text": ["faster", "slower"], "label": ["A", "B"]},
        "answerKey": "A",
    },
    "social_i_qa": {
        "context": "Jo helped Max.",
        "question": "How would Max feel?",
        "answerA": "grateful",
        "answerB": "angry",
        "answerC": "bored",
        "label": "1",
    },
    "wic": {
        "word": "bank",
        "sentence1": "He sat by the bank.",
        "sentence2": "She robbed the bank.",
        "label": 0,
    },
    "twitter-sentiment": {"text": "love it", "label": 1},
    "sciq_with_support": SCIQ,
    "ethics_deontology_excuse_only": DEONTOLOGY,
    "sciq_support_contains": SCIQ,
    "amazon_polarity_misleading": AMAZON,
    "amazon_polarity_misleading_weak": AMAZON,
    "amazon_polarity_title_only": AMAZON,
    "amazon_polarity_look_at_title": AMAZON,
}

NEW_TASKS = PEER_TASKS + SPURIOUS_TASKS


def shown(example):
    return example["text"], example["label"]


def test_registry_has_the_new_tasks_and_keeps_the_old():
    names = {t.name for t in NEW_TASKS}
    assert names == set(ROWS) and len(NEW_TASKS) == 25
    assert names <= set(tasks.TASKS)
    old = {
        "boolq": "google/boolq",
        "sciq": "allenai/sciq",
        "amazon_polarity": "fancyzhx/amazon_polarity",
        "cosmos_qa": "allenai/cosmos_qa",
        "anthropic_hh": "Anthropic/hh-rlhf",
        "anthropic_hh_pairwise": "Anthropic/hh-rlhf",
        "sst2": "stanfordnlp/sst2",
    }
    assert {n: tasks.TASKS[n].hub_id for n in old} == old
    assert {"movie_sentiment", "movie_polarity", "sarcasm"} <= set(tasks.OFFLINE_TASKS)
    for t in NEW_TASKS:
        assert t.offline is None and t.hub_row.__doc__, t.name
        assert tasks.resolve_source(t.name) == "hub"


class TestLabelledAsIs:
    def test_anli_entailment_only(self):
        row = ROWS["anli-r2"]
        text = (
            "Premise: A man sleeps.\nHypothesis: A person rests.\n\nDoes the premise entail the hypothesis?"
        )
        assert shown(el.anli_example(row, None)) == (text, 1)
        assert el.anli_example({**row, "label": 1}, None)["label"] == 0
        assert el.anli_example({**row, "label": 2}, None)["label"] == 0

    def test_cola_twitter(self):
        assert shown(el.cola_example(ROWS["cola"], None)) == ("The cat sat.", 1)
        assert shown(el.cola_example({**ROWS["cola"], "label": 0}, None)) == ("The cat sat.", 0)
        assert shown(el.twitter_sentiment_example(ROWS["twitter-sentiment"], None)) == ("love it", 1)

    def test_ethics(self):
        assert shown(el.ethics_deontology_example(DEONTOLOGY, None)) == (
            "Q: Is the following a morally valid excuse?\n\nCould you walk the dog?\n\nBut the dog is asleep.\n\nA:",
            1,
        )
        assert shown(el.ethics_justice_example({**ROWS["ethics-justice"], "label": 0}, None)) == (
            "Q: Does this statement exemplify justice?\n\nI deserve pay because I worked.\n\nA:",
            0,
        )
        assert shown(el.ethics_virtue_example(ROWS["ethics-virtue"], None)) == (
            "Q: Does this behavior match the adjective that follows?\n\nShe gave away her lunch. [SEP] generous\n\nA:",
            1,
        )

    def test_mc_taco_multirc_paws_wic(self):
        assert shown(el.mc_taco_example(ROWS["mc_taco"], None)) == (
            "He left at noon.\n\nGiven the above, When did he arrive? Is the answer 11 am?",
            1,
        )
        assert shown(el.multirc_example(ROWS["multirc"], None)) == (
            'Passage:\n\nTom has a red ball.\n\nQ: "What color is the ball?" Is the answer "Red"?',
            1,
        )
        assert shown(el.paws_example(ROWS["paws"], None)) == (
            "Sent 1: A is B.\nSent 2: B is A.\n\nQ: Are these sentences semantically equivalent?",
            0,
        )
        assert shown(el.wic_example(ROWS["wic"], None)) == (
            'Sentence 1:\nHe sat by the bank.\n\nSentence 2:\nShe robbed the bank.\n\nQ: Does "bank" have the same'
            " meaning in the above sentences?",
            0,
        )


class TestCoinFlips:
    def test_dream(self):
        head = "M: Hi.\nW: Hello.\n\nQ: Who speaks first? A: "
        assert shown(el.dream_example(ROWS["dream"], Scripted(HEADS))) == (head + "The man.", 1)
        # the answer is removed from the choices; pick 1 of the remaining two
        assert shown(el.dream_example(ROWS["dream"], Scripted(TAILS, pick=1))) == (head + "Nobody.", 0)
        assert ROWS["dream"]["choice"] == ["The man.", "The woman.", "Nobody."]  # the row is not mutated

    def test_ethics_utilitarianism(self):
        row = ROWS["ethics-utilitarianism"]
        in_order = "Which is more pleasant?\n1) I ate cake.\n2) I ate dirt. A: "
        swapped = "Which is more pleasant?\n1) I ate dirt.\n2) I ate cake. A: "
        assert shown(el.ethics_utilitarianism_example(row, Scripted(HEADS))) == (in_order + "1", 1)
        assert shown(el.ethics_utilitarianism_example(row, Scripted(HEADS, swap=True))) == (swapped + "2", 1)
        assert shown(el.ethics_utilitarianism_example(row, Scripted(TAILS))) == (in_order + "2", 0)
        assert shown(el.ethics_utilitarianism_example(row, Scripted(TAILS, swap=True))) == (swapped + "1", 0)

    def test_hellaswag(self):
        row = ROWS["hellaswag"]
        head = "Context:\nA man opens a door.\n\nContinuations:\n\nHe walks in.\nHe eats it.\nIt sings.\nHe flies.\n\n"
        assert shown(el.hellaswag_example(row, Scripted(HEADS))) == (
            head + 'Q: Is "He walks in." the best continuation?',
            1,
        )
        assert shown(el.hellaswag_example(row, Scripted(TAILS, pick=2))) == (
            head + 'Q: Is "He flies." the best continuation?',
            0,
        )
        assert el.hellaswag_example({**row, "label": "2"}, Scripted(HEADS))["text"].endswith(
            '"It sings." the best continuation?'
        )

    def test_openbookqa_shows_texts_never_the_letter(self):
        row = ROWS["openbookqa"]
        head = "Q: The sun is a\n\nChoices:\nA) star\nB) planet\nC) moon\nD) comet\n\nAnswer: "
        assert shown(el.openbookqa_example(row, Scripted(HEADS))) == (head + "star", 1)
        assert shown(el.openbookqa_example(row, Scripted(TAILS, pick=0))) == (head + "planet", 0)
        assert shown(el.openbookqa_example({**row, "answerKey": "C"}, Scripted(HEADS))) == (head + "moon", 1)

    def test_piqa(self):
        row = ROWS["piqa"]
        assert shown(el.piqa_example(row, Scripted(HEADS))) == ("Q: Boil eggs A: Use cold water.", 1)
        assert shown(el.piqa_example(row, Scripted(TAILS))) == ("Q: Boil eggs A: Use no water.", 0)
        assert shown(el.piqa_example({**row, "label": 0}, Scripted(HEADS))) == (
            "Q: Boil eggs A: Use no water.",
            1,
        )

    def test_quail(self):
        head = 'Passage:\n\nAnn read.\n\nQ: "What did Ann do?" Is the answer '
        assert shown(el.quail_example(ROWS["quail"], Scripted(HEADS))) == (head + '"read"?', 1)
        assert shown(el.quail_example(ROWS["quail"], Scripted(TAILS, pick=2))) == (head + '"sang"?', 0)

    def test_quartz(self):
        row = ROWS["quartz"]
        head = 'Passage:\nMore heat, more melting.\n\nQ: "If it is hotter, ice melts" Is the answer '
        assert shown(el.quartz_example(row, Scripted(HEADS))) == (head + '"faster"?', 1)
        assert shown(el.quartz_example(row, Scripted(TAILS))) == (head + '"slower"?', 0)
        assert shown(el.quartz_example({**row, "answerKey": "B"}, Scripted(HEADS))) == (head + '"slower"?', 1)

    def test_social_i_qa(self):
        head = 'Context:\nJo helped Max.\n\nQuestion: "How would Max feel?"\n\nChoices:\ngrateful\nangry\nbored\n\n'
        row = ROWS["social_i_qa"]
        assert shown(el.social_i_qa_example(row, Scripted(HEADS))) == (head + 'Is the answer "grateful"?', 1)
        assert shown(el.social_i_qa_example(row, Scripted(TAILS, pick=1))) == (
            head + 'Is the answer "bored"?',
            0,
        )
        assert shown(el.social_i_qa_example({**row, "label": "3"}, Scripted(HEADS))) == (
            head + 'Is the answer "bored"?',
            1,
        )

    def test_sciq_with_support(self):
        head = 'Name: Bob\n\nPassage 1:\nPlants make sugar.\n\nQ1: "What do plants make?" Is the answer '
        assert shown(el.sciq_with_support_example(SCIQ, Scripted(HEADS))) == (head + '"sugar"?', 1)
        assert shown(el.sciq_with_support_example(SCIQ, Scripted(TAILS, pick=2))) == (head + '"oil"?', 0)

    @pytest.mark.parametrize(
        "name,rule",
        [
            ("dream", el.dream_example),
            ("ethics-utilitarianism", el.ethics_utilitarianism_example),
            ("hellaswag", el.hellaswag_example),
            ("openbookqa", el.openbookqa_example),
            ("piqa", el.piqa_example),
            ("quail", el.quail_example),
            ("quartz", el.quartz_example),
            ("social_i_qa", el.social_i_qa_example),
            ("sciq_with_support", el.sciq_with_support_example),
            ("sciq_support_contains", sp.sciq_support_contains_example),
        ],
    )
    def test_a_real_rng_gives_both_labels_and_is_seeded(self, name, rule):
        exs = [rule(ROWS[name], random.Random(i)) for i in range(40)]
        assert {e["label"] for e in exs} == {0, 1}
        assert exs == [rule(ROWS[name], random.Random(i)) for i in range(40)]
        # one text per label: the same shown answer never carries both labels
        by_text = {}
        for e in exs:
            by_text.setdefault(e["text"], set()).add(e["label"])
        assert all(len(v) == 1 for v in by_text.values())


class TestSpuriousVariants:
    def test_excuse_only(self):
        assert shown(sp.ethics_deontology_excuse_only_example({**DEONTOLOGY, "label": 0}, None)) == (
            'Q: Is "But the dog is asleep." a morally valid excuse?\n\nA:',
            0,
        )

    def test_sciq_support_contains_labels_correctness_not_containment(self):
        head = "What do plants make?\n\n>>>Plants make sugar, not salt.\n\nDoes the quoted text contain "
        row = {**SCIQ, "support": "Plants make sugar, not salt."}
        assert shown(sp.sciq_support_contains_example(row, Scripted(HEADS))) == (head + '"sugar"?', 1)
        # "salt" is in the passage but is a distractor: label 0
        assert shown(sp.sciq_support_contains_example(row, Scripted(TAILS, pick=0))) == (head + '"salt"?', 0)
        assert sp.has_support(SCIQ) and not sp.has_support({**SCIQ, "support": ""})
        assert not sp.has_support({**SCIQ, "support": " \n"})

    def test_amazon_variants(self):
        misleading = 'Great buy Works well.\n\nDoes this review say the product was "good" or "great"?'
        assert shown(sp.amazon_polarity_misleading_example(AMAZON, None)) == (misleading, 1)
        assert shown(sp.amazon_polarity_misleading_weak_example(AMAZON, None)) == (misleading, 1)
        assert shown(sp.amazon_polarity_title_only_example({**AMAZON, "label": 0}, None)) == (
            "Great buy\n\nIs this review positive?",
            0,
        )
        assert shown(sp.amazon_polarity_look_at_title_example(AMAZON, None)) == (
            'Works well.\n\nAbove is a review titled "Great buy". Based only on the title, would you expect that'
            " the reviewer liked the product?",
            1,
        )

    def test_misleading_weak_label_is_the_cue(self):
        weak = sp.amazon_polarity_misleading_weak_example
        assert weak({"title": "Awful", "content": "The goodness is gone.", "label": 0}, None)["label"] == 1
        assert weak({"title": "GREAT", "content": "Broke.", "label": 0}, None)["label"] == 1
        assert weak({"title": "Fine", "content": "Works as described.", "label": 1}, None)["label"] == 0


def write_mirror(root, hub_id, config, split, rows):
    path = mirror_path(root, hub_id, config, split)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    monkeypatch.setenv(HUB_DATA_ENV, str(tmp_path))
    return tmp_path


def test_mirror_layout(tmp_path):
    assert (
        mirror_path(tmp_path, "nyu-mll/glue", "cola", "validation")
        == tmp_path / "nyu-mll__glue/cola/validation.jsonl"
    )
    assert (
        mirror_path(tmp_path, "allenai/sciq", None, "train") == tmp_path / "allenai__sciq/default/train.jsonl"
    )


@pytest.mark.parametrize("spec", NEW_TASKS, ids=lambda t: t.name)
def test_every_new_task_loads_from_a_mirror(spec, mirror):
    for split in spec.hub_splits:
        write_mirror(mirror, spec.hub_id, spec.hub_config, split, [ROWS[spec.name]])
    train, test, used = tasks.task_examples(spec.name, source="hub")
    assert used == "hub" and len(test) == 1 and len(train) <= 1  # train loses a text the test split has
    assert test[0] == spec.hub_row(ROWS[spec.name], random.Random(f"{spec.name}:{spec.hub_splits[1]}:0"))


def test_load_task_from_mirror_uses_the_split_map(mirror):
    write_mirror(mirror, "nyu-mll/glue", "cola", "train", [{"sentence": "Good one.", "label": 1, "idx": 0}])
    write_mirror(
        mirror, "nyu-mll/glue", "cola", "validation", [{"sentence": "One good.", "label": 0, "idx": 0}]
    )
    write_mirror(mirror, "nyu-mll/glue", "cola", "test", [{"sentence": "Unlabelled.", "label": -1, "idx": 0}])
    dd = tasks.load_task("cola", source="hub", balanced=False)
    assert list(zip(dd["train"]["text"], dd["train"]["label"])) == [("Good one.", 1)]
    assert list(zip(dd["test"]["text"], dd["test"]["label"])) == [("One good.", 0)]
    assert dd["train"][0]["soft_label"] == [0.0, 1.0]

    # mc_taco trains on the hub's test split and tests on validation
    row = ROWS["mc_taco"]
    write_mirror(mirror, "CogComp/mc_taco", None, "test", [row, {**row, "answer": "3 pm", "label": 0}])
    write_mirror(mirror, "CogComp/mc_taco", None, "validation", [{**row, "answer": "noon", "label": 0}])
    dd = tasks.load_task("mc_taco", source="hub", balanced=False)
    train = sorted(zip(dd["train"]["text"], dd["train"]["label"]))
    question = "He left at noon.\n\nGiven the above, When did he arrive? Is the answer "
    assert train == [(question + "11 am?", 1), (question + "3 pm?", 0)]
    assert list(zip(dd["test"]["text"], dd["test"]["label"])) == [(question + "noon?", 0)]


def test_spurious_variants_share_one_mirror_and_filter_rows(mirror):
    reviews = [
        {"title": f"Title {i}", "content": f"Good stuff {i}." if i % 3 else "Meh.", "label": i % 2}
        for i in range(8)
    ]
    for split in ("train", "test"):
        write_mirror(mirror, "fancyzhx/amazon_polarity", None, split, reviews)
    title_only = tasks.load_task("amazon_polarity_title_only", source="hub", balanced=False)
    assert sorted(title_only["test"]["text"]) == sorted(
        f"Title {i}\n\nIs this review positive?" for i in range(8)
    )
    weak = tasks.load_task("amazon_polarity_misleading_weak", source="hub", balanced=False)
    assert sum(weak["test"]["label"]) == 5  # rows 1, 2, 4, 5, 7 say "good"
    assert tasks.task_examples("amazon_polarity", source="hub")[1][0]["text"] == "Title 0 Meh."

    rows = [{**SCIQ, "question": f"Q{i}?", "support": "" if i < 2 else f"Passage {i}."} for i in range(6)]
    for split in ("train", "test"):
        write_mirror(mirror, "allenai/sciq", None, split, rows)
    _, test, _ = tasks.task_examples("sciq_support_contains", source="hub")
    assert sorted(e["text"].split("\n")[0] for e in test) == [
        "Q2?",
        "Q3?",
        "Q4?",
        "Q5?",
    ]  # no support: dropped
    assert len(tasks.task_examples("sciq", source="hub")[1]) == 6  # the plain task keeps every row


def test_coin_flip_test_split_does_not_depend_on_the_seed(mirror):
    rows = [{"baseline": f"I ate cake {i}.", "less_pleasant": f"I ate dirt {i}."} for i in range(30)]
    for split in ("train", "test"):
        write_mirror(mirror, "hendrycks/ethics", "utilitarianism", split, rows)
    a = tasks.load_task("ethics-utilitarianism", source="hub", seed=0, balanced=False)
    b = tasks.load_task("ethics-utilitarianism", source="hub", seed=7, balanced=False)
    assert a["test"]["text"] == b["test"]["text"] and a["test"]["label"] == b["test"]["label"]
    assert sorted(a["train"]["text"]) != sorted(
        b["train"]["text"]
    )  # the training pool's coins follow the seed
    assert {0, 1} == set(a["test"]["label"])


def test_missing_mirror_file_is_a_one_line_error_naming_it(mirror):
    write_mirror(mirror, "nyu-mll/glue", "cola", "train", [ROWS["cola"]])
    with pytest.raises(DataError) as e:
        tasks.load_task("cola", source="hub")
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith(str(mirror / "nyu-mll__glue" / "cola" / "validation.jsonl") + ": no such file")
    assert HUB_DATA_ENV in msg


def test_hub_identity_names_the_task_and_a_mirror_by_content(tmp_path, monkeypatch):
    """Variants built on one hub dataset are different data; a local mirror is its content."""
    from w2s_helpers.classification.data.registry import data_identity

    monkeypatch.delenv("W2S_HUB_DATA", raising=False)
    assert data_identity("amazon_polarity", "hub") != data_identity("amazon_polarity_title_only", "hub")
    folder = tmp_path / "fancyzhx__amazon_polarity" / "default"
    folder.mkdir(parents=True)
    for split in ("train", "test"):
        (folder / f"{split}.jsonl").write_text('{"title": "t", "content": "c", "label": 1}\n')
    monkeypatch.setenv("W2S_HUB_DATA", str(tmp_path))
    before = data_identity("amazon_polarity", "hub")
    (folder / "train.jsonl").write_text('{"title": "t", "content": "changed", "label": 1}\n')
    assert data_identity("amazon_polarity", "hub") != before
