"""Every config type of the reasoning flow: one experiment, its training recipe, and a grid.

Field names are the notebooks' parameter names and the grid specs' keys; each says why
its default is what it is, and whether it changes a result: experiment, adapter and
generation keys hash exactly those fields (`core.configs.identity`), data and replayed
rows by content, models by the weights they load. The defaults are smoke-sized for a CPU;
the paper's settings are in grids/paper_reasoning_gpu.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .. import zoo
from ..core.compute import Compute
from ..core.configs import ConfigError, coerce, field_names, identity, param, to_dict
from ..core.paths import resolve_path
from ..grid.spec import GridSpecBase

SETS = ("weak", "icl", "hybrid", "full_weak")  # stage-I training sets (selection.training_sets)
PREFERENCE_METHODS = ("dpo", "orpo")
BACKENDS = ("hf", "vllm")


def _dataset_key(dataset: str, cfg: Any) -> str:
    from .data import data_identity

    return data_identity(dataset)["dataset"]


def _split_key(split: str, cfg: Any) -> Any:
    from .data import data_identity

    return data_identity(cfg.dataset, split).get("split", split)


def _math_style(dataset: str) -> bool:
    from .data import math_style

    return math_style(dataset)


def _file_key(path: str | None, cfg: Any) -> str | None:
    from ..core.hashing import file_sha256

    return None if path is None else file_sha256(path)


def _demos_key(demos: str, cfg: Any) -> str:
    return demos if demos in ("weak", "gold") else _file_key(demos, cfg)


@dataclass
class LoraRecipe:
    """What every LoRA stage of an experiment shares: declared once, carried by the
    experiment's config and by each stage's TrainParams."""

    batch_size: int = param(4, "training rows per optimiser step (the global batch, however many GPUs)")
    max_length: int = param(
        512,
        "training tokens per row (prompt + completion): rows whose prompt is too long (leaves"
        " under 8 completion tokens) are dropped; trl truncates the completions of the rest",
    )
    lora_r: int = param(16, "LoRA rank on every linear projection")
    lora_top_frac: float = param(
        1.0, "LoRA on this top share of the blocks (1: all, the reference; less: faster on a CPU)"
    )
    beta: float = param(0.1, "DPO / ORPO strength (trl's default)")
    seed: int = param(0, "split, demonstrations, initialisation and batch order")


@dataclass
class TrainParams(Compute, LoraRecipe):
    """What one LoRA training stage needs (trl's SFTConfig / DPOConfig / ORPOConfig get these)."""

    epochs: float = param(1.0, "passes over the training rows")
    lr: float = param(1e-4, "LoRA learning rate")
    grad_accum: int = param(1, "optimiser steps accumulate this many batches")
    lora_alpha: int = param(32, "LoRA scale numerator (2 x rank, the usual choice)")
    save_steps: int = param(50, "checkpoint interval: how much an interrupted training redoes", result=False)

    def identity(self) -> dict:
        """The fields that change the adapter (how and where it trains do not)."""
        return identity(self)

    def __post_init__(self) -> None:
        coerce(self)
        self.check_compute()


@dataclass
class ReasoningConfig(Compute, LoraRecipe):
    """One weak -> strong reasoning experiment. Field names are the notebooks' parameters."""

    dataset: str = param("gsm8k", "gsm8k | math | olympicarena | a .jsonl path", key=_dataset_key, path=True)
    split: str = param(
        "half",
        "half: a seeded half split of train; or a folder with train_1/train_2/test.jsonl",
        key=_split_key,
        path=True,
    )
    weak_model: str = param("smollm2-135m", "the weak supervisor (SFT'd on train_1)", key=zoo.model_key)
    strong_model: str = param(
        "qwen2.5-0.5b", "the strong student; it never sees a gold answer", key=zoo.model_key
    )
    n_train_1: int | None = param(64, "weak SFT questions (None: all; the paper: 7,000)")
    n_train_2: int | None = param(24, "questions the strong model learns from (the paper: 7,000)")
    n_test: int | None = param(24, "evaluation questions (the paper: 1,319 GSM8K / 500 MATH)")
    n_shots: int = param(4, "in-context demonstrations for the strong model (the reference: 4)")
    demos: str = param(
        "weak",
        "weak: the weak model's own train_2 answers (the reference); gold (a deviation); or a file",
        key=_demos_key,
        path=True,
    )
    weak_sft: bool = param(
        True, "SFT the weak model on train_1; false: use it as is (an instruct model, OlympicArena)"
    )
    ceiling: bool = param(True, "train the strong ceiling (SFT on gold train_2 solutions) for PGR")
    max_new_tokens: int = param(160, "the paper: 1,024 (GSM8K), 2,048 (MATH); short answers stop earlier")
    backend: Literal["hf", "vllm"] = param("hf", "hf: transformers generate; vllm on a GPU machine")
    gen_batch_size: int = param(
        32, "rows per generate batch (results do not depend on it beyond rounding)", result=False
    )
    tensor_parallel_size: int = param(1, "vLLM: GPUs one model is split over", result=False)
    k_samples: int = param(4, "stage II samples per question at temperature 1 (the paper: 10)")
    temperature: float = param(1.0, "stage II sampling temperature (the paper: 1.0)")
    stage1_sets: list[str] = param(
        ["full_weak", "hybrid"], "stage-I training sets to SFT the strong model on"
    )
    stage1_final: str = param(
        "hybrid", "the set the last stage-I iteration trains on; stage II starts from that model"
    )
    iterations: int = param(
        1, "stage-I iterations (the paper: 2); iteration 2 compares the weak- and icl-set models"
    )
    pref_method: Literal["dpo", "orpo"] = param("dpo", "stage II preference optimisation")
    sft_epochs: float = param(2.0, "stage-I and ceiling SFT epochs")
    weak_sft_epochs: float | None = param(None, "the weak model's SFT epochs (None: sft_epochs)")
    sft_lr: float = param(2e-4, "LoRA SFT learning rate: higher than full fine-tuning's, as usual for LoRA")
    pref_epochs: float = param(2.0, "DPO / ORPO epochs")
    pref_lr: float = param(5e-5, "DPO / ORPO learning rate")
    eval_k: int = param(1, "samples per test question for pass@k / maj@k (1: greedy accuracy only)")
    eval_strong_zero_shot: bool = param(True, "also evaluate the untrained strong model zero-shot")
    eval_strong_few_shot: bool = param(
        False, "evaluate the untrained strong model after stage I's demonstrations (no gold)"
    )
    weak_rows_file: str | None = param(
        None, "replay: saved weak rows (id, prompt, response) instead of generating", key=_file_key, path=True
    )
    strong_rows_file: str | None = param(
        None, "replay: saved strong ICL rows instead of generating", key=_file_key, path=True
    )
    pair_seed: int = param(42, "stage II pair sampling (the reference: 42)")
    math_answer_format: Literal["answer_line", "boxed"] = param(
        "answer_line",
        "MATH-style sets: answer_line: gold rows end 'The answer is: X' and only that line is read"
        " (the reference); boxed: raw solutions, the last \\boxed{X} is read",
        when=lambda cfg: _math_style(cfg.dataset),
    )

    def __post_init__(self) -> None:
        coerce(self)
        self.check_compute()
        # files named relatively become absolute (working directory, else the repo root)
        if self.dataset.endswith(".jsonl"):
            self.dataset = str(resolve_path(self.dataset))
        if self.split != "half":
            self.split = str(resolve_path(self.split))
        if self.demos not in ("weak", "gold"):
            self.demos = str(resolve_path(self.demos))
        for f in ("weak_rows_file", "strong_rows_file"):
            if getattr(self, f):
                setattr(self, f, str(resolve_path(getattr(self, f))))
        for s in [*self.stage1_sets, self.stage1_final]:
            if s not in SETS:
                raise ConfigError(f"stage1_sets/stage1_final: {s!r}; expected one of {SETS}")
        if self.stage1_final == "full_weak":
            raise ConfigError("stage1_final: must be a selected set (weak, icl or hybrid), not full_weak")
        if self.iterations not in (1, 2):
            raise ConfigError(f"iterations: {self.iterations}; 1 or 2")
        if self.k_samples < 1 or self.eval_k < 1 or self.n_shots < 0:
            raise ConfigError("k_samples and eval_k must be >= 1, n_shots >= 0")

    def to_dict(self) -> dict:
        return to_dict(self)

    def train_params(self, stage: str) -> TrainParams:
        """The trainer's settings for `stage`: "sft", "weak_sft", "dpo" or "orpo"."""
        pref = stage in PREFERENCE_METHODS
        epochs = self.pref_epochs if pref else self.sft_epochs
        if stage == "weak_sft" and self.weak_sft_epochs is not None:
            epochs = self.weak_sft_epochs
        shared = set(field_names(TrainParams)) & set(field_names(ReasoningConfig))
        return TrainParams(
            **{name: getattr(self, name) for name in shared},
            epochs=epochs,
            lr=self.pref_lr if pref else self.sft_lr,
            lora_alpha=2 * self.lora_r,
        )

    def identity(self) -> dict:
        """The fields that change this experiment's results, as their declarations say."""
        return identity(self)


@dataclass
class ReasoningGridSpec(GridSpecBase):
    """Datasets x (weak, strong) pairs x seeds, each experiment through notebooks 10-14, 19."""

    name: str = param("reasoning", "results land in results/<name>/")
    pipeline: str = param("reasoning", "which flow runs the spec: classification | reasoning")
    datasets: list[str] = param(["gsm8k"], "math datasets or .jsonl files", path=True)
    seeds: list[int] = param([0], "one experiment per seed")
    pairs: list[list[str]] = param(
        [["smollm2-135m", "qwen2.5-0.5b"]], "[weak, strong] model pairs", path=True
    )

    def __post_init__(self) -> None:
        coerce(self)
