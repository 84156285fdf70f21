"""bf16 generation with a LoRA-adapted policy on a CPU stays on oneDNN's fast matmul.

A merged adapter's model has weights that do not require grad; torch.matmul then does not
fold a strided [B, 1, hidden] input into one mm but broadcasts the LM head's weight to
[B, hidden, vocab] for a bmm, which oneDNN copies out in bf16. On Qwen2.5-0.5B that is
272 MB a row; at 128 rows the copy fails, torch warns "mkldnn_matmul failed, switching to
baddbmm" and turns oneDNN off for the process. The tiny model's copy is small enough to
succeed, so the test looks for the bmm itself (and the warning, and oneDNN still on).
"""

import warnings

import pytest
import torch
from torch.profiler import profile

from w2s_helpers import zoo
from w2s_helpers.reasoning.generation.base import SamplingParams
from w2s_helpers.reasoning.generation.hf import HFGenerator
from w2s_helpers.reasoning.policy import Policy

peft = pytest.importorskip("peft", reason="peft is not installed")

TINY = "tiny-random-llama"


@pytest.fixture(scope="module")
def adapter(tmp_path_factory) -> str:
    """A LoRA adapter on every linear layer, with nonzero B so merging changes the weights."""
    model = zoo.load_causal_lm(TINY, dtype=torch.float32)
    config = peft.LoraConfig(r=4, target_modules="all-linear", init_lora_weights=False, task_type="CAUSAL_LM")
    folder = tmp_path_factory.mktemp("lora") / "adapter"
    peft.get_peft_model(model, config).save_pretrained(folder)
    return str(folder)


def _vocab_bmms(prof, vocab: int) -> list:
    return [
        e.input_shapes for e in prof.events() if e.name == "aten::bmm" and e.input_shapes[-1][-1] == vocab
    ]


def test_lora_policy_bf16_generation_has_no_broadcast_lm_head(adapter):
    gen = HFGenerator(Policy("lora", TINY, [adapter]), batch_size=4, dtype=torch.bfloat16)
    assert not gen.model.get_output_embeddings().weight.requires_grad  # the case that does not fold
    shared = "Question: one two three four five six seven. Answer: 7\n\n"
    prompts = [shared + "Question: " + "how many " * i + "?" for i in range(1, 5)]  # ragged suffixes
    with warnings.catch_warnings(record=True) as caught, profile(record_shapes=True) as prof:
        warnings.simplefilter("always")
        out = gen.generate(prompts, SamplingParams(max_new_tokens=3))
    assert len(out.texts) == 4 and out.stats["shared_prefix_tokens"] > 0
    assert _vocab_bmms(prof, gen.model.config.vocab_size) == []
    assert not [w for w in caught if "mkldnn_matmul failed" in str(w.message)]
    assert torch.backends.mkldnn.is_available() and torch._C._get_mkldnn_enabled()
