"""The ``ecograph`` command line.

Each command group lives in its own module of this package and exposes
``register(subparsers)``; :data:`COMMAND_MODULES` lists them in ``--help`` order.
Exit codes: 0 success, 1 a problem with the input (listed on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import EcographError

COMMAND_MODULES: tuple[str, ...] = (
    "datasets",
    "validate",
    "report",
    "metrics",
    "diagram",
    "evaluate",
    "grade",
    "match",
    "allocate",
    "serve",
    "neo4j",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecograph",
        description="Graph analytics of innovation ecosystems: platforms, chains, associations, "
        "evaluation and exact budget allocation.",
    )
    parser.add_argument("--version", action="version", version=f"ecograph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ecograph`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except EcographError as exc:
        print(f"ecograph {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
