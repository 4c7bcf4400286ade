"""Ecosystems as a folder of CSV files, the way planners export them from Excel.

Files (see ``docs/data-format.md``):

``organizations.csv`` (required; ``organisations.csv`` also accepted)
    ``id, name, kind, sector`` then one column per attribute.
``relations.csv`` (optional)
    ``source, target, type, key`` then one column per relation attribute.
``alliances.csv`` (optional)
    ``alliance, stage, stage_name``: an alliance's chain stages, one row per stage in order.
``ecosystem.json`` (optional)
    ``name``, ``attrs`` and ``vocabulary`` as in the YAML/JSON format; without it the
    ecosystem is named after the folder.

Reading: UTF-8 (with or without BOM), UTF-16 with BOM and GBK/GB18030 are detected (or pass
``encoding=``); commas or tabs; a blank cell is a missing value; list cells split on ``;`` or
``；``. A header may declare its type (``revenue:money``, ``since:int``, ``founded:date``,
``tags:list``, ``years:list[int]``, ``extra:json``); untyped columns are typed conservatively
(see :func:`loaders._values.infer_type`): ``stages`` is a list; the money fields of the
relation types (``revenue``, ``amount``) and numeric columns whose name says money
(``revenue_yuan``, ``budget``, ``金额``, ``收入`` ...) are exact decimals, never floats. Writing always emits typed headers, in UTF-8 with BOM so that Excel
shows Chinese correctly, and the round trip is exact.

Examples
--------
>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> with open(os.path.join(folder, "organizations.csv"), "w", encoding="gbk") as f:
...     _ = f.write("id,name,kind,staff\\nc1,天津市生产力促进中心,productivity_center,24\\n")
>>> eco = read(folder)
>>> eco.node("c1")["name"], eco.node("c1")["staff"]
('天津市生产力促进中心', 24)
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ecograph.documents import detect_encoding, parse_json, read_text
from ecograph.errors import LoadError
from ecograph.labels import FIELD_LABELS, canonical, closest, label
from ecograph.model import Ecosystem

from ._build import Builder, Where
from ._values import ValueProblem, format_cell, from_json, infer_type, parse_cell, parse_type, to_json, type_name
from .yamljson import vocabulary_from_document, vocabulary_to_document

__all__ = ["read", "write", "detect_encoding", "ORG_FILE", "REL_FILE", "ALLIANCE_FILE", "META_FILE"]

ORG_FILE, REL_FILE, ALLIANCE_FILE, META_FILE = "organizations.csv", "relations.csv", "alliances.csv", "ecosystem.json"
_ORG_ALIASES = (ORG_FILE, "organisations.csv")
_ORG_FIELDS = ("id", "name", "kind", "sector")
_REL_FIELDS = ("source", "target", "type", "key")
_ALLIANCE_FIELDS = ("alliance", "stage", "stage_name")
#: Untyped columns read as lists whatever their cells look like.
_LIST_FIELDS = frozenset({"stages", "stage_names"})
#: Untyped numeric columns whose name says money are read as exact decimals, never floats.
_MONEY_NAME = re.compile(r"revenue|amount|yuan|fen|price|cost|budget|金额|收入|资金|经费|元", re.IGNORECASE)


# ---------------------------------------------------------------------------- encodings
def _decode(path: Path, encoding: str | None, *, spreadsheet: bool = True) -> str:
    return read_text(path, encoding=encoding, spreadsheet=spreadsheet)  # the decoding rule of every format


# ---------------------------------------------------------------------------- reading
class _Table:
    """One table (a CSV file or a spreadsheet sheet): typed columns and rows with their numbers.

    Headers may be written in Chinese (``编号``, ``名称``, ``起点`` ...: :data:`ecograph.labels.FIELD_LABELS`).
    When a required column is missing the table reports it once and yields no rows, so that
    one missing column does not become one problem per row.
    """

    def __init__(self, place: str, header: list[str] | None, rows: list[tuple[int, list[str]]],
                 structural: tuple[str, ...], required: int, builder: Builder,
                 money_fields: frozenset[str] = frozenset(), unit: str = "line") -> None:
        self.place, self.b, self.money_fields, self.unit = place, builder, money_fields, unit
        self.written: dict[str, str] = {}  # column -> its header as written (e.g. 类型 for kind)
        self.columns: list[tuple[str, str | None]] = []  # (name, declared type or None)
        self.rows = rows
        if header is None:
            self.problem(1, "the table is empty; expected a header row")
        else:
            self.columns = self._header(header, structural, required)
        self.types = self._types(structural)

    @classmethod
    def from_csv(cls, path: Path, encoding: str | None, structural: tuple[str, ...], required: int,
                 builder: Builder, money_fields: frozenset[str] = frozenset()) -> _Table:
        text = _decode(path, encoding)
        first = text.split("\n", 1)[0]
        delimiter = "\t" if "\t" in first and "," not in first else ","
        # strict: a stray quote is an error, not a cell that swallows every row after it
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        started = 1  # line where the record being read starts
        try:
            header = next(reader, None)
            started = reader.line_num + 1
            for cells in reader:
                if any(c.strip() for c in cells):
                    rows.append((reader.line_num, cells))
                started = reader.line_num + 1
        except csv.Error as exc:
            builder.problem(Where("", line=started, file=str(path)),
                            f"malformed CSV: {exc} (a quote opened on this line is not closed where a cell ends; "
                            "double a quote inside a quoted cell: \"\")")
        return cls(str(path), header, rows, structural, required, builder, money_fields)

    def problem(self, line: int | None, message: str, field: str | None = None, id: str | None = None) -> None:
        self.b.problem(Where("", line=line, file=self.place, unit=self.unit), message,
                       field=self.written.get(field, field) if field else None, id=id)

    def _header(self, header: list[str], structural: tuple[str, ...], required: int) -> list[tuple[str, str | None]]:
        columns: list[tuple[str, str | None]] = []
        seen: set[str] = set()
        for position, cell in enumerate(header, 1):
            written, _, declared = cell.lstrip("\ufeff").strip().partition(":")  # a BOM read as text
            written = written.strip()
            name = written if written in FIELD_LABELS else (canonical("field", written) or written) if written else ""
            if not name:
                self.problem(1, f"column {position} has no name; expected a header such as 'staff' or 'revenue:money'")
                name = f"<column {position}>"
            if name != written:
                self.written[name] = written
            if name in seen:
                self.problem(1, f"column {written!r} appears twice" + (f" (as {name!r})" if name != written else ""),
                             field=name)
            seen.add(name)
            type_ = None
            if declared:
                try:
                    type_ = parse_type(declared)
                except ValueProblem as exc:
                    self.problem(1, f"unknown column type {exc.text!r}; expected {exc.expected}", field=name)
                if name in structural and type_ not in (None, "json"):
                    self.problem(1, f"column {name!r} is structural and takes no type (or json)", field=name)
                    type_ = None
            columns.append((name, type_))
        missing = [f for f in structural[:required] if f not in seen]
        if missing:
            names = [f"{f!r} ({label(FIELD_LABELS, f)})" for f in missing]
            hints = [f"{w!r} for {closest(w, [m, label(FIELD_LABELS, m)])!r}" for m in missing
                     for w in (c.lstrip("\ufeff").strip() for c in header) if closest(w, [m, label(FIELD_LABELS, m)])]
            self.problem(1, f"missing the column{'s' if len(missing) > 1 else ''} {', '.join(names)}; expected the "
                            f"columns {list(structural)} (or their Chinese names) first, then attributes"
                         + (f"; did you write {hints[0]}?" if hints else ""), field=missing[0])
            self.rows = []  # every row would lack it too: one problem, not one per row
        return columns

    def _types(self, structural: tuple[str, ...]) -> list[str]:
        types = []
        for index, (name, declared) in enumerate(self.columns):
            if declared is not None:
                types.append(declared)
            elif name in structural:
                types.append("str")
            elif name in _LIST_FIELDS:
                types.append("list")
            else:
                cells = [cells[index] for _, cells in self.rows if index < len(cells) and cells[index].strip()]
                inferred = infer_type(cells)
                money = name in self.money_fields or (_MONEY_NAME.search(name) and inferred in ("int", "float"))
                types.append("money" if money else inferred)
        return types

    def where(self, line: int | None) -> Where:
        return Where("", line=line, file=self.place, unit=self.unit)

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(line, {column: value})`` per row; blank cells are left out; bad cells are reported
        and left out too, so that one bad cell does not hide the row's other problems."""
        names = [name for name, _ in self.columns]
        for line, cells in self.rows:
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
                self.problem(line, f"{len(cells)} cells but only {len(names)} columns in the header")
            record: dict[str, Any] = {}
            for name, type_, cell in zip(names, self.types, cells):
                if not cell.strip():
                    continue
                try:
                    record[name] = parse_cell(cell, type_)
                except ValueProblem as exc:
                    self.problem(line, f"{exc.text!r} is not valid: expected {exc.expected} (column type {type_})",
                                 field=name, id=record.get("id"))
            yield line, record


def read(path: str | Path, *, encoding: str | None = None) -> Ecosystem:
    """Read a CSV folder (or the folder of the given ``.csv`` file).

    Parameters
    ----------
    path : str or Path
        The folder, or any CSV file inside it.
    encoding : str, optional
        Force a text encoding for every file (default: detect per file).

    Raises
    ------
    LoadError
        Every problem found, each naming the file, the line and the column.
    """
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    org_file = next((folder / n for n in _ORG_ALIASES if (folder / n).is_file()), None)
    if org_file is None:
        raise LoadError(f"{folder}: no {ORG_FILE} in this folder; expected {ORG_FILE} (and optionally "
                        f"{REL_FILE}, {ALLIANCE_FILE}, {META_FILE})", path=str(folder))
    b = Builder(str(folder))
    name, attrs, vocabulary = _read_meta(folder / META_FILE, folder.name, b)
    b.start(name, vocabulary, attrs, Where(META_FILE, file=str(folder / META_FILE)))
    money = money_fields(b)

    def table(file: Path, structural: tuple[str, ...], required: int) -> _Table | None:
        return _Table.from_csv(file, encoding, structural, required, b, money) if file.is_file() else None

    alliances = table(folder / ALLIANCE_FILE, _ALLIANCE_FIELDS, 2)
    orgs = _Table.from_csv(org_file, encoding, _ORG_FIELDS, 1, b, money)
    return build(b, orgs, table(folder / REL_FILE, _REL_FIELDS, 3), alliances)


def money_fields(b: Builder) -> frozenset[str]:
    """The relation attributes the started ecosystem's vocabulary says are money."""
    return frozenset(f for spec in b.eco.vocabulary.relations.values() for f in spec.money)


def build(b: Builder, orgs: _Table, rels: _Table | None, alliances: _Table | None) -> Ecosystem:
    """The ecosystem from its tables (CSV files or spreadsheet sheets), or every problem found.

    Raises
    ------
    LoadError
        Every problem found, each naming the file (and sheet), the line or row and the column.
    """
    stages = _alliance_stages(alliances) if alliances is not None else {}
    used_stages: set[str] = set()
    for line, record in orgs.records():
        where = orgs.where(line)
        ident = record.pop("id", None)
        if ident is None:
            orgs.problem(line, "missing the id", field="id")
            continue
        fields = {f: record.pop(f, None) for f in ("name", "kind", "sector")}
        if ident in stages and alliances is not None:
            used_stages.add(ident)
            for key, value in stages[ident].items():
                if key in record:
                    orgs.problem(line, f"{key} given both here and in {Path(alliances.place).name}", field=key, id=ident)
                record[key] = value
        b.add_org(where, ident, fields["name"], fields["kind"], fields["sector"], record)
    for alliance in stages.keys() - used_stages:
        assert alliances is not None
        alliances.problem(None, f"alliance {alliance!r} is not in {Path(orgs.place).name}", field="alliance", id=alliance)
    if rels is not None:
        for line, record in rels.records():
            ends = [record.pop(f, None) for f in _REL_FIELDS]
            for field, value in zip(_REL_FIELDS[:3], ends):
                if value is None:
                    rels.problem(line, f"missing the {field}", field=field)
            if None not in ends[:3]:
                b.add_relation(rels.where(line), ends[0], ends[1], ends[2], ends[3], record)
    return b.finish()


def _read_meta(path: Path, default_name: str, b: Builder) -> tuple[str, dict[str, Any], Any]:
    if not path.is_file():
        return default_name, {}, None
    where = Where(path.name, file=str(path))
    try:
        meta = parse_json(_decode(path, None, spreadsheet=False), source=str(path))
    except LoadError as exc:
        b.problems.append(exc)
        return default_name, {}, None
    return meta_fields(meta, where, default_name, b)


def meta_fields(meta: Any, where: Where, default_name: str, b: Builder) -> tuple[str, dict[str, Any], Any]:
    """Name, attributes and vocabulary from a decoded ``ecosystem.json`` document."""
    if not isinstance(meta, dict):
        b.problem(where, "expected a JSON object with name, attrs, vocabulary")
        return default_name, {}, None
    attrs = {}
    raw_attrs = meta.get("attrs") or {}
    if not isinstance(raw_attrs, dict):
        b.problem(where, f"expected a mapping of attributes, got {type(raw_attrs).__name__}", field="attrs")
        raw_attrs = {}
    for key, value in raw_attrs.items():
        try:
            attrs[key] = from_json(value)
        except ValueProblem as exc:
            b.problem(where, f"{exc.text!r} is not valid: expected {exc.expected}", field=f"attrs.{key}")
    vocabulary = None
    if meta.get("vocabulary") is not None:
        try:
            vocabulary = vocabulary_from_document(meta["vocabulary"])
        except ValueProblem as exc:
            b.problem(where, f"{exc.text}: expected {exc.expected}", field="vocabulary")
    name = meta.get("name", default_name)
    if not isinstance(name, str):
        b.problem(where, f"expected a string, got {name!r}", field="name")
        name = default_name
    return name, attrs, vocabulary


def _alliance_stages(table: _Table) -> dict[str, dict[str, list[str]]]:
    """alliance id -> {"stages": [...], "stage_names": [...] when given}."""
    stages: dict[str, dict[str, list[Any]]] = {}
    for line, record in table.records():
        alliance, stage = record.get("alliance"), record.get("stage")
        if alliance is None or stage is None:
            table.problem(line, "expected an alliance id and a stage", field="stage" if alliance else "alliance")
            continue
        entry = stages.setdefault(alliance, {"stages": [], "stage_names": [], "lines": []})
        entry["stages"].append(stage)
        entry["stage_names"].append(record.get("stage_name"))
        entry["lines"].append(line)
    out: dict[str, dict[str, list[str]]] = {}
    for alliance, entry in stages.items():
        names = entry["stage_names"]
        out[alliance] = {"stages": entry["stages"]}
        if any(n is not None for n in names):
            if None in names:
                table.problem(entry["lines"][names.index(None)], f"alliance {alliance!r}: give a stage_name for "
                              "every stage or for none", field="stage_name", id=alliance)
            out[alliance]["stage_names"] = names
    return out


# ---------------------------------------------------------------------------- writing
def write(eco: Ecosystem, path: str | Path, *, encoding: str = "utf-8-sig") -> None:
    """Write ``eco`` as a CSV folder that :func:`read` turns back into an equal ecosystem.

    Parameters
    ----------
    eco : Ecosystem
    path : str or Path
        The folder (created if needed; the four files in it are replaced).
    encoding : str
        ``utf-8-sig`` (default: UTF-8 with BOM, what Excel expects), ``utf-8`` or ``gb18030``.

    Examples
    --------
    >>> import tempfile
    >>> eco = Ecosystem(name="x"); eco.add_org("a", "甲", staff=3)
    >>> folder = tempfile.mkdtemp(); write(eco, folder); read(folder) == eco
    True
    """
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    tables = tables_of(eco)
    for file, rows in ((ORG_FILE, tables[0]), (REL_FILE, tables[1]), (ALLIANCE_FILE, tables[2])):
        if rows is None:
            if (folder / file).exists():
                (folder / file).unlink()
            continue
        with (folder / file).open("w", encoding=encoding, newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows(rows)
    (folder / META_FILE).write_text(json.dumps(meta_of(eco), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def meta_of(eco: Ecosystem) -> dict[str, Any]:
    """What ``ecosystem.json`` holds: the name, attributes and vocabulary additions."""
    meta: dict[str, Any] = {"ecograph": 1, "name": eco.name}
    if eco.attrs:
        meta["attrs"] = {k: to_json(v) for k, v in eco.attrs.items()}
    vocabulary = vocabulary_to_document(eco.vocabulary)
    if vocabulary:
        meta["vocabulary"] = vocabulary
    return meta


def tables_of(eco: Ecosystem) -> tuple[list[list[str]], list[list[str]], list[list[str]] | None]:
    """The organisations, relations and alliance-stage tables (typed header row, then text
    cells) that :func:`build` reads back into an equal ecosystem; no alliance table when no
    alliance has plain stages."""
    alliance_rows: list[dict[str, Any]] = []
    org_rows: list[dict[str, Any]] = []
    for node, data in eco.orgs():
        row = {"id": node, **data}
        stages, names = data.get("stages"), data.get("stage_names")
        if data["kind"] == "alliance" and _plain_texts(stages):
            row.pop("stages")
            named = isinstance(names, list) and len(names) == len(stages) and _plain_texts(names)
            if named:
                row.pop("stage_names")
            alliance_rows += [{"alliance": node, "stage": s, "stage_name": names[i] if named else None}
                              for i, s in enumerate(stages)]
        org_rows.append(row)
    rel_rows = [{"source": u, "target": v, "type": d["type"], "key": None if k == d["type"] else k,
                 **{a: b for a, b in d.items() if a != "type"}} for u, v, k, d in eco.relations()]
    return (_text_table(org_rows, _ORG_FIELDS), _text_table(rel_rows, _REL_FIELDS),
            _text_table(alliance_rows, _ALLIANCE_FIELDS) if alliance_rows else None)


def _plain_texts(values: Any) -> bool:
    """Non-empty list of strings a list cell or a str cell gives back unchanged."""
    return isinstance(values, list) and bool(values) and all(
        isinstance(v, str) and v == v.strip() and v and not any(c in v for c in ";；\x00") for v in values
    )


def _column_type(values: list[Any]) -> str:
    """The narrowest column type that gives every value back exactly (``json`` otherwise)."""
    names = {type_name(v) for v in values}
    if names == {"int", "date"}:  # years and dates mixed (since/until): each cell reads back as itself
        return "time"
    if len(names) != 1:
        return "json"
    name = names.pop()
    if name == "str":
        return "str" if all(v.strip() and "\x00" not in v for v in values) else "json"
    if name.startswith("list["):
        inner = name[5:-1]
        ok = all(v for v in values) and (inner != "str" or all(_plain_texts(v) for v in values))
        return name if ok else "json"
    return "json" if name == "list" else name


def _text_table(rows: list[dict[str, Any]], structural: Iterable[str]) -> list[list[str]]:
    structural = tuple(structural)
    columns: dict[str, None] = dict.fromkeys(structural)
    for row in rows:
        columns.update(dict.fromkeys(row))
    types = {c: _column_type([r[c] for r in rows if r.get(c) is not None]) for c in columns}
    for c in structural:  # plain text unless a value would not read back as itself (then JSON cells)
        types[c] = "json" if types[c] != "str" and any(r.get(c) is not None for r in rows) else "str"
    header = [c if types[c] == "str" and c in structural else f"{c}:{types[c]}" for c in columns]
    return [header] + [["" if row.get(c) is None else format_cell(row[c], types[c]) for c in columns] for row in rows]
