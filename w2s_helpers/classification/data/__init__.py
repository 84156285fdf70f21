"""Classification data: the task registry (offline, hub and user files; which tasks are
images: `modality`), examples and sampling."""

from .examples import Example, balance, example_id, split_halves, with_soft_labels
from .registry import (
    IMAGE_TASKS,
    OFFLINE_TASKS,
    TASKS,
    TaskSpec,
    UnknownTaskError,
    check_dataset,
    data_identity,
    describe,
    is_file_dataset,
    load_task,
    modality,
    resolve_source,
    task_examples,
)

__all__ = [
    "IMAGE_TASKS",
    "OFFLINE_TASKS",
    "TASKS",
    "Example",
    "TaskSpec",
    "UnknownTaskError",
    "balance",
    "check_dataset",
    "data_identity",
    "describe",
    "example_id",
    "is_file_dataset",
    "load_task",
    "modality",
    "resolve_source",
    "split_halves",
    "task_examples",
    "with_soft_labels",
]
