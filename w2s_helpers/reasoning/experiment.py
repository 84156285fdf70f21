"""One reasoning experiment's identity, its folders and its data. No torch: the report
notebook finds an experiment's records through this module.

`<root>/artifacts/` holds what experiments share (adapters, generations, pair sets, each
keyed by what produced it); `<root>/experiments/<slug>-<hash>/` holds one config's records.
"""

from __future__ import annotations

from pathlib import Path

from .. import zoo
from ..core import runs
from ..core.hashing import file_sha256
from ..core.paths import results_dir
from .config import ReasoningConfig
from .data import data_identity, load_math, select

# fields that never change a result: how fast it runs, and where the weights come from
# (the source is in the model identities)
_NOT_RESULT = (
    "gen_batch_size",
    "tensor_parallel_size",
    "source",
    "gradient_checkpointing",
    "distributed",
    "num_processes",
    "report_to",
)


def identity(cfg: ReasoningConfig) -> dict:
    from ..core.dist import effective_dtype

    d = {k: v for k, v in cfg.to_dict().items() if k not in _NOT_RESULT}
    d["dtype"] = effective_dtype(cfg.dtype)
    for k, default in (("dtype", "float32"), ("load_in_4bit", False)):
        if d[k] == default:  # CPU defaults: experiments from before these fields existed hold
            d.pop(k)
    d.update(data_identity(cfg.dataset, cfg.split))
    d["weak_model"] = zoo.identity(cfg.weak_model, cfg.source)
    d["strong_model"] = zoo.identity(cfg.strong_model, cfg.source)
    for f in ("weak_rows_file", "strong_rows_file"):
        if d[f]:
            d[f] = file_sha256(d[f])
    if cfg.demos not in ("weak", "gold"):
        d["demos"] = file_sha256(cfg.demos)
    return d


def root_or_default(root: str | Path | None) -> Path:
    """The artefact store: `root`, or results/reasoning for a notebook stepped through by hand."""
    return Path(root) if root is not None else results_dir() / "reasoning"


def experiment_dir(root: str | Path, cfg: ReasoningConfig) -> Path:
    name = f"{Path(cfg.dataset).stem}__{Path(cfg.weak_model).name}__to__{Path(cfg.strong_model).name}__s{cfg.seed}"
    return runs.artifact_dir(root, "experiments", name, identity(cfg))


def start_experiment(cfg: ReasoningConfig, root: str | Path) -> Path:
    exp = experiment_dir(root, cfg)
    if not (exp / "config.json").exists():
        runs.start(exp, cfg.to_dict())
    return exp


def store(root: str | Path) -> Path:
    return Path(root) / "artifacts"


def load_splits(cfg: ReasoningConfig) -> tuple[dict[str, list[dict]], str]:
    splits, how = load_math(cfg.dataset, cfg.split, cfg.seed)
    for name, n in (("train_1", cfg.n_train_1), ("train_2", cfg.n_train_2), ("test", cfg.n_test)):
        splits[name] = select(splits[name], n, cfg.seed, name)
    return splits, how
