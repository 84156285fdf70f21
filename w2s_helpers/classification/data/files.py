"""A user's own file as a dataset: JSONL, CSV/TSV or Parquet with a text and a label column
(an optional `split` column of train/test is honoured)."""

from __future__ import annotations

from pathlib import Path

from ...core.fileio import DataError, read_table
from .examples import Example, as_label, hash_split, make_example


def _text(value, path: Path, lineno: int, field: str) -> str:
    if value is None or not str(value).strip():  # a JSON null would train as the string "None"
        raise DataError(
            f"{path}: line {lineno}: field {field!r} is {'null' if value is None else 'empty'}; expected a text"
        )
    return str(value)


def file_examples(path: Path, text_column: str, label_column: str) -> tuple[list[Example], list[Example]]:
    """(train, test) of the file's rows; a null or empty text, a label that is no boolean,
    or a file of one class raises DataError naming the file (and the line)."""
    rows = read_table(path, [text_column, label_column])
    first = 2 if path.suffix.lower() in (".csv", ".tsv") else 1  # a CSV's line 1 is its header
    examples = [
        make_example(
            _text(r[text_column], path, i, text_column), as_label(r[label_column], path, i, label_column)
        )
        for i, r in enumerate(rows, first)
    ]
    labels = {e["label"] for e in examples}
    if len(labels) < 2:
        raise DataError(
            f"{path}: every one of its {len(rows)} rows has {label_column!r} = {labels.pop()}; "
            "a classification file needs both labels (0 and 1)"
        )
    if rows and "split" in rows[0]:
        train = [e for e, r in zip(examples, rows) if r["split"] == "train"]
        test = [e for e, r in zip(examples, rows) if r["split"] == "test"]
        return train, test
    return hash_split(examples)
