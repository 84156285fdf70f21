"""Command line: `python -m w2s_helpers.cli {demo,zoo,grid}` (also installed as `w2s`)."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from .notebooks import run_notebook
from .paths import REPO_ROOT, results_dir

log = logging.getLogger("w2s")

DEMO_GRID = REPO_ROOT / "grids" / "demo.yaml"
DEMO_REASONING = REPO_ROOT / "grids" / "demo_reasoning.yaml"


def cmd_zoo(args: argparse.Namespace) -> None:
    out = results_dir() / "zoo"
    t0 = time.time()
    run_notebook("00", out, {"models": args.models} if args.models else {})
    log.info("zoo notebook done in %.0fs -> %s", time.time() - t0, out)


def cmd_grid(args: argparse.Namespace) -> None:
    from .grid import load_spec, run_grid

    spec = load_spec(args.spec)
    t0 = time.time()
    if getattr(spec, "pipeline", "classification") == "reasoning":
        from .reasoning_grid import run_reasoning_grid

        root = run_reasoning_grid(spec, args.out)
    else:
        root = run_grid(spec, args.out, papermill=not args.in_process)
    log.info("grid %s done in %.0fs -> %s", spec.name, time.time() - t0, root)


def cmd_demo(args: argparse.Namespace) -> None:
    """The main job: the offline zoo, the classification grid, the reasoning smoke, headless."""
    times = {}
    for name, fn, ns in [
        ("zoo", cmd_zoo, argparse.Namespace(models=None)),
        ("classification", cmd_grid, argparse.Namespace(spec=DEMO_GRID, out=None, in_process=False)),
        ("reasoning", cmd_grid, argparse.Namespace(spec=DEMO_REASONING, out=None, in_process=False)),
    ]:
        if args.skip and name in args.skip:
            continue
        t0 = time.time()
        fn(ns)
        times[name] = round(time.time() - t0)
    log.info("demo done: %s (seconds); figures and tables under %s", times, results_dir())


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="w2s", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="the README's main job")
    p.add_argument(
        "--skip", nargs="*", choices=["zoo", "classification", "reasoning"], help="parts to leave out"
    )
    p.set_defaults(fn=cmd_demo)
    p = sub.add_parser("zoo", help="assemble the offline zoo and smoke-test each model")
    p.add_argument("--models", nargs="*", help="model names (default: the offline zoo)")
    p.set_defaults(fn=cmd_zoo)
    p = sub.add_parser("grid", help="run (or resume) a grid spec through the notebooks")
    p.add_argument("spec", type=Path, help="grid YAML, e.g. grids/demo.yaml")
    p.add_argument("--out", type=Path, help="results folder (default: results/<spec name>)")
    p.add_argument("--in-process", action="store_true", help="call the helpers directly, no papermill")
    p.set_defaults(fn=cmd_grid)
    args = parser.parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
