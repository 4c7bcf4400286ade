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
quote decimal amounts.
"""

from __future__ import annotations

import argparse
import json
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..allocation import allocate, cascade, divisor_apportion
from ..errors import LoadError
from ._common import emit_json

_MONEY_FIELDS = ("budget", "unit", "floor", "cap", "fixed", "reserve")
_ALLOCATE_FIELDS = {"budget", "scores", "unit", "floor", "cap", "eligible", "exclude", "grades",
                    "grade_weights", "fixed", "reserve", "explain"}
_CASCADE_FIELDS = {"budget", "tree", "scores", "root", "unit", "retain", "floor", "cap", "eligible", "exclude", "explain"}
_DIVISOR_FIELDS = {"seats", "votes", "method"}
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "allocate",
        help="allocate a budget exactly by score (JSON/YAML request file -> JSON result)",
        description="Allocate a budget exactly (largest remainder, floors, caps, grades, fixed rewards, "
        "reserves), down a tree (cascade) or by a divisor method, from a JSON or YAML request file.",
    )
    parser.add_argument("file", metavar="FILE", help="request file (.json, .yaml or .yml)")
    parser.add_argument("-o", "--output", metavar="PATH", help="write the JSON result here instead of stdout")
    parser.add_argument("--no-explain", action="store_true", help="leave out the per-unit explanation")
    parser.set_defaults(func=run)


def read_document(path: str | Path) -> dict[str, Any]:
    """A JSON or YAML file (safe loader) as a dict; errors name the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror}", path=str(path)) from None
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError
        raise LoadError(f"{path}: not valid JSON: {exc}", path=str(path)) from None
    except Exception as exc:  # yaml.YAMLError
        raise LoadError(f"{path}: not valid YAML: {exc}", path=str(path)) from None
    if not isinstance(data, dict):
        raise LoadError(f"{path}: expected a mapping at the top level, got {type(data).__name__}", path=str(path))
    return data


def _money(value: Any) -> Any:
    """Decimal strings become Decimal; everything else is left for the core to check."""
    if isinstance(value, str) and _DECIMAL.match(value.strip()):
        return Decimal(value.strip())
    if isinstance(value, dict):
        return {k: _money(v) for k, v in value.items()}
    return value


def _score(value: Any) -> Any:
    if isinstance(value, str) and _DECIMAL.match(value.strip()):
        return Decimal(value.strip())
    if isinstance(value, str) and "/" in value:
        return Fraction(value)
    return value


def _check_fields(data: dict[str, Any], allowed: set[str], path: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise LoadError(f"{path}: unknown field {unknown[0]!r}; expected some of {sorted(allowed)}", path=path, field=unknown[0])


def run_request(data: dict[str, Any], *, source: str = "<request>", explain: bool = True) -> dict[str, Any]:
    """Run one request document and return the JSON-ready result."""
    if "seats" in data:
        _check_fields(data, _DIVISOR_FIELDS, source)
        votes = {k: _score(v) for k, v in (data.get("votes") or {}).items()}
        return divisor_apportion(data["seats"], votes, method=data.get("method", "dhondt")).to_json(explain=False)
    request = {k: (_money(v) if k in _MONEY_FIELDS else v) for k, v in data.items()}
    request["scores"] = {k: _score(v) for k, v in (data.get("scores") or {}).items()}
    explain = explain and request.pop("explain", True)
    if "tree" in data:
        _check_fields(data, _CASCADE_FIELDS, source)
        request["retain"] = {k: _score(v) for k, v in (data.get("retain") or {}).items()}
        budget, tree, scores = request.pop("budget", None), request.pop("tree"), request.pop("scores")
        return cascade(budget, tree, scores, **request).to_json()
    _check_fields(data, _ALLOCATE_FIELDS, source)
    if "budget" not in request:
        raise LoadError(f"{source}: field 'budget' is required", path=source, field="budget")
    budget, scores = request.pop("budget"), request.pop("scores")
    return allocate(budget, scores, **request).to_json(explain=explain)


def run(args: argparse.Namespace) -> int:
    result = run_request(read_document(args.file), source=args.file, explain=not args.no_explain)
    emit_json(result, args.output, "allocate")
    return 0
