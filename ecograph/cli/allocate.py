"""``ecograph allocate FILE``: allocate a budget exactly from a JSON or YAML request file.

The request has the shape of the HTTP service's ``POST /allocate`` body::

    budget: 5000000            # int (fen) or a decimal string such as "50000.00"
    unit: 100                  # optional; amounts are whole multiples of it
    scores: {m01: 812, m02: 430, ...}
    floor: 100000              # optional, scalar or {id: amount}; likewise cap
    exclude: {m13: credit blacklist}
    grades: {m01: excellent, ...}        # optional, with grade_weights
    fixed: {m01: 20000000}  reserve: {office: 250000}

Two other shapes are recognised: a ``tree`` (``{parent: [children]}``) with ``scores`` and
optional ``retain`` runs :func:`ecograph.allocation.cascade`; ``seats`` with ``votes`` and
``method`` (``dhondt``, ``sainte_lague``, ``adams``) runs
:func:`ecograph.allocation.divisor_apportion`. Money written as a float (``100.5``) is refused;
quote decimal amounts. The request is checked by :mod:`ecograph.schema`, exactly as the HTTP
service checks it.
"""

from __future__ import annotations

import argparse

from ..schema import REQUEST_TYPES, read_request
from ._common import emit_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "allocate",
        help="allocate a budget exactly by score (JSON/YAML request file -> JSON result)",
        description="Allocate a budget exactly (largest remainder, floors, caps, grades, fixed rewards, "
        "reserves), down a tree (cascade) or by a divisor method, from a JSON or YAML request file "
        "(the body of POST /allocate; see ecograph.schema).",
    )
    parser.add_argument("file", metavar="FILE", help="request file (.json, .yaml or .yml)")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the JSON result here instead of stdout")
    parser.add_argument("--no-explain", action="store_true", help="leave out the per-unit explanation")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    document = read_request(args.file)
    if args.no_explain and isinstance(document, dict) and "seats" not in document:
        document["explain"] = False
    result = REQUEST_TYPES["allocate"].run(document, source=args.file)
    emit_json(result, args.output, "allocate")
    return 0
