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
from pathlib import Path
from typing import Any

from ..errors import LoadError
from ..evaluation import IndicatorTable, ahp_weights, evaluate
from ._common import emit_json
from .allocate import read_document


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
    out: dict[str, float] = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise LoadError(f"{option} {text!r}: expected NAME=NUMBER pairs separated by commas", field=option) from None
        if not sep:
            raise LoadError(f"{option} {text!r}: expected NAME=NUMBER pairs", field=option)
    return out


def read_csv_table(path: str | Path) -> dict[str, dict[str, Any]]:
    """``{unit: {indicator: float | None}}`` from a CSV; errors name the file, row and column."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror}", path=str(path)) from None
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
            try:
                values[name] = float(cell) if cell else None
            except ValueError:
                raise LoadError(f"{path}, row {line}, column {name!r}: {cell!r} is not a number",
                                path=str(path), line=line, field=name) from None
        records[unit] = values
    return records


def run(args: argparse.Namespace) -> int:
    if Path(args.file).suffix.lower() == ".csv":
        document: dict[str, Any] = {"units": read_csv_table(args.file)}
    else:
        document = read_document(args.file)
        if not isinstance(document.get("units"), dict):
            raise LoadError(f"{args.file}: expected 'units: {{id: {{indicator: value}}}}'", path=args.file, field="units")
    table = IndicatorTable.from_records(document["units"], document.get("indicators"))
    directions = dict(document.get("directions") or {})
    for item in args.direction:
        name, _, word = item.partition("=")
        directions[name.strip()] = word.strip()
    weights: Any = document.get("weights", "entropy")
    if args.weights:
        weights = args.weights if args.weights in ("entropy", "equal") else _pairs(args.weights, "--weights")
    ahp = read_document(args.ahp) if args.ahp else document.get("ahp")
    if ahp:
        weights = ahp_weights(ahp["matrix"], ahp.get("indicators", table.indicators), force=bool(ahp.get("force")))
    quota = _pairs(args.quota, "--quota") if args.quota else document.get("quota")
    thresholds = _pairs(args.thresholds, "--thresholds") if args.thresholds else document.get("thresholds")
    if args.quota and not args.thresholds:
        thresholds = None
    if args.thresholds and not args.quota:
        quota = None
    result = evaluate(
        table,
        directions,
        normalization=args.normalization or document.get("normalization", "minmax"),
        weights=weights,
        method=args.method or document.get("method", "weighted_sum"),
        missing=args.missing or document.get("missing", "error"),
        thresholds=thresholds,
        quota=quota,
        fail=document.get("fail", ()),
    )
    out = result.to_dict()
    if result.grades is not None:
        out["grades_zh"] = result.grades.to_dict(chinese=True)
    emit_json(out, args.output, "evaluate")
    return 0
