"""The classification notebooks' parameters, declared once: the cells are rendered from these
specs (each shows its own stage's knobs; any other ClassificationConfig field comes from a
`recipe` file or papermill) and the grid builds its papermill parameters from the same specs
(`NotebookSpec.parameters_for`)."""

from __future__ import annotations

from ..core.notebooks import NotebookSpec
from .config import ClassificationConfig

_RUN_ROOT = ("run_root", None, "None: results/classification/<recipe> (one folder per recipe)")
_SEEDS = ("seeds", [0], "one run per seed: a different half split, initialisation and batch order")
# what every run of a stage trains on and how: shown in both 01 and 02
_DATA = ("dataset", "n_train", "n_test", "val_frac")
_TRAINING = ("mode", "epochs", "lr", "batch_size", "max_length", "layer", "pooling", "early_stop")

GROUND_TRUTH = NotebookSpec(
    "01",
    ClassificationConfig,
    show=(*_DATA, *_TRAINING),
    extras=(("models", ["minilm-l6"], "each model trains on half 1 with the true labels"), _SEEDS, _RUN_ROOT),
)
WEAK_TO_STRONG = NotebookSpec(
    "02",
    ClassificationConfig,
    show=(*_DATA, *_TRAINING, "aux_coef", "warmup_frac"),
    extras=(
        (
            "pairs",
            [["minilm-l6", "mpnet-base"]],
            "[weak, strong]: the strong student learns from the weak labels",
        ),
        _SEEDS,
        ("losses", ["xent", "logconf"], "each loss trains the student once per pair and seed"),
        (
            "methods",
            [],
            "instead of losses: config overrides per method, e.g. [{'loss': 'xent', 'relabel': 'knn'}]",
        ),
        (
            "ladder",
            None,
            "the models weak to strong, for methods naming 'between' (chain, co_supervisors);"
            " None: as the pairs first name them",
        ),
        _RUN_ROOT,
    ),
)
PLOT = NotebookSpec(
    "03",
    extras=(
        ("run_root", None, "a grid's folder (results/<grid>); None: the default recipe's folder"),
        ("out_dir", None, "where tables and figures are written; None: run_root"),
        ("min_gap", 0.02, "pairs whose ceiling is within this of the weak model are reported apart"),
    ),
)
NOTEBOOKS = (GROUND_TRUTH, WEAK_TO_STRONG, PLOT)
