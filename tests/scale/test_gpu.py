"""GPU paths on tiny random models (run where a CUDA device is lent: `pytest -m gpu`);
skipped on a CPU machine."""

import pytest
import torch

from w2s_helpers.core.compute import torch_dtype

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def test_auto_dtype_is_bf16_on_the_gpu_and_part_of_the_identity():
    from w2s_helpers.classification.config import ClassificationConfig

    assert torch_dtype("auto") in (torch.bfloat16, torch.float16)
    cfg = ClassificationConfig(model="tiny-random-llama")
    assert cfg.identity()["dtype"] in ("bfloat16", "float16")


def test_features_run_on_the_gpu():
    from w2s_helpers.classification.features import extract

    texts = ["a short text", "another, somewhat longer text to pool over"] * 8
    gpu, _ = extract("tiny-random-llama", texts, poolings=("last",), dtype="float32")
    assert gpu["last"].device.type == "cpu"  # pooled features come back to the CPU
    assert torch.isfinite(gpu["last"]).all()


def test_device_map_auto_loads():
    from w2s_helpers import zoo

    model = zoo.load_causal_lm("tiny-random-llama", device_map="auto")
    assert next(model.parameters()).device.type == "cuda"


def test_full_training_in_bf16_with_gradient_checkpointing(tmp_path):
    from w2s_helpers.classification import stages
    from w2s_helpers.classification.config import ClassificationConfig

    rec = stages.run(
        ClassificationConfig(
            dataset="movie_polarity",
            model="tiny-random-llama",
            mode="full",
            n_train=128,
            n_test=32,
            epochs=1.0,
            batch_size=16,
            gradient_checkpointing=True,
        ),
        tmp_path,
    )
    assert 0 <= rec["test_acc"] <= 1 and rec["losses"]


def test_qlora_loads_4bit():
    pytest.importorskip("bitsandbytes")
    from w2s_helpers import zoo

    model = zoo.load_causal_lm("tiny-random-llama", load_in_4bit=True)
    assert any("4bit" in type(m).__name__ for m in model.modules())
