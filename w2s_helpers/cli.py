"""Command line: `python -m w2s_helpers.cli demo | zoo`."""

from __future__ import annotations

import argparse
import logging
import time

from .notebooks import run_notebook
from .paths import results_dir

log = logging.getLogger("w2s")


def cmd_zoo(args: argparse.Namespace) -> None:
    out = results_dir() / "zoo"
    t0 = time.time()
    params = {"out_dir": str(out)} | ({"models": args.models} if args.models else {})
    run_notebook("00", out, params)
    log.info("zoo notebook done in %.0fs -> %s", time.time() - t0, out)


def cmd_demo(args: argparse.Namespace) -> None:
    """The main job: the offline zoo, then the pipelines, headless."""
    cmd_zoo(args)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="w2s", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, fn, help_ in [
        ("demo", cmd_demo, "the README's main job"),
        ("zoo", cmd_zoo, "assemble the offline zoo and smoke-test each model"),
    ]:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--models", nargs="*", help="zoo: model names (default: the offline zoo)")
        p.set_defaults(fn=fn)
    args = parser.parse_args(argv)
    args.fn(args)


if __name__ == "__main__":
    main()
