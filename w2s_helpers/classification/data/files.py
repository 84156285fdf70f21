"""A user's own file as a dataset: JSONL, CSV/TSV or Parquet with a text and a label column
(an optional `split` column of train/test is honoured)."""

from __future__ import annotations

from pathlib import Path

from ...core.fileio import read_table
from .examples import Example, as_label, hash_split, make_example


def file_examples(path: Path, text_column: str, label_column: str) -> tuple[list[Example], list[Example]]:
    rows = read_table(path, [text_column, label_column])
    examples = [
        make_example(str(r[text_column]), as_label(r[label_column], path, i, label_column))
        for i, r in enumerate(rows, 1)
    ]
    if rows and "split" in rows[0]:
        train = [e for e, r in zip(examples, rows) if r["split"] == "train"]
        test = [e for e, r in zip(examples, rows) if r["split"] == "test"]
        return train, test
    return hash_split(examples)
