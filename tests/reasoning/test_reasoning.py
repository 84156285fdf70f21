"""Reasoning pipeline on tiny random models: generation backend, trl training, replay,
resumable generation. Tiny random models answer nothing correctly, so replayed rows (the
reference's format) stand in for the weak and strong answers."""

import json

import pytest
import torch

from conftest import TINY_REASONING, write_replay_rows
from w2s_helpers import zoo
from w2s_helpers.core.fileio import DataError
from w2s_helpers.reasoning import experiment, rows
from w2s_helpers.reasoning.config import ReasoningConfig, TrainParams
from w2s_helpers.reasoning.generation.base import SamplingParams, cut_at_stop
from w2s_helpers.reasoning.generation.hf import HFGenerator
from w2s_helpers.reasoning.policy import Policy
from w2s_helpers.reasoning.stages.generate import weak_generations
from w2s_helpers.reasoning.stages.stage1 import stage1
from w2s_helpers.reasoning.training import preference, sft

TINY = "tiny-random-llama"
# Logit slack for a float near-tie: a float32 reduction in another order moves these logits
# by ~1e-7; a token beaten by more than this was chosen by a wrong computation.
TIE_TOL = 2e-3


def _record_generations(gen: HFGenerator, monkeypatch) -> list[tuple[list[int], list[int]]]:
    """Wrap the generator's `model.generate` to record, per row, the prompt tokens it ran
    (padding dropped) and the tokens it chose (up to and including an end token)."""
    calls, generate, ends = [], gen.model.generate, {gen.tok.eos_token_id, gen.tok.pad_token_id}

    def recording(*, input_ids, attention_mask, **kw):
        out = generate(input_ids=input_ids, attention_mask=attention_mask, **kw)
        for ids, mask, row in zip(input_ids, attention_mask, out[:, input_ids.shape[1] :].tolist()):
            stop = next((i + 1 for i, t in enumerate(row) if t in ends), len(row))
            calls.append((ids[mask.bool()].tolist(), row[:stop]))
        return out

    monkeypatch.setattr(gen.model, "generate", recording)
    return calls


def assert_greedy_under_plain_model(model, prompt: list[int], chosen: list[int]) -> float:
    """Score the batched path's chosen tokens under the plain model, one unpadded sequence
    with no cache (teacher forcing): each must be within TIE_TOL of that step's best logit.
    Returns the share of steps decided by a clear margin (top-2 gap above TIE_TOL), where the
    check leaves one token only."""
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([prompt + chosen])).logits[0, len(prompt) - 1 : -1]
    best = logits.max(-1).values
    got = logits[torch.arange(len(chosen)), torch.tensor(chosen)]
    assert torch.all(got >= best - TIE_TOL), f"a token beaten by {float((best - got).max()):.3g} logits"
    top2 = logits.topk(2, -1).values
    return float((top2[:, 0] - top2[:, 1] > TIE_TOL).float().mean())


def test_hf_backend_greedy_equals_plain_generate(monkeypatch):
    """Batched greedy decoding (left padding, positions from the mask) picks, at every step,
    the plain model's best next token on the unpadded prompt, up to float near-ties: each
    chosen token is scored under the plain model by teacher forcing, and most steps must be
    decided by a clear margin, so the check pins the path. Exact text equality is not asked:
    a near-tie may fall either way with the order of float reductions (another CPU).
    It fails if padding leaks into attention (a mask of ones) or texts go back to the wrong
    prompt; this random model's attention is near uniform, so it barely sees positions."""
    prompts = ["Question: 1+1?\nAnswer:", "Question: what is twelve times three?\nAnswer:"]
    gen = HFGenerator(Policy("tiny", TINY), batch_size=2)
    calls = _record_generations(gen, monkeypatch)
    p = SamplingParams(max_new_tokens=12, temperature=0.0, stop=())
    texts = gen.generate(prompts, p).texts
    tok, model = zoo.load_tokenizer(TINY), zoo.load_causal_lm(TINY).eval()
    assert sorted(prompt for prompt, _ in calls) == sorted(tok(prompts)["input_ids"])
    for prompt, chosen in calls:
        i = tok(prompts)["input_ids"].index(prompt)
        assert texts[i] == [tok.decode(chosen, skip_special_tokens=True).strip()]
        assert len(chosen) == 12 and assert_greedy_under_plain_model(model, prompt, chosen) > 0.75


DEMO = "Question: Tom has 3 apples and buys 2 more. How many apples?\nAnswer: 3 + 2 = 5\n#### 5\n\n" * 3
QUESTIONS = [
    "Sam has 4 pens and loses 1. How many?",
    "A box holds 6 eggs. How many in 3 boxes?",
    "What is 7 plus 8?",
]


def test_shared_prefix_cache_gives_the_same_greedy_answers(monkeypatch):
    """Few-shot prompts: the demonstrations' keys and values are computed once and reused.
    Every token the cached path chooses is the plain model's best on the full prompt (no
    cache, no padding), up to float near-ties (see `assert_greedy_under_plain_model`); it
    fails if the cache holds another prefix's keys and values, or padding leaks into attention."""
    prompts = [DEMO + f"Question: {q}\nAnswer:" for q in QUESTIONS]
    gen = HFGenerator(Policy("tiny", TINY), batch_size=2)
    calls = _record_generations(gen, monkeypatch)
    out = gen.generate(prompts, SamplingParams(max_new_tokens=12, stop=()))
    assert out.stats["shared_prefix_tokens"] >= len(DEMO) - 2  # a character tokenizer: ~1 token per character
    tok, model = zoo.load_tokenizer(TINY), zoo.load_causal_lm(TINY).eval()
    assert sorted(prompt for prompt, _ in calls) == sorted(tok(prompts)["input_ids"])
    for prompt, chosen in calls:
        i = tok(prompts)["input_ids"].index(prompt)
        assert out.texts[i] == [tok.decode(chosen, skip_special_tokens=True).strip()]
        assert len(chosen) == 12 and assert_greedy_under_plain_model(model, prompt, chosen) > 0.75


def test_samples_depend_on_question_and_sample_never_on_the_batch():
    prompts = [DEMO + f"Question: {q}\nAnswer:" for q in QUESTIONS]
    gen = HFGenerator(Policy("tiny", TINY), batch_size=2)
    p = SamplingParams(max_new_tokens=8, temperature=1.0, n=3, stop=())
    a = gen.generate(prompts, p, keys=["q0", "q1", "q2"]).texts
    gen.batch_size = 9
    b = gen.generate(prompts[::-1], p, keys=["q2", "q1", "q0"]).texts
    assert a == b[::-1] and all(len(set(x)) == 3 for x in a)
    c = gen.generate(
        prompts,
        SamplingParams(max_new_tokens=8, temperature=1.0, n=3, seed=1, stop=()),
        keys=["q0", "q1", "q2"],
    ).texts
    assert c != a  # another seed, other samples


def test_gumbel_sampler_draws_from_the_softmax():
    from w2s_helpers.reasoning.generation.sampling import GumbelSampler

    logits = torch.tensor([[2.0, 1.0, 0.0, -1.0]]).expand(20000, 4)
    freq = torch.bincount(GumbelSampler(range(20000))(None, logits).argmax(-1), minlength=4) / 20000
    torch.testing.assert_close(freq, torch.softmax(logits[0], -1), atol=0.015, rtol=0)
    top = torch.bincount(GumbelSampler(range(20000), top_p=0.7)(None, logits).argmax(-1), minlength=4) / 20000
    assert top[2] == top[3] == 0 and abs(top[0] - 0.731) < 0.015  # the two tokens reaching 0.7, renormalised


def test_resume_takes_only_a_complete_checkpoint(tmp_path):
    from w2s_helpers.reasoning.training import last_checkpoint

    for step, complete in ((2, True), (4, True), (6, False)):  # 6: killed while writing
        ckpt = tmp_path / "checkpoints" / f"checkpoint-{step}"
        ckpt.mkdir(parents=True)
        if complete:
            (ckpt / "trainer_state.json").write_text("{}")
    assert last_checkpoint(tmp_path).endswith("checkpoint-4")


def test_sampling_is_seeded_and_stops_cut():
    gen = HFGenerator(Policy("tiny", TINY), batch_size=4)
    p = SamplingParams(max_new_tokens=10, temperature=1.0, n=3, seed=0, stop=())
    a = gen.generate(["Question: 2+2?\nAnswer:"], p).texts
    b = gen.generate(["Question: 2+2?\nAnswer:"], p).texts
    assert a == b and len(a[0]) == 3 and len(set(a[0])) > 1
    assert cut_at_stop(" 4 + 4 = 8\n#### 8\n\nQuestion: next", ("Question", "Answer")) == "4 + 4 = 8\n#### 8"


def test_sft_then_dpo_then_orpo_through_trl(tmp_path):
    rows = [{"prompt": f"Question: {i}+1?\nAnswer:", "completion": f" #### {i + 1}"} for i in range(8)]
    pairs = [{"prompt": r["prompt"], "chosen": r["completion"], "rejected": " #### 0"} for r in rows]
    p = TrainParams(epochs=1, batch_size=4, lr=1e-3, max_length=64, save_steps=1)
    a1 = sft(TINY, rows, tmp_path / "sft", p)
    assert (a1 / "adapter_config.json").exists()
    log = json.loads((tmp_path / "sft" / "result.json").read_text())
    assert log["history"] and all(h["loss"] == h["loss"] for h in log["history"])
    for method in ("dpo", "orpo"):
        a = preference(method, TINY, pairs, tmp_path / method, p, adapters=[a1])
        assert (a / "adapter_config.json").exists()
    assert sft(TINY, rows, tmp_path / "sft", p) == a1  # complete: reused, not retrained


def _replay_cfg(tmp_path):
    cfg = ReasoningConfig(**TINY_REASONING)
    splits, _ = experiment.load_splits(cfg)
    return ReasoningConfig(**TINY_REASONING, **write_replay_rows(tmp_path, splits["train_2"]))


@pytest.mark.zoo
def test_stage1_on_replayed_rows(tmp_path):
    cfg = _replay_cfg(tmp_path)
    s1 = stage1(cfg, tmp_path / "run")
    sets = {r["set"]: r for r in s1["sets"]}
    # weak right on questions 0-3; strong right on 0, 2, 4 -> agree (non-empty) on 0 and 2
    assert sets["weak"]["questions"] == 2 and sets["weak"]["label_acc"] == 1.0
    assert sets["full_weak"]["rows"] == 6 and sets["full_weak"]["label_acc"] == pytest.approx(4 / 6)
    assert set(s1["policies"]) == {"full_weak_sft", "stage1_it1_hybrid"}
    again = stage1(cfg, tmp_path / "run")  # everything cached
    assert again["policies"]["stage1_it1_hybrid"].adapters == s1["policies"]["stage1_it1_hybrid"].adapters


@pytest.mark.zoo
def test_replay_rows_missing_questions_fail_clearly(tmp_path):
    cfg = _replay_cfg(tmp_path)
    lines = (tmp_path / "weak.jsonl").read_text().splitlines()
    (tmp_path / "weak.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(DataError, match=r"weak\.jsonl: matches 5 of 6 questions by id and 5 by prompt text"):
        weak_generations(cfg, tmp_path / "run")


@pytest.mark.zoo
def test_generation_resumes_from_partial_file(tmp_path, monkeypatch):
    cfg = ReasoningConfig(weak_model=TINY, strong_model=TINY, n_test=5, max_new_tokens=4)
    splits, _ = experiment.load_splits(cfg)
    items = [(q["id"], f"Question: {q['question']}\nAnswer:") for q in splits["test"]]
    policy = Policy("tiny", TINY)
    greedy = SamplingParams(max_new_tokens=4)
    calls = []
    real = HFGenerator.generate

    def dying(self, prompts, p, keys=None, desc=""):
        calls.append(len(prompts))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, prompts, p, keys, desc)

    monkeypatch.setattr(HFGenerator, "generate", dying)
    with pytest.raises(KeyboardInterrupt):
        rows.generate_rows(tmp_path, policy, items, greedy, batch_size=1)
    partial = list(tmp_path.glob("generations/*/rows.partial.jsonl"))
    assert len(partial) == 1 and len(partial[0].read_text().splitlines()) == 4  # the first chunk kept
    assert not list(tmp_path.glob("generations/*/result.json"))
    calls.clear()
    monkeypatch.setattr(
        HFGenerator,
        "generate",
        lambda self, prompts, p, keys=None, desc="": (
            calls.append(len(prompts)) or real(self, prompts, p, keys, desc)
        ),
    )
    out = rows.generate_rows(tmp_path, policy, items, greedy, batch_size=1)
    assert [r["id"] for r in out] == [q["id"] for q in splits["test"]] and sum(calls) == 1  # only the rest


@pytest.mark.zoo
def test_sft_and_preference_on_a_real_model(tmp_path):
    """trl SFT, then DPO and ORPO from the SFT'd model, on the real SmolLM2-135M (LoRA)."""
    q = "Question: Tom has 3 apples and buys 2 more. How many apples does he have?\nAnswer:"
    rows = [{"prompt": q, "completion": " 3 + 2 = 5\n#### 5"}] * 4
    pairs = [{"prompt": q, "chosen": "3 + 2 = 5\n#### 5", "rejected": "3 - 2 = 1\n#### 1"}] * 4
    p = TrainParams(epochs=1, batch_size=2, lr=1e-4, max_length=96, lora_r=4, lora_alpha=8, save_steps=10)
    a1 = sft("smollm2-135m", rows, tmp_path / "sft", p)
    for method in ("dpo", "orpo"):
        a = preference(method, "smollm2-135m", pairs, tmp_path / method, p, adapters=[a1])
        log = json.loads((tmp_path / method / "result.json").read_text())
        assert (a / "adapter_model.safetensors").exists() and len(log["history"]) == 2
