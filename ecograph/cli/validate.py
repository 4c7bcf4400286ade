"""``ecograph validate``: check a file, folder or dataset and list every problem.

Exit status 0 when the data is valid, 1 when there are problems (each printed on its own
line with file, line or row, field and what was expected).

Examples
--------
>>> from ecograph.cli import main
>>> main(["validate", "--dataset", "pudong_policy"])  # doctest: +ELLIPSIS
OK: pudong_policy: ... organisations, ... relations
0
"""

from __future__ import annotations

import argparse
import json

from ..errors import LoadError
from ._common import add_source_arguments, load_source

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check an ecosystem file or folder and list every problem (exit 1 if any)",
        description="Read PATH (YAML, JSON, CSV folder, GraphML, GEXF) or --dataset NAME, check it "
        "against the data model and list every problem with its file, line and field.",
    )
    add_source_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the problems as a JSON list")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        eco = load_source(args, quiet=True)
        found = [{"message": p.message, **_context(p)} for p in eco.problems()]
    except LoadError as exc:
        if exc.context.get("field") == "path" and not exc.context.get("path"):
            raise  # usage problem (no PATH and no --dataset): reported by the CLI frame
        found = [{"message": p.message, **_context(p)} for p in getattr(exc, "problems", [exc])]
        eco = None
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=1, default=str))
    elif found:
        for problem in found:
            print(problem["message"])
        print(f"{len(found)} problem{'s' if len(found) != 1 else ''} found")
    else:
        print(f"OK: {eco.name}: {len(eco):,} organisations, {eco.number_of_relations():,} relations")
    return 1 if found else 0


def _context(problem: Exception) -> dict:
    context = getattr(problem, "context", {})
    return {k: context[k] for k in ("path", "line", "field", "id") if context.get(k) is not None}
