"""The one hashing helper behind every run id and cache key.

`stable_hash` hashes a canonical JSON form: dict keys sorted, tuples as lists, paths as
strings. Configs coerce their values to the declared types first (`epochs: 2` becomes
2.0), so values that mean the same hash the same. `file_sha256` hashes content, not a
path: editing a data file changes every key that names it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def canonical(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = dataclasses.asdict(obj)
    if isinstance(obj, dict):
        return {str(k): canonical(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, list | tuple):
        return [canonical(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    return obj


def stable_hash(obj: Any, n: int = 10) -> str:
    text = json.dumps(canonical(obj), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:n]


MEMO_MIN_BYTES = 64 << 20  # smaller files are hashed afresh every time: an edit is never missed


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """sha256 of a file's content. Large files (checkpoints) are remembered per (path, size,
    mtime, inode) within the process; data files are re-read each time, since a quick
    same-size edit can leave the mtime unchanged."""
    path = Path(path).resolve()
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    if st.st_size >= MEMO_MIN_BYTES and key in _DIGESTS:
        return _DIGESTS[key]
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    if st.st_size >= MEMO_MIN_BYTES:
        _DIGESTS[key] = h.hexdigest()
    return h.hexdigest()


def slug(text: str, limit: int = 80) -> str:
    """A readable, filesystem-safe folder name fragment."""
    out = "".join(c if c.isalnum() or c in "._-" else "_" for c in str(text))
    return out.strip("_")[:limit] or "run"
