"""Probe features in bf16 against fp32, measured in one run on the same texts.

The issue's target: >= 2x feature tokens/s with probe accuracy equal within half a point.
bf16 is only fast where the CPU computes in it (AVX-512 BF16 / AMX; a GPU): elsewhere
PyTorch emulates it and it is slower than fp32, which this bench then shows. The probe
accuracy compares a linear probe (2 epochs, as the demo) trained on each feature set.

    .venv/bin/python bench/bench_features.py [--model smollm2-135m] [--n 512]

Results print as a table and land in results/bench/features.json.
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from w2s_helpers.classification.data import load_task
from w2s_helpers.classification.features import extract
from w2s_helpers.classification.losses import get_loss
from w2s_helpers.classification.metrics import accuracy
from w2s_helpers.classification.probe import predict_proba, train_probe
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
    args = ap.parse_args()
    ds = load_task(args.dataset, n_train=args.n, n_test=10, seed=0)["train"]
    texts, labels = list(ds["text"]), np.array(ds["label"])
    rows, feats = [], {}
    bf16_native = torch.cpu._is_avx512_bf16_supported()
    for dtype in ("float32", "bfloat16"):
        out, stats = extract(args.model, texts, layer=0.5, poolings=("last", "mean"), dtype=dtype)
        feats[dtype] = out
        rows.append({"dtype": dtype, "tokens_per_s": stats["tokens_per_s"], "seconds": stats["seconds"]})
    pooling = "last" if "lm" in args.model or "gemma" in args.model or "qwen" in args.model else "mean"
    n_train = args.n * 3 // 4
    for r in rows:
        r["probe_acc"] = round(probe_accuracy(feats[r["dtype"]][pooling], labels, n_train), 4)
        r["ratio"] = round(r["tokens_per_s"] / rows[0]["tokens_per_s"], 2)
    diff = (feats["bfloat16"][pooling] - feats["float32"][pooling]).norm() / feats["float32"][pooling].norm()
    result = {
        "model": args.model,
        "n": args.n,
        "cpu_bf16_native": bf16_native,
        "relative_feature_difference": round(float(diff), 4),
        "rows": rows,
    }
    print(f"{args.model}, {args.n} texts, CPU bf16 arithmetic: {bf16_native}")
    print("| dtype | tokens/s | ratio | probe accuracy |\n|---|---|---|---|")
    for r in rows:
        print(f"| {r['dtype']} | {r['tokens_per_s']:.0f} | {r['ratio']:.2f} | {r['probe_acc']:.3f} |")
    write_json(results_dir() / "bench" / "features.json", result)


if __name__ == "__main__":
    main()
