"""The process `core.launch` starts: import `module:function` and call it on the config."""

from __future__ import annotations

import importlib
import json
import sys


def main(argv: list[str]) -> None:
    target, config_file = argv
    module, function = target.split(":")
    with open(config_file) as f:
        config = json.load(f)
    getattr(importlib.import_module(module), function)(config)


if __name__ == "__main__":
    main(sys.argv[1:])
