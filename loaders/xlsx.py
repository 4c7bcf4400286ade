"""Ecosystems as an Excel workbook (``.xlsx``): one sheet per table of the CSV folder.

Sheets (names in English or Chinese; see ``docs/data-format.md``):

``organizations`` (required; also ``organisations``, ``机构``, ``组织``)
    the columns of ``organizations.csv`` (``id, name, kind, sector`` or ``编号, 名称, 类型, 部门`` ...).
``relations`` (optional; also ``关系``)
    the columns of ``relations.csv``.
``alliances`` (optional; also ``联盟``)
    the columns of ``alliances.csv``.
``ecosystem`` (optional; also ``生态``)
    rows ``name | …``, ``attrs | {JSON}``, ``vocabulary | {JSON}``.

The first row of a sheet is its header. Cells are read as the CSV reader reads text: numbers,
dates and booleans Excel stores natively are turned into their text first, so a workbook and the
CSV folder it was saved from give the same ecosystem, with the same messages (naming the
workbook, the sheet, the row and the column). Read with openpyxl; formulas give their cached
values.

Examples
--------
>>> import os, tempfile
>>> from ecograph import Ecosystem
>>> eco = Ecosystem(name="示例"); eco.add_org("c1", "天津市生产力促进中心", kind="productivity_center", staff=24)
>>> path = os.path.join(tempfile.mkdtemp(), "eco.xlsx")
>>> write(eco, path); read(path) == eco
True
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from typing import Any

from ecograph.documents import parse_json
from ecograph.errors import LoadError
from ecograph.model import Ecosystem

from ._build import Builder, Where
from .csvdir import (
    _ALLIANCE_FIELDS,
    _ORG_FIELDS,
    _REL_FIELDS,
    _Table,
    build,
    meta_fields,
    meta_of,
    money_fields,
    tables_of,
)

__all__ = ["read", "write", "SHEETS"]

#: table -> accepted sheet names (the first is the one written)
SHEETS: dict[str, tuple[str, ...]] = {
    "organizations": ("organizations", "organisations", "机构", "组织"),
    "relations": ("relations", "关系"),
    "alliances": ("alliances", "联盟"),
    "ecosystem": ("ecosystem", "生态"),
}


def _text(value: Any) -> str:
    """A cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))  # Excel stores every number as a double
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() and value.tzinfo is None else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def read(path: str | Path) -> Ecosystem:
    """Read an ``.xlsx`` workbook with one sheet per table.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Ecosystem

    Raises
    ------
    LoadError
        Not a readable workbook, no organisations sheet, or every problem in its cells (each
        naming the sheet, the row and the column).
    """
    import openpyxl  # imported here: only workbooks need it
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise LoadError(f"{path}: not a readable Excel workbook (.xlsx): {exc}", path=str(path)) from None
    try:
        by_name = {name.strip().lower(): name for name in book.sheetnames}
        found = {table: next((by_name[n] for n in names if n in by_name), None) for table, names in SHEETS.items()}
        if found["organizations"] is None:
            raise LoadError(f"{path}: no sheet named {' / '.join(SHEETS['organizations'])}; the workbook has "
                            f"{book.sheetnames}", path=str(path), field="sheet")
        sheets = {table: [[_text(v) for v in row] for row in book[name].iter_rows(values_only=True)]
                  for table, name in found.items() if name is not None}
    finally:
        book.close()
    b = Builder(str(path))
    name, attrs, vocabulary = _meta(sheets.get("ecosystem"), path, found["ecosystem"], b)
    b.start(name, vocabulary, attrs, Where("", file=f"{path}, sheet {found['ecosystem']!r}"))
    money = money_fields(b)

    def table(key: str, structural: tuple[str, ...], required: int) -> _Table | None:
        if key not in sheets:
            return None
        rows = sheets[key]
        numbered = [(number, cells) for number, cells in enumerate(rows[1:], 2) if any(c.strip() for c in cells)]
        return _Table(f"{path}, sheet {found[key]!r}", rows[0] if rows else None, numbered, structural, required,
                      b, money, unit="row")

    alliances = table("alliances", _ALLIANCE_FIELDS, 2)
    orgs = table("organizations", _ORG_FIELDS, 1)
    assert orgs is not None  # checked above
    return build(b, orgs, table("relations", _REL_FIELDS, 3), alliances)


def _meta(rows: list[list[str]] | None, path: Path, sheet: str | None, b: Builder) -> tuple[str, dict[str, Any], Any]:
    if not rows:
        return path.stem, {}, None
    meta: dict[str, Any] = {}
    for number, cells in enumerate(rows, 1):
        key, value = (cells + ["", ""])[:2]
        if not key.strip():
            continue
        if key.strip() in ("attrs", "vocabulary"):
            try:
                meta[key.strip()] = parse_json(value, source="JSON")
            except LoadError as exc:
                b.problem(Where("", line=number, file=f"{path}, sheet {sheet!r}", unit="row"),
                          exc.message, field=key.strip())
        else:
            meta[key.strip()] = value
    return meta_fields(meta, Where("", file=f"{path}, sheet {sheet!r}"), path.stem, b)


def write(eco: Ecosystem, path: str | Path) -> None:
    """Write ``eco`` as a workbook that :func:`read` turns back into an equal ecosystem.

    Cells hold the same text as the CSV files of :func:`loaders.csvdir.write` (typed headers),
    so that nothing depends on how Excel would store a number.

    Parameters
    ----------
    eco : Ecosystem
    path : str or Path
        The ``.xlsx`` file (replaced).
    """
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = openpyxl.Workbook(write_only=True)
    meta = meta_of(eco)
    sheets = dict(zip(("organizations", "relations", "alliances"), tables_of(eco)))
    sheets["ecosystem"] = [["name", meta["name"]]] + [[key, json.dumps(meta[key], ensure_ascii=False)]
                                                      for key in ("attrs", "vocabulary") if key in meta]
    for key, rows in sheets.items():
        if rows is None:
            continue
        sheet = book.create_sheet(SHEETS[key][0])
        for row in rows:
            cells = []
            for text in row:
                try:
                    cell = WriteOnlyCell(sheet, value=text)
                except IllegalCharacterError:
                    raise LoadError(f"{path}: sheet {key!r}: {text!r} holds a control character Excel cannot "
                                    "store; write YAML, JSON or CSV instead", path=str(path), field=key) from None
                cell.data_type = "s"  # text, even when it starts with "=" (no formula)
                cells.append(cell)
            sheet.append(cells)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
