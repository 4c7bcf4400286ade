"""Lossless text encodings of attribute values, shared by every file format.

The data model allows ``str``, ``bool``, ``int`` (any size), ``float`` (including inf and nan),
``Decimal``, ``date``, ``datetime`` and lists of those. Formats with fewer native types use:

* JSON: native strings, booleans, arrays, safe integers (|x| <= 2**53) and finite floats;
  everything else as a one-key object ``{"$int": "..."}``, ``{"$float": "inf"}``,
  ``{"$decimal": "1.50"}``, ``{"$date": "2024-01-31"}``, ``{"$datetime": "2024-01-31T08:00:00+08:00"}``.
* CSV cells and GraphML/GEXF strings: a type name (``int``, ``money`` ...) plus the cell text;
  a type name is carried by a typed header such as ``revenue:decimal`` (see :func:`parse_cell`).

Every NaN decodes to the one object :data:`math.nan`, so that equal containers stay equal
after a round trip (``nan != nan``, but containers compare identical objects as equal).

Examples
--------
>>> from decimal import Decimal
>>> to_json(Decimal("1.50")), from_json({"$decimal": "1.50"})
({'$decimal': '1.50'}, Decimal('1.50'))
>>> format_cell([2019, 2020], "list[int]"), parse_cell("2019; 2020", "list[int]")
('2019;2020', [2019, 2020])
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ecograph.documents import FORMULA_START, parse_datetime, parse_json, spreadsheet_text
from ecograph.errors import LoadError
from ecograph.limits import MAX_MESSAGE_CHARS, MAX_NUMBER_DIGITS, decimal_problem, number_text_problem

__all__ = [
    "ValueProblem",
    "SCALAR_TYPES",
    "type_name",
    "to_json",
    "from_json",
    "format_cell",
    "parse_cell",
    "infer_type",
    "parse_type",
]

#: JSON numbers other programs read exactly (IEEE doubles).
SAFE_INT = 2**53

#: Scalar type names usable in typed headers; ``list[T]`` is a list of T.
SCALAR_TYPES: tuple[str, ...] = ("str", "int", "float", "bool", "decimal", "money", "date", "datetime", "time")

_BOOL_WORDS = {
    "true": True, "false": False, "yes": True, "no": False, "y": True, "n": False,
    "是": True, "否": False, "对": True, "错": False, "√": True, "×": False,
}
_INT = re.compile(r"^[+-]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(\.[0-9]*)?[eE][+-]?[0-9]+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_SLASH_DATE = re.compile(r"^(\d{4})[/.年](\d{1,2})[/.月](\d{1,2})日?$")
_LIST_SPLIT = re.compile(r"[;；]")


class ValueProblem(ValueError):
    """A value that cannot be read as the expected type; readers add file, line and field."""

    def __init__(self, text: str, expected: str) -> None:
        if len(text) > MAX_MESSAGE_CHARS:  # messages quote the value: never a megabyte of it
            text = f"{text[:MAX_MESSAGE_CHARS]}… ({len(text)} characters)"
        super().__init__(f"{text!r} is not {expected}")
        self.text = text
        self.expected = expected


def type_name(value: Any) -> str:
    """The encoding type name of a scalar or a list (``list[T]``, ``list`` when mixed).

    Examples
    --------
    >>> import datetime as dt
    >>> type_name(True), type_name(dt.date(2024, 1, 1)), type_name([1, 2]), type_name([1, "a"])
    ('bool', 'date', 'list[int]', 'list')
    """
    if isinstance(value, list):
        names = {type_name(item) for item in value}
        return f"list[{names.pop()}]" if len(names) == 1 else "list"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, Decimal):
        return "decimal"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return "str"
    raise TypeError(f"no encoding for {type(value).__name__}")


# ---------------------------------------------------------------------------- JSON
def to_json(value: Any) -> Any:
    """Encode an attribute value as JSON-compatible data (see the module docstring).

    Examples
    --------
    >>> to_json(2**60), to_json(float("-inf")), to_json([1.5, "a"])
    ({'$int': '1152921504606846976'}, {'$float': '-inf'}, [1.5, 'a'])
    """
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if -SAFE_INT <= value <= SAFE_INT else {"$int": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    raise TypeError(f"no JSON encoding for {type(value).__name__}")


_JSON_DECODERS = {
    "$int": ("int", int),
    "$float": ("float", float),
    "$decimal": ("decimal", Decimal),
    "$date": ("date", dt.date.fromisoformat),
    "$datetime": ("datetime", parse_datetime),
}


def from_json(value: Any) -> Any:
    """Decode :func:`to_json` output (plain values pass through; NaN becomes :data:`math.nan`).

    Raises
    ------
    ValueProblem
        An unknown ``$`` marker or a marker whose text is not of its type.

    Examples
    --------
    >>> from_json({"$date": "2024-02-29"})
    datetime.date(2024, 2, 29)
    """
    if isinstance(value, list):
        return [from_json(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return math.nan
    if not isinstance(value, dict):
        return value
    if len(value) != 1 or next(iter(value)) not in _JSON_DECODERS:
        raise ValueProblem(str(value), f"a value or one of the typed forms {sorted(_JSON_DECODERS)}")
    (marker, text), = value.items()
    name, decode = _JSON_DECODERS[marker]
    if not isinstance(text, str):
        raise ValueProblem(repr(text), f"a string after {marker}")
    _check_number_text(text, marker != "$date" and marker != "$datetime")
    try:
        decoded = decode(text)
    except (ValueError, InvalidOperation):
        raise ValueProblem(text, f"a {name}") from None
    problem = decimal_problem(decoded, finite=False) if isinstance(decoded, Decimal) else None
    if problem:
        raise ValueProblem(text, f"a usable decimal number: it {problem}")
    return math.nan if isinstance(decoded, float) and math.isnan(decoded) else decoded


# ---------------------------------------------------------------------------- text cells
_NUMBER_TYPES = frozenset({"int", "float", "decimal", "money", "time"})


def _check_number_text(text: str, numeric: bool) -> None:
    """Refuse a number written with too many digits before converting it (conversion is slow)."""
    problem = number_text_problem(text) if numeric else None
    if problem:
        raise ValueProblem(text, f"a number of at most {MAX_NUMBER_DIGITS} digits (it {problem.split(';')[0]})")


def parse_type(spec: str) -> str:
    """Check a typed-header type (``int``, ``money``, ``list[date]``, ``list``, ``json``).

    Raises
    ------
    ValueProblem
        Unknown type name.
    """
    spec = spec.strip().lower()
    inner = spec[5:-1] if spec.startswith("list[") and spec.endswith("]") else None
    if spec in SCALAR_TYPES or spec in ("list", "json") or inner in SCALAR_TYPES:
        return spec
    raise ValueProblem(spec, f"a column type: one of {list(SCALAR_TYPES)}, list, list[T] or json")


def format_cell(value: Any, type_: str) -> str:
    """Text of ``value`` in a column of type ``type_`` (the inverse of :func:`parse_cell`).

    Examples
    --------
    >>> from decimal import Decimal
    >>> format_cell(Decimal("12.30"), "decimal"), format_cell(float("nan"), "float")
    ('12.30', 'nan')
    """
    if type_ == "json":
        import json

        return json.dumps(to_json(value), ensure_ascii=False)
    if type_.startswith("list"):
        inner = type_[5:-1] if type_ != "list" else "str"
        return ";".join(format_cell(item, inner) for item in value)
    if type_ == "str":
        return spreadsheet_text(value)
    if type_ == "bool":
        return "true" if value else "false"
    if type_ == "float":
        return repr(value)
    if type_ in ("date", "datetime") or (type_ == "time" and isinstance(value, dt.date)):
        return value.isoformat()
    return str(value)


def parse_cell(text: str, type_: str) -> Any:
    """Read one non-blank CSV cell (or GraphML string) as ``type_``.

    ``money`` reads an exact decimal amount and tolerates thousands separators and a currency
    sign (``¥1,234.50``); ``bool`` accepts true/false, yes/no, 是/否; ``date`` accepts
    ``2024-01-31``, ``2024/1/31`` and ``2024年1月31日``; lists split on ``;`` or ``；``.

    Raises
    ------
    ValueProblem
        The text is not of the type.

    Examples
    --------
    >>> parse_cell("¥1,234.50", "money"), parse_cell("是", "bool"), parse_cell("2024/1/31", "date")
    (Decimal('1234.50'), True, datetime.date(2024, 1, 31))
    >>> parse_cell("药物发现；临床研究", "list")
    ['药物发现', '临床研究']
    """
    if type_ == "json":
        import json

        try:
            return from_json(parse_json(text, source="cell"))
        except LoadError as exc:  # invalid JSON, a duplicate key, too deep, too many digits
            raise ValueProblem(text, f"JSON text ({exc.message.split(': ', 1)[-1]})") from None
    if type_.startswith("list"):
        inner = type_[5:-1] if type_ != "list" else "str"
        return [parse_cell(item.strip(), inner) for item in _LIST_SPLIT.split(text) if item.strip()]
    stripped = text.strip()
    if type_ == "str":
        return text[1:] if text.startswith("'") and FORMULA_START.match(text) else text  # see spreadsheet_text
    _check_number_text(stripped, type_ in _NUMBER_TYPES)
    if type_ == "int":
        if _INT.match(stripped.replace(",", "")):
            return int(stripped.replace(",", ""))
        raise ValueProblem(text, "an integer")
    if type_ == "float":
        try:
            value = float(stripped.replace(",", ""))
        except ValueError:
            raise ValueProblem(text, "a number") from None
        return math.nan if math.isnan(value) else value
    if type_ in ("decimal", "money"):
        cleaned = stripped.replace(",", "") if type_ == "decimal" else stripped.lstrip("¥￥").replace(",", "")
        try:
            value = Decimal(cleaned)
        except InvalidOperation:
            raise ValueProblem(text, "an exact decimal number" if type_ == "decimal" else "an exact amount of money") from None
        if not value.is_finite() and type_ == "money":
            raise ValueProblem(text, "a finite amount of money")
        problem = decimal_problem(value, finite=False)
        if problem:
            raise ValueProblem(text, f"a usable decimal number: it {problem}")
        return value
    if type_ == "bool":
        word = _BOOL_WORDS.get(stripped.lower())
        if word is None:
            raise ValueProblem(text, "a boolean (true/false, yes/no, 是/否)")
        return word
    if type_ == "date":
        match = _SLASH_DATE.match(stripped)
        try:
            if match:
                return dt.date(*(int(g) for g in match.groups()))
            return dt.date.fromisoformat(stripped)
        except ValueError:
            raise ValueProblem(text, "a date (YYYY-MM-DD)") from None
    if type_ == "time":  # a year or a date (since/until)
        if _INT.match(stripped):
            return int(stripped)
        try:
            return parse_cell(stripped, "date")
        except ValueProblem:
            raise ValueProblem(text, "a year or a date (YYYY or YYYY-MM-DD)") from None
    if type_ == "datetime":
        try:
            return parse_datetime(stripped)
        except ValueError:
            raise ValueProblem(text, "a date and time (YYYY-MM-DDTHH:MM[:SS][+08:00])") from None
    raise ValueProblem(type_, "a known column type")


def infer_type(cells: list[str]) -> str:
    """Conservative type of an untyped column from its non-blank cells.

    A column becomes ``int``, ``float``, ``bool``, ``date`` or ``datetime`` only when every
    cell reads as that type, ``time`` when years and dates mix (``since``/``until``: each cell
    stays a year or a date); integers with leading zeros (codes such as ``007``) and anything
    else stay ``str``.

    Examples
    --------
    >>> infer_type(["12", "-3"]), infer_type(["1.5", "2"]), infer_type(["007", "12"])
    ('int', 'float', 'str')
    >>> infer_type(["true", "否"]), infer_type(["2024-01-31"]), infer_type([])
    ('bool', 'date', 'str')
    >>> infer_type(["2010", "2011-07-01"]), parse_cell("2010", "time"), parse_cell("2011/7/1", "time")
    ('time', 2010, datetime.date(2011, 7, 1))
    """
    cells = [c.strip() for c in cells]
    if not cells:
        return "str"
    if all(_INT.match(c) for c in cells):
        return "int"
    if all(_INT.match(c) or _FLOAT.match(c) for c in cells):
        return "float"
    if all(c.lower() in _BOOL_WORDS for c in cells) and not all(c.lower() in ("y", "n") for c in cells):
        return "bool"
    if all(_INT.match(c) or _DATE.match(c) or _SLASH_DATE.match(c) for c in cells):
        try:
            kinds = {type(parse_cell(c, "time")) for c in cells}
        except ValueProblem:
            return "str"
        return "date" if kinds == {dt.date} else "time"
        try:
            for c in cells:
                parse_cell(c, "date")
            return "date"
        except ValueProblem:
            return "str"
    if all(_DATETIME.match(c) for c in cells):
        try:
            for c in cells:
                parse_datetime(c)
            return "datetime"
        except ValueError:
            return "str"
    return "str"
