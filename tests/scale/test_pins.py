"""The `vllm` extra installs next to the project's pins without changing any of them: a
dry-run resolution (`pip install --dry-run --report`) of requirements.txt plus the extra.
Needs the package index, so it is slow-marked (`make test-all`)."""

import json
import re
import subprocess
import sys

import pytest
import tomllib

from conftest import REPO


def pins() -> dict[str, str]:
    out = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        if m := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s#]+)", line.strip()):
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_extras_are_pinned():
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert extras["vllm"] == ["vllm==0.30.0"]
    assert all("==" in spec for specs in extras.values() for spec in specs)


@pytest.mark.slow
@pytest.mark.parametrize("extra", ["vllm"])
def test_extra_resolves_without_changing_a_pin(tmp_path, extra):
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    report = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--report", str(report)]
    subprocess.run([*cmd, "-r", str(REPO / "requirements.txt"), *extras[extra]], check=True, timeout=900)
    chosen = {
        i["metadata"]["name"].lower().replace("_", "-"): i["metadata"]["version"]
        for i in json.loads(report.read_text())["install"]
    }
    changed = {p: (v, chosen[p]) for p, v in pins().items() if p in chosen and chosen[p] != v}
    assert not changed, f"installing [{extra}] would change pinned versions: {changed}"
    assert "vllm" in chosen or extra != "vllm"
