"""The reasoning notebooks' parameters, declared once. Each stage notebook (10-14) shows
the knobs of its own stage; every other ReasoningConfig field keeps its default, comes from
a `recipe` file (the same one for every stage, so the stages agree) or is set by papermill,
which is how a grid passes one config to all of them."""

from __future__ import annotations

from ..core.notebooks import NotebookSpec
from .config import ReasoningConfig

_RUN_ROOT = ("run_root", None, "artefact store and experiment folders; None: results/reasoning")
_WHO = ("dataset", "weak_model", "strong_model", "seed")  # which experiment: every stage shows it

STAGES = (
    NotebookSpec(
        "10",
        ReasoningConfig,
        show=(
            *_WHO,
            "split",
            "n_train_1",
            "n_test",
            "weak_sft",
            "weak_sft_epochs",
            "sft_lr",
            "max_new_tokens",
        ),
        extras=(_RUN_ROOT,),
    ),
    NotebookSpec(
        "11",
        ReasoningConfig,
        show=(*_WHO, "n_train_2", "n_shots", "demos", "backend", "gen_batch_size"),
        extras=(_RUN_ROOT,),
    ),
    NotebookSpec(
        "12",
        ReasoningConfig,
        show=(*_WHO, "stage1_sets", "stage1_final", "iterations", "sft_epochs", "sft_lr", "lora_r"),
        extras=(_RUN_ROOT,),
    ),
    NotebookSpec(
        "13",
        ReasoningConfig,
        show=(
            *_WHO,
            "k_samples",
            "temperature",
            "pref_method",
            "pref_epochs",
            "pref_lr",
            "beta",
            "pair_seed",
        ),
        extras=(_RUN_ROOT,),
    ),
    NotebookSpec(
        "14",
        ReasoningConfig,
        show=(*_WHO, "n_test", "eval_k", "eval_strong_zero_shot", "eval_strong_few_shot", "ceiling"),
        extras=(_RUN_ROOT,),
    ),
)
PLOT = NotebookSpec(
    "19",
    ReasoningConfig,
    show=_WHO,
    extras=(
        _RUN_ROOT,
        ("out_dir", None, "where the table and figure are written; None: the experiment folder"),
    ),
)
NOTEBOOKS = (*STAGES, PLOT)
