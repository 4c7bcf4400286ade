"""``ecograph match``: assign enterprises' technical problems to experts (供需对接), as CSV or XLSX.

Two sources::

    ecograph match --dataset cast_service_action -o assignment.xlsx      # an ecosystem (PATH or --dataset)
    ecograph match examples/data/holding.yaml --capacity 2 -o out.csv
    ecograph match --request match_request.json -o out.csv              # the body of POST /match

An ecosystem holds ``problem`` and ``expert`` nodes (see ``docs/concepts.md``); a request file
has the shape of the HTTP service's ``POST /match`` body (see :mod:`ecograph.schema`). The
options ``--capacity``, ``--weight``, ``--hops`` and ``--candidates`` are checked by the same
schema as the request fields, with the same one-line errors. One row per problem: the expert,
the society through which the expert serves, the score, its parts and the reasons (or why the
problem stays unmatched). Headers are Chinese unless ``--lang en``.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path
from typing import Any

from ..errors import LoadError
from ..matching import MATCH_COLUMN_LABELS, STATUS_LABELS, match
from ..schema import MATCH_OPTIONS, REQUEST_TYPES, read_request
from ._common import add_source_arguments, load_source, parse_param, progress


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "match",
        help="match enterprises' technical problems to experts and societies (-> CSV/XLSX)",
        description="Assign every open technical problem to one expert and the society through which the expert "
        "serves, globally optimal for the documented score and within every expert's capacity; write one row per "
        "problem (CSV, XLSX or JSON by the suffix of --output; CSV on stdout without it).",
    )
    add_source_arguments(parser)
    parser.add_argument("--request", metavar="FILE", help="a JSON/YAML request (the body of POST /match) instead of PATH")
    parser.add_argument("-o", "--output", metavar="PATH", help="write here: .csv, .xlsx or .json (default: CSV on stdout)")
    parser.add_argument("--capacity", metavar="N", help="problems per expert for everyone (default: each expert's capacity)")
    parser.add_argument("--weight", metavar="PART=W", action="append", default=[],
                        help="score weight, repeatable: field, proximity, region (default 0.5, 0.3, 0.2)")
    parser.add_argument("--hops", metavar="H", help="largest hop distance counted as proximity (default 3)")
    parser.add_argument("--candidates", metavar="K", help="short candidate lists per problem (large instances)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="column headers (default zh)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    if args.output and Path(args.output).suffix.lower() not in (".csv", ".xlsx", ".json"):
        raise LoadError(f"match: --output {args.output!r}: expected a .csv, .xlsx or .json file", field="output")
    if args.request:
        if args.path or args.dataset:
            raise LoadError("match: give --request FILE or an ecosystem (PATH / --dataset), not both", field="request")
        if args.capacity or args.weight or args.hops or args.candidates:
            raise LoadError("match: with --request, put capacity, weights, hops and candidates in the request",
                            field="request")
        result = REQUEST_TYPES["match"].run(read_request(args.request), source=args.request)
        rows, summary = result["rows"], result["summary"]
    else:
        options = MATCH_OPTIONS.parse(_options(args))
        eco = load_source(args)
        progress(f"match: {len(eco.nodes('problem')):,} problems, {len(eco.nodes('expert')):,} experts ...")
        matching = match(eco, **options)
        rows, summary = matching.rows(), matching.summary()
    _write(rows, args.output, args.lang)
    progress(f"match: {summary['matched']:,} of {summary['problems']:,} problems matched "
             f"({summary['total_points']:,} points) in {time.perf_counter() - start:.1f} s"
             + (f"; wrote {args.output}" if args.output else ""))
    return 0


def _options(args: argparse.Namespace) -> dict[str, Any]:
    """The command-line options as request values (numbers read like --param values)."""
    options: dict[str, Any] = {}
    for name in ("capacity", "hops", "candidates"):
        text = getattr(args, name)
        if text is not None:
            options[name] = parse_param(f"{name}={text}")[1]
    if args.weight:
        options["weights"] = dict(parse_param(item) for item in args.weight)
    return options


def _write(rows: list[dict[str, Any]], output: str | None, lang: str) -> None:
    columns = list(MATCH_COLUMN_LABELS)
    lang_index = 0 if lang == "zh" else 1
    header = [MATCH_COLUMN_LABELS[c][lang_index] for c in columns]
    table = [[_cell(c, row.get(c), lang_index) for c in columns] for row in rows]
    suffix = Path(output).suffix.lower() if output else ".csv"
    if suffix == ".json":
        import json

        Path(output).write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")  # type: ignore[arg-type]
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "对接结果" if lang == "zh" else "assignment"
        sheet.append(header)
        for line in table:
            sheet.append(line)
        sheet.freeze_panes = "A2"
        book.save(output)  # type: ignore[arg-type]
    else:
        handle = open(output, "w", encoding="utf-8-sig", newline="") if output else sys.stdout
        try:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(table)
        finally:
            if output:
                handle.close()


def _cell(column: str, value: Any, lang_index: int) -> Any:
    if value is None:
        return None
    if column == "status":
        return STATUS_LABELS[value][lang_index]
    return value
