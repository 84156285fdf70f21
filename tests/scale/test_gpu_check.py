"""The GPU check script's plumbing on a CPU (tiny model, fp32): every check runs and reports;
the numbers it is for come from a GPU machine (README, "Running at scale")."""

import json

import pytest

from conftest import REPO


@pytest.mark.zoo
def test_the_gpu_check_runs_every_check_on_a_tiny_model(monkeypatch, tmp_path, capsys):
    import importlib.util

    monkeypatch.setenv("W2S_RESULTS", str(tmp_path))
    spec = importlib.util.spec_from_file_location("gpu_check", REPO / "bench" / "gpu_check.py")
    gpu_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gpu_check)
    gpu_check.main(["--cpu", "--skip", "fsdp"])  # the FSDP launch is tests/scale/test_fsdp.py's
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"check"')]
    assert [r["check"] for r in rows] == ["train", "train", "lora_merge", "batch_gen"]
    assert all(r["tokens_per_s"] > 0 for r in rows[:2])
    # token-for-token equality is what the GPU run reports; a test may not rely on it (a
    # near-tie can flip with the order of a float reduction), the logits within tolerance
    assert rows[2]["identical"].endswith("/8") and rows[3]["identical"].endswith("/8")
    assert rows[3]["max_first_logit_gap"] < 1e-3
