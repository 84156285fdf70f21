"""`w2s grid --plan`: every shipped grid plans with no data, no network and no training;
the memory rules on hand-worked cases; a plan that cannot fit is refused, naming the run."""

from pathlib import Path

import pytest

from conftest import REPO
from w2s_helpers.cli.main import main
from w2s_helpers.cli.pipelines import plan
from w2s_helpers.grid.plan import PlanError
from w2s_helpers.scale import memory
from w2s_helpers.scale.resources import Resources
from w2s_helpers.zoo import get_spec

GRIDS = sorted((REPO / "grids").glob("*.yaml"))


@pytest.mark.parametrize("spec", GRIDS, ids=lambda p: p.stem)
def test_every_shipped_grid_plans(spec, monkeypatch):
    # no data file is read: the paper grid's reference split folder need not exist
    import w2s_helpers.classification.stages as stages

    monkeypatch.setattr(stages, "run", lambda *a, **k: pytest.fail("--plan trained something"))
    text = plan(spec)
    head, *rows = text.splitlines()
    assert head.startswith(f"grid {spec.stem}:") and rows
    assert all(len(r.split(" | ")) == 6 for r in rows)


def test_paper_grids_use_the_scale_strategies():
    rows = plan(REPO / "grids" / "paper_reasoning_gpu.yaml").splitlines()[1:]
    strong_train = next(r for r in rows if "stage I iteration 1" in r and "llama2-70b (" in r)
    assert "FSDP over 8" in strong_train
    assert any("vLLM TP 8" in r for r in rows)
    rows = plan(REPO / "grids" / "paper_gpu.yaml").splitlines()[1:]
    assert all("FSDP over 8" in r for r in rows)


def test_full_finetuning_memory_by_hand():
    """Qwen-7B full fine-tuning in bf16: 7e9 x (2 + 2 + 8) bytes = 84 GB of state, more than
    an 80 GB GPU; over 8 GPUs with FSDP, 10.5 GB each plus activations."""
    res = Resources(gpus=8, gpu_memory_gb=80)
    one = memory.train(get_spec("qwen-7b"), res, "full", batch_size=32, seq=1024)
    assert one.strategy == "one GPU" and one.problem and "fsdp" in one.problem
    fsdp = memory.train(
        get_spec("qwen-7b"),
        res,
        "full",
        batch_size=32,
        seq=1024,
        distributed="fsdp",
        num_processes=8,
        checkpointing=True,
    )
    act = 4 * 1024 * 4096 * 32 * 2 / 1e9  # 32 rows over 8 processes, checkpointed
    assert fsdp.strategy == "FSDP over 8" and not fsdp.problem
    assert fsdp.per_device_gb == pytest.approx(84 / 8 + act, rel=1e-3)


def test_qlora_and_vllm_tp():
    res = Resources(gpus=1, gpu_memory_gb=80)
    q = memory.train(
        get_spec("llama2-70b"), res, "lora", load_in_4bit=True, batch_size=1, seq=512, checkpointing=True
    )
    assert q.strategy == "QLoRA" and not q.problem and q.per_device_gb < 60
    g = memory.generation(
        get_spec("llama2-70b"), Resources(gpus=4, gpu_memory_gb=80), "vllm", 4, batch=8, seq=1024
    )
    kv = 8 * 1024 * 2 * 80 * 8192 * 0.125 * 2
    assert g.strategy == "vLLM TP 4" and g.per_device_gb == pytest.approx((70e9 * 2 + kv) / 4 / 1e9)
    too_many = memory.generation(get_spec("llama2-70b"), Resources(gpus=4), "vllm", 8)
    assert "needs 8 GPUs; the spec declares 4" in too_many.problem


def test_unknown_hub_model_is_planned_not_refused():
    est = memory.train(get_spec("someone/some-model-7b"), Resources(gpus=1), "lora")
    assert est.per_device_gb is None and not est.problem


def test_cli_refuses_a_plan_that_cannot_fit(tmp_path, capsys):
    spec = tmp_path / "big.yaml"
    spec.write_text(
        "pipeline: reasoning\ndatasets: [gsm8k]\npairs: [[llama2-7b, llama2-70b]]\n"
        "resources: {gpus: 1, gpu_memory_gb: 80}\nbase: {backend: vllm, source: hub}\n"
    )
    with pytest.raises(SystemExit) as e:
        main(["grid", str(spec), "--plan"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "cannot fit the declared resources" in err and "llama2-70b" in err
    with pytest.raises(PlanError):
        plan(spec)


def test_bad_resources_is_a_spec_error(tmp_path):
    spec = tmp_path / "r.yaml"
    spec.write_text("datasets: [sarcasm]\nmodels: [minilm-l6]\nresources: {gpu: 2}\n")
    with pytest.raises(Exception, match="resources"):
        plan(spec)
    assert Path(spec).exists()
