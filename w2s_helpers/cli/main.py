"""Command line: `w2s {demo,zoo,grid,replay,leaderboard,notebooks}` (also `python -m w2s_helpers.cli`).

Bad input (a spec, a data file, a config value) is reported in one line naming the file
and field, with exit status 2 and no traceback (`--debug` shows it); a grid whose cells
failed lists them and exits with status 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from ..core.notebooks import run_notebook
from ..core.paths import DATA_SUFFIXES, REPO_ROOT, results_dir

log = logging.getLogger("w2s")

DEMO_GRIDS = {
    "classification": REPO_ROOT / "grids" / "demo.yaml",
    "vision": REPO_ROOT / "grids" / "demo_vision.yaml",
    "reasoning": REPO_ROOT / "grids" / "demo_reasoning.yaml",
}


def cmd_zoo(args: argparse.Namespace) -> None:
    out = results_dir() / "zoo"
    t0 = time.time()
    run_notebook("00", out, {"models": args.models} if args.models else {})
    log.info("zoo notebook done in %.0fs -> %s", time.time() - t0, out)


def cmd_grid(args: argparse.Namespace) -> None:
    from ..grid.engine import run_grid
    from .pipelines import plan, read_spec

    if args.plan:
        print(plan(args.spec))
        return
    flow, spec = read_spec(args.spec)
    t0 = time.time()
    root = run_grid(flow, spec, args.out, papermill=not args.in_process)
    log.info("grid %s done in %.0fs -> %s", spec.name, time.time() - t0, root)


def cmd_demo(args: argparse.Namespace) -> None:
    """The main job: the offline zoo, then each flow's demo grid, headless."""
    times = {}
    parts = [("zoo", cmd_zoo, argparse.Namespace(models=None))]
    parts += [
        (k, cmd_grid, argparse.Namespace(spec=p, out=None, in_process=False, plan=False))
        for k, p in DEMO_GRIDS.items()
    ]
    for name, fn, ns in parts:
        if args.skip and name in args.skip:
            continue
        t0 = time.time()
        fn(ns)
        times[name] = round(time.time() - t0)
    log.info("demo done: %s (seconds); figures and tables under %s", times, results_dir())


def cmd_notebooks(args: argparse.Namespace) -> None:
    """Check (or rewrite) every notebook's parameters cell against its config."""
    from ..core.notebooks import cell_drift, sync_parameters
    from .pipelines import FLOWS, ZOO

    specs = [ZOO, *(s for make in FLOWS.values() for s in make().notebooks)]
    if args.sync:
        changed = [s.stem for s in specs if sync_parameters(s)]
        log.info("parameters cells rewritten: %s", changed or "none")
        return
    drift = [d for s in specs if (d := cell_drift(s))]
    if drift:
        raise SystemExit("\n".join(drift) + "\nrun `w2s notebooks --sync` to regenerate the cells")
    log.info("all %d notebooks' parameters cells match their configs", len(specs))


def cmd_replay(args: argparse.Namespace) -> None:
    """Stage-I sets on saved generations: the table, or JSON with --json."""
    import json

    import pandas as pd

    from ..reasoning.replay import replay_sets

    split = str(args.split) if args.split else "half"
    table = replay_sets(
        args.dataset, split, args.weak_rows, args.strong_rows, args.seed, args.math_answer_format
    )
    if args.json:
        print(json.dumps(table))
    else:
        print(pd.DataFrame(table).to_markdown(index=False, floatfmt=".3f"))


def cmd_leaderboard(args: argparse.Namespace) -> None:
    """One table over several results folders (classification grid roots, reasoning folders)."""
    from .leaderboard import cmd_leaderboard as run

    run(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="w2s", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks for input errors")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("demo", help="the README's main job")
    s.add_argument("--skip", nargs="*", choices=["zoo", *DEMO_GRIDS], help="parts to leave out")
    s.set_defaults(fn=cmd_demo)
    s = sub.add_parser("zoo", help="assemble the offline zoo and smoke-test each model")
    s.add_argument("--models", nargs="*", help="model names (default: the offline zoo)")
    s.set_defaults(fn=cmd_zoo)
    s = sub.add_parser("grid", help="run (or resume) a grid spec through the notebooks")
    s.add_argument("spec", type=Path, help="grid YAML, e.g. grids/demo.yaml")
    s.add_argument("--out", type=Path, help="results folder (default: results/<spec name>)")
    s.add_argument(
        "--in-process", action="store_true", help="call the stage functions directly, no papermill"
    )
    s.add_argument(
        "--plan",
        action="store_true",
        help="validate and print one line per run (strategy, memory per device, job); run nothing",
    )
    s.set_defaults(fn=cmd_grid)
    s = sub.add_parser("replay", help="stage-I selection on saved generations (no model)")
    s.add_argument("--dataset", required=True, help="gsm8k, math, a word-problem set, or a .jsonl file")
    s.add_argument(
        "--split", type=Path, help="folder with train_1/train_2/test.jsonl (default: the seeded half split)"
    )
    s.add_argument(
        "--weak-rows",
        type=Path,
        required=True,
        help="the weak model's rows on train_2 (id, prompt, response)",
    )
    s.add_argument("--strong-rows", type=Path, help="the strong model's in-context rows on train_2")
    s.add_argument("--seed", type=int, default=0, help="the half split's seed (without --split)")
    s.add_argument(
        "--math-answer-format",
        choices=["answer_line", "boxed"],
        default="answer_line",
        help="MATH-style sets: read the final 'The answer is: X' line (the reference) or the last \\boxed{}",
    )
    s.add_argument("--json", action="store_true", help="a JSON list of {set, rows, questions, label_acc}")
    s.set_defaults(fn=cmd_replay)
    s = sub.add_parser("leaderboard", help="one table over several results folders, best method first")
    s.add_argument(
        "dirs",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="a classification grid root (runs/*/result.json) or a reasoning experiment or grid folder",
    )
    s.add_argument("--out", type=Path, help="also write FILE.csv and FILE.md (give FILE.md or FILE.csv)")
    s.add_argument(
        "--metric", choices=["acc", "auroc"], default="acc", help="the median PGR that sorts (default: acc)"
    )
    s.set_defaults(fn=cmd_leaderboard)
    s = sub.add_parser("notebooks", help="check the notebooks' parameters cells against the configs")
    s.add_argument("--sync", action="store_true", help="rewrite the cells from the configs")
    s.set_defaults(fn=cmd_notebooks)
    return p


def _input_errors() -> tuple[type[BaseException], ...]:
    from .. import zoo
    from ..classification.data import UnknownTaskError
    from ..core.configs import ConfigError
    from ..core.fileio import DataError
    from ..grid.executors import ExecutorError
    from ..grid.plan import PlanError
    from ..grid.spec import SpecError

    return (
        SpecError,
        PlanError,
        ExecutorError,
        ConfigError,
        DataError,
        UnknownTaskError,
        zoo.UnknownModelError,
    )


PATH_ARGS = ("spec", "out", "split", "weak_rows", "strong_rows", "dirs")  # every subcommand's path arguments


def from_shell_cwd(args: argparse.Namespace) -> argparse.Namespace:
    """Paths given on the command line, taken from the shell's working directory (the
    notebooks run in notebooks/, where a relative path would mean another folder)."""
    for name in PATH_ARGS:
        if isinstance(value := getattr(args, name, None), Path):
            setattr(args, name, value.expanduser().resolve())
        elif isinstance(value, list) and all(isinstance(v, Path) for v in value):
            setattr(args, name, [v.expanduser().resolve() for v in value])
    dataset = getattr(args, "dataset", None)
    if isinstance(dataset, str) and Path(dataset).suffix.lower() in DATA_SUFFIXES:
        args.dataset = str(Path(dataset).expanduser().resolve())
    return args


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    args = from_shell_cwd(parser().parse_args(argv))
    from ..grid.cells import GridFailed

    try:
        args.fn(args)
    except GridFailed as e:
        if args.debug:
            raise
        print(f"w2s: {e}", file=sys.stderr)
        raise SystemExit(1) from None
    except _input_errors() as e:
        if args.debug:
            raise
        print(f"w2s: error: {e}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
