"""Atomic writes and strict readers.

Every result file is written to a temporary name in the same folder and renamed into
place, so an interrupted job never leaves a half-written file that looks complete.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any


class DataError(ValueError):
    """Bad input data; the message names the file, line and field."""


def require_file(path: str | Path, what: str = "file") -> Path:
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such {what}" + (" (it is a folder)" if path.is_dir() else ""))
    return path


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        tmp_path.chmod(0o644)  # mkstemp creates 0600; results are meant to be shared
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside `path`; rename it onto `path` only on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        tmp.chmod(0o755)  # mkdtemp creates 0700; results are meant to be shared
        if path.exists():
            shutil.rmtree(path)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_json(path: str | Path, obj: Any) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def read_json(path: str | Path) -> Any:
    path = require_file(path)
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise DataError(f"{path}: line {e.lineno}: not valid JSON ({e.msg})") from e


def write_jsonl(path: str | Path, rows: Iterable[dict]) -> None:
    with atomic_path(path) as tmp, tmp.open("w") as f:
        for row in rows:
            f.write(json.dumps(row, default=str) + "\n")


def read_jsonl(path: str | Path, required: Sequence[str] = ()) -> list[dict]:
    """Read a JSONL file; a malformed line or a missing field raises DataError naming both."""
    path = require_file(path)
    rows = []
    with path.open(encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise DataError(f"{path}: line {lineno}: not valid JSON ({e.msg})") from e
            if not isinstance(row, dict):
                raise DataError(f"{path}: line {lineno}: expected a JSON object, got {type(row).__name__}")
            check_fields(row, required, path, lineno)
            rows.append(row)
    return rows


def check_fields(row: dict, required: Sequence[str], path: str | Path, lineno: int) -> None:
    missing = [k for k in required if k not in row]
    if missing:
        raise DataError(
            f"{path}: line {lineno}: missing field(s) {missing}; expected {list(required)}, "
            f"found {sorted(row)}"
        )


def read_table(path: str | Path, required: Sequence[str] = ()) -> list[dict]:
    """Read JSONL, CSV/TSV or Parquet into a list of dicts, checking required fields."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".json", ".csv", ".tsv", ".parquet"):
        raise DataError(
            f"{path}: unsupported file type {suffix!r}; expected .jsonl, .json, .csv, .tsv or .parquet"
        )
    require_file(path)
    if suffix in (".jsonl", ".json"):
        rows = read_jsonl(path, required)
    elif suffix in (".csv", ".tsv"):
        try:
            with path.open(newline="", encoding="utf-8-sig") as f:
                rows = list(csv.DictReader(f, delimiter="\t" if suffix == ".tsv" else ","))
        except (UnicodeDecodeError, csv.Error) as e:
            raise DataError(f"{path}: not a readable {suffix[1:].upper()} file ({e})") from e
        for lineno, row in enumerate(rows, 2):  # line 1 is the header
            check_fields(row, required, path, lineno)
            if None in row or any(row[k] is None for k in required):
                raise DataError(
                    f"{path}: line {lineno}: expected {len(rows[0])} columns, got a short or long row"
                )
    else:
        import pyarrow.parquet as pq

        try:
            rows = pq.read_table(path).to_pylist()
        except Exception as e:  # pyarrow raises several types for a corrupt file
            raise DataError(f"{path}: not a readable Parquet file ({e})") from e
        for i, row in enumerate(rows, 1):
            check_fields(row, required, path, i)
    if not rows:
        raise DataError(f"{path}: the file has no rows")
    return rows
