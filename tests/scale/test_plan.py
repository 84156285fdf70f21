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
    head, *lines = text.splitlines()
    assert head.startswith(f"grid {spec.stem}:") and lines
    runs = [r for r in lines if " | " in r]
    assert runs and all(len(r.split(" | ")) == 6 and " GB/device | host " in r for r in runs[1:])
    jobs = [r for r in lines if r.startswith("job ")]
    assert jobs and all("; sized by " in j for j in jobs)


def test_paper_grids_use_the_scale_strategies():
    rows = plan(REPO / "grids" / "paper_reasoning_gpu.yaml").splitlines()
    strong_train = next(r for r in rows if "stage I iteration 1" in r and "llama2-70b (" in r)
    assert "FSDP over 8" in strong_train
    assert any("vLLM TP 8" in r for r in rows)
    assert all(" 8x80GB GPU" in r for r in rows if r.startswith("job "))  # every experiment trains 70B
    rows = plan(REPO / "grids" / "paper_gpu.yaml").splitlines()
    gpt2 = next(r for r in rows if r.startswith("sciq gt gpt2 s0 |"))
    assert "| one GPU |" in gpt2  # 124M fits one GPU: one process, whatever the base says
    assert "FSDP over 8" in next(r for r in rows if r.startswith("sciq gt qwen2.5-14b-base s0 |"))
    jobs = {r.split(":")[0]: r for r in rows if r.startswith("job ")}
    assert "1x80GB GPU, 4 CPU, 64GB RAM" in jobs["job sciq__gt__1gpu"]
    assert "8x80GB GPU" in jobs["job sciq__gt__8gpu"] and "qwen2.5-14b-base" in jobs["job sciq__gt__8gpu"]
    assert not any("FSDP" in r and "QLoRA" in r for r in rows)


def test_full_finetuning_memory_by_hand():
    """Qwen2.5-7B full fine-tuning (fp32 master weights, bf16 autocast): the classifier's
    backbone (7,616M less the 152,064 x 3,584 LM head, plus the 2-way head) x 16 bytes =
    113 GB, more than an 80 GB GPU; over 8 GPUs with FSDP, a 1/8 share plus the bf16
    all-gather of the largest unit (the 545M-parameter embedding) plus activations."""
    res = Resources(gpus=8, gpu_memory_gb=80, memory_gb=512)
    spec = get_spec("qwen2.5-7b-base")
    one = memory.train(spec, res, "full", batch_size=32, seq=1024)
    assert one.strategy == "one GPU" and one.problem and "fsdp" in one.problem
    fsdp = memory.train(
        spec, res, "full", batch_size=32, seq=1024, distributed="fsdp", num_processes=8, checkpointing=True
    )
    p = 7616e6 - 152064 * 3584 + 2 * 3584 + 2
    per_token = 4 * 3584 + 2 * 3584 + 2 * 512 + 4 * 18944  # norms, q, k + v (4 KV heads of 128), SwiGLU
    act = (
        4 * 1024 * (3584 * 28 + per_token) * 2
    )  # 32 rows over 8; checkpointed: each block's input + one block
    assert fsdp.strategy == "FSDP over 8" and not fsdp.problem
    assert fsdp.per_device_gb == pytest.approx((p * 16 / 8 + 152064 * 3584 * 2 + act) / 1e9, rel=1e-6)
    # host RAM: rank 0 loads the fp32 weights once, every process adds its overhead
    assert fsdp.host_gb == pytest.approx(p * 4 / 1e9 + 8 * memory.PROCESS_GB, rel=1e-6)
    ddp = memory.train(spec, res, "full", distributed="ddp", num_processes=8)
    assert ddp.host_gb == pytest.approx(8 * (p * 4 / 1e9 + memory.PROCESS_GB), rel=1e-6)


def test_cpu_full_finetuning_is_fp32_throughout():
    spec = get_spec("gpt2")
    est = memory.train(spec, Resources(gpus=0, memory_gb=64), "full", batch_size=1, seq=1)
    p = 124e6 + 2 * 768 + 2
    assert est.strategy == "CPU" and est.per_device_gb == pytest.approx((p * 16 + 12 * 12288 * 4) / 1e9)


def test_qlora_and_vllm_tp():
    res = Resources(gpus=1, gpu_memory_gb=80, memory_gb=64)
    q = memory.train(
        get_spec("llama2-70b"), res, "lora", load_in_4bit=True, batch_size=1, seq=512, checkpointing=True
    )
    assert q.strategy == "QLoRA" and not q.problem and q.per_device_gb < 60
    # QLoRA under DDP: each GPU holds the whole 4-bit model, nothing is divided
    node = Resources(gpus=8, gpu_memory_gb=80, memory_gb=2048)
    kw = dict(load_in_4bit=True, batch_size=8, seq=512, checkpointing=True)
    ddp = memory.train(get_spec("llama2-70b"), node, "lora", distributed="ddp", num_processes=8, **kw)
    assert ddp.per_device_gb > 68977e6 * 0.55 / 1e9 and "FSDP" not in ddp.strategy and not ddp.problem
    fsdp = memory.train(get_spec("llama2-70b"), node, "lora", distributed="fsdp", num_processes=8, **kw)
    assert "FSDP" not in fsdp.strategy and "use ddp" in fsdp.problem
    g = memory.generation(
        get_spec("llama2-70b"), Resources(gpus=4, gpu_memory_gb=80), "vllm", 4, batch=8, seq=1024
    )
    kv = 8 * 1024 * 2 * 80 * 8 * 128 * 2  # 8 KV heads of 128
    assert g.strategy == "vLLM TP 4" and g.per_device_gb == pytest.approx((68977e6 * 2 + kv) / 4 / 1e9)
    assert g.host_gb == pytest.approx(68977e6 * 2 / 1e9 + 4 * memory.PROCESS_GB)
    too_many = memory.generation(get_spec("llama2-70b"), Resources(gpus=4), "vllm", 8)
    assert "needs 8 GPUs; the spec declares 4" in too_many.problem


def test_gemma_kv_cache_is_multi_query():
    g = memory.generation(get_spec("gemma-2b"), Resources(gpus=1), "hf", batch=1, seq=1000)
    assert g.per_device_gb == pytest.approx((2506e6 * 2 + 1000 * 2 * 18 * 256 * 2) / 1e9)


def test_host_ram_over_90_percent_is_refused(tmp_path):
    spec = tmp_path / "ram.yaml"
    spec.write_text(
        "datasets: [sciq]\nmodels: [qwen2.5-14b-base]\n"
        "resources: {gpus: 8, gpu_memory_gb: 80, memory_gb: 64}\n"
        "base: {mode: full, source: hub, distributed: fsdp, num_processes: 8, gradient_checkpointing: true}\n"
    )
    with pytest.raises(PlanError, match=r"sciq gt qwen2.5-14b-base s0: .*host RAM"):
        plan(spec)


def _gated_spec(tmp_path):
    spec = tmp_path / "gated.yaml"
    spec.write_text(
        "pipeline: reasoning\ndatasets: [gsm8k]\npairs: [[gemma-2b, llama2-7b]]\n"
        "resources: {gpus: 1, gpu_memory_gb: 80, memory_gb: 256}\n"
        "base: {backend: vllm, source: hub, gradient_checkpointing: true}\n"
    )
    return spec


def test_plan_warns_of_gated_models_without_a_token(tmp_path, monkeypatch):
    from w2s_helpers.grid import plan as grid_plan

    monkeypatch.setattr(grid_plan, "hub_token", lambda: None)
    warning = plan(_gated_spec(tmp_path)).splitlines()[1]
    assert warning.startswith("warning: gated model(s) google/gemma-2b, meta-llama/Llama-2-7b-hf")
    assert (
        "request access on each model's hub page" in warning and "`hf auth login` or set HF_TOKEN" in warning
    )
    monkeypatch.setattr(grid_plan, "hub_token", lambda: "hf_x")
    assert "warning" not in plan(_gated_spec(tmp_path))


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
