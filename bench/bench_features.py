"""Probe features in the dtype policy's choice (`dtype: auto`: fp32 on every CPU) against
explicit bf16, measured in one run on the same texts, interleaved (A, B, A, B) --repeats
times; each bf16 round's ratio is against the policy's run of the same round.

The issue's target: >= 2x feature tokens/s with probe accuracy equal within half a point.
bf16 is only fast where the CPU computes in it (AVX-512 BF16 / AMX; a GPU): elsewhere
PyTorch emulates it and it is slower than fp32, which this bench then shows. The probe
accuracy compares a linear probe (2 epochs, as the demo) trained on each feature set.

    .venv/bin/python bench/bench_features.py [--model smollm2-135m] [--n 512] [--repeats 2]

Results print as a table and land in results/bench/features.json.
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np
import torch

from w2s_helpers.classification.data import load_task
from w2s_helpers.classification.features import extract
from w2s_helpers.classification.losses import get_loss
from w2s_helpers.classification.metrics import accuracy
from w2s_helpers.classification.probe import predict_proba, train_probe
from w2s_helpers.core.compute import resolve_dtype
from w2s_helpers.core.fileio import write_json
from w2s_helpers.core.paths import results_dir


def probe_accuracy(x: torch.Tensor, labels: np.ndarray, n_train: int) -> float:
    y = torch.nn.functional.one_hot(torch.tensor(labels[:n_train]), 2).float()
    probe, *_ = train_probe(x[:n_train].float(), y, get_loss("xent"), epochs=2.0, batch_size=32)
    return accuracy(predict_proba(probe, x[n_train:].float()), labels[n_train:])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--dataset", default="movie_sentiment")
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--repeats", type=int, default=2, help="interleaved rounds (A, B, A, B)")
    args = ap.parse_args()
    ds = load_task(args.dataset, n_train=args.n, n_test=10, seed=0)["train"]
    texts, labels = list(ds["text"]), np.array(ds["label"])
    bf16_native = torch.cpu._is_avx512_bf16_supported()
    policy = resolve_dtype("auto")
    variants = {f"policy (auto: {policy})": policy, "bf16 (explicit)": "bfloat16"}
    rows, feats = [], {}
    for k in range(args.repeats):
        first = len(rows)
        for name, dtype in variants.items():
            out, stats = extract(args.model, texts, layer=0.5, poolings=("last", "mean"), dtype=dtype)
            feats.setdefault(name, out)
            row = {"variant": name, "dtype": dtype, "round": k + 1}
            rows.append(row | {"tokens_per_s": stats["tokens_per_s"], "seconds": stats["seconds"]})
        for r in rows[first:]:
            r["ratio"] = round(r["tokens_per_s"] / rows[first]["tokens_per_s"], 2)
    pooling = "last" if "lm" in args.model or "gemma" in args.model or "qwen" in args.model else "mean"
    n_train = args.n * 3 // 4
    acc = {name: round(probe_accuracy(f[pooling], labels, n_train), 4) for name, f in feats.items()}
    ref, test = (feats[name][pooling] for name in variants)
    diff = (test - ref).norm() / ref.norm()
    result = {
        "model": args.model,
        "n": args.n,
        "cpu_bf16_native": bf16_native,
        "relative_feature_difference": round(float(diff), 4),
        "probe_acc": acc,
        "rows": rows,
    }
    print(f"{args.model}, {args.n} texts, CPU bf16 arithmetic: {bf16_native}")
    print("| variant | round | tokens/s | ratio to the policy's round |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['variant']} | {r['round']} | {r['tokens_per_s']:.0f} | {r['ratio']:.2f} |")
    for name in variants:
        ratios = [r["ratio"] for r in rows if r["variant"] == name]
        print(
            f"{name}: median ratio {statistics.median(ratios):.2f} (rounds {ratios}), probe accuracy {acc[name]:.3f}"
        )
    write_json(results_dir() / "bench" / "features.json", result)


if __name__ == "__main__":
    main()
