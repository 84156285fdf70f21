"""The transfer methods beyond the reference code's, as grids and notebooks name them.

A method is a set of config overrides. Three take their models from the ladder, so one
entry of a grid's `methods` means a different run per pair:

- `chain: between`: bootstrapping through every rung strictly between the pair's weak and
  strong model (Burns et al. 4.3.1); a pair with no rung between has no chain and is skipped;
- `co_supervisors: between`: the same rungs supervise together with the weak model (the
  pair's ensemble is every model from the weak one up to the rung below the strong one, so no
  two pairs train the same ensemble);
- `prompt: ...`: a prompting baseline, only where the strong model is a causal LM and the
  pair is not a model with itself.

No torch here: the grid plans with these before anything loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import zoo
from ..core.configs import ConfigError

BETWEEN = "between"  # a grid's word for "the ladder's rungs between the pair's two models"


def check_method(cfg: Any) -> None:
    """A config's methods beyond the reference's: each says what it cannot be combined with."""
    if cfg.confidence_threshold is not None and not 0 < cfg.confidence_threshold <= 1:
        raise ConfigError(f"confidence_threshold: {cfg.confidence_threshold}; a probability in (0, 1]")
    chosen = [k for k, on in (("co_supervisors", bool(cfg.co_supervisors)), ("chain", bool(cfg.chain)),
                              ("prompt", cfg.prompt != "none")) if on]  # fmt: skip
    if cfg.weak_model is None and chosen:
        raise ConfigError(f"{chosen}: transfer-run settings; set weak_model")
    if len(chosen) > 1:
        raise ConfigError(f"{chosen}: choose one of these methods per run")
    sups = [cfg.weak_model, *cfg.co_supervisors]
    if len(set(sups)) < len(sups):
        raise ConfigError(
            f"co_supervisors: {cfg.co_supervisors} repeats a supervisor (weak_model: {cfg.weak_model})"
        )
    if BETWEEN in (*cfg.co_supervisors, *cfg.chain):
        raise ConfigError(f"{BETWEEN!r} names models of a grid's ladder; a run lists its models")
    if (cfg.chain or cfg.prompt != "none") and (cfg.relabel, cfg.filter, cfg.s2s_iters) != (
        "none",
        "none",
        0,
    ):
        raise ConfigError("chain / prompt: not with relabel, filter or s2s_iters")
    if cfg.prompt != "none":
        if not is_causal(cfg.model):
            raise ConfigError(f"prompt: {cfg.model!r} is not a causal LM; prompting scores label words")
        if cfg.n_shots < 1 and cfg.prompt != "zero_shot":
            raise ConfigError(f"n_shots: {cfg.n_shots}; at least one demonstration")


def is_causal(model: str) -> bool:
    """Whether `model` is a causal LM of the registry (a checkpoint folder: read its config)."""
    try:
        return zoo.get_spec(model).modality == "causal-lm"
    except (zoo.UnknownModelError, AttributeError):
        return False


def between(ladder: Sequence[str], weak: str, strong: str) -> list[str]:
    """The rungs of `ladder` strictly between `weak` and `strong` (weak below strong)."""
    lo, hi = ladder.index(weak), ladder.index(strong)
    return list(ladder[lo + 1 : hi])


def expand(method: dict, weak: str, strong: str, ladder: Sequence[str]) -> dict | None:
    """The concrete overrides of `method` for the pair (weak, strong), or None where the
    method does not apply to that pair (no rung between; prompting a non-causal model or a
    model with itself)."""
    out = dict(method)
    for field in ("chain", "co_supervisors"):
        if out.get(field) == BETWEEN:
            out[field] = between(ladder, weak, strong) if weak in ladder and strong in ladder else []
            if not out[field]:
                return None
        elif out.get(field) and any(m in (weak, strong) for m in out[field]):
            return None  # an explicit list that names this pair's own models
    if out.get("prompt", "none") != "none" and (weak == strong or not is_causal(strong)):
        return None
    return out


def transfer_overrides(
    pairs: Sequence[Sequence[str]],
    seeds: Sequence[int],
    methods: Sequence[dict],
    ladder: Sequence[str] | None = None,
) -> list[dict]:
    """Every transfer run of a batch as overrides (weak_model, model, seed, method fields):
    pairs x seeds x methods, each method expanded for its pair (`expand`). The ladder is
    the models' order, weak to strong; default: the order the pairs first name them."""
    if ladder is None:
        ladder = list(dict.fromkeys(m for pair in pairs for m in pair))
    return [
        {"weak_model": w, "model": s, "seed": seed, **m}
        for w, s in pairs
        for seed in seeds
        for m in (expand(method, w, s, ladder) for method in methods)
        if m is not None
    ]


def _listed(value) -> list:
    return list(value) if isinstance(value, list | tuple) or hasattr(value, "tolist") else []


def method_label(row) -> str:
    """A transfer run's method: its loss and whatever changes the weak labels or the stopping;
    a prompting baseline by its prompt alone (nothing trains, so no loss)."""
    prompt = row.get("prompt")
    if prompt == "zero_shot":
        return "prompt: zero-shot"
    if prompt in ("weak_shots", "gold_shots"):
        return f"prompt: {int(row.get('n_shots') or 0)}-shot {prompt.split('_')[0]} demos"
    parts = [str(row["loss"])]
    if row.get("loss") in ("logconf", "entropy") and row.get("balance_batch") is True:
        parts.append("balance")
    if row.get("loss") == "window":
        parts[-1] += f"({row.get('window_radius')})"
    for kind in ("relabel", "filter"):
        if row.get(kind) not in (None, "none") and row.get(kind) == row.get(kind):
            parts.append(f"{row[kind]} {kind}")
    if row.get("filter") == "confidence":  # its share (or threshold) is what tells two apart
        t = row.get("confidence_threshold")
        kept = (
            f">= {t}"
            if t is not None and t == t
            else f"drop {round(100 * float(row.get('contamination', 0.1)))}%"
        )
        parts[-1] = f"confidence filter ({kept})"
    if _listed(row.get("co_supervisors")):
        parts.append(f"{row.get('combine')} of weak supervisors")
    if _listed(row.get("chain")):
        parts.append("bootstrap chain")
    if row.get("s2s_iters"):
        parts.append(f"s2s x{int(row['s2s_iters'])}")
    if row.get("early_stop") is True:
        parts.append("early stop")
    return " + ".join(parts)
