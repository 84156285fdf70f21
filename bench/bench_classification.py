"""Classification throughput, as ratios against baselines measured in the same run.

1. `full` mode training (tokens/s): our path (HF Trainer, dynamic padding, length-grouped
   batches of 32) against a plain per-example loop like the reference's (minibatch 1,
   gradients accumulated to 32) and a batched loop padded to max_length.
2. `probe` mode feature extraction (tokens/s): batch 1, batched in data order, batched
   sorted by length, and sorted + forward stopped at the middle layer.

    .venv/bin/python bench/bench_classification.py [--model minilm-l6] [--n 256]

Results print as a table and land in results/bench/classification.json.
"""

from __future__ import annotations

import argparse
import time

import torch

from w2s_helpers import zoo
from w2s_helpers.classification.data import load_task
from w2s_helpers.classification.features import extract
from w2s_helpers.classification.finetune import build_classifier, tokenize, train_classifier
from w2s_helpers.classification.losses import get_loss
from w2s_helpers.core.fileio import write_json
from w2s_helpers.core.paths import results_dir


def per_example_loop(model, tok, texts, targets, lr, batch_size=32) -> float:
    """The reference's shape: one example per forward, gradients accumulated to batch_size."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = get_loss("xent")
    t0 = time.perf_counter()
    for start in range(0, len(texts), batch_size):
        opt.zero_grad()
        chunk = range(start, min(start + batch_size, len(texts)))
        for i in chunk:
            enc = tok([texts[i]], return_tensors="pt")
            loss = loss_fn(model(**enc), targets[i : i + 1], 0.0) / len(chunk)
            loss.backward()
        opt.step()
    return time.perf_counter() - t0


def padded_batch_loop(model, tok, texts, targets, lr, max_length, batch_size=32) -> float:
    """Batched, every batch padded to max_length (static shapes)."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = get_loss("xent")
    t0 = time.perf_counter()
    for start in range(0, len(texts), batch_size):
        enc = tok(
            texts[start : start + batch_size],
            padding="max_length",
            truncation=True,
            max_length=max_length,
            return_tensors="pt",
        )
        opt.zero_grad()
        loss_fn(model(**enc), targets[start : start + batch_size], 0.0).backward()
        opt.step()
    return time.perf_counter() - t0


def bench_training(model_name: str, n: int, max_length: int) -> list[dict]:
    tok = zoo.load_tokenizer(model_name)
    ds = load_task("movie_sentiment", n_train=n, n_test=1, seed=0)["train"]
    ds = tokenize(ds, tok, max_length)
    texts = list(ds["text"])
    targets = torch.tensor(list(ds["soft_label"]), dtype=torch.float32)
    tokens = sum(len(x) for x in ds["input_ids"])
    lr = zoo.get_spec(model_name).lr
    rows = []
    for name, fn in [
        ("per-example loop (reference)", lambda m: per_example_loop(m, tok, texts, targets, lr)),
        (
            f"batched, padded to {max_length}",
            lambda m: padded_batch_loop(m, tok, texts, targets, lr, max_length),
        ),
        (
            "ours: Trainer, dynamic padding, length-grouped",
            lambda m: _timed(
                lambda: train_classifier(
                    m,
                    tok,
                    ds,
                    get_loss("xent"),
                    results_dir() / "bench" / "trainer",
                    epochs=1.0,
                    lr=lr,
                    batch_size=32,
                    seed=0,
                )
            ),
        ),
    ]:
        torch.manual_seed(0)
        model = build_classifier(model_name, zoo.get_spec(model_name).pooling, "full")
        seconds = fn(model)
        rows.append(
            {
                "bench": "full training",
                "variant": name,
                "model": model_name,
                "examples": len(texts),
                "tokens": tokens,
                "seconds": round(seconds, 2),
                "tokens_per_s": round(tokens / seconds, 1),
            }
        )
    return rows


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_features(model_name: str, n: int, max_length: int) -> list[dict]:
    texts = list(load_task("movie_sentiment", n_train=n, n_test=1, seed=0)["train"]["text"])
    rows = []
    for name, kw in [
        ("batch 1, full depth", dict(batch_size=1, sort_by_length=False, stop_early=False, layer=1.0)),
        (
            "batch 32 in data order, full depth",
            dict(batch_size=32, sort_by_length=False, stop_early=False, layer=1.0),
        ),
        (
            "batch 32 sorted by length, full depth",
            dict(batch_size=32, sort_by_length=True, stop_early=False, layer=1.0),
        ),
        (
            "ours: sorted + stop at the middle layer",
            dict(batch_size=32, sort_by_length=True, stop_early=True, layer=0.5),
        ),
    ]:
        _, stats = extract(model_name, texts, max_length=max_length, poolings=("mean", "last"), **kw)
        rows.append(
            {
                "bench": "probe features",
                "variant": name,
                "model": model_name,
                "examples": n,
                "tokens": stats["tokens"],
                "seconds": stats["seconds"],
                "tokens_per_s": stats["tokens_per_s"],
                "padding_frac": round(1 - stats["tokens"] / stats["padded_tokens"], 3),
            }
        )
    return rows


def with_ratios(rows: list[dict]) -> list[dict]:
    base = {}
    for r in rows:
        base.setdefault((r["bench"], r["model"]), r["tokens_per_s"])
        r["ratio_vs_first"] = round(r["tokens_per_s"] / base[(r["bench"], r["model"])], 2)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="minilm-l6", help="model for the training bench")
    ap.add_argument("--feature-models", nargs="*", default=["minilm-l6", "smollm2-135m"])
    ap.add_argument("--n", type=int, default=256, help="training examples")
    ap.add_argument("--n-features", type=int, default=512, help="examples for feature extraction")
    ap.add_argument("--max-length", type=int, default=128)
    args = ap.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    rows = bench_training(args.model, args.n, args.max_length)
    for m in args.feature_models:
        rows += bench_features(m, args.n_features, args.max_length)
    rows = with_ratios(rows)
    import pandas as pd

    table = pd.DataFrame(rows)
    print(
        table[
            ["bench", "model", "variant", "tokens", "seconds", "tokens_per_s", "ratio_vs_first"]
        ].to_markdown(index=False)
    )
    write_json(
        results_dir() / "bench" / "classification.json",
        {
            "rows": rows,
            "threads": torch.get_num_threads(),
            "cuda": torch.cuda.is_available(),
            "note": "ratios are against the first variant of each bench, measured in the same run",
        },
    )


if __name__ == "__main__":
    main()
