"""The classification task registry: names to sources, and the loader the stages use.

A task name maps to an offline source (files in index packages), a hub dataset with its
binarisation rule, or both; a path to a local JSONL/CSV/Parquet file works wherever a
name does, and so does an image task (`IMAGE_TASKS`, or a folder of class folders:
`modality` says which; `classification.images` loads them). `data_identity` says which
data a name stands for, for run ids and cache keys: a user file by its content, never its
path. With `$W2S_HUB_DATA` set, hub tasks read
their splits from a local mirror folder instead of the hub (see `hub_source`).
"""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path
from typing import Literal

from ...core.fileio import DataError, require_file
from ...core.hashing import file_sha256
from ...core.paths import DATA_SUFFIXES
from .examples import Example, at_rate, balance, dedup, take, with_soft_labels
from .files import file_examples
from .hub import (
    amazon_polarity_example,
    anthropic_hh_example,
    anthropic_hh_pairwise_example,
    boolq_hub_example,
    cosmos_qa_example,
    sciq_example,
    sst2_example,
)
from .hub_source import HUB_DATA_ENV, hub_split_rows, mirror_path
from .offline import _FILES, offline_boolq, offline_movie_polarity, offline_movie_sentiment, offline_sarcasm
from .spec import TaskSpec
from .tasks_hub import PEER_TASKS, SPURIOUS_TASKS

log = logging.getLogger(__name__)


_SPECS = [
    TaskSpec(
        "boolq",
        "yes/no questions about a passage",
        offline_boolq,
        ("boolq_combined", "boolq_dev"),
        "google/boolq",
        hub_splits=("train", "validation"),
        hub_row=boolq_hub_example,
    ),
    TaskSpec(
        "movie_sentiment",
        "rotten-tomatoes sentences, sign of mean human rating (offline)",
        offline_movie_sentiment,
        ("hutto",),
    ),
    TaskSpec(
        "movie_polarity", "Pang & Lee movie-review sentences (offline)", offline_movie_polarity, ("pang_lee",)
    ),
    TaskSpec("sarcasm", "sarcastic vs sincere headlines (offline)", offline_sarcasm, ("sarcasm",)),
    TaskSpec("sciq", "science QA, correct answer vs distractor", hub_id="allenai/sciq", hub_row=sciq_example),
    TaskSpec(
        "amazon_polarity",
        "Amazon review polarity",
        hub_id="fancyzhx/amazon_polarity",
        hub_row=amazon_polarity_example,
    ),
    TaskSpec(
        "cosmos_qa",
        "commonsense reading comprehension, true vs wrong answer",
        hub_id="allenai/cosmos_qa",
        hub_splits=("train", "validation"),
        hub_row=cosmos_qa_example,
    ),
    TaskSpec(
        "anthropic_hh",
        "HH-RLHF, chosen or rejected shown alone",
        hub_id="Anthropic/hh-rlhf",
        hub_row=anthropic_hh_example,
    ),
    TaskSpec(
        "anthropic_hh_pairwise",
        "HH-RLHF, both responses, which is chosen",
        hub_id="Anthropic/hh-rlhf",
        hub_row=anthropic_hh_pairwise_example,
    ),
    TaskSpec(
        "sst2",
        "Stanford sentiment treebank (binary)",
        hub_id="stanfordnlp/sst2",
        hub_splits=("train", "validation"),
        hub_row=sst2_example,
    ),
    *PEER_TASKS,
    *SPURIOUS_TASKS,
]
TASKS: dict[str, TaskSpec] = {t.name: t for t in _SPECS}
OFFLINE_TASKS = [n for n, t in TASKS.items() if t.offline is not None]
IMAGE_TASKS = ("cifar10",)  # plus any folder of class folders (torchvision's ImageFolder layout)


class UnknownTaskError(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def _hub_examples(spec: TaskSpec, seed: int) -> tuple[list[Example], list[Example]]:
    assert spec.hub_id is not None and spec.hub_row is not None
    out = []
    for split in spec.hub_splits:
        rows = hub_split_rows(spec.hub_id, spec.hub_config, split)
        # the test split's coin flips are fixed: only the training pool depends on the seed
        rng = random.Random(f"{spec.name}:{split}:{seed if split == spec.hub_splits[0] else 0}")
        out.append([spec.hub_row(row, rng) for row in rows if spec.hub_keep is None or spec.hub_keep(row)])
    return out[0], out[1]


def is_file_dataset(name: str) -> bool:
    return Path(str(name)).suffix.lower() in DATA_SUFFIXES


def modality(name: str) -> Literal["text", "image"]:
    """'image' for a registered image task or a folder of class sub-folders; 'text' for
    anything else (a text task, a data file; `check_dataset` says whether it exists)."""
    if name in IMAGE_TASKS:
        return "image"
    path = Path(name).expanduser()
    return "image" if path.is_dir() and any(p.is_dir() for p in path.iterdir()) else "text"


def check_dataset(name: str) -> None:
    """Raise UnknownTaskError unless `name` is a registry task, a data file path or an image
    task (a registered one, or a folder of class folders)."""
    if modality(name) == "image":
        return
    if not is_file_dataset(name) and name not in TASKS:
        raise UnknownTaskError(
            f"unknown dataset {name!r}: expected one of {sorted(TASKS)} or a path to a .jsonl/.csv/.parquet file"
        )


def resolve_source(name: str, source: str = "auto") -> str:
    """'file', 'offline' or 'hub': where `name`'s examples come from under `source`."""
    check_dataset(name)
    if is_file_dataset(name):
        return "file"
    spec = TASKS[name]
    # an offline-only task has one source whatever is asked (source="hub" is about models too)
    if spec.offline is not None and (source in ("auto", "offline") or spec.hub_id is None):
        return "offline"
    if spec.hub_id is None or source == "offline":
        raise UnknownTaskError(f"dataset {name!r} has no offline source; offline datasets: {OFFLINE_TASKS}")
    return "hub"


def data_identity(name: str, source: str = "auto") -> str:
    """Which data `name` stands for: a file by its content's sha256 (never its path), an
    offline task by its pinned files, a hub task by its id."""
    if modality(name) == "image":
        from ..images import content_identity

        return f"images:{name if name in IMAGE_TASKS else 'folder'}:{content_identity(name)}"
    where = resolve_source(name, source)
    if where == "file":
        return f"file:{file_sha256(require_file(Path(name).expanduser()))}"
    spec = TASKS[name]
    if where == "offline":
        return f"offline:{name}:{','.join(sorted(h for f in spec.files for h in _FILES[f].sha256.values()))[:24]}"
    mirror = os.environ.get(HUB_DATA_ENV)
    if mirror:  # a local mirror stands for its files' content, not for the hub's
        files = sorted(
            mirror_path(mirror, spec.hub_id, spec.hub_config, s) for s in spec.hub_splits if spec.hub_id
        )
        return f"mirror:{name}:" + ",".join(file_sha256(f)[:16] for f in files if f.is_file())
    return f"hub:{name}:{spec.hub_id}/{spec.hub_config or ''}"


def task_examples(
    name: str, source: str = "auto", seed: int = 0, text_column: str = "text", label_column: str = "label"
) -> tuple[list[Example], list[Example], str]:
    """(train, test) examples, each text once (a text seen with both labels is dropped) and
    none in both splits, and the source used: 'offline', 'hub' or 'file'."""
    if is_file_dataset(name):
        train, test = file_examples(Path(name).expanduser(), text_column, label_column)
        return (*disjoint(train, test), "file")
    if name not in TASKS:
        raise UnknownTaskError(
            f"unknown dataset {name!r}: expected one of {sorted(TASKS)} "
            "or a path to a .jsonl/.csv/.parquet file"
        )
    spec = TASKS[name]
    if resolve_source(name, source) == "offline":
        return (*disjoint(*spec.offline()), "offline")
    return (*disjoint(*_hub_examples(spec, seed)), "hub")


def disjoint(train: list[Example], test: list[Example]) -> tuple[list[Example], list[Example]]:
    """De-duplicate each split and remove from train every text the test split has."""
    train, test = dedup(train), dedup(test)
    in_test = {e["id"] for e in test}
    return [e for e in train if e["id"] not in in_test], test


def usable_examples(
    name: str,
    source: str = "auto",
    seed: int = 0,
    balanced: bool = True,
    text_column: str = "text",
    label_column: str = "label",
    pos_frac: float | None = None,
) -> tuple[list[Example], list[Example], str, int]:
    """(train, test, source, distinct rows) after the split, balancing and `pos_frac` rules:
    every example `load_task` can draw from (the seed picks which, never how many)."""
    train, test, used = task_examples(name, source, seed, text_column, label_column)
    rows = len(train) + len(test)
    if balanced:
        train, test = balance(train, seed), balance(test, 0)
    if pos_frac is not None:
        train, test = at_rate(train, pos_frac, seed), at_rate(test, pos_frac, 0)
    return train, test, used, rows


def check_counts(
    name: str,
    train: list[Example],
    test: list[Example],
    n_train: int | None,
    n_test: int | None,
    rows: int,
    balanced: bool = True,
    pos_frac: float | None = None,
) -> None:
    """DataError unless `n_train` / `n_test` fit the usable examples of a user's file (a run
    on fewer than asked would report on a test set of a handful)."""
    if (n_train or 0) > len(train) or (n_test or 0) > len(test):
        rules = ["the train/test split", *["balanced classes"] * balanced]
        rules += [f"pos_frac {pos_frac}"] if pos_frac is not None else []
        raise DataError(
            f"{name}: {rows} distinct rows give {len(train)} training and {len(test)} test examples "
            f"(after {', '.join(rules)}); the config asks n_train={n_train}, n_test={n_test}"
        )
    for split, rows in (("train", train), ("test", test)):
        labels = {e["label"] for e in rows}
        if len(labels) == 1:
            raise DataError(
                f"{name}: every one of its {len(rows)} {split} examples has label {labels.pop()}; "
                "each split needs both labels"
            )


def check_file_dataset(
    name: str,
    n_train: int | None,
    n_test: int | None,
    balanced: bool = True,
    text_column: str = "text",
    label_column: str = "label",
    pos_frac: float | None = None,
) -> None:
    """Read and check a user's file as `load_task` will use it: every row (DataError naming
    the line and field), both labels, and enough rows for `n_train` / `n_test`."""
    train, test, _, rows = usable_examples(name, "auto", 0, balanced, text_column, label_column, pos_frac)
    check_counts(name, train, test, n_train, n_test, rows, balanced, pos_frac)


def load_task(
    name: str,
    n_train: int | None = None,
    n_test: int | None = None,
    seed: int = 0,
    balanced: bool = True,
    source: str = "auto",
    text_column: str = "text",
    label_column: str = "label",
    pos_frac: float | None = None,
):
    """A `datasets.DatasetDict` with train/test splits of (id, text, label, soft_label).

    The test split is fixed by the dataset (or by example hash), never by the seed; the
    seed picks which training examples are used and the balancing sample. `pos_frac`
    subsamples both splits to that class-1 rate (an imbalanced task).
    """
    from datasets import Dataset, DatasetDict

    train, test, used, rows = usable_examples(
        name, source, seed, balanced, text_column, label_column, pos_frac
    )
    if used == "file":
        check_counts(name, train, test, n_train, n_test, rows, balanced, pos_frac)
    train, test = take(train, n_train, seed), take(test, n_test, 0)
    if n_train is not None and len(train) < n_train:
        log.warning("%s: asked for %d training examples, only %d exist", name, n_train, len(train))
    dd = DatasetDict(
        train=Dataset.from_list(with_soft_labels(train)), test=Dataset.from_list(with_soft_labels(test))
    )
    dd["train"].info.description = f"{name} ({used})"
    return dd


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
