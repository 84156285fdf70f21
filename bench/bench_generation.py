"""Generation throughput on the reasoning demo's own prompts, as ratios against today's
baseline measured in the same run.

The prompts are the strong model's in-context prompts of the offline demo: 4 of the weak
model's answers as demonstrations (a shared prefix), then an ASDiv train_2 question. Tokens/s
counts prompt and generated tokens. Variants, each on the same prompts:

  baseline   fp32, batches of 8, every prompt prefilled in full (the engine before issue #8)
  batch 64   larger batches
  + prefix   the demonstrations' keys and values computed once per call and reused
  + bf16     bf16 weights and activations (only where the CPU computes in bf16; else skipped)
  sampling   k samples per prompt: one pass per sample vs each prompt prefilled once

Greedy accuracy of every variant is reported (it must agree within noise), and the fraction
of the compute bound reached: the matrix FLOPs of the token positions the model actually ran
(2 x weights per position) over the time, against this CPU's measured matmul throughput in
the dtype used (bf16 where the CPU computes in it, else fp32).

    .venv/bin/python bench/bench_generation.py [--model qwen2.5-0.5b] [--n 64]

Results print as a table and land in results/bench/generation.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import pandas as pd
import torch

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
    args = ap.parse_args()
    prompts, keys, golds = demo_prompts(args.n)
    policy = Policy("bench", args.model)
    greedy = SamplingParams(max_new_tokens=args.max_new_tokens)
    bf16 = torch.cpu._is_avx512_bf16_supported()
    rows = []
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
    if bf16:
        gen16 = HFGenerator(policy, batch_size=64, dtype=torch.bfloat16, prefix_cache=True)
        rows.append(run(gen16, "batch 64 + shared prefix + bf16", prompts, keys, golds, greedy))
    base = rows[0]["tokens_per_s"]
    # the matrix work per token position: every weight but the input embedding (a lookup);
    # the LM head runs once per generated token, counted in with the rest as an upper bound
    params = sum(
        p.numel() for n, p in gen.model.named_parameters() if p is not gen.model.get_input_embeddings().weight
    )
    peak = {"float32": matmul_gflops(torch.float32)}
    if bf16:
        peak["bfloat16"] = matmul_gflops(torch.bfloat16)
    for r in rows:
        r["ratio"] = round(r["tokens_per_s"] / base, 2)
        r["of_bound"] = round(2 * params * r["computed"] / r["seconds"] / (peak[r["dtype"]] * 1e9), 2)
    table = pd.DataFrame(rows)
    print(table.to_markdown(index=False))
    print(f"\nmatmul GFLOP/s: {peak}; bf16 arithmetic on this CPU: {bf16}; parameters: {params / 1e6:.0f}M")
    write_json(
        results_dir() / "bench" / "generation.json", {"model": args.model, "peak_gflops": peak, "rows": rows}
    )


if __name__ == "__main__":
    main()
