"""Untrusted text in and out: every JSON or YAML read of ecograph goes here, every file's bytes
are decoded here (:func:`read_text`, one rule for every format), and text bound for a
spreadsheet cell is made safe here (:func:`spreadsheet_text`).

:func:`parse_yaml` and :func:`parse_json` turn text into plain data (dicts, lists, scalars)
and refuse, with one :class:`~ecograph.errors.LoadError` naming the source and line:

- duplicate keys in a mapping (both formats would otherwise keep the last one silently);
- nesting deeper than :data:`~ecograph.limits.MAX_NESTING`;
- numbers with more than :data:`~ecograph.limits.MAX_NUMBER_DIGITS` digits (counted in the
  text, before conversion);
- YAML aliases that would expand the document beyond
  :data:`~ecograph.limits.YAML_ALIAS_FACTOR` times its written size ("billion laughs"),
  recursive aliases, and ids that YAML 1.1 would rewrite: unquoted ``007`` (octal),
  ``0x1A`` (hex), ``1_000`` or ``1:30`` (sexagesimal) stay the strings they look like.

YAML goes through :class:`SafeLoader`, PyYAML's *safe* loader (no Python objects, ever) plus
the ``!decimal`` and ``!datetime`` tags. The bounds are checked on the event stream, so
nothing is expanded before the check.

Examples
--------
>>> parse_yaml("id: 007\\nhex: 0x1A\\nn: 12\\n")
{'id': '007', 'hex': '0x1A', 'n': 12}
>>> parse_yaml("a: 1\\na: 2\\n", source="x.yaml")
Traceback (most recent call last):
...
ecograph.errors.LoadError: x.yaml, line 2: invalid YAML: while reading a mapping: duplicate key 'a' (first on line 1)
>>> parse_json('{"a": 1, "a": 2}', source="r.json")
Traceback (most recent call last):
...
ecograph.errors.LoadError: r.json, line 1: invalid JSON: duplicate key 'a' in an object
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from .errors import LoadError
from .limits import MAX_NESTING, YAML_ALIAS_FACTOR, YAML_ALIAS_SLACK, clip, decimal_problem, number_text_problem

__all__ = ["SafeLoader", "parse_yaml", "parse_json", "parse_datetime", "detect_encoding", "decode_text", "read_text",
           "spreadsheet_text", "FORMULA_START"]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.1 integers that are not plain decimal (octal 007, hex 0x1A, binary 0b1, 1_000,
# sexagesimal 1:30) and floats of those shapes: ids and codes, read as strings.
_REWRITTEN_NUMBER = re.compile(
    r"^[-+]?(0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|"
    r"[0-9]*_[0-9_]*(\.[0-9_]*)?([eE][-+][0-9]+)?)$"
)
_INT_TAG, _FLOAT_TAG, _STR_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:str"
_NUMBERISH = re.compile(r"^[-+]?[0-9.]")


class _Refused(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class SafeLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader plus the ``!decimal`` and ``!datetime`` tags (no arbitrary objects,
    ever), refusing duplicate keys, which PyYAML would otherwise silently overwrite (a second
    ``organisations:`` block pasted into a file would drop the first).

    Use :func:`parse_yaml`, which also bounds aliases, nesting and numbers before composing.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, yaml.Node] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping", node.start_mark,
                        f"duplicate key {key_node.value!r} (first on line {seen[key_node.value].start_mark.line + 1})",
                        key_node.start_mark,
                    )
                seen[key_node.value] = key_node
        return super().construct_mapping(node, deep=deep)

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        tag = super().resolve(kind, value, implicit)
        if tag in (_INT_TAG, _FLOAT_TAG) and implicit[0] and _REWRITTEN_NUMBER.match(value):
            return _STR_TAG  # 007, 0x1A, 1:30 are codes and ids, not the numbers YAML 1.1 makes of them
        return tag


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).strip()
    problem = number_text_problem(text)
    try:
        value = Decimal(text) if problem is None else None
    except (ArithmeticError, ValueError):
        value = None
    if value is not None:
        problem = decimal_problem(value, finite=False)  # NaN is a value; money refuses it in the model
    if value is None or problem:
        raise yaml.constructor.ConstructorError(
            None, None, f"!decimal {clip(text)} {problem or 'is not a decimal number'}", node.start_mark
        ) from None
    return value


_OFFSET = re.compile(r"^(\d{4}-\d\d-\d\d[T ][0-9:.]+)([+-])(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?$")


def parse_datetime(text: str) -> dt.datetime:
    """An ISO 8601 date and time, UTC offsets with seconds and microseconds read exactly.

    ``datetime.fromisoformat`` reads ``+00:00:00.000001`` as UTC in some Python versions;
    every reader of ecograph reads datetimes here instead.

    Raises
    ------
    ValueError
        Not an ISO date and time.

    Examples
    --------
    >>> parse_datetime("2000-01-01T00:00:00+00:00:00.000001").utcoffset()
    datetime.timedelta(microseconds=1)
    >>> parse_datetime("2024-01-31T08:00:00+08:00").utcoffset()
    datetime.timedelta(seconds=28800)
    """
    match = _OFFSET.match(text)
    if match is None or match.group(5) is None:
        return dt.datetime.fromisoformat(text)
    local, sign, hours, minutes, seconds, fraction = match.groups()
    offset = dt.timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds),
                          microseconds=int((fraction or "0").ljust(6, "0")))
    return dt.datetime.fromisoformat(local).replace(tzinfo=dt.timezone(-offset if sign == "-" else offset))


def _construct_datetime(loader: yaml.SafeLoader, node: yaml.Node) -> dt.datetime:
    text = loader.construct_scalar(node)
    try:
        return parse_datetime(str(text).strip())
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"!datetime {clip(text)} is not an ISO date and time", node.start_mark
        ) from None


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:  # 2011-02-30 matches the timestamp pattern but is no date
        raise yaml.constructor.ConstructorError(
            None, None, f"{clip(node.value)} is not a valid date ({exc})", node.start_mark
        ) from None


SafeLoader.add_constructor("!decimal", _construct_decimal)
SafeLoader.add_constructor("!datetime", _construct_datetime)
SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _check_events(loader: yaml.SafeLoader) -> None:
    """Walk the event stream once (nothing composed or expanded): nesting, number sizes and
    alias expansion."""
    written = expanded = 0
    stack: list[tuple[str | None, int, int]] = []  # (anchor, expanded count at start, depth)
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (expanded nodes, depth below it)
    open_anchors: set[str] = set()
    max_depth_below: list[int] = [0]
    while loader.check_event():
        event = loader.get_event()
        line = event.start_mark.line + 1
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            written += 1
            expanded += 1
            if len(stack) >= MAX_NESTING:
                raise _Refused(line, f"nested deeper than {MAX_NESTING} levels")
            if event.anchor:
                open_anchors.add(event.anchor)
            stack.append((event.anchor, expanded, len(stack)))
            max_depth_below.append(0)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, start, _depth = stack.pop()
            below = max_depth_below.pop() + 1
            max_depth_below[-1] = max(max_depth_below[-1], below)
            if anchor:
                open_anchors.discard(anchor)
                sizes[anchor] = (expanded - start + 1, below)
        elif isinstance(event, yaml.ScalarEvent):
            written += 1
            expanded += 1
            if event.anchor:
                sizes[event.anchor] = (1, 0)
            if event.tag is None and event.implicit[0] and _NUMBERISH.match(event.value):
                problem = number_text_problem(event.value)
                if problem:
                    raise _Refused(line, f"the number {clip(event.value)} {problem}")
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise _Refused(line, f"alias *{event.anchor} refers to a node that contains it")
            size, below = sizes.get(event.anchor, (1, 0))
            expanded += size
            if len(stack) + below > MAX_NESTING:
                raise _Refused(line, f"alias *{event.anchor} nests deeper than {MAX_NESTING} levels")
            max_depth_below[-1] = max(max_depth_below[-1], below)
            if expanded > YAML_ALIAS_FACTOR * written + YAML_ALIAS_SLACK:
                raise _Refused(line, f"aliases expand the document beyond {YAML_ALIAS_FACTOR} times its "
                                     f"written size (alias *{event.anchor}); write the data out or use fewer aliases")


def parse_yaml(text: str, *, source: str = "<string>") -> Any:
    """One YAML document as plain data, within the bounds of :mod:`ecograph.limits`.

    Parameters
    ----------
    text : str
        The YAML text.
    source : str
        Named in error messages (a file name).

    Returns
    -------
    Any
        The document (``None`` for an empty one).

    Raises
    ------
    LoadError
        Invalid YAML, a duplicate key, a date that does not exist, or a bound exceeded;
        ``line`` holds the line.

    Examples
    --------
    >>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
    ...     f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\\n"
    ...     for p, c in zip("abcdefgh", "bcdefghi"))
    >>> parse_yaml(bomb, source="bomb.yaml")
    Traceback (most recent call last):
    ...
    ecograph.errors.LoadError: bomb.yaml, line 4: invalid YAML: aliases expand the document beyond 10 times its written size (alias *c); write the data out or use fewer aliases
    >>> parse_yaml("base: &b {x: 1}\\nuse: *b")["use"]
    {'x': 1}
    """
    checker = SafeLoader(text)
    try:
        _check_events(checker)
    except _Refused as exc:
        raise LoadError(f"{source}, line {exc.line}: invalid YAML: {exc.message}", path=source, line=exc.line) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    finally:
        checker.dispose()
    loader = SafeLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, source) from None
    except RecursionError:  # bounded above; kept as a named error should a Python build recurse less
        raise LoadError(f"{source}: invalid YAML: nested too deeply", path=source) from None
    finally:
        loader.dispose()


def _yaml_error(exc: yaml.YAMLError, source: str) -> LoadError:
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    detail = f"{context}: {what}" if context else what
    place = f"{source}, line {line}" if line is not None else source
    return LoadError(f"{place}: invalid YAML: {detail}", path=source, line=line)


# ---------------------------------------------------------------------------------- JSON


def _json_depth_problem(text: str) -> str | None:
    """The first place where brackets nest deeper than MAX_NESTING (strings skipped), if any."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return None
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return f"line {text.count(chr(10), 0, match.start()) + 1}"
        elif token in "]}":
            depth -= 1
    return None


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        duplicate = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _Refused(None, f"duplicate key {clip(duplicate)} in an object")
    return data


def _bounded(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        problem = number_text_problem(text)
        if problem:
            raise _Refused(None, f"the number {clip(text)} {problem}")
        return convert(text)

    return parse


def parse_json(text: str, *, source: str = "<string>", parse_float: Callable[[str], Any] = float,
               parse_constant: Callable[[str], Any] | None = None) -> Any:
    """JSON text as plain data, within the bounds of :mod:`ecograph.limits`.

    Parameters
    ----------
    text : str
        The JSON text.
    source : str
        Named in error messages.
    parse_float : callable
        Converts the text of a non-integer number (``float``; ``Decimal`` keeps it exact).
    parse_constant : callable, optional
        Converts ``NaN``, ``Infinity`` and ``-Infinity``; refused when not given (they are
        not JSON).

    Raises
    ------
    LoadError
        Invalid JSON, a duplicate key, ``NaN``/``Infinity`` without ``parse_constant``, or a
        bound exceeded.

    Examples
    --------
    >>> parse_json('{"amount": 12.50}', parse_float=Decimal)
    {'amount': Decimal('12.50')}
    >>> parse_json('[' * 100 + ']' * 100, source="deep.json")
    Traceback (most recent call last):
    ...
    ecograph.errors.LoadError: deep.json, line 1: invalid JSON: nested deeper than 64 levels
    """
    where = _json_depth_problem(text)
    if where is not None:
        raise LoadError(f"{source}, {where}: invalid JSON: nested deeper than {MAX_NESTING} levels",
                        path=source, line=int(where.split()[1]))

    def no_constant(name: str) -> Any:
        raise _Refused(None, f"{name} is not a JSON number")

    try:
        return json.loads(text, object_pairs_hook=_unique_pairs, parse_int=_bounded(int),
                          parse_float=_bounded(parse_float), parse_constant=parse_constant or no_constant)
    except json.JSONDecodeError as exc:
        raise LoadError(f"{source}, line {exc.lineno}: invalid JSON: {exc.msg} (column {exc.colno})",
                        path=source, line=exc.lineno) from None
    except _Refused as exc:
        raise LoadError(f"{source}, line 1: invalid JSON: {exc.message}" if "\n" not in text
                        else f"{source}: invalid JSON: {exc.message}", path=source) from None
    except (ValueError, InvalidOperation, RecursionError) as exc:  # a parse_float/constant hook refusing
        raise LoadError(f"{source}: invalid JSON: {exc}", path=source) from None


# ---------------------------------------------------------------------------------- text encodings
def _plausible(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese (in GB2312)."""
    unusual = [ch for ch in text if ord(ch) > 127]
    if not unusual:
        return 1.0
    common = 0
    for ch in unusual:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(unusual)


def detect_encoding(data: bytes, *, spreadsheet: bool = False) -> str:
    """The text encoding of a file's bytes: BOMs, UTF-16 without BOM, then UTF-8 or GB18030.

    NUL bytes without a BOM mean UTF-16 (little- or big-endian by where the NULs fall). With
    ``spreadsheet`` (CSV exported from Excel, often GBK), bytes that read both as UTF-8 and as
    GB18030 go to the reading whose characters are common Chinese, so GBK text is not taken for
    UTF-8 mojibake. JSON and YAML are UTF-8 by their specifications: there UTF-8 wins whenever
    the bytes are valid UTF-8 (ecograph's own writers put a BOM in CSV files, never ambiguous).

    Examples
    --------
    >>> detect_encoding("名称".encode("utf-8-sig")), detect_encoding("名称".encode("gbk"))
    ('utf-8-sig', 'gb18030')
    >>> detect_encoding("id,名称\\n".encode("utf-16-le")), detect_encoding("电机".encode("utf-8"))
    ('utf-16-le', 'utf-8')
    >>> gbk = "id,name\\nm1,陆路农贸\\n".encode("gbk")   # GBK bytes that are also valid UTF-8
    >>> gbk.decode("utf-8")[-5:-1], detect_encoding(gbk), detect_encoding(gbk, spreadsheet=True)
    ('½·ũó', 'utf-8', 'gb18030')
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in data[:4096]:
        head = data[:4096]
        odd, even = head[1::2].count(0), head[0::2].count(0)
        return "utf-16-le" if odd >= even else "utf-16-be"
    try:
        as_utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = None
    try:
        as_gbk = data.decode("gb18030")
    except UnicodeDecodeError:
        as_gbk = None
    if spreadsheet and as_utf8 is not None and as_gbk is not None and as_utf8 != as_gbk:
        return "gb18030" if _plausible(as_gbk) > _plausible(as_utf8) + 0.25 else "utf-8"
    if as_utf8 is not None:
        return "utf-8"
    return "gb18030" if as_gbk is not None else "utf-8"  # decoding again reports the first bad byte


def decode_text(data: bytes, *, source: str = "<bytes>", encoding: str | None = None, spreadsheet: bool = False) -> str:
    """Decode a file's bytes (``encoding``, or :func:`detect_encoding`); NUL characters refused.

    Raises
    ------
    LoadError
        Bytes not valid in the encoding (the line and byte named), an unknown encoding, or
        NUL characters in the text (a binary file, or a wrong ``encoding=``).

    Examples
    --------
    >>> decode_text("名称".encode("gbk"))
    '名称'
    >>> decode_text(bytes([97, 255, 98]), source="x.csv", encoding="utf-8")
    Traceback (most recent call last):
    ...
    ecograph.errors.LoadError: x.csv, line 1: byte 1 (0xff) is not valid utf-8; expected UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030 text (or pass encoding=)
    """
    chosen = encoding or detect_encoding(data, spreadsheet=spreadsheet)
    try:
        text = data.decode(chosen)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LoadError(
            f"{source}, line {line}: byte {exc.start} (0x{data[exc.start]:02x}) is not valid {chosen}; expected "
            "UTF-8, UTF-8 with BOM, UTF-16 or GBK/GB18030 text (or pass encoding=)",
            path=source, line=line, field="encoding",
        ) from None
    except LookupError:
        raise LoadError(f"{source}: unknown encoding {clip(chosen)}", path=source, field="encoding") from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise LoadError(f"{source}, line {line}: the text holds NUL characters (a binary file, or read with the "
                        f"wrong encoding {chosen!r}); save it as UTF-8 or pass encoding=", path=source, line=line,
                        field="encoding")
    return text


def read_text(path: str | Path, *, encoding: str | None = None, spreadsheet: bool = False) -> str:
    """A text file's contents (see :func:`decode_text`); errors name the file.

    Raises
    ------
    LoadError
        Missing, a folder, unreadable, or not text in a known encoding.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read the file: {exc.strerror or exc}", path=str(path)) from None
    return decode_text(data, source=str(path), encoding=encoding, spreadsheet=spreadsheet)


# ---------------------------------------------------------------------------------- spreadsheet cells
FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")


def spreadsheet_text(text: str) -> str:
    """``text`` safe in a spreadsheet cell: a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab
    or carriage return, so Excel and LibreOffice show it as text instead of running a formula
    (CSV/formula injection). :func:`loaders._values.parse_cell` removes the ``'`` again, so every text reads
    back as itself (a text that already starts with ``'=`` gets one more ``'``).

    Examples
    --------
    >>> spreadsheet_text("=SUM(A1:A9)"), spreadsheet_text("电机"), spreadsheet_text("'=1")
    ("'=SUM(A1:A9)", '电机', "''=1")
    """
    return "'" + text if FORMULA_START.match(text) else text
