"""Where a hub split's rows come from: the Hugging Face hub, or a local mirror folder.

With `$W2S_HUB_DATA` set to a folder, every hub task reads its splits from files there
instead of the hub (for machines without the hub, and for tests):

    $W2S_HUB_DATA/<hub id, "/" replaced by "__">/<config, or "default">/<split>.jsonl

e.g. `allenai__sciq/default/train.jsonl` or `nyu-mll__glue/cola/validation.jsonl`, one hub
row per line with the hub's field names. The split names are the hub's own (before a task's
split map), so one mirror serves every task built on that dataset. A missing file is an
error naming it; the hub is never asked while the variable is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ...core.fileio import DataError

HUB_DATA_ENV = "W2S_HUB_DATA"


def mirror_path(root: str | Path, hub_id: str, config: str | None, split: str) -> Path:
    """The file under a local mirror folder that stands for one hub split."""
    return Path(root).expanduser() / hub_id.replace("/", "__") / (config or "default") / f"{split}.jsonl"


def hub_split_rows(hub_id: str, config: str | None, split: str) -> Iterable[dict]:
    """The rows of one hub split: from `$W2S_HUB_DATA` when it is set, else from the hub."""
    from datasets import load_dataset

    root = os.environ.get(HUB_DATA_ENV)
    if not root:
        return load_dataset(hub_id, config, split=split)
    path = mirror_path(root, hub_id, config, split)
    if not path.is_file():
        raise DataError(
            f"{path}: no such file ({HUB_DATA_ENV} mirror of {hub_id}, config {config or 'default'}, split {split!r})"
        )
    return load_dataset("json", data_files=str(path), split="train")
