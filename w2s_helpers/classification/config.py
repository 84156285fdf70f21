"""Every config type of the classification flow: one run, and a grid of runs.

Field names are the notebooks' parameter names and the grid specs' keys. Each field says
why its default is what it is, and whether and when it changes a run's result: the run id
hashes exactly those fields (`core.configs.identity`), the data by content (a user file's
sha256, never its path) and each model by the weights it loads (offline GGUF and hub
weights are different runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .. import zoo
from ..core.compute import Compute
from ..core.configs import ConfigError, coerce, identity, param, to_dict
from ..core.hashing import slug, stable_hash
from ..core.paths import DATA_SUFFIXES, resolve_path, results_dir
from .data import data_identity, is_file_dataset
from .data import modality as data_modality
from .methods import check_method

Mode = Literal["probe", "full", "lora"]
Pooling = Literal["mean", "last", "cls"]
# the loss registry's names (losses.LOSSES; a test keeps the two equal): no torch import here
LOSS_NAMES = ("xent", "logconf", "logconf_prior", "logconf_hard", "product", "kl", "entropy", "window")
CONFIDENCE_LOSSES = ("logconf", "logconf_prior", "logconf_hard", "entropy")  # aux_coef, warmup, balance
PROBES = ("none", "knn", "logreg", "topo")  # weak-label improvement on the strong model's features
FILTERS = (*PROBES, "confidence")  # confidence: the weak labels' own confidence, no probe
COMBINES = ("mean", "confident", "fitted")  # how several weak supervisors' labels become one
PROMPTS = ("none", "zero_shot", "weak_shots", "gold_shots")  # prompting baselines: nothing trains
RUN_FIELDS = ("model", "weak_model", "loss", "seed")  # what varies inside one recipe


def _data_key(dataset: str, cfg: Any) -> str:
    return data_identity(dataset, cfg.source)


def _transfer(cfg: Any) -> bool:
    return cfg.weak_model is not None


def _confidence_loss(cfg: Any) -> bool:
    return cfg.loss in CONFIDENCE_LOSSES


def _uses_neighbours(cfg: Any) -> bool:
    return _transfer(cfg) and bool({"knn", "topo"} & {cfg.relabel, cfg.filter})


def _file_dataset(cfg: Any) -> bool:
    return is_file_dataset(cfg.dataset)


def _models_key(models: list[str], cfg: Any) -> list[str | None]:
    return [zoo.model_key(m, cfg) for m in models]


def _prompting(cfg: Any) -> bool:
    return _transfer(cfg) and cfg.prompt != "none"


@dataclass
class ClassificationConfig(Compute):
    """One training run: ground truth (weak_model is None) or weak-to-strong transfer."""

    dataset: str = param(
        "movie_sentiment", "registry name or a path to a .jsonl/.csv/.parquet file", key=_data_key, path=True
    )
    model: str = param(
        "minilm-l6", "the model trained here (the strong student in a transfer run)", key=zoo.model_key
    )
    weak_model: str | None = param(
        None, "set for a transfer run: whose soft labels train `model`", key=zoo.model_key
    )
    loss: str = param(
        "xent",
        "xent | logconf | logconf_prior | logconf_hard | product | kl | entropy | window; ground-truth runs "
        "use xent (logconf hardens at the batch's mean weak soft label; _prior: at half 1's gold class "
        "rates; _hard: at the weak labels' hard-label rates)",
    )
    seed: int = param(0, "the half split, initialisation and batch order")
    data_seed: int = param(0, "which examples form the pool; fixed across seeds so features are shared")
    n_train: int = param(4000, "both halves together; the paper's n_docs is 20,000")
    n_test: int = param(1000, "small test sets make PGR noise: keep at least 1,000")
    balanced: bool = param(True, "undersample the majority class, as the peers do")
    pos_frac: float | None = param(
        None, "subsample to this class-1 rate (an imbalanced task); None: as loaded"
    )
    val_frac: float = param(0.1, "each half keeps this share for validation: what orders, filters and stops")
    mode: Mode = param("probe", "probe: frozen features + linear head (CPU-friendly); full; lora (peft)")
    epochs: float = param(2.0, "the paper's 2; longer training lets the student copy weak mistakes")
    lr: float | None = param(None, "None: 1e-3 for probes, the model's registry lr (5e-5 / 1e-5) otherwise")
    batch_size: int = param(32, "the paper's batch size")
    max_length: int = param(
        128,
        "tokens per text: fine-tuning's training rows that are longer are dropped (as the"
        " reference); prediction and test rows, and probe features, are truncated",
    )
    layer: float | None = param(
        None,
        "probe features at this fraction of depth in (0, 1]; None: registry default",
        when=lambda c: c.mode == "probe",
    )
    layer_index: int | None = param(
        None,
        "or at this block (hidden_states[k], 1-based); overrides `layer`",
        when=lambda c: c.mode == "probe",
    )
    pooling: Pooling | None = param(
        None, "mean | last | cls; None: registry default (mean encoders, last causal)"
    )
    # evaluating during training changes the curves, not the result, unless it picks the step
    eval_every: int = param(
        0,
        "evaluate on validation and test every N steps; 0: about 20 times a run",
        when=lambda c: c.early_stop,
    )
    early_stop: bool = param(
        False, "keep the step with the best validation AUROC (off: the paper's last step)"
    )
    aux_coef: float = param(
        0.5, "logconf / entropy mixing weight (the paper: up to 0.75 for big gaps)", when=_confidence_loss
    )
    warmup_frac: float = param(
        0.1, "logconf ramps its weight linearly over this fraction of training", when=_confidence_loss
    )
    balance_batch: bool = param(
        False,
        "logconf / entropy: centre the weak labels' log-odds per batch (EleutherAI)",
        when=_confidence_loss,
    )
    window_radius: float | Literal["midweak"] = param(
        0.15,
        "window loss: learn where the student's top p is below 0.5 + this",
        when=lambda c: c.loss == "window",
    )
    relabel: Literal["none", "knn", "logreg", "topo"] = param(
        "none", "replace weak labels by a probe's on strong features", when=_transfer
    )
    filter: Literal["none", "knn", "logreg", "topo", "confidence"] = param(
        "none",
        "drop the weak labels a probe disagrees with most (confidence: the least sure)",
        when=_transfer,
    )
    contamination: float = param(
        0.1,
        "filter: the share of weak labels dropped (EleutherAI's default)",
        when=lambda c: _transfer(c) and c.filter != "none" and c.confidence_threshold is None,
    )
    confidence_threshold: float | None = param(
        None, "filter 'confidence': keep weak labels whose top p is at least this (not a share)",
        when=lambda c: _transfer(c) and c.filter == "confidence",
    )  # fmt: skip
    co_supervisors: list[str] = param(
        [],
        "further weak supervisors whose soft labels combine with weak_model's (several teachers);"
        " PGR is then against the best single supervisor by validation accuracy",
        key=_models_key,
        when=lambda c: _transfer(c) and bool(c.co_supervisors),
    )
    combine: Literal["mean", "confident", "fitted"] = param(
        "mean",
        "mean of the soft labels | per example the most confident supervisor | weights fitted on half 1's validation",
        when=lambda c: _transfer(c) and bool(c.co_supervisors),
    )
    chain: list[str] = param(
        [],
        "bootstrapping (Burns et al. 4.3.1): intermediate models, weak to strong; each trains on"
        " the previous one's labels of the half it did not train on; PGR against weak_model",
        key=_models_key,
        when=lambda c: _transfer(c) and bool(c.chain),
    )
    prompt: Literal["none", "zero_shot", "weak_shots", "gold_shots"] = param(
        "none",
        "a prompting baseline instead of training (causal LMs): zero-shot, or k demonstrations"
        " labelled by the weak model (half 2) or with gold (half 1, the weak model's own data)",
        when=_prompting,
    )
    n_shots: int = param(8, "demonstrations per prompt (the sandbox's few-shot baseline)",
                         when=lambda c: _prompting(c) and c.prompt != "zero_shot")  # fmt: skip
    prompt_dtype: str = param("auto", "prompting's dtype (auto: `dtype`'s); bfloat16: ~2x faster on CPUs with"
                              " native bf16", when=_prompting)  # fmt: skip
    label_words: list[str] | None = param(
        None,
        "prompting your own file: one word per class (e.g. [' no', ' yes']); None: the task's",
        when=_prompting,
    )
    knn_k: int = param(
        50, "neighbours of the kNN and topological probes (EleutherAI's default)", when=_uses_neighbours
    )
    s2s_iters: int = param(
        0, "strong-to-strong rounds: the student relabels half 2 and a fresh one trains", when=_transfer
    )
    head: Literal["probe", "pretrained"] = param(
        "probe", "images: pretrained: the model's own classifier labels (the reference's AlexNet)"
    )
    lora_r: int = param(8, "LoRA rank, for the lora mode", when=lambda c: c.mode == "lora")
    # hashed only when it differs from 1.0, the value every run before this field used
    max_grad_norm: float = param(
        1.0,
        "clip gradients to this norm in full/lora training (the HF default); 0: no clipping, as the reference",
        when=lambda c: c.mode != "probe" and c.max_grad_norm != 1.0,
    )
    text_column: str = param("text", "your own file: its text column", when=_file_dataset)
    label_column: str = param("label", "your own file: its label column", when=_file_dataset)

    def __post_init__(self) -> None:
        coerce(self)
        self.check_compute()
        self.dataset = resolve_data_path(self.dataset)
        self.model = resolve_model_path(self.model)
        if self.weak_model is not None:
            self.weak_model = resolve_model_path(self.weak_model)
        if self.loss not in LOSS_NAMES:
            raise ConfigError(f"loss: {self.loss!r}; expected one of {sorted(LOSS_NAMES)}")
        if self.weak_model is None and self.loss != "xent":
            raise ConfigError("loss: a ground-truth run (weak_model=None) trains with loss='xent'")
        if self.n_train < 2 or self.n_test < 1:
            raise ConfigError(f"n_train={self.n_train}, n_test={self.n_test}: need n_train >= 2, n_test >= 1")
        if self.epochs <= 0 or self.batch_size < 1:
            raise ConfigError(f"epochs={self.epochs}, batch_size={self.batch_size}: both must be positive")
        if self.layer is not None and not 0 < self.layer <= 1:
            raise ConfigError(
                f"layer: {self.layer}; a fraction of depth in (0, 1] (use layer_index for a block number)"
            )
        if self.layer_index is not None and self.layer_index < 1:
            raise ConfigError(f"layer_index: {self.layer_index}; a block number >= 1")
        if data_modality(self.dataset) == "image" and self.mode != "probe":
            raise ConfigError("mode: images are classified by linear probes on frozen features; use 'probe'")
        if self.head == "pretrained" and self.weak_model is not None:
            raise ConfigError("head: 'pretrained' is a ground-truth run's (the supervisor's) setting")
        if self.load_in_4bit and self.mode != "lora":
            raise ConfigError("load_in_4bit: QLoRA trains adapters on 4-bit weights; set mode='lora'")
        if self.distributed != "none" and self.mode == "probe":
            raise ConfigError("distributed: a linear probe trains on one device; use mode 'full' or 'lora'")
        if not 0 < self.val_frac < 0.5:
            raise ConfigError(f"val_frac: {self.val_frac}; a share of each half in (0, 0.5)")
        if self.pos_frac is not None and not 0 < self.pos_frac < 1:
            raise ConfigError(f"pos_frac: {self.pos_frac}; a class-1 rate in (0, 1)")
        self.co_supervisors = [resolve_model_path(m) for m in self.co_supervisors]
        self.chain = [resolve_model_path(m) for m in self.chain]
        check_method(self)
        if self.relabel != "none" and self.filter != "none":
            raise ConfigError("relabel and filter: choose one (both at once is ill-defined, as in the peer)")
        if self.max_grad_norm < 0:
            raise ConfigError(f"max_grad_norm: {self.max_grad_norm}; a norm >= 0 (0: no clipping)")
        if not 0 <= self.contamination < 1 or self.knn_k < 1 or self.s2s_iters < 0:
            raise ConfigError("contamination in [0, 1), knn_k >= 1, s2s_iters >= 0")

    @property
    def kind(self) -> str:
        return "gt" if self.weak_model is None else "transfer"

    def to_dict(self) -> dict:
        return to_dict(self)

    def identity(self) -> dict:
        """The fields that change this run's result, as their declarations say."""
        return identity(self)

    def slug(self) -> str:
        who = self.model if self.weak_model is None else f"{self.weak_model}_to_{self.model}_{self.loss}"
        return f"{dataset_stem(self.dataset)}-{self.kind}-{Path(who).name}-s{self.seed}"

    def run_id(self) -> str:
        return f"{slug(self.slug(), 120)}-{stable_hash(self.identity())}"

    def run_dir(self, root: str | Path) -> Path:
        """The run's folder under a results root: <root>/runs/<run_id>."""
        return Path(root) / "runs" / self.run_id()

    def ground_truth(self, model: str) -> ClassificationConfig:
        """The ground-truth run of `model` that this run depends on (same data and recipe)."""
        from dataclasses import replace

        return replace(
            self, model=model, weak_model=None, loss="xent", co_supervisors=[], chain=[], prompt="none"
        )

    def recipe(self) -> dict:
        """What every run of one grid shares: the identity without model, loss and seed."""
        ident = self.identity()
        return {k: v for k, v in ident.items() if k not in RUN_FIELDS}


def resolve_data_path(dataset: str) -> str:
    """A data file named relatively becomes absolute (the working directory, else the repo
    root: `data/x.jsonl` means the same file in a shell and in a notebook)."""
    return str(resolve_path(dataset)) if Path(dataset).suffix.lower() in DATA_SUFFIXES else dataset


def resolve_model_path(model: str) -> str:
    """A relative path to an existing checkpoint folder becomes absolute; names stay names."""
    path = resolve_path(model)
    return (
        str(path)
        if not Path(model).is_absolute() and path.is_dir() and (path / "config.json").exists()
        else model
    )


def dataset_stem(dataset: str) -> str:
    return Path(dataset).stem[-24:] if "/" in dataset or "." in dataset else dataset


def default_run_root(cfg: ClassificationConfig) -> Path:
    """Where a notebook stepping through `cfg` keeps its runs: one folder per recipe, so
    runs with other settings never land in the same tables."""
    return results_dir() / "classification" / f"{dataset_stem(cfg.dataset)}-{stable_hash(cfg.recipe())}"


# the grid spec lives beside its rules' types; importable from here as before
from .grid_spec import ClassificationGridSpec, GridSpec  # noqa: E402, F401
