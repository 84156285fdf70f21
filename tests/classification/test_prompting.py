import numpy as np
import pytest
import torch

from w2s_helpers import zoo
from w2s_helpers.classification import prompting
from w2s_helpers.classification.prompting import (
    PromptTemplate,
    build_prompt,
    pick_demos,
    prompt_scores,
    template_for,
)

# the tiny models' tokenizer has one token per character: label words must differ in their first one
TEMPLATE = PromptTemplate("Classify.", "Text: ", "Label:", ("a", "b", "c"))
DEMOS = [("good film", 1), ("dull and long, far too long for its story", 0), ("odd", 2)]
TEXTS = ["fine", "a very long query text that runs past the limit", "ok then", "no", "meh!", "x" * 5]


def full_prompt_probs(name: str, template, demos, texts, max_length: int) -> np.ndarray:
    """Each full prompt run alone, no cache (the tiny tokenizer: a token is a character)."""
    tok = zoo.load_tokenizer(name)
    model = zoo.load_causal_lm(name).eval()
    labels = prompting.label_token_ids(tok, template)
    cut = [(t[:max_length], y) for t, y in demos]
    rows = []
    with torch.inference_mode():
        for text in texts:
            ids = tok("")["input_ids"] + tok(build_prompt(template, cut, text[:max_length]))["input_ids"]
            logp = torch.log_softmax(model(torch.tensor([ids])).logits[0, -1].float(), -1)[labels]
            rows.append(torch.softmax(logp, -1).numpy())
    return np.stack(rows)


@pytest.mark.parametrize("name", ["tiny-random-llama", "tiny-random-gpt2"])
def test_prefix_cache_matches_full_prompts(name):
    probs = prompt_scores(name, TEMPLATE, DEMOS, TEXTS, max_length=20, batch_size=4)
    assert probs.shape == (len(TEXTS), 3)
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-6)
    np.testing.assert_allclose(probs, full_prompt_probs(name, TEMPLATE, DEMOS, TEXTS, 20), atol=1e-4)


def test_zero_shot_with_no_prefix():
    t = PromptTemplate("", "", "?", ("a", "b"))  # gpt2's tokenizer adds no BOS: nothing to cache
    probs = prompt_scores("tiny-random-gpt2", t, [], TEXTS[:3], batch_size=2)
    np.testing.assert_allclose(probs, full_prompt_probs("tiny-random-gpt2", t, [], TEXTS[:3], 128), atol=1e-4)


def test_cache_reads_back_without_the_model(tmp_path, monkeypatch):
    first = prompt_scores("tiny-random-llama", TEMPLATE, DEMOS, TEXTS[:3], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.parquet"))) == 1

    def refuse(*a, **k):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(zoo, "load_causal_lm", refuse)
    monkeypatch.setattr(zoo, "load_tokenizer", refuse)
    again = prompt_scores("tiny-random-llama", TEMPLATE, DEMOS, TEXTS[:3], cache_dir=tmp_path)
    np.testing.assert_array_equal(first, again)

    key = prompting.score_key
    base = key("tiny-random-llama", TEMPLATE, DEMOS, TEXTS[:3], 128, "auto", "auto")
    relabelled = [(DEMOS[0][0], 0), *DEMOS[1:]]
    assert key("tiny-random-llama", TEMPLATE, relabelled, TEXTS[:3], 128, "auto", "auto") != base
    assert key("tiny-random-llama", TEMPLATE, DEMOS, TEXTS[:2], 128, "auto", "auto") != base
    assert key("tiny-random-llama", TEMPLATE, DEMOS, TEXTS[:3], 64, "auto", "auto") != base
    assert key("tiny-random-gpt2", TEMPLATE, DEMOS, TEXTS[:3], 128, "auto", "auto") != base


def test_label_words_sharing_a_first_token_are_refused():
    with pytest.raises(ValueError, match="share their first token"):
        prompt_scores("tiny-random-llama", template_for("movie_sentiment"), [], ["x"])


def test_build_prompt_layout():
    t = template_for("movie_sentiment")
    got = build_prompt(t, [("Great fun.", 1), ("A bore.", 0)], "Fine.")
    assert got == (
        "Is this movie review positive or negative?\n\n"
        "Review: Great fun.\nSentiment: positive\n\n"
        "Review: A bore.\nSentiment: negative\n\n"
        "Review: Fine.\nSentiment:"
    )
    assert build_prompt(PromptTemplate("", "T: ", "L:", (" 0", " 1")), [], "x") == "T: x\nL:"


def test_template_for():
    assert template_for("sarcasm").label_words == (" no", " yes")
    assert template_for("movie_sentiment", [" bad", " good"]).label_words == (" bad", " good")
    generic = template_for("mine.jsonl")
    assert (generic.text_prefix, generic.answer_prefix, generic.label_words) == (
        "Text: ",
        "Label:",
        (" 0", " 1"),
    )
    assert template_for("mine.csv", [" x", " y", " z"], n_classes=3).label_words == (" x", " y", " z")
    with pytest.raises(ValueError, match=r"'mine.jsonl'.*3 classes.*label_words"):
        template_for("mine.jsonl", n_classes=3)
    with pytest.raises(ValueError, match=r"'sciq'.*label_words"):
        template_for("sciq")
    with pytest.raises(ValueError, match="2 label_words for 3 classes"):
        template_for("mine.jsonl", [" a", " b"], n_classes=3)
    with pytest.raises(ValueError, match="distinct"):
        PromptTemplate("", "", ":", (" a", " a"))


def test_pick_demos_balanced_and_deterministic():
    texts = [f"t{i}" for i in range(40)]
    labels = [0] * 30 + [1] * 10
    demos = pick_demos(texts, labels, k=8, seed=3)
    assert demos == pick_demos(texts, labels, k=8, seed=3)
    assert demos != pick_demos(texts, labels, k=8, seed=4)
    assert sorted(y for _, y in demos) == [0] * 4 + [1] * 4
    assert all(texts.index(t) < 30 if y == 0 else texts.index(t) >= 30 for t, y in demos)
    assert len({t for t, _ in demos}) == 8
    odd = pick_demos(texts, labels, k=7, seed=0)  # k // K each, the rest at random
    assert len(odd) == 7 and sum(y for _, y in odd) >= 3 and sum(1 - y for _, y in odd) >= 3
    scarce = pick_demos(texts, [0] * 38 + [1] * 2, k=10, seed=0)  # too few of class 1: random
    assert len(scarce) == 10 and len({t for t, _ in scarce}) == 10
    with pytest.raises(ValueError):
        pick_demos(texts, labels, k=41, seed=0)


def test_is_causal():
    assert prompting.is_causal("tiny-random-llama") and not prompting.is_causal("tiny-random-bert")
