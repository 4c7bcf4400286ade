"""The ``ecograph`` command line.

Each command group lives in its own module of this package and exposes
``register(subparsers)``; :data:`COMMAND_MODULES` lists them in ``--help`` order.
Exit codes: 0 success, 1 a problem with the input (one line on stderr naming the file, field
or option), 2 usage error, 70 a bug in ecograph (one line; ``ECOGRAPH_DEBUG=1`` shows the
traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from .. import __version__
from ..errors import EcographError

#: Set to let unexpected exceptions (bugs) through with their traceback instead of one line.
DEBUG_ENV = "ECOGRAPH_DEBUG"

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
    "spark",
)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error on one line naming the option (and where help is)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
    """Entry point of the ``ecograph`` console script: never a traceback.

    A problem with the input (any :class:`~ecograph.errors.EcographError`, or a file that
    cannot be read or written) prints one line naming the file, field or option and returns 1;
    usage errors return 2. Anything else is a bug in ecograph: one line asking for a report,
    exit 70 — unless ``ECOGRAPH_DEBUG`` is set (as the test suite does), which lets the
    exception and its traceback through so that bugs stay visible.
    """
    try:
        return run(argv)
    except Exception as exc:  # a bug, by elimination: run() handles every expected failure
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"ecograph: internal error ({type(exc).__name__}: {_one_line(str(exc))}); this is a bug, please "
              f"report it with the command line (set {DEBUG_ENV}=1 to see the traceback)", file=sys.stderr)
        return 70


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run the command; input problems become one line on stderr and exit 1.

    Unexpected exceptions propagate (see :func:`main`).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except EcographError as exc:
        print(f"ecograph {args.command}: error: {_one_line(exc.message, getattr(exc, 'problems', None))}", file=sys.stderr)
        return 1
    except OSError as exc:  # output paths that are missing, directories, unwritable; a full disk
        where = exc.filename if exc.filename is not None else "output"
        print(f"ecograph {args.command}: error: {where}: {exc.strerror or type(exc).__name__}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"ecograph {args.command}: error: out of memory", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        print("interrupted", file=sys.stderr)
        return 130


def _one_line(message: str, problems: list[Any] | None = None) -> str:
    """The first line of ``message``, clipped; for several problems, the first and a count."""
    line = (problems[0].message if problems and len(problems) > 1 else message or "").splitlines()[0]
    line = line if len(line) <= _MAX_LINE else line[:_MAX_LINE] + "…"
    if problems and len(problems) > 1:
        line += f" (and {len(problems) - 1} more; `ecograph validate` lists every problem)"
    return line


_MAX_LINE = 500


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
