"""Progress a person can read wherever a stage runs.

Stepped through in JupyterLab, the HF trainers draw their HTML progress table. Run headless
by the papermill runner (a grid, `make demo`), that table reaches the terminal only as
"<IPython.core.display.HTML object>", so the runner marks its kernels headless and the
trainers then draw the plain-text bar instead, which streams to the grid's log.
"""

from __future__ import annotations

import os
from typing import Any

HEADLESS = "W2S_HEADLESS"  # set by core.notebooks.run_notebook for the kernels it starts


def headless() -> bool:
    return os.environ.get(HEADLESS) == "1"


def readable_progress(trainer: Any) -> Any:
    """`trainer` (an HF Trainer or a trl one) with a text progress bar when headless."""
    if headless():
        from transformers.trainer_callback import ProgressCallback
        from transformers.utils.notebook import NotebookProgressCallback

        trainer.remove_callback(NotebookProgressCallback)
        trainer.add_callback(ProgressCallback)
    return trainer
