"""Classification data: the task registry (offline, hub and user files; which tasks are
images: `modality`), examples and sampling.

registry       task names -> sources; modality, data_identity, loading (no torch)
spec           TaskSpec: one task's sources and rules
examples       Example rows, de-duplication, balancing, halves and soft labels
offline        the offline tasks, from files inside index packages
files          your own .jsonl / .csv / .parquet files
hub            the reference's hub tasks' row formatters
hub_source     hub splits, or a local mirror of them ($W2S_HUB_DATA)
tasks_hub      EleutherAI's and the spurious-cue tasks, registered by name
hub_eleuther   EleutherAI's binarisations     hub_spurious   the spurious-cue variants
"""

from .examples import Example, balance, example_id, split_halves, with_soft_labels
from .registry import (
    IMAGE_TASKS,
    OFFLINE_TASKS,
    TASKS,
    TaskSpec,
    UnknownTaskError,
    check_counts,
    check_dataset,
    check_file_dataset,
    data_identity,
    describe,
    is_file_dataset,
    load_task,
    modality,
    resolve_source,
    task_examples,
    usable_examples,
)

__all__ = [
    "IMAGE_TASKS",
    "OFFLINE_TASKS",
    "TASKS",
    "Example",
    "TaskSpec",
    "UnknownTaskError",
    "balance",
    "check_counts",
    "check_dataset",
    "check_file_dataset",
    "data_identity",
    "describe",
    "example_id",
    "is_file_dataset",
    "load_task",
    "modality",
    "resolve_source",
    "split_halves",
    "task_examples",
    "usable_examples",
    "with_soft_labels",
]
