"""One schema for the requests that the CLI and the HTTP service accept.

``ecograph allocate FILE`` and ``POST /allocate`` (likewise ``evaluate`` and ``grade``) parse
their request with the same :class:`RequestType`, so they accept the same fields (cascade
trees, divisor methods, AHP with named indicators ...) and refuse bad ones with the same
:class:`~ecograph.errors.RequestError`: one line naming the field as a dotted path
(``scores.m01``), the value (clipped) and what was expected. The first problem stops parsing,
so an error stays small however large the request. The HTTP service answers it with 422 and
``loc = ["body", *path]``; the CLI prints it on one line and exits with 1.

Values:

- **money** — an int (fen) or a decimal string (``"1234.56"``), or a ``Decimal`` from YAML's
  ``!decimal``; a float is refused, so is a string with more than
  :data:`~ecograph.limits.MAX_NUMBER_DIGITS` digits (checked before conversion);
- **number** (scores, votes, weights, retain shares) — an int, a finite float, a decimal
  string or a fraction string such as ``"2/3"``;
- **finite** (indicator values, thresholds, quotas) — an int or a finite float;
- at most :data:`~ecograph.limits.MAX_REQUEST_UNITS` entries in any mapping or list.

Adding a request type
---------------------
1. Declare its fields: ``{"name": Field(kind, required=..., default=..., help=...)}`` with the
   kinds of this module (:data:`MONEY`, :data:`NUMBER`, :func:`mapping_of`, :func:`choice` ...;
   a new kind is a :class:`Kind` with a ``parse(value, path)`` that raises
   :func:`refuse` and a JSON-schema fragment).
2. Write ``run(fields: dict) -> dict`` that calls the core and returns JSON-ready data.
3. Register ``RequestType(name, summary, (Shape(fields, run),))`` in :data:`REQUEST_TYPES`
   (several shapes, told apart by a marker key, when one request name covers several calls,
   as ``allocate`` does for ``tree`` and ``seats``).
4. The HTTP service serves every registered type at ``POST /<name>`` (worker pool, body
   limit, error format and OpenAPI schema included); a CLI command reads its file with
   :func:`read_request` and calls :meth:`RequestType.run`.

Examples
--------
>>> REQUEST_TYPES["allocate"].run({"budget": "100.00", "unit": "0.01", "scores": {"a": 1, "b": 3}})["amounts"]
{'a': '25.00', 'b': '75.00'}
>>> REQUEST_TYPES["allocate"].run({"seats": 8, "votes": {"A": 100, "B": 80, "C": 30}})["amounts"]
{'A': 4, 'B': 3, 'C': 1}
>>> REQUEST_TYPES["allocate"].run({"budget": 100.5, "scores": {"a": 1}})
Traceback (most recent call last):
...
ecograph.errors.RequestError: field 'budget': 100.5 is a float; money is an int (fen) or a decimal string such as '1234.56'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from .errors import EcographError, LoadError, RequestError
from .limits import MAX_REQUEST_BYTES, MAX_REQUEST_UNITS, clip, decimal_problem, number_text_problem

__all__ = [
    "Kind", "Field", "Shape", "RequestType", "REQUEST_TYPES", "refuse", "read_request",
    "MONEY", "NUMBER", "FINITE", "BOOL", "ID", "TEXT", "mapping_of", "list_of", "choice", "one_of", "record",
    "CAPACITY", "MATCH_OPTIONS",
]

Path_ = tuple[Any, ...]
_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
_FRACTION = re.compile(r"^-?[0-9]+/[0-9]+$")


def refuse(path: Path_, message: str) -> RequestError:
    """The error for the value at ``path`` (a tuple of keys): ``field 'a.b': message``."""
    dotted = ".".join(str(p) for p in path)
    return RequestError(f"field {dotted!r}: {message}" if dotted else message, field=dotted or None, loc=list(path))


@dataclass(frozen=True)
class Kind:
    """A kind of value: ``parse(value, path) -> parsed`` and its JSON-schema fragment."""

    parse: Callable[[Any, Path_], Any]
    json_schema: dict[str, Any]


# ---------------------------------------------------------------------------------- scalar kinds
def _decimal_string(text: str, path: Path_, what: str) -> Decimal:
    problem = number_text_problem(text)
    if problem is None and not _DECIMAL.match(text.strip()):
        problem = f"is not {what}"
    value = Decimal(text.strip()) if problem is None else None
    problem = problem or decimal_problem(value)  # type: ignore[arg-type]
    if problem:
        raise refuse(path, f"{clip(text)} {problem}")
    return value  # type: ignore[return-value]


def _money(value: Any, path: Path_) -> int | Decimal:
    if isinstance(value, bool):
        raise refuse(path, f"{value!r} is a boolean; money is an int (fen) or a decimal string such as '1234.56'")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        raise refuse(path, f"{clip(value)} is a float; money is an int (fen) or a decimal string such as '1234.56'")
    if isinstance(value, Decimal):
        problem = decimal_problem(value)
        if problem:
            raise refuse(path, f"{clip(value)} {problem}")
        return value
    if isinstance(value, str):
        return _decimal_string(value, path, "an amount such as '1234.56'")
    raise refuse(path, f"expected money (an int in fen or a decimal string), got {_type(value)}")


def _number(value: Any, path: Path_) -> int | float | Decimal | Fraction:
    if isinstance(value, bool):
        raise refuse(path, f"{value!r} is a boolean, not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise refuse(path, f"{value!r} is not a finite number")
        return value
    if isinstance(value, Decimal):
        problem = decimal_problem(value)
        if problem:
            raise refuse(path, f"{clip(value)} {problem}")
        return value
    if isinstance(value, str) and _FRACTION.match(value.strip()):
        problem = number_text_problem(value)
        numerator, denominator = value.strip().split("/")
        if problem or int(denominator) == 0:
            raise refuse(path, f"{clip(value)} {problem or 'divides by zero'}")
        return Fraction(int(numerator), int(denominator))
    if isinstance(value, str):
        return _decimal_string(value, path, "a number (int, decimal string or fraction such as '2/3')")
    raise refuse(path, f"expected a number, got {_type(value)}")


def _finite(value: Any, path: Path_) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise refuse(path, f"expected a number, got {_type(value)}")
    if isinstance(value, Decimal):
        problem = decimal_problem(value)
        if problem:
            raise refuse(path, f"{clip(value)} {problem}")
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise refuse(path, f"{value!r} is not a finite number")
    if isinstance(value, int) and abs(value) > 2**1023:
        raise refuse(path, f"{clip(value)} is too large")
    return value


def _bool(value: Any, path: Path_) -> bool:
    if not isinstance(value, bool):
        raise refuse(path, f"expected true or false, got {_type(value)}")
    return value


def _id(value: Any, path: Path_) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise refuse(path, f"expected an id (a non-empty string), got {_type(value)}")
    return str(value)


def _text(value: Any, path: Path_) -> str:
    if not isinstance(value, str):
        raise refuse(path, f"expected a text, got {_type(value)}")
    return value


def _type(value: Any) -> str:
    name = {dict: "a mapping", list: "a list", str: "a string", type(None): "null", bool: "a boolean",
            int: "an integer", float: "a float"}.get(type(value), type(value).__name__)
    return f"{name} {clip(value)}" if not isinstance(value, (dict, list)) else name


_MONEY_SCHEMA = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": _DECIMAL.pattern}]}
MONEY = Kind(_money, {**_MONEY_SCHEMA, "description": "int (fen) or decimal string; never a float"})
NUMBER = Kind(_number, {"anyOf": [{"type": "number"}, {"type": "string"}],
                        "description": "number, decimal string or fraction 'a/b'"})
FINITE = Kind(_finite, {"type": "number"})
BOOL = Kind(_bool, {"type": "boolean"})
ID = Kind(_id, {"type": "string", "minLength": 1})
TEXT = Kind(_text, {"type": "string"})


# ---------------------------------------------------------------------------------- compound kinds
def _check_size(value: Any, path: Path_) -> None:
    if len(value) > MAX_REQUEST_UNITS:
        raise refuse(path, f"has {len(value):,} entries; at most {MAX_REQUEST_UNITS:,} are accepted in one request")


def mapping_of(values: Kind, *, min_length: int = 0, keys: Kind = ID) -> Kind:
    """``{id: value}`` with every value of kind ``values``."""

    def parse(value: Any, path: Path_) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise refuse(path, f"expected a mapping {{id: value}}, got {_type(value)}")
        _check_size(value, path)
        if len(value) < min_length:
            raise refuse(path, f"needs at least {min_length} entr{'y' if min_length == 1 else 'ies'}")
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = keys.parse(key, path)
            if name in out:
                raise refuse(path + (name,), "appears twice (as a number and as a string)")
            out[name] = values.parse(item, path + (name,))
        return out

    return Kind(parse, {"type": "object", "additionalProperties": values.json_schema, "minProperties": min_length})


def list_of(items: Kind, *, min_length: int = 0) -> Kind:
    """``[item, ...]`` with every item of kind ``items``."""

    def parse(value: Any, path: Path_) -> list[Any]:
        if not isinstance(value, list):
            raise refuse(path, f"expected a list, got {_type(value)}")
        _check_size(value, path)
        if len(value) < min_length:
            raise refuse(path, f"needs at least {min_length} items")
        return [items.parse(item, path + (i,)) for i, item in enumerate(value)]

    return Kind(parse, {"type": "array", "items": items.json_schema, "minItems": min_length})


def choice(*options: str) -> Kind:
    """One of the strings ``options``."""

    def parse(value: Any, path: Path_) -> str:
        if value not in options or not isinstance(value, str):
            raise refuse(path, f"{clip(value)} is not one of {list(options)}")
        return value

    return Kind(parse, {"type": "string", "enum": list(options)})


def one_of(*kinds: Kind, expected: str) -> Kind:
    """The first of ``kinds`` whose JSON type fits the value (mapping, list or scalar)."""

    def shape(kind: Kind) -> str:
        return {"object": "mapping", "array": "list"}.get(kind.json_schema.get("type", ""), "scalar")

    def parse(value: Any, path: Path_) -> Any:
        actual = "mapping" if isinstance(value, Mapping) else "list" if isinstance(value, list) else "scalar"
        for kind in kinds:
            if shape(kind) == actual:
                return kind.parse(value, path)
        raise refuse(path, f"expected {expected}, got {_type(value)}")

    return Kind(parse, {"anyOf": [k.json_schema for k in kinds], "description": expected})


def _matrix(value: Any, path: Path_) -> list[list[float]]:
    rows = list_of(list_of(FINITE, min_length=1), min_length=1).parse(value, path)
    for i, row in enumerate(rows):
        if len(row) != len(rows):
            raise refuse(path + (i,), f"row has {len(row)} entries but the matrix has {len(rows)} rows; "
                                      "a pairwise-comparison matrix is square")
    return rows


MATRIX = Kind(_matrix, {"type": "array", "items": {"type": "array", "items": {"type": "number"}}})
GRADE = choice("excellent", "good", "pass", "fail")
PASSING_GRADE = choice("excellent", "good", "pass")
IDS_OR_REASONS = one_of(list_of(ID), mapping_of(TEXT), expected="a list of ids or a mapping {id: reason}")
MONEY_OR_PER_UNIT = one_of(MONEY, mapping_of(MONEY), expected="an amount, or a mapping {id: amount}")


# ---------------------------------------------------------------------------------- request types
@dataclass(frozen=True)
class Field:
    """One field of a request: its kind, whether it is required, its default, its help."""

    kind: Kind
    required: bool = False
    default: Any = None
    help: str = ""


@dataclass(frozen=True)
class Shape:
    """The fields and the core call of one request shape; ``marker`` (a field name) selects it."""

    fields: Mapping[str, Field]
    run: Callable[[dict[str, Any]], dict[str, Any]]
    marker: str | None = None
    title: str = ""

    def parse(self, data: Mapping[str, Any], path: Path_ = ()) -> dict[str, Any]:
        unknown = [key for key in data if key not in self.fields]
        if unknown:
            dotted = ".".join(str(p) for p in (*path, unknown[0]))
            raise RequestError(f"unknown field {clip(dotted)}; expected some of {sorted(self.fields)}",
                               field=dotted, loc=[*path, unknown[0]])
        out: dict[str, Any] = {}
        for name, spec in self.fields.items():
            if name in data and data[name] is not None:
                out[name] = spec.kind.parse(data[name], path + (name,))
            elif spec.required:
                raise refuse(path + (name,), "is required")
            else:
                out[name] = spec.default
        return out

    def json_schema(self) -> dict[str, Any]:
        properties = {name: {**spec.kind.json_schema, **({"description": spec.help} if spec.help else {})}
                      for name, spec in self.fields.items()}
        required = [name for name, spec in self.fields.items() if spec.required]
        return {"type": "object", "title": self.title, "properties": properties, "required": required,
                "additionalProperties": False}


@dataclass(frozen=True)
class RequestType:
    """A named request (``allocate``, ``evaluate``, ``grade`` ...) with one or more shapes."""

    name: str
    summary: str
    shapes: tuple[Shape, ...]
    examples: tuple[dict[str, Any], ...] = dataclass_field(default=())

    def shape_of(self, data: Any) -> Shape:
        """The shape whose marker field ``data`` holds (else the one without a marker)."""
        if not isinstance(data, Mapping):
            raise refuse((), f"expected a mapping (a JSON object) at the top level, got {_type(data)}")
        return next((s for s in self.shapes if s.marker is not None and s.marker in data),
                    next(s for s in self.shapes if s.marker is None))

    def parse(self, data: Any) -> dict[str, Any]:
        """Check and convert ``data``; :class:`~ecograph.errors.RequestError` on the first problem."""
        return self.shape_of(data).parse(data)

    def run(self, data: Any, *, source: str | None = None) -> dict[str, Any]:
        """Parse ``data`` and run it; JSON-ready result.

        Raises
        ------
        EcographError
            ``RequestError`` for a malformed request, or the core's error (e.g.
            ``AllocationError``) for a well-formed but impossible one; with ``source``, the
            message starts with it.
        """
        try:
            shape = self.shape_of(data)
            return shape.run(shape.parse(data))
        except EcographError as exc:
            if source is not None and not exc.message.startswith(source):
                exc.message = f"{source}: {exc.message}"
                exc.args = (exc.message,)
            raise

    def json_schema(self) -> dict[str, Any]:
        schemas = [shape.json_schema() for shape in self.shapes]
        return schemas[0] if len(schemas) == 1 else {"oneOf": schemas}


def _allocate(fields: dict[str, Any]) -> dict[str, Any]:
    from .allocation import allocate

    explain = fields.pop("explain")
    budget, scores = fields.pop("budget"), fields.pop("scores")
    return allocate(budget, scores, **fields).to_json(explain=explain)


def _cascade(fields: dict[str, Any]) -> dict[str, Any]:
    from .allocation import cascade

    fields.pop("explain")
    budget, tree, scores = fields.pop("budget"), fields.pop("tree"), fields.pop("scores")
    return cascade(budget, tree, scores, **{k: v for k, v in fields.items() if v is not None}).to_json()


def _divisor(fields: dict[str, Any]) -> dict[str, Any]:
    from .allocation import divisor_apportion

    return divisor_apportion(fields["seats"], fields["votes"], method=fields["method"]).to_json(explain=False)


def _seats(value: Any, path: Path_) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise refuse(path, f"expected a non-negative integer, got {_type(value)}")
    if number_text_problem(str(value)):
        raise refuse(path, f"{clip(value)} {number_text_problem(str(value))}")
    return value


_PER_UNIT = {
    "floor": Field(MONEY_OR_PER_UNIT, default=0, help="least amount per unit (scalar or {id: amount})"),
    "cap": Field(MONEY_OR_PER_UNIT, help="largest amount per unit (scalar or {id: amount})"),
    "eligible": Field(list_of(ID), help="only these units take part"),
    "exclude": Field(IDS_OR_REASONS, help="units left out (with reasons)"),
}
_ALLOCATE_FIELDS = {
    "budget": Field(MONEY, required=True, help="the whole budget"),
    "scores": Field(mapping_of(NUMBER, min_length=1), required=True, help="{id: score}"),
    "unit": Field(MONEY, default=1, help="amounts are whole multiples of it"),
    **_PER_UNIT,
    "grades": Field(mapping_of(GRADE), help="{id: grade}, with grade_weights"),
    "grade_weights": Field(mapping_of(NUMBER, keys=GRADE), help="{grade: weight}"),
    "fixed": Field(mapping_of(MONEY), help="{id: fixed amount} taken off the top"),
    "reserve": Field(mapping_of(MONEY), help="{pool: amount} held back"),
    "explain": Field(BOOL, default=True, help="include the per-unit explanation"),
}
_CASCADE_FIELDS = {
    "budget": _ALLOCATE_FIELDS["budget"],
    "tree": Field(mapping_of(list_of(ID)), required=True, help="{parent: [children]}"),
    "scores": Field(mapping_of(NUMBER, min_length=1), required=True, help="{node: score}"),
    "root": Field(ID, help="the root (default: the one parent that is nobody's child)"),
    "unit": _ALLOCATE_FIELDS["unit"],
    "retain": Field(mapping_of(NUMBER), help="{node: share kept}, e.g. '1/10'"),
    **_PER_UNIT,
    "explain": _ALLOCATE_FIELDS["explain"],
}
_DIVISOR_FIELDS = {
    "seats": Field(Kind(_seats, {"type": "integer", "minimum": 0}), required=True, help="whole seats to give"),
    "votes": Field(mapping_of(NUMBER, min_length=1), required=True, help="{id: votes}"),
    "method": Field(choice("dhondt", "sainte_lague", "adams"), default="dhondt", help="divisor method"),
}


def _evaluate(fields: dict[str, Any]) -> dict[str, Any]:
    from .scoring import IndicatorTable, ahp_weights, evaluate

    units = fields["units"]
    empty = next((unit for unit, row in units.items() if not any(v is not None for v in row.values())), None)
    if empty is not None and fields["missing"] != "exclude":
        raise refuse(("units", empty), "has no indicator values; give at least one, or missing: exclude")
    table = IndicatorTable.from_records(units, fields["indicators"])
    if not table.indicators:
        raise refuse(("units",), "no unit has any indicator")
    weights: Any = fields["weights"]
    ahp = fields["ahp"]
    if ahp is not None:
        names = ahp["indicators"] or table.indicators
        if len(names) != len(ahp["matrix"]):
            raise refuse(("ahp", "matrix"), f"is {len(ahp['matrix'])}x{len(ahp['matrix'])} but there are "
                                            f"{len(names)} indicators {clip(names)}")
        weights = ahp_weights(ahp["matrix"], names, force=ahp["force"])
    result = evaluate(
        table, fields["directions"], normalization=fields["normalization"], weights=weights,
        method=fields["method"], missing=fields["missing"], thresholds=fields["thresholds"],
        quota=fields["quota"], fail=fields["fail"],
    )
    out = result.to_dict()
    if result.grades is not None:
        out["grades_zh"] = result.grades.to_dict(chinese=True)
    return out


_AHP = Shape({
    "matrix": Field(MATRIX, required=True, help="square pairwise-comparison matrix (1-9 scale)"),
    "indicators": Field(list_of(ID), help="indicator names in matrix order (default: the table's)"),
    "force": Field(BOOL, default=False, help="accept a consistency ratio above 0.1"),
}, run=dict)
_FINITE_OR_NULL = Kind(lambda v, p: None if v is None else _finite(v, p), {"type": ["number", "null"]})
_GRADE_RULES = {
    "thresholds": Field(mapping_of(FINITE, keys=PASSING_GRADE), help="{grade: least score}"),
    "quota": Field(mapping_of(FINITE, keys=PASSING_GRADE), help="{grade: share of units}"),
    "fail": Field(IDS_OR_REASONS, default=(), help="units that fail regardless (with reasons)"),
}
_EVALUATE_FIELDS = {
    "units": Field(mapping_of(mapping_of(_FINITE_OR_NULL), min_length=1), required=True,
                   help="{unit: {indicator: value or null}}"),
    "indicators": Field(list_of(ID), help="indicators to use, in order (default: all)"),
    "directions": Field(mapping_of(choice("higher", "lower")), default={}, help="{indicator: higher|lower}"),
    "normalization": Field(choice("minmax", "vector", "zscore"), default="minmax"),
    "weights": Field(one_of(choice("entropy", "equal"), mapping_of(FINITE), expected="'entropy', 'equal' or {indicator: weight}"),
                     default="entropy"),
    "ahp": Field(Kind(lambda v, p: _AHP.parse(v, p) if isinstance(v, Mapping) else _ahp_type(v, p),
                      _AHP.json_schema()), help="AHP weights from a comparison matrix"),
    "method": Field(choice("weighted_sum", "topsis"), default="weighted_sum"),
    "missing": Field(choice("error", "zero", "mean", "exclude"), default="error"),
    **_GRADE_RULES,
}


def _ahp_type(value: Any, path: Path_) -> Any:
    raise refuse(path, f"expected a mapping with 'matrix' (and optional 'indicators', 'force'), got {_type(value)}")


def _grade(fields: dict[str, Any]) -> dict[str, Any]:
    from .scoring import grade

    grades = grade(fields["scores"], thresholds=fields["thresholds"], quota=fields["quota"], fail=fields["fail"])
    return {"grades": grades.to_dict(), "grades_zh": grades.to_dict(chinese=True), "counts": grades.counts(),
            "rule": grades.rule}


def record(fields: Mapping[str, Field], title: str) -> Kind:
    """A nested mapping with the named ``fields`` (unknown keys refused, like a request)."""
    shape = Shape(fields, run=dict, title=title)

    def parse(value: Any, path: Path_) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise refuse(path, f"expected a mapping ({title}), got {_type(value)}")
        return shape.parse(value, path)

    return Kind(parse, shape.json_schema())


def _capacity(value: Any, path: Path_) -> int:
    from .matching import MAX_CAPACITY

    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CAPACITY:
        raise refuse(path, f"expected an integer from 0 to {MAX_CAPACITY}, got {_type(value)}")
    return value


CAPACITY = Kind(_capacity, {"type": "integer", "minimum": 0})
_FIELDS_LIST = list_of(TEXT)
_PLACE = {
    "province": Field(TEXT, help="province (省) where it is, e.g. 江苏"),
    "region": Field(TEXT, help="region, e.g. 长三角"),
}
_MATCH_FIELDS = {
    "problems": Field(mapping_of(record({
        "name": Field(TEXT, help="title of the technical problem"),
        "fields": Field(_FIELDS_LIST, required=True, help="fields of expertise it needs"),
        "enterprise": Field(ID, help="the enterprise posing it (an id of 'enterprises')"),
    }, "problem"), min_length=1), required=True, help="{problem id: {name, fields, enterprise}}"),
    "experts": Field(mapping_of(record({
        "name": Field(TEXT),
        "fields": Field(_FIELDS_LIST, required=True, help="fields of expertise"),
        "capacity": Field(CAPACITY, help="problems at once (default 1)"),
        "societies": Field(list_of(ID), help="societies the expert is a member of"),
        **_PLACE,
    }, "expert")), required=True, help="{expert id: {name, fields, capacity, societies, province, region}}"),
    "enterprises": Field(mapping_of(record({
        "name": Field(TEXT),
        "served_by": Field(list_of(ID), help="societies already serving it"),
        "radiation_provinces": Field(list_of(TEXT), help="provinces it radiates into"),
        **_PLACE,
    }, "enterprise")), default={}, help="{enterprise id: {name, served_by, radiation_provinces, province, region}}"),
    "societies": Field(mapping_of(record({"name": Field(TEXT)}, "society")), default={},
                       help="{society id: {name}} (societies named only by experts need no entry)"),
    "capacity": Field(CAPACITY, help="one capacity for every expert (overrides theirs)"),
    "weights": Field(mapping_of(FINITE, keys=choice("field", "proximity", "region")),
                     help="{field, proximity, region: weight} (default 0.5, 0.3, 0.2)"),
    "hops": Field(Kind(_seats, {"type": "integer", "minimum": 1}), default=3, help="largest hop distance counted"),
    "candidates": Field(Kind(_seats, {"type": "integer", "minimum": 1}),
                        help="short candidate lists per problem (large requests)"),
}


#: The options of a match (shared by ``POST /match`` and ``ecograph match PATH``).
MATCH_OPTIONS = Shape({k: _MATCH_FIELDS[k] for k in ("capacity", "weights", "hops", "candidates")}, run=dict,
                      title="match options")


def _match(fields: dict[str, Any]) -> dict[str, Any]:
    """Build the ecosystem the request describes, match it, return the summary and the rows."""
    from .matching import match
    from .model import Ecosystem

    eco = Ecosystem(name="request")
    societies = dict(fields["societies"])
    for expert in fields["experts"].values():
        for s in expert["societies"] or ():
            societies.setdefault(s, {"name": None})
    for firm in fields["enterprises"].values():
        for s in firm["served_by"] or ():
            societies.setdefault(s, {"name": None})
    firms = dict(fields["enterprises"])
    for p, problem in fields["problems"].items():
        if problem["enterprise"] is not None and problem["enterprise"] not in firms:
            raise refuse(("problems", p, "enterprise"), f"{clip(problem['enterprise'])} is not an id of 'enterprises'")
    taken: dict[str, str] = {}
    for section, ids in (("societies", societies), ("enterprises", firms), ("problems", fields["problems"]),
                         ("experts", fields["experts"])):
        for ident in ids:
            if ident in taken:
                raise refuse((section, ident), f"is also an id of '{taken[ident]}'; ids are shared by every section")
            taken[ident] = section
    eco.add_orgs(list(societies), [v["name"] or k for k, v in societies.items()], kind="society")
    eco.add_orgs(list(firms), [v["name"] or k for k, v in firms.items()], kind="enterprise",
                 **{c: [v[c] for v in firms.values()] for c in ("province", "region", "radiation_provinces")})
    problems, experts = fields["problems"], fields["experts"]
    eco.add_orgs(list(problems), [v["name"] or k for k, v in problems.items()], kind="problem",
                 fields=[v["fields"] for v in problems.values()])
    eco.add_orgs(list(experts), [v["name"] or k for k, v in experts.items()], kind="expert",
                 **{c: [v[c] for v in experts.values()] for c in ("fields", "capacity", "province", "region")})
    posed = [(v["enterprise"], k) for k, v in problems.items() if v["enterprise"] is not None]
    eco.add_relations([f for f, _ in posed], [p for _, p in posed], "poses")
    ties = [(s, f) for f, v in firms.items() for s in dict.fromkeys(v["served_by"] or ())]
    eco.add_relations([s for s, _ in ties], [f for _, f in ties], "serves")
    members = [(x, s) for x, v in experts.items() for s in dict.fromkeys(v["societies"] or ())]
    eco.add_relations([x for x, _ in members], [s for _, s in members], "member_of")
    result = match(eco, capacity=fields["capacity"], weights=fields["weights"], hops=fields["hops"],
                   candidates=fields["candidates"])
    out = result.to_dict()
    for row in out["rows"]:
        if row["refusal"] is not None:
            row["reasons_en"] = result.refusals[row["problem"]]["message_en"]
    return out


REQUEST_TYPES: dict[str, RequestType] = {
    "allocate": RequestType("allocate", "Allocate a budget exactly by score (or down a tree, or by a divisor method)", (
        Shape(_DIVISOR_FIELDS, _divisor, marker="seats", title="divisor apportionment"),
        Shape(_CASCADE_FIELDS, _cascade, marker="tree", title="cascade down a tree"),
        Shape(_ALLOCATE_FIELDS, _allocate, title="allocation by score"),
    )),
    "evaluate": RequestType("evaluate", "Score and grade units from an indicator table",
                            (Shape(_EVALUATE_FIELDS, _evaluate, title="evaluation"),)),
    "grade": RequestType("grade", "Grade scores by thresholds or quota", (Shape({
        "scores": Field(mapping_of(FINITE, min_length=1), required=True, help="{unit: score}"),
        **_GRADE_RULES,
    }, _grade, title="grading"),)),
    "match": RequestType("match", "Match enterprises' technical problems to experts and their societies (供需对接)",
                         (Shape(_MATCH_FIELDS, _match, title="matching"),)),
}


def read_request(path: str | Path) -> Any:
    """A JSON or YAML request file as plain data (bounded: size, nesting, aliases, digits).

    Raises
    ------
    LoadError
        Missing, unreadable, too large, not UTF-8, or not valid JSON/YAML; names the file.
    """
    from .documents import decode_text, parse_json, parse_yaml

    path = Path(path)
    try:
        if path.stat().st_size > MAX_REQUEST_BYTES:
            raise LoadError(f"{path}: larger than {MAX_REQUEST_BYTES:,} bytes", path=str(path))
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read: {exc.strerror or exc}", path=str(path)) from None
    text = decode_text(raw, source=str(path))
    if path.suffix.lower() in (".yaml", ".yml"):
        return parse_yaml(text, source=str(path))
    return parse_json(text, source=str(path))
