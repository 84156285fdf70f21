"""The memory plan's counts against exact ones on the meta device: the parameters of the
classification backbone, the LoRA parameters each flow's own trainer code leaves trainable,
and the optimizer state AdamW allocates. Llama (GQA), Mistral, Gemma (MQA, 256-wide heads),
Qwen2 (biases on q/k/v) and gpt2 (Conv1D layers, which peft's all-linear adapts)."""

import pytest

from w2s_helpers import zoo
from w2s_helpers.scale import arch

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

MODELS = ["llama2-70b", "mistral-7b", "gemma-2b", "qwen2.5-7b-base", "gpt2"]


def meta_model(name: str, causal: bool):
    from transformers import AutoConfig, AutoModel, AutoModelForCausalLM

    kw = dict(zoo.get_spec(name).arch)
    cfg = AutoConfig.for_model(kw.pop("model_type"), **kw)
    with torch.device("meta"):
        return (AutoModelForCausalLM if causal else AutoModel).from_config(cfg)


def trainable(model) -> list:
    return [p for p in model.parameters() if p.requires_grad]


@pytest.mark.parametrize("name", MODELS)
def test_backbone_parameters(name):
    spec = zoo.get_spec(name)
    n = sum(p.numel() for p in meta_model(name, causal=False).parameters())
    assert arch.backbone_params(spec, arch.dims(spec)) == pytest.approx(n, abs=0.5e6)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("top_frac", [1.0, 0.5])
def test_reasoning_lora_count_is_exact(name, top_frac):
    from peft import get_peft_model

    from w2s_helpers.reasoning.config import TrainParams
    from w2s_helpers.reasoning.training import _lora

    model = meta_model(name, causal=True)
    p = TrainParams(lora_r=8, lora_top_frac=top_frac)
    peft_model = get_peft_model(model, _lora(p, model))
    n = sum(q.numel() for q in trainable(peft_model))
    assert arch.lora_params(arch.dims(zoo.get_spec(name)), 8, top_frac) == n


@pytest.mark.parametrize("name", MODELS)
def test_classification_lora_count_is_exact(name, monkeypatch):
    from w2s_helpers.classification import finetune
    from w2s_helpers.scale import memory
    from w2s_helpers.scale.resources import Resources

    monkeypatch.setattr(zoo, "load_backbone", lambda *a, **k: meta_model(name, causal=False))
    clf = finetune.build_classifier(name, "last", "lora", lora_r=8)
    n = sum(q.numel() for q in trainable(clf))
    spec = zoo.get_spec(name)
    d = arch.dims(spec)
    assert arch.lora_params(d, 8) + 2 * d.hidden + 2 == n  # adapters + the linear head
    # the plan's LoRA state is exactly the base in bf16 and 16 bytes a trainable parameter
    est = memory.train(spec, Resources(gpus=1, gpu_memory_gb=1e4), "lora", batch_size=1, seq=1)
    base = sum(q.numel() for q in clf.parameters() if not q.requires_grad)
    act = arch.activation_elems(d) * d.layers * 2
    assert est.per_device_gb * 1e9 == pytest.approx(
        base * 2 + n * 16 + act, abs=2e6
    )  # params_m: to the million


@pytest.mark.parametrize("name", ["gemma-2b", "qwen2.5-0.5b-base"])
def test_adam_state_is_8_bytes_a_trainable_parameter(name):
    """AdamW's exp_avg and exp_avg_sq in fp32 (its step counters are scalars): full
    fine-tuning's 16 bytes are weights 4 + gradients 4 + these 8."""
    from peft import LoraConfig, get_peft_model

    for model in (
        meta_model(name, causal=True),
        get_peft_model(meta_model(name, causal=True), LoraConfig(r=8, target_modules="all-linear")),
    ):
        params = trainable(model)
        for q in params:
            q.grad = torch.empty_like(q)
        opt = torch.optim.AdamW(params, lr=1e-4)
        opt.step()
        state = sum(t.numel() * t.element_size() for s in opt.state.values() for t in s.values() if t.dim())
        assert state == 8 * sum(q.numel() for q in params)
        assert {q.dtype for q in params} == {torch.float32}


def test_kv_cache_uses_head_dim():
    gemma = arch.dims(zoo.get_spec("gemma-2b"))
    assert arch.kv_cache_bytes(gemma, 2) == 2 * 18 * 1 * 256 * 2  # one 256-wide KV head, 18 layers
    llama = arch.dims(zoo.get_spec("llama2-70b"))
    assert arch.kv_cache_bytes(llama, 2) == 2 * 80 * 8 * 128 * 2
