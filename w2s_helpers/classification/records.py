"""Reading run records back: one tidy row per finished run. No torch: plotting and
reporting code only ever reads these."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.fileio import read_json

_NESTED = (
    "config",
    "losses",
    "env",
    "identity",
    "curves",
    "rounds",
    "improved",
    "chain_steps",
    "fitted_weights",
)


def gather(root: str | Path, run_ids: list[str] | None = None) -> pd.DataFrame:
    """One row per finished run under `root` (flattened config + metrics); only `run_ids`
    when given."""
    rows = []
    for result in sorted(Path(root).glob("runs/*/result.json")):
        if run_ids is not None and result.parent.name not in run_ids:
            continue
        r = read_json(result)
        # the config's own fields win: a record's metrics never shadow what identifies the run
        rows.append({**{k: v for k, v in r.items() if k not in _NESTED}, **r["config"]})
    return pd.DataFrame(rows)


def curves(root: str | Path, run_ids: list[str] | None = None) -> pd.DataFrame:
    """The evaluation curves of the runs under `root`: one row per (run, step), long format
    (split in {val, test}, metric in {acc, auroc})."""
    rows = []
    for result in sorted(Path(root).glob("runs/*/result.json")):
        if run_ids is not None and result.parent.name not in run_ids:
            continue
        r = read_json(result)
        who = {k: r["config"][k] for k in ("dataset", "model", "weak_model", "loss", "seed")}
        for point in r.get("curves") or []:
            for key, value in point.items():
                if key != "step":
                    split, metric = key.split("_", 1)
                    rows.append(
                        {
                            "run_id": r["run_id"],
                            "kind": r["kind"],
                            **who,
                            "step": point["step"],
                            "split": split,
                            "metric": metric,
                            "value": value,
                        }
                    )
    return pd.DataFrame(rows)


def config_fields(runs: pd.DataFrame, records_root: str | Path | None = None) -> list[str]:
    """The config fields present in gathered runs (in the config's order)."""
    from .config import ClassificationConfig

    return [f for f in ClassificationConfig.__dataclass_fields__ if f in runs.columns]
