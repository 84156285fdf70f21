"""Generation throughput on the reasoning demo's own prompts, as ratios against today's
baseline measured in the same run.

The prompts are the strong model's in-context prompts of the offline demo: 4 of the weak
model's answers as demonstrations (a shared prefix), then an ASDiv train_2 question. Tokens/s
counts prompt and generated tokens. Variants, each on the same prompts:

  baseline   fp32, batches of 8, every prompt prefilled in full (the engine before issue #8)
  batch 64   larger batches
  + prefix   the demonstrations' keys and values computed once per call and reused
  sampling   k samples per prompt: one pass per sample vs each prompt prefilled once
  dtype      batch 64 + prefix in the dtype policy's choice (`dtype: auto`: fp32 on every CPU),
             in explicit bf16, and in bf16 with a merged LoRA adapter (the stages' policies),
             interleaved (A, B, C, A, B, C) --repeats times, each against the policy's run of
             the same round. bf16 runs on every CPU: where the CPU lacks bf16 arithmetic
             (AVX-512 BF16 / AMX) it is emulated and slower, which the table then shows.

Greedy accuracy of every variant is reported (it must agree within noise), and the fraction
of the compute bound reached: the matrix FLOPs of the token positions the model actually ran
(2 x weights per position) over the time, against this CPU's measured matmul throughput in
the dtype used (bf16 where the CPU computes in it, else fp32).

    .venv/bin/python bench/bench_generation.py [--model qwen2.5-0.5b] [--n 64] [--dtype-only]

Results print as a table and land in results/bench/generation.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd
import torch

from w2s_helpers import zoo
from w2s_helpers.core.compute import resolve_dtype
from w2s_helpers.core.fileio import write_json
from w2s_helpers.core.paths import results_dir
from w2s_helpers.reasoning import prompts as P
from w2s_helpers.reasoning.answers import extract_answer, is_equiv
from w2s_helpers.reasoning.data import load_math
from w2s_helpers.reasoning.generation.base import SamplingParams
from w2s_helpers.reasoning.generation.hf import HFGenerator
from w2s_helpers.reasoning.policy import Policy


def matmul_gflops(dtype, size: int = 1024, reps: int = 8) -> float:
    a, b = torch.randn(size, size, dtype=dtype), torch.randn(size, size, dtype=dtype)
    a @ b
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2 * size**3 * reps / (time.perf_counter() - t0) / 1e9


def demo_prompts(n: int, shots: int = 4) -> tuple[list[str], list[str], list[str]]:
    """The demo's strong prompts: the weak model's answers are stood in for by train_1 rows
    answered in the weak model's format (formula, then #### answer); the bench measures speed,
    and the prefix has the demo's shape and length."""
    splits, _ = load_math("asdiv", seed=0)
    demos = P.make_prefix([(r["question"], r["solution"]) for r in splits["train_1"][:shots]])
    qs = splits["train_2"][:n]
    return [demos + P.zero_shot(q["question"]) for q in qs], [q["id"] for q in qs], [q["gold"] for q in qs]


def identity_adapter(model: str, folder: Path) -> str:
    """A LoRA adapter on every linear layer as training starts it (B = 0): merged, the weights
    equal the base's (accuracy unchanged), but the model is a merged adapter's, whose weights
    do not require grad, as in the stages' evaluations."""
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM")
    get_peft_model(zoo.load_causal_lm(model, dtype=torch.float32), config).save_pretrained(folder)
    return str(folder)


def dtype_rows(model: str, prompts, keys, golds, p: SamplingParams, repeats: int) -> list[dict]:
    """The dtype policy against explicit bf16 (plain and merged LoRA), interleaved per round;
    each row's ratio is against the policy's run of its own round."""
    policy_dtype = resolve_dtype("auto")
    with tempfile.TemporaryDirectory() as tmp:
        lora = Policy("bench-lora", model, [identity_adapter(model, Path(tmp) / "adapter")])
        gens = {
            f"dtype policy (auto: {policy_dtype})": HFGenerator(Policy("bench", model), 64, policy_dtype),
            "bf16 (explicit)": HFGenerator(Policy("bench", model), 64, "bfloat16"),
            "bf16 (explicit), merged LoRA policy": HFGenerator(lora, 64, "bfloat16"),
        }
    rows = []
    for k in range(repeats):
        round_rows = [run(g, f"{name}, round {k + 1}", prompts, keys, golds, p) for name, g in gens.items()]
        for r in round_rows:
            r["vs_policy"] = round(r["tokens_per_s"] / round_rows[0]["tokens_per_s"], 2)
        rows += round_rows
    return rows


def run(gen: HFGenerator, name: str, prompts, keys, golds, p: SamplingParams, loops: int = 1) -> dict:
    outs = []
    t0 = time.perf_counter()
    tokens = computed = 0
    for k in range(loops):  # loops > 1: one pass per sample, as a sampling baseline
        out = gen.generate(prompts, dataclasses.replace(p, seed=p.seed + k), keys=keys, desc=name)
        outs.append(out.texts)
        tokens += out.stats["prompt_tokens"] * p.n + out.stats["new_tokens"]
        computed += out.stats["computed_tokens"]
    seconds = time.perf_counter() - t0
    first = outs[0]
    acc = sum(is_equiv(extract_answer(o[0], "asdiv"), g, "asdiv") for o, g in zip(first, golds)) / len(golds)
    return {
        "variant": name,
        "dtype": str(gen.dtype).replace("torch.", ""),
        "batch": gen.batch_size,
        "prefix_cache": gen.prefix_cache,
        "samples": p.n * loops,
        "tokens": tokens,
        "computed": computed,
        "seconds": round(seconds, 1),
        "tokens_per_s": round(tokens / seconds, 1),
        "accuracy": round(acc, 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="qwen2.5-0.5b")
    ap.add_argument("--n", type=int, default=64, help="prompts (ASDiv train_2 questions)")
    ap.add_argument("--max-new-tokens", type=int, default=48)
    ap.add_argument("--k", type=int, default=4, help="samples per prompt in the sampling comparison")
    ap.add_argument("--repeats", type=int, default=2, help="interleaved rounds of the dtype comparison")
    ap.add_argument("--dtype-only", action="store_true", help="only the dtype comparison")
    args = ap.parse_args()
    prompts, keys, golds = demo_prompts(args.n)
    policy = Policy("bench", args.model)
    greedy = SamplingParams(max_new_tokens=args.max_new_tokens)
    bf16 = torch.cpu._is_avx512_bf16_supported()
    rows = dtype_rows(args.model, prompts, keys, golds, greedy, args.repeats)
    if args.dtype_only:
        return report(args.model, rows, bf16)
    gen = HFGenerator(policy, batch_size=8, dtype=torch.float32, prefix_cache=False)
    rows.append(run(gen, "baseline: fp32, batch 8, full prefill", prompts, keys, golds, greedy))
    gen.batch_size = 64
    rows.append(run(gen, "batch 64", prompts, keys, golds, greedy))
    gen.prefix_cache = True
    rows.append(run(gen, "batch 64 + shared prefix", prompts, keys, golds, greedy))
    samp = SamplingParams(max_new_tokens=args.max_new_tokens, temperature=1.0, n=1)
    rows.append(
        run(
            gen,
            f"sampling x{args.k}: one pass per sample",
            prompts[:16],
            keys[:16],
            golds[:16],
            samp,
            loops=args.k,
        )
    )
    samp_k = SamplingParams(max_new_tokens=args.max_new_tokens, temperature=1.0, n=args.k)
    rows.append(
        run(
            gen,
            f"sampling x{args.k}: each prompt prefilled once",
            prompts[:16],
            keys[:16],
            golds[:16],
            samp_k,
        )
    )
    report(args.model, rows, bf16)


def report(model: str, rows: list[dict], bf16: bool) -> None:
    base = next((r for r in rows if r["variant"].startswith("baseline")), rows[0])  # rows[0]: the policy's
    # the matrix work per token position: every weight but the input embedding (a lookup);
    # the LM head runs once per generated token, counted in with the rest as an upper bound
    lm = zoo.load_causal_lm(model)
    params = sum(p.numel() for p in lm.parameters() if p is not lm.get_input_embeddings().weight)
    peak = {dtype: matmul_gflops(getattr(torch, dtype)) for dtype in sorted({r["dtype"] for r in rows})}
    for r in rows:
        r["ratio"] = round(r["tokens_per_s"] / base["tokens_per_s"], 2)
        r["of_bound"] = round(2 * params * r["computed"] / r["seconds"] / (peak[r["dtype"]] * 1e9), 2)
    print(pd.DataFrame(rows).to_markdown(index=False))
    for name in dict.fromkeys(r["variant"].rsplit(", round", 1)[0] for r in rows if "vs_policy" in r):
        vs = [r["vs_policy"] for r in rows if r["variant"].startswith(name + ", round")]
        print(f"{name}: x{statistics.median(vs):.2f} the policy's tokens/s (rounds: {vs})")
    print(f"\nmatmul GFLOP/s: {peak}; bf16 arithmetic on this CPU: {bf16}; parameters: {params / 1e6:.0f}M")
    write_json(
        results_dir() / "bench" / "generation.json", {"model": model, "peak_gflops": peak, "rows": rows}
    )


if __name__ == "__main__":
    main()
