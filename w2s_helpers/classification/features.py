"""Frozen features for linear probes: one forward pass per model x dataset, cached.

Batches are sorted by length (padding stays ~2% of positions) and the forward pass stops
at the deepest layer asked for: layers past it are never computed. Several poolings of
the same layer cost nothing extra, so mean and last-token features come out together.
Features are stored as safetensors, keyed by a hash of what determines them.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import torch
from tqdm.auto import tqdm

from .. import zoo
from ..core.fileio import atomic_path
from ..core.hashing import stable_hash
from ..core.paths import cache_dir

log = logging.getLogger(__name__)

POOLINGS = ("mean", "last", "cls")


class _StopForward(Exception):
    def __init__(self, hidden: torch.Tensor):
        self.hidden = hidden


def layer_stack(model: torch.nn.Module) -> torch.nn.ModuleList:
    """The model's list of transformer blocks, found structurally (the largest ModuleList
    whose length is the configured depth), so no architecture-specific attribute is used."""
    depth = model.config.get_text_config().num_hidden_layers
    stacks = [m for m in model.modules() if isinstance(m, torch.nn.ModuleList) and len(m) == depth]
    if not stacks:
        raise RuntimeError(f"{type(model).__name__}: no block list of length {depth} found")
    return max(stacks, key=lambda m: sum(p.numel() for p in m.parameters()))


def resolve_layer(depth: int, layer: float | None = None, layer_index: int | None = None) -> int:
    """The block whose output is taken (hidden_states[k], 1-based): `layer_index` itself, or
    `layer` as a fraction of depth in (0, 1] (0.5 = the middle block, 1.0 = the last)."""
    if layer_index is not None:
        if not 1 <= layer_index <= depth:
            raise ValueError(f"layer_index {layer_index} out of range for a model with {depth} blocks")
        return layer_index
    if layer is None or not 0 < layer <= 1:
        raise ValueError(f"layer {layer!r}: expected a fraction of depth in (0, 1]")
    return max(1, round(layer * depth))


def pool(hidden: torch.Tensor, mask: torch.Tensor, how: str) -> torch.Tensor:
    """Pool [batch, seq, hidden] over real tokens. `last` finds the last real token from the
    attention mask (works for right or left padding, whatever the pad id)."""
    mask = mask.to(hidden.dtype)
    if how == "mean":
        return (hidden * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True).clamp_min(1)
    if how == "last":
        seq = mask.shape[1]
        positions = torch.arange(seq, device=mask.device).expand_as(mask)
        last = (positions * mask.long()).max(1).values
        return hidden[torch.arange(hidden.shape[0], device=hidden.device), last]
    if how == "cls":
        return hidden[:, 0]
    raise ValueError(f"unknown pooling {how!r}: expected one of {POOLINGS}")


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


@torch.inference_mode()
def extract(
    model_name: str,
    texts: Sequence[str],
    layer: float | None = None,
    poolings: Sequence[str] = ("mean", "last"),
    max_length: int = 128,
    batch_size: int = 32,
    sort_by_length: bool = True,
    stop_early: bool = True,
    desc: str = "",
    layer_index: int | None = None,
    source: str = "auto",
    dtype: str = "auto",
    device_map: str | None = None,
) -> tuple[dict[str, torch.Tensor], dict]:
    """Features {pooling: [n, hidden]} of `texts` at a block, and throughput stats. On a
    GPU the model runs there (in bf16 by default; `device_map="auto"` spreads a model too
    big for one GPU over all of them); pooled features come back as fp32 on the CPU."""
    tok = zoo.load_tokenizer(model_name, source=source)
    model = zoo.load_backbone(model_name, dtype=dtype, source=source, device_map=device_map).eval()
    if device_map is None and torch.cuda.is_available():
        model = model.cuda()
    device = model.get_input_embeddings().weight.device
    depth = model.config.get_text_config().num_hidden_layers
    k = resolve_layer(depth, layer, layer_index)
    enc = tok(list(texts), truncation=True, max_length=max_length)
    lengths = [len(ids) for ids in enc["input_ids"]]
    batches = (
        length_sorted_batches(lengths, batch_size)
        if sort_by_length
        else [list(range(i, min(i + batch_size, len(texts)))) for i in range(0, len(texts), batch_size)]
    )
    handle = None
    if stop_early and k < depth:

        def hook(_module, _inputs, output):
            raise _StopForward(output[0] if isinstance(output, tuple) else output)

        handle = layer_stack(model)[k - 1].register_forward_hook(hook)
    out = {p: torch.empty(len(texts), model.get_input_embeddings().embedding_dim) for p in poolings}
    real = padded = 0
    t0 = time.perf_counter()
    try:
        for idx in tqdm(batches, desc=desc or f"features {model_name}", leave=False):
            batch = tok.pad(
                {
                    "input_ids": [enc["input_ids"][i] for i in idx],
                    "attention_mask": [enc["attention_mask"][i] for i in idx],
                },
                return_tensors="pt",
            ).to(device)
            try:
                hidden = model(**batch, output_hidden_states=True).hidden_states[k]
            except _StopForward as stop:
                hidden = stop.hidden
            for p in poolings:
                out[p][idx] = pool(hidden, batch["attention_mask"], p).float().cpu()
            real += int(batch["attention_mask"].sum())
            padded += batch["attention_mask"].numel()
    finally:
        if handle is not None:
            handle.remove()
    seconds = time.perf_counter() - t0
    stats = {
        "model": model_name,
        "layer": k,
        "depth": depth,
        "n": len(texts),
        "tokens": real,
        "padded_tokens": padded,
        "seconds": round(seconds, 2),
        "tokens_per_s": round(real / max(seconds, 1e-9), 1),
    }
    return out, stats


def feature_key(
    model_name: str,
    ids: Sequence[str],
    layer: float | None,
    layer_index: int | None,
    max_length: int,
    source: str,
    dtype: str = "auto",
) -> str:
    """Which weights, which texts (an id hashes its text), which block, which truncation,
    and which arithmetic (bf16 features are other numbers; fp32, the CPU's, keeps old keys)."""
    from ..core.compute import resolve_dtype

    fields = [zoo.identity(model_name, source), list(ids), layer, layer_index, max_length]
    if (dt := resolve_dtype(dtype)) != "float32":
        fields.append(dt)
    return f"{Path(model_name).name}-{stable_hash(fields, n=16)}"


def cached_features(
    model_name: str,
    ids: Sequence[str],
    texts: Sequence[str],
    layer: float | None = None,
    poolings: Sequence[str] = ("mean", "last"),
    max_length: int = 128,
    batch_size: int = 32,
    root: Path | None = None,
    layer_index: int | None = None,
    source: str = "auto",
    dtype: str = "auto",
    device_map: str | None = None,
) -> dict[str, torch.Tensor]:
    """Features of `texts` (identified by `ids`), computed once and then read from disk."""
    from safetensors.torch import load_file, save_file

    key = feature_key(model_name, ids, layer, layer_index, max_length, source, dtype)
    path = (root or cache_dir() / "features") / f"{key}.safetensors"
    if path.exists():
        feats = load_file(path)
        if all(p in feats for p in poolings):
            return {p: feats[p] for p in poolings}
    # mean and last come out of the same pass at no extra cost: always store both
    feats, stats = extract(
        model_name,
        texts,
        layer,
        sorted({"mean", "last", *poolings}),
        max_length,
        batch_size,
        layer_index=layer_index,
        source=source,
        dtype=dtype,
        device_map=device_map,
    )
    log.info("features %s: %s", model_name, stats)
    with atomic_path(path) as tmp:
        save_file(
            {p: t.contiguous() for p, t in feats.items()}, str(tmp), metadata={"stats": json.dumps(stats)}
        )
    return {p: feats[p] for p in poolings}
