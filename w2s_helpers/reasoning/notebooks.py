"""The reasoning notebooks' parameters, declared once: every stage notebook (10-14) and the
report (19) takes the whole ReasoningConfig plus the artefact store, so a grid passes one
parameter set to each and a person stepping through edits the same names everywhere."""

from __future__ import annotations

from ..core.notebooks import NotebookSpec
from .config import ReasoningConfig

_RUN_ROOT = ("run_root", None, "artefact store and experiment folders; None: results/reasoning")

STAGES = tuple(
    NotebookSpec(stem, ReasoningConfig, extras=(_RUN_ROOT,)) for stem in ("10", "11", "12", "13", "14")
)
PLOT = NotebookSpec(
    "19",
    ReasoningConfig,
    extras=(
        _RUN_ROOT,
        ("out_dir", None, "where the table and figure are written; None: the experiment folder"),
    ),
)
NOTEBOOKS = (*STAGES, PLOT)
