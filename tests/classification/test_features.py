"""What produces the probe numbers: the stop-early hook and last-token pooling."""

import pytest
import torch

from w2s_helpers import zoo
from w2s_helpers.classification.features import extract, pool, resolve_layer

TEXTS = ["a short one", "a somewhat longer text to pad the others", "mid length text"]


@pytest.mark.parametrize("name", ["tiny-random-llama", "tiny-random-bert", "tiny-random-gpt2"])
@pytest.mark.parametrize("k", [1, 2])
def test_stop_early_hook_equals_hidden_states(name, k):
    early, stats = extract(name, TEXTS, layer_index=k, poolings=("mean", "last"), stop_early=True)
    full, _ = extract(name, TEXTS, layer_index=k, poolings=("mean", "last"), stop_early=False)
    assert stats["layer"] == k
    for p in ("mean", "last"):
        torch.testing.assert_close(early[p], full[p])


def test_layer_forms_are_distinct():
    assert resolve_layer(12, layer=0.5) == 6 and resolve_layer(12, layer=1.0) == 12
    assert resolve_layer(12, layer_index=1) == 1
    with pytest.raises(ValueError, match="fraction"):
        resolve_layer(12, layer=3.0)
    with pytest.raises(ValueError, match="out of range"):
        resolve_layer(12, layer_index=13)


@pytest.mark.parametrize("side", ["left", "right"])
def test_last_token_pooling_under_padding(side):
    """The last real token's state is found from the attention mask, with either padding
    side and whatever the pad id: padded batch == each text alone."""
    tok = zoo.load_tokenizer("tiny-random-llama", padding_side=side)
    model = zoo.load_backbone("tiny-random-llama").eval()
    with torch.no_grad():
        batch = tok(TEXTS, padding=True, return_tensors="pt")
        pooled = pool(model(**batch).last_hidden_state, batch["attention_mask"], "last")
        for i, text in enumerate(TEXTS):
            alone = tok([text], return_tensors="pt")
            ref = model(**alone).last_hidden_state[0, -1]
            torch.testing.assert_close(pooled[i], ref, atol=1e-4, rtol=1e-4)


def test_mean_pooling_ignores_padding():
    h = torch.arange(12, dtype=torch.float32).reshape(1, 3, 4)
    m = torch.tensor([[1, 1, 0]])
    torch.testing.assert_close(pool(h, m, "mean"), h[0, :2].mean(0, keepdim=True))
