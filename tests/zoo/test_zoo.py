import pytest
import torch

from w2s_helpers import zoo
from w2s_helpers.zoo.tiny import build_tiny_random, tiny_tokenizer


def test_registry_lookup_and_unknown_name():
    assert zoo.get_spec("minilm-l6").modality == "text-encoder"
    assert zoo.names(*zoo.TEXT, offline=True) == [
        "minilm-l6",
        "mpnet-base",
        "smollm2-135m",
        "gemma3-270m",
        "qwen2.5-0.5b",
    ]
    assert set(zoo.OFFLINE_MODELS) == {*zoo.names(*zoo.TEXT, offline=True), *zoo.names("image", offline=True)}
    with pytest.raises(zoo.UnknownModelError) as e:
        zoo.get_spec("gpt5-nano")
    assert "gpt5-nano" in str(e.value) and "minilm-l6" in str(e.value)


def test_hub_only_model_without_offline_source_is_clear():
    with pytest.raises(zoo.UnknownModelError, match="no offline source"):
        zoo.model_path("gpt2", source="offline")
    assert zoo.model_path("gpt2", source="hub") == "gpt2"


def test_tiny_tokenizer_pad_is_not_id_zero():
    tok = tiny_tokenizer()
    assert tok.pad_token_id != 0
    assert tok.decode(tok("12 + 3")["input_ids"]) == "12 + 3"


@pytest.mark.parametrize("name", zoo.names(*zoo.TEXT, tiny=True))
def test_tiny_models_classify_and_train_one_step(name):
    from w2s_helpers.classification.finetune import build_classifier

    model = build_classifier(name, zoo.get_spec(name).pooling, "full")
    tok = zoo.load_tokenizer(name)
    batch = tok(["a short one", "a much longer example text"], padding=True, return_tensors="pt")
    labels = torch.tensor([0, 1])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loss = torch.nn.functional.cross_entropy(model(**batch), labels)
    loss.backward()
    before = [p.detach().clone() for p in model.parameters()]
    opt.step()
    assert torch.isfinite(loss)
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters()))


@pytest.mark.parametrize("name", zoo.names("causal-lm", tiny=True))
def test_tiny_causal_lm_train_step(name):
    model = zoo.load_causal_lm(name)
    tok = zoo.load_tokenizer(name)
    batch = tok(["Question: 1+1?\nAnswer: 2"], return_tensors="pt")
    out = model(**batch, labels=batch["input_ids"])
    out.loss.backward()
    assert torch.isfinite(out.loss)


@pytest.mark.zoo
def test_minilm_offline_real_model():
    """Real pretrained weights from the index package (84 MB, cached after the first run)."""
    r = zoo.smoke_test("minilm-l6")
    assert r["params_m"] == pytest.approx(22.7, abs=0.1)
    assert r["hidden"] == 384 and r["layers"] == 6


@pytest.mark.zoo
def test_minilm_embeddings_are_pretrained():
    """Similar sentences sit closer than unrelated ones: a random model would not do this."""
    tok = zoo.load_tokenizer("minilm-l6")
    model = zoo.load_backbone("minilm-l6").eval()
    texts = ["The film was wonderful.", "A truly great movie.", "Interest rates rose again today."]
    batch = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        h = model(**batch).last_hidden_state
    m = batch["attention_mask"].unsqueeze(-1)
    emb = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)
    sim = emb @ emb.T
    assert sim[0, 1] > sim[0, 2] + 0.2


@pytest.mark.zoo
def test_gguf_conversion_smollm2_real_file():
    """GGUF -> fp32 checkpoint folder (98 MB package; converted once, then cached)."""
    path = zoo.model_path("smollm2-135m")
    assert (path_cfg := __import__("pathlib").Path(path) / "config.json").exists(), path_cfg
    model = zoo.load_causal_lm("smollm2-135m")
    tok = zoo.load_tokenizer("smollm2-135m")
    assert zoo.count_parameters(model) == pytest.approx(134.5e6, rel=0.01)
    ids = tok("The capital of France is", return_tensors="pt")
    out = model.generate(**ids, max_new_tokens=3, do_sample=False)
    assert "Paris" in tok.decode(out[0][ids["input_ids"].shape[1] :])


def test_tiny_model_cache_follows_its_config(tmp_path):
    import dataclasses

    spec = zoo.get_spec("tiny-random-llama")
    a = build_tiny_random(spec, tmp_path)
    b = build_tiny_random(
        dataclasses.replace(spec, random_config={**spec.random_config, "num_hidden_layers": 3}), tmp_path
    )
    assert a != b and build_tiny_random(spec, tmp_path) == a


def test_registry_name_is_not_shadowed_by_a_local_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mpnet-base").mkdir()
    assert zoo.model_path("mpnet-base", source="hub") == "sentence-transformers/all-mpnet-base-v2"
    ckpt = tmp_path / "my-ckpt"
    ckpt.mkdir()
    (ckpt / "config.json").write_text('{"model_type": "bert", "architectures": ["BertModel"]}')
    assert zoo.model_path(str(ckpt)) == str(ckpt)
