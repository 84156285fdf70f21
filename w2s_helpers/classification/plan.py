"""The plan of a classification grid: one row per run, with the strategy it takes on the
declared hardware and its peak memory per device (nothing is run or read)."""

from __future__ import annotations

from pathlib import Path

from .. import zoo
from ..grid.plan import PlanRow
from ..grid.spec import variants
from ..scale import memory
from ..scale.resources import Resources
from .config import ClassificationGridSpec, dataset_stem
from .grid import base_config, declared_pairs, methods


def plan_rows(spec: ClassificationGridSpec) -> list[PlanRow]:
    """One row per run (ground truth, then transfer over the declared ladder's pairs):
    how it uses the declared hardware and its peak memory per device."""
    res = Resources(**spec.resources)
    rows = []
    for tag, v in variants(spec):
        for d in v.datasets:
            runs_ = [(m, None, {"loss": "xent"}) for m in v.models] + [
                (s, w, method) for w, s in declared_pairs(v) for method in methods(v)
            ]
            for model, weak, method in runs_:
                loss = method.get("loss", "xent")
                for seed in v.seeds:
                    cfg = base_config(v, d, model, seed, weak_model=weak, **method)
                    if zoo.modality(model) == "image":  # a small CNN's features: no GPU memory question
                        strategy = "one GPU (features)" if res.gpus else "CPU"
                        est = memory.Estimate(strategy, 0.1, 1)
                        rows.append(
                            PlanRow(
                                f"{dataset_stem(d)}{tag} {model} s{seed}",
                                model,
                                "probe on image features",
                                est,
                            )
                        )
                        continue
                    spec_m = zoo.get_spec(model)
                    if cfg.mode == "probe":
                        est = memory.features(spec_m, res, cfg.dtype, cfg.device_map)
                    else:
                        est = memory.train_run(spec_m, res, cfg.mode, cfg)
                    who = model if weak is None else f"{Path(weak).name} -> {Path(model).name} {loss}"
                    rows.append(
                        PlanRow(
                            f"{dataset_stem(d)}{tag} {'gt' if weak is None else 'transfer'} {Path(who).name if weak is None else who} s{seed}",
                            f"{Path(model).name} ({spec_m.params_m:g}M)",
                            f"{cfg.mode} n_train={cfg.n_train} bs={cfg.batch_size} len={cfg.max_length} {cfg.dtype}",
                            est,
                        )
                    )
    return rows
