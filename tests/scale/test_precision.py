"""Training precision: half-precision weights lose AdamW's small steps, so full fine-tuning
keeps fp32 master weights under autocast and LoRA keeps fp32 adapters; the records say
which. Gradient clipping is a config field (the reference does not clip)."""

from pathlib import Path

import pytest
import torch

from w2s_helpers.classification.config import ClassificationConfig
from w2s_helpers.core.compute import training_precision


def _unchanged_after_one_step(dtype: torch.dtype, lr: float) -> float:
    """The share of a typical weight matrix (init std 0.02) one AdamW step leaves unchanged."""
    g = torch.Generator().manual_seed(0)
    w = torch.nn.Parameter((torch.randn(512, 512, generator=g) * 0.02).to(dtype))
    before = w.detach().clone()
    w.grad = torch.randn(512, 512, generator=g).to(dtype)
    torch.optim.AdamW([w], lr=lr, weight_decay=0.0).step()
    return (w.detach() == before).float().mean().item()


def test_pure_bf16_weights_lose_most_updates_and_fp32_masters_keep_them():
    # Adam's first step moves every weight by ~lr; bf16 keeps 8 bits of mantissa, so a
    # 5e-5 step on a weight of ~0.02 rounds back to the same value 43% of the time, a 1e-5
    # step 84% (larger weights, as in a pretrained model's norms, lose more)
    assert _unchanged_after_one_step(torch.bfloat16, 5e-5) > 0.3
    assert _unchanged_after_one_step(torch.bfloat16, 1e-5) > 0.7
    assert _unchanged_after_one_step(torch.float32, 5e-5) < 0.01


def test_the_precision_policy():
    full = training_precision("full", "bfloat16")
    assert (full.weights, full.autocast, full.trainable) == ("float32", "bfloat16", "float32")
    assert full.trainer_flags() == {"bf16": True, "fp16": False}
    lora = training_precision("lora", "bfloat16")
    assert (lora.weights, lora.trainable) == ("bfloat16", "float32")
    assert training_precision("lora", "bfloat16", load_in_4bit=True).weights == "nf4"
    cpu = training_precision("full")  # auto on a CPU: fp32 throughout, no autocast
    assert cpu.autocast is None and cpu.trainer_flags() == {"bf16": False, "fp16": False}
    assert cpu.describe() == "float32 weights, float32 updates"


@pytest.mark.zoo
def test_built_classifiers_hold_what_the_policy_says():
    from w2s_helpers.classification.finetune import build_classifier

    full = build_classifier("tiny-random-llama", "last", "full", dtype="bfloat16")
    assert {p.dtype for p in full.parameters()} == {torch.float32}
    lora = build_classifier("tiny-random-llama", "last", "lora", dtype="bfloat16")
    frozen = {p.dtype for p in lora.backbone.parameters() if not p.requires_grad}
    adapters = {p.dtype for n, p in lora.backbone.named_parameters() if "lora_" in n}
    assert frozen == {torch.bfloat16} and adapters == {torch.float32}


@pytest.mark.zoo
def test_a_bf16_full_run_trains_fp32_masters_under_autocast_and_says_so(tmp_path):
    from w2s_helpers.classification import stages

    cfg = ClassificationConfig(
        dataset="movie_polarity",
        model="tiny-random-llama",
        mode="full",
        n_train=64,
        n_test=32,
        epochs=1.0,
        batch_size=16,
        dtype="bfloat16",
    )
    rec = stages.run(cfg, tmp_path)
    assert rec["precision"] == "float32 weights, bfloat16 autocast, float32 updates"
    assert rec["losses"] and 0 <= rec["test_acc"] <= 1


def test_gradient_clipping_is_a_config_field(monkeypatch):
    import transformers

    from w2s_helpers.classification import finetune

    seen = {}

    class Stop(Exception):
        pass

    def capture(**kw):
        seen.update(kw)
        raise Stop

    monkeypatch.setattr(transformers, "TrainingArguments", capture)
    model = torch.nn.Linear(2, 2)
    with pytest.raises(Stop):
        finetune.train_classifier(
            model, None, [0] * 4, None, Path("o/trainer"), 1.0, 1e-3, 2, 0, max_grad_norm=0.0
        )
    assert seen["max_grad_norm"] == 0.0
    assert seen["bf16"] is False and "fsdp" not in seen
    # 1.0 (the HF default every earlier run used) keeps run ids; any other value is a new run
    base = dict(mode="full", model="tiny-random-llama")
    assert (
        ClassificationConfig(**base).identity() == ClassificationConfig(**base, max_grad_norm=1.0).identity()
    )
    assert ClassificationConfig(**base).run_id() != ClassificationConfig(**base, max_grad_norm=0.0).run_id()
    assert ClassificationConfig().run_id() == ClassificationConfig(max_grad_norm=0.0).run_id()  # a probe
    with pytest.raises(ValueError, match="max_grad_norm"):
        ClassificationConfig(max_grad_norm=-1.0)
