"""Every config type of the classification flow: one run, and a grid of runs.

Field names are the notebooks' parameter names and the grid specs' keys. Each field says
why its default is what it is. A run's identity hashes exactly what changes its result:
the data by content (a user file's sha256, never its path) and each model by the weights
it loads (offline GGUF and hub weights are different runs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .. import zoo
from ..core.configs import ConfigError, coerce, param, to_dict
from ..core.dist import effective_dtype
from ..core.hashing import slug, stable_hash
from ..core.paths import DATA_SUFFIXES, resolve_path, results_dir
from ..scale.resources import Execution
from .data import modality as data_modality

Mode = Literal["probe", "full", "lora"]
Pooling = Literal["mean", "last", "cls"]
# the loss registry's names (losses.LOSSES; a test keeps the two equal): no torch import here
LOSS_NAMES = ("xent", "logconf", "product", "kl", "entropy", "window")
PROBES = ("none", "knn", "logreg", "topo")  # weak-label improvement on the strong model's features
RUN_FIELDS = ("model", "weak_model", "loss", "seed")  # what varies inside one recipe


@dataclass
class ClassificationConfig:
    """One training run: ground truth (weak_model is None) or weak-to-strong transfer."""

    dataset: str = param("movie_sentiment", "registry name or a path to a .jsonl/.csv/.parquet file")
    model: str = param("minilm-l6", "the model trained here (the strong student in a transfer run)")
    weak_model: str | None = param(None, "set for a transfer run: whose soft labels train `model`")
    loss: str = param("xent", "xent | logconf | product | kl | entropy | window; ground-truth runs use xent")
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
        128, "tokens; longer texts are truncated for probe features, dropped when fine-tuning"
    )
    layer: float | None = param(
        None, "probe features at this fraction of depth in (0, 1]; None: registry default"
    )
    layer_index: int | None = param(None, "or at this block (hidden_states[k], 1-based); overrides `layer`")
    pooling: Pooling | None = param(
        None, "mean | last | cls; None: registry default (mean encoders, last causal)"
    )
    eval_every: int = param(0, "evaluate on validation and test every N steps; 0: about 20 times a run")
    early_stop: bool = param(
        False, "keep the step with the best validation AUROC (off: the paper's last step)"
    )
    aux_coef: float = param(0.5, "logconf / entropy mixing weight (the paper: up to 0.75 for big gaps)")
    warmup_frac: float = param(0.1, "logconf ramps its weight linearly over this fraction of training")
    balance_batch: bool = param(
        False, "logconf / entropy: centre the weak labels' log-odds per batch (EleutherAI)"
    )
    window_radius: float | Literal["midweak"] = param(
        0.15, "window loss: learn where the student's top p is below 0.5 + this"
    )
    relabel: Literal["none", "knn", "logreg", "topo"] = param(
        "none", "replace weak labels by a probe's on strong features"
    )
    filter: Literal["none", "knn", "logreg", "topo"] = param(
        "none", "drop the weak labels a probe disagrees with most"
    )
    contamination: float = param(0.1, "filter: the share of weak labels dropped (EleutherAI's default)")
    knn_k: int = param(50, "neighbours of the kNN and topological probes (EleutherAI's default)")
    s2s_iters: int = param(0, "strong-to-strong rounds: the student relabels half 2 and a fresh one trains")
    head: Literal["probe", "pretrained"] = param(
        "probe", "images: pretrained: the model's own classifier labels (the reference's AlexNet)"
    )
    lora_r: int = param(8, "LoRA rank, for the lora mode")
    source: Literal["auto", "offline", "hub"] = param("auto", "auto: the offline package where one exists")
    dtype: Literal["auto", "bfloat16", "float16", "float32"] = param(
        "auto", "auto: bf16 on a GPU (the paper scale), fp32 on a CPU"
    )
    gradient_checkpointing: bool = param(False, "full / lora: recompute activations (big models, long texts)")
    load_in_4bit: bool = param(False, "lora: 4-bit NF4 base weights (QLoRA, bitsandbytes, GPU only)")
    device_map: str | None = param(None, "'auto': spread a model too big for one GPU over the node's GPUs")
    distributed: Literal["none", "ddp", "fsdp"] = param(
        "none", "full / lora over `num_processes` GPUs through accelerate; fsdp shards weights + Adam"
    )
    num_processes: int = param(1, "processes (GPUs) a distributed run is launched on")
    report_to: Literal["none", "wandb", "tensorboard"] = param(
        "none", "experiment tracking through the HF Trainer; nothing is sent unless set"
    )
    text_column: str = param("text", "your own file: its text column")
    label_column: str = param("label", "your own file: its label column")

    def __post_init__(self) -> None:
        coerce(self)
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
        if self.num_processes < 1:
            raise ConfigError(f"num_processes: {self.num_processes}; at least 1")
        if not 0 < self.val_frac < 0.5:
            raise ConfigError(f"val_frac: {self.val_frac}; a share of each half in (0, 0.5)")
        if self.pos_frac is not None and not 0 < self.pos_frac < 1:
            raise ConfigError(f"pos_frac: {self.pos_frac}; a class-1 rate in (0, 1)")
        if self.relabel != "none" and self.filter != "none":
            raise ConfigError("relabel and filter: choose one (both at once is ill-defined, as in the peer)")
        if not 0 <= self.contamination < 1 or self.knn_k < 1 or self.s2s_iters < 0:
            raise ConfigError("contamination in [0, 1), knn_k >= 1, s2s_iters >= 0")

    @property
    def kind(self) -> str:
        return "gt" if self.weak_model is None else "transfer"

    def to_dict(self) -> dict:
        return to_dict(self)

    def identity(self) -> dict:
        """The fields that change this run's result, data and models by what they load."""
        from .data import data_identity, is_file_dataset

        d = self.to_dict()
        if self.loss not in ("logconf", "entropy"):
            d.pop("aux_coef"), d.pop("warmup_frac"), d.pop("balance_batch")
        if self.loss != "window":
            d.pop("window_radius")
        if self.kind == "gt":
            for k in ("relabel", "filter", "contamination", "knn_k", "s2s_iters"):
                d.pop(k)
        else:
            if self.filter == "none":
                d.pop("contamination")
            if "knn" not in (self.relabel, self.filter) and "topo" not in (self.relabel, self.filter):
                d.pop("knn_k")
        if not self.early_stop:
            d.pop("eval_every")  # evaluating during training changes the curves, not the result
        if self.mode != "lora":
            d.pop("lora_r")
        if self.mode != "probe":
            d.pop("layer"), d.pop("layer_index")
        if not is_file_dataset(self.dataset):  # registry datasets have fixed columns
            d.pop("text_column"), d.pop("label_column")
        d["dataset"] = data_identity(self.dataset, self.source)
        d["model"] = zoo.identity(self.model, self.source)
        if self.weak_model is not None:
            d["weak_model"] = zoo.identity(self.weak_model, self.source)
        if self.head == "probe":
            d.pop("head")  # the default: run ids from before the field existed hold
        d.pop("source")  # in the identities above
        # where and how the work runs, not what it computes
        for k in ("gradient_checkpointing", "device_map", "distributed", "num_processes", "report_to"):
            d.pop(k)
        d["dtype"] = effective_dtype(self.dtype)
        if d["dtype"] == "float32":  # the CPU default: run ids from before the field existed hold
            d.pop("dtype")
        if not self.load_in_4bit:
            d.pop("load_in_4bit")
        return d

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

        return replace(self, model=model, weak_model=None, loss="xent")

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


@dataclass
class GridSpec(Execution):
    """A sweep: datasets x ladder x losses x seeds; every gt run once, every pair once."""

    name: str = param("grid", "results land in results/<name>/")
    datasets: list[str] = param(["movie_sentiment"], "registry names or data files")
    models: list[str] = param(["minilm-l6", "mpnet-base"], "the ladder, weak to strong as declared")
    losses: list[str] = param(["xent", "logconf"], "each pair trains once per loss")
    seeds: list[int] = param([0, 1, 2], "seed-to-seed PGR spread is 0.05-0.2: three seeds at least")
    order_by: Literal["ladder", "gt_accuracy"] = param(
        "ladder", "gt_accuracy: reorder the ladder after gt runs"
    )
    pairs: list[list[str]] | None = param(None, "explicit (weak, strong) pairs; default: every weak < strong")
    base: dict = param({}, "ClassificationConfig fields shared by every run")
    sweep: dict = param({}, "config field -> values: the whole grid runs for each combination")
    methods: list[dict] = param(
        [], "transfer methods as config overrides (baselines by name); default: one per loss"
    )

    def __post_init__(self) -> None:
        coerce(self)
