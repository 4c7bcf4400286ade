"""``ecograph grade FILE``: grades from scores by thresholds or quota (JSON/YAML request file).

The request has the shape of the HTTP service's ``POST /grade`` body (see
:mod:`ecograph.schema`)::

    scores: {c1: 0.91, c2: 0.64, c3: 0.40}
    thresholds: {excellent: 0.85, good: 0.6, pass: 0.5}     # or quota: {excellent: 0.2, ...}
    fail: {c3: 未按期报送}                                     # optional: fail regardless
"""

from __future__ import annotations

import argparse

from ..schema import REQUEST_TYPES, read_request
from ._common import emit_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade",
        help="grade scores by thresholds or quota (JSON/YAML request file -> JSON result)",
        description="Grade units by score thresholds or by quota from a JSON or YAML request file "
        "(the body of POST /grade).",
    )
    parser.add_argument("file", metavar="FILE", help="request file (.json, .yaml or .yml)")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the JSON result here instead of stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    emit_json(REQUEST_TYPES["grade"].run(read_request(args.file), source=args.file), args.output, "grade")
    return 0
