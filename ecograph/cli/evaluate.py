"""``ecograph evaluate FILE``: scores and grades from an indicator table.

FILE is either a CSV table (first column the unit id, then one column per indicator, an empty
cell = missing) or a JSON/YAML document shaped like the HTTP service's ``POST /evaluate`` body
(``units: {id: {indicator: value}}`` plus optional ``directions``, ``normalization``,
``weights``, ``ahp``, ``method``, ``missing``, ``thresholds``, ``quota``, ``fail``). Options on
the command line override the document's settings.

Example::

    ecograph evaluate examples/allocation/tianjin_indicators.csv \\
        --direction cost=lower --quota excellent=0.2,good=0.3,pass=0.4
"""

from __future__ import annotations

import argparse
import csv
import io
import math
from pathlib import Path
from typing import Any

from ..documents import read_text
from ..errors import LoadError
from ..limits import clip, number_text_problem
from ..schema import REQUEST_TYPES, read_request
from ._common import emit_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate",
        help="score and grade units from an indicator table (CSV or JSON/YAML)",
        description="Normalise indicators, weight them (entropy, equal, given or AHP), score (weighted sum "
        "or TOPSIS) and grade (thresholds or quota) the units of a CSV or JSON/YAML table.",
    )
    parser.add_argument("file", metavar="FILE", help="indicator table: .csv, or .json/.yaml/.yml document")
    parser.add_argument("--direction", action="append", default=[], metavar="NAME=higher|lower",
                        help="direction of an indicator (repeatable; default higher is better)")
    parser.add_argument("--normalization", choices=["minmax", "vector", "zscore"], help="default minmax")
    parser.add_argument("--weights", metavar="entropy|equal|NAME=W,...",
                        help="weighting: entropy (default), equal, or explicit weights such as x=0.6,y=0.4")
    parser.add_argument("--ahp", metavar="FILE", help="JSON/YAML with 'matrix' (and optional 'force') for AHP weights")
    parser.add_argument("--method", choices=["weighted_sum", "topsis"], help="default weighted_sum")
    parser.add_argument("--missing", choices=["error", "zero", "mean", "exclude"], help="default error")
    parser.add_argument("--quota", metavar="GRADE=SHARE,...", help="grade by quota, e.g. excellent=0.2,good=0.3,pass=0.4")
    parser.add_argument("--thresholds", metavar="GRADE=SCORE,...", help="grade by thresholds, e.g. excellent=0.85,good=0.7")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the JSON result here instead of stdout")
    parser.set_defaults(func=run)


def _pairs(text: str, option: str) -> dict[str, float]:
    """``NAME=NUMBER,...`` of an option; the one-line error names the option."""
    out: dict[str, float] = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        number = _float(value) if sep and key.strip() else None
        if number is None:
            raise LoadError(f"{option} {clip(text)}: expected NAME=NUMBER pairs separated by commas, "
                            f"such as excellent=0.2,good=0.3", field=option)
        out[key.strip()] = number
    return out


def _float(text: str) -> float | None:
    """A finite number from ``text``, or ``None``."""
    if number_text_problem(text):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_csv_table(path: str | Path) -> dict[str, dict[str, Any]]:
    """``{unit: {indicator: float | None}}`` from a CSV; errors name the file, row and column.

    The file is decoded as every CSV input is (UTF-8, UTF-16, GBK; see
    :func:`ecograph.documents.detect_encoding`).
    """
    path = Path(path)
    text = read_text(path, spreadsheet=True)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise LoadError(f"{path}: malformed CSV: {exc}", path=str(path)) from None
    if not rows or len(rows[0]) < 2:
        raise LoadError(f"{path}: expected a header 'id,indicator,...' and one row per unit", path=str(path))
    header = [h.strip() for h in rows[0]]
    records: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise LoadError(f"{path}, row {line}: {len(row)} cells but the header has {len(header)}", path=str(path), line=line)
        unit = row[0].strip()
        if unit in records:
            raise LoadError(f"{path}, row {line}: unit {unit!r} appears twice", path=str(path), line=line, field=header[0])
        values: dict[str, Any] = {}
        for name, cell in zip(header[1:], row[1:]):
            cell = cell.strip()
            values[name] = _float(cell) if cell else None
            if cell and values[name] is None:
                raise LoadError(f"{path}, row {line}, column {name!r}: {clip(cell)} is not a finite number",
                                path=str(path), line=line, field=name)
        records[unit] = values
    return records


def run(args: argparse.Namespace) -> int:
    """Read the table or document, let the options override its settings, run the shared schema."""
    if Path(args.file).suffix.lower() == ".csv":
        document: Any = {"units": read_csv_table(args.file)}
    else:
        document = read_request(args.file)
        if not isinstance(document, dict):
            raise LoadError(f"{args.file}: expected a mapping with 'units: {{id: {{indicator: value}}}}'",
                            path=args.file, field="units")
    if args.direction:
        directions = document.get("directions")
        directions = dict(directions) if isinstance(directions, dict) else {}
        for item in args.direction:
            name, sep, word = item.partition("=")
            if not sep or not name.strip():
                raise LoadError(f"--direction {clip(item)}: expected NAME=higher or NAME=lower", field="--direction")
            directions[name.strip()] = word.strip()
        document["directions"] = directions
    if args.weights:
        document["weights"] = args.weights if args.weights in ("entropy", "equal") else _pairs(args.weights, "--weights")
    if args.ahp:
        document["ahp"] = read_request(args.ahp)
    for option in ("normalization", "method", "missing"):
        if getattr(args, option):
            document[option] = getattr(args, option)
    if args.quota or args.thresholds:  # a grading rule on the command line replaces the document's
        document["quota"] = _pairs(args.quota, "--quota") if args.quota else None
        document["thresholds"] = _pairs(args.thresholds, "--thresholds") if args.thresholds else None
    result = REQUEST_TYPES["evaluate"].run(document, source=args.file)
    emit_json(result, args.output, "evaluate")
    return 0
