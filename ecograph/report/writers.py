"""Writers: a :class:`~ecograph.report.document.Report` as a folder of files.

Layout of the folder::

    summary.md          every section: text, tables (first rows), figure links
    report.html         the same, standalone: CSS and images inlined, no network needed
    report.json         section titles, every table in full, the prose's key figures and the figure titles;
                        exact values, the same in every language
    tables/NAME.csv     every table in full (UTF-8 with BOM, so Excel shows Chinese)
    tables.xlsx         every table again, one sheet each, in one Excel workbook
    figures/NAME.png    every figure (and .svg with ``svg=True``)
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import math
import re
from decimal import Decimal
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..documents import spreadsheet_text
from ..diagrams.webfont import EMBEDDED_FAMILY, font_face_css
from .document import Report
from .phrases import caption, column, is_money, is_rate, say, value

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["save", "render_markdown", "render_html", "render_json", "figure_titles", "shown_columns", "PREVIEW_ROWS"]

#: Rows of a table shown inline in summary.md / report.html (the CSV has them all).
PREVIEW_ROWS = 15


def save(report: Report, out: str | Path, *, dpi: int = 150, svg: bool = False) -> list[Path]:
    """Write ``report`` into the folder ``out`` (created if missing).

    Parameters
    ----------
    report : Report
    out : str or Path
        Output folder.
    dpi : int
        PNG resolution.
    svg : bool
        Also write every figure as SVG.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> from ecograph.report import Section
    >>> report = Report("demo", [Section("Counts", "Two rows.", tables={"t": [{"a": 1}, {"a": 2}]})])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in save(report, folder)]
    ['t.csv', 'report.json', 'summary.md', 'report.html', 'tables.xlsx']
    """
    out = Path(out)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, rows in report.tables().items():
        path = out / "tables" / f"{_slug(name)}.csv"
        _write_csv(path, rows)
        written.append(path)
    images: dict[str, bytes] = {}
    for name, figure in report.figures().items():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
        images[name] = buffer.getvalue()
        path = out / "figures" / f"{_slug(name)}.png"
        path.write_bytes(images[name])
        written.append(path)
        if svg:
            svg_path = path.with_suffix(".svg")
            figure.savefig(svg_path, format="svg", bbox_inches="tight")
            written.append(svg_path)
    data = out / "report.json"
    data.write_text(render_json(report), encoding="utf-8")
    summary = out / "summary.md"
    summary.write_text(render_markdown(report), encoding="utf-8")
    page = out / "report.html"
    page.write_text(render_html(report, images), encoding="utf-8")
    book = out / "tables.xlsx"
    _write_workbook(book, report.tables())
    return [*written, data, summary, page, book]


def _write_workbook(path: Path, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Every table as one sheet of one workbook (values as in the CSV files, text cells)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    used: set[str] = set()
    for name, rows in tables.items():
        title = re.sub(r"[\\/*?:\[\]]", "_", name)[:31] or "table"  # Excel's sheet-name rules
        stem, n = title, 2
        while title.lower() in used:
            suffix = f"~{n}"
            title, n = stem[:31 - len(suffix)] + suffix, n + 1
        used.add(title.lower())
        sheet = book.create_sheet(title)
        columns = _columns(rows)
        sheet.append(columns)
        for row in rows:
            cells = []
            for column in columns:
                cell = WriteOnlyCell(sheet, value=_cell(row.get(column)))
                cell.data_type = "s"  # as written in the CSV: no formula, no reinterpretation
                cells.append(cell)
            sheet.append(cells)
    book.save(path)


def _write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    columns = _columns(rows)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row.get(k)) for k in columns})


def _columns(rows: Iterable[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def shown_columns(rows: Sequence[dict[str, Any]], names: dict[str, str] | None = None, lang: str = "en") -> list[str]:
    """The columns summary.md and report.html show, in order: not a ``<x>_zh`` twin of a shown
    ``<x>`` (the report labels ``<x>`` in its own language), and not a column of ids that the
    row's own ``name`` (or ``<column>_name``) already shows (the files keep both), nor a rank's
    ``<rank>_tied`` flag (it joins its rank's cell: "3 (tied)"); in Chinese, no column of rule
    codes beside the rule's own wording (:data:`WORDED_CODES`).

    Parameters
    ----------
    rows : sequence of dict
        A table.
    names : dict, optional
        Organisation id -> name (:attr:`Report.names`).
    lang : {"en", "zh"}
        The report's language.

    Returns
    -------
    list of str

    Examples
    --------
    >>> shown_columns([{"id": "a", "name": "甲", "ring": "core", "ring_zh": "核心"}], {"a": "甲"})
    ['name', 'ring']
    """
    columns = _columns(rows)
    names = names or {}

    def named_elsewhere(c: str) -> bool:  # ids whose names ``<c>_name`` or the row's ``name`` shows
        return any(n != c and n in columns and all(
            isinstance(row.get(c), str) and names.get(row[c]) == row.get(n) for row in rows) for n in (f"{c}_name", "name"))

    return [c for c in columns if not any(c.endswith(twin) and c.removesuffix(twin) in columns for twin in ("_zh", "_tied"))
            and not named_elsewhere(c) and not (lang == "zh" and WORDED_CODES.get(c) in columns)]


#: Code columns (rule ids) -> the column that words them in the rule set's Chinese: a Chinese page
#: shows the wording only, the files keep both.
WORDED_CODES = {"rule": "text", "failed": "reasons"}


def _cell(value: Any) -> str:
    """A cell as written in the CSV files: exact (floats to six significant digits)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ";".join(_cell(v) for v in value)
    return spreadsheet_text(value) if isinstance(value, str) else str(value)  # "=HYPERLINK(…)" stays text


def _shown(column_name: str, cell: Any, lang: str, labels: dict[str, dict[Any, str]] | None = None,
           names: dict[str, str] | None = None) -> str:
    """A cell as shown in summary.md and report.html: organisation ids (alone or in a list) as their
    ``names``; in Chinese, labels for vocabulary keys (and the section's own ``labels``), money in 万元,
    shares and growth rates in per cent, and numbers rounded for reading (three significant digits, thousands grouped, years as such); the
    CSV keeps them exact."""
    if lang == "zh" and labels and isinstance(cell, str | int) and cell in labels.get(column_name, {}):
        return labels[column_name][cell]
    shown = value(column_name, cell, lang)
    if names and shown is cell:  # not a vocabulary key: perhaps an organisation id, or a list of them
        if isinstance(cell, str) and cell in names:
            return names[cell]
        if isinstance(cell, list | tuple) and cell and all(isinstance(c, str) and c in names for c in cell):
            return ("、" if lang == "zh" else "; ").join(names[c] for c in cell)
    cell = shown
    if isinstance(cell, bool):
        return ("是" if cell else "否") if lang == "zh" else str(cell)
    if isinstance(cell, float) and not math.isfinite(cell):
        return "—"
    if lang != "zh" or not isinstance(cell, int | float | Decimal):
        return str(cell) if isinstance(cell, str) else _cell(cell)
    if is_money(column_name):
        return f"{Decimal(cell) / 10000:,.2f}".rstrip("0").rstrip(".")
    if is_rate(column_name):
        return f"{float(cell) * 100:{'+' if column_name == 'growth' else ''},.1f}%"
    if isinstance(cell, int) or (isinstance(cell, Decimal) and cell == cell.to_integral_value()):
        return str(cell) if _is_year(column_name, cell) else f"{cell:,}"
    return f"{cell:,.3g}" if abs(cell) < 1000 else f"{cell:,.0f}"


def _is_year(column_name: str, cell: Any) -> bool:
    """A calendar year (``since``, ``year``, ``founded`` ...), shown without a thousands separator."""
    return column_name.endswith(("since", "year", "founded", "period", "until")) and 1000 <= cell <= 9999


def _shown_cell(column_name: str, row: dict[str, Any], lang: str, labels: dict[str, dict[Any, str]] | None = None,
                names: dict[str, str] | None = None) -> str:
    """``row[column_name]`` as shown (:func:`_shown`); a shared rank as "3 (tied)".

    Examples
    --------
    >>> _shown_cell("rank", {"rank": 3, "rank_tied": True}, "zh"), _shown_cell("rank", {"rank": 4}, "en")
    ('3 (并列)', '4')
    """
    shown = _shown(column_name, row.get(column_name), lang, labels, names)
    return say("rank.tied", lang, rank=shown) if row.get(f"{column_name}_tied") is True else shown


def _json_value(cell: Any) -> Any:
    if isinstance(cell, (str, int, float, bool)) or cell is None:
        return cell
    if isinstance(cell, (list, tuple)):
        return [_json_value(v) for v in cell]
    if isinstance(cell, dict):
        return {str(k): _json_value(v) for k, v in cell.items()}
    return str(cell)  # Decimal money and dates as exact text


def render_json(report: Report) -> str:
    """Section titles, every table in full with exact values and vocabulary keys, the key figures
    the prose states (``facts``) and the title of every figure as drawn (``figures``): the same
    numbers in every language; only the titles follow the report's language.

    Examples
    --------
    >>> from ecograph.report import Section
    >>> print(render_json(Report("r", [Section("S", tables={"t": [{"share": 0.123456789}]}, facts={"n": 3})])))
    {"title": "r", "lang": "en", "sections": [{"title": "S", "level": 2, "tables": {"t": [{"share": 0.123456789}]}, "facts": {"n": 3}, "figures": {}}]}
    """
    return json.dumps({
        "title": report.title, "lang": report.lang,
        "sections": [{"title": s.title, "level": s.level, "tables": _json_value(s.tables), "facts": _json_value(s.facts),
                      "figures": {name: figure_titles(figure) for name, figure in s.figures.items()}}
                     for s in report.sections],
    }, ensure_ascii=False)


def figure_titles(figure: Figure) -> list[str]:
    """The titles drawn on ``figure``: its suptitle, then each axes' left, centre and right titles.

    Parameters
    ----------
    figure : matplotlib.figure.Figure

    Returns
    -------
    list of str
        The non-empty titles, as drawn.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.suptitle("All"), fig.add_subplot().set_title("3 of 4", loc="left")
    >>> figure_titles(fig)
    ['All', '3 of 4']
    """
    titles = [figure._suptitle.get_text()] if figure._suptitle is not None else []  # no public getter
    titles += [ax.get_title(loc) for ax in figure.axes for loc in ("left", "center", "right")]
    return [title for title in titles if title]


def _slug(name: str) -> str:
    return re.sub(r"[^\w\-]+", "_", name, flags=re.UNICODE).strip("_") or "item"


def _heading(name: str, rows: Sequence[dict[str, Any]], lang: str, headers: dict[str, str] | None,
             names: dict[str, str] | None) -> str:
    """A column's header: the section's own, else the phrases'; an ``id`` column whose cells all show
    as names is headed as names, a ``members`` column of counts as a count."""
    if headers and name in headers:
        return headers[name]
    if name == "id" and names and rows and all(row.get("id") in names for row in rows):
        return column("name", lang)
    if name == "members" and rows and all(isinstance(row.get(name), int) for row in rows):
        return column("n_members", lang)  # a count of members, not a list of them
    return column(name, lang)


# ---------------------------------------------------------------------- Markdown
def render_markdown(report: Report) -> str:
    """The report as Markdown (tables previewed, figures linked)."""
    lines = [f"# {report.title}", ""]
    for section in report.sections:
        lines += [f"{'#' * section.level} {section.title}", ""]
        if section.text:
            lines += [section.text.strip(), ""]
        for name, rows in section.tables.items():
            lines += _markdown_table(name, rows, report.lang, section.labels, report.names, section.headers)
        for name in section.figures:
            lines += [f"![{name}](figures/{_slug(name)}.png)", ""]
    return "\n".join(lines)


def _markdown_table(name: str, rows: Sequence[dict[str, Any]], lang: str,
                    labels: dict[str, dict[Any, str]] | None = None, names: dict[str, str] | None = None,
                    headers: dict[str, str] | None = None) -> list[str]:
    columns = shown_columns(rows, names, lang)
    if not columns:
        return [say("no_rows", lang, name=caption(name, lang)), ""]
    out = [say("rows", lang, name=caption(name, lang), n=len(rows), slug=_slug(name)), ""]
    out.append("| " + " | ".join(_heading(c, rows, lang, headers, names) for c in columns) + " |")
    out.append("|" + "---|" * len(columns))
    for row in rows[:PREVIEW_ROWS]:
        out.append("| " + " | ".join(_shown_cell(c, row, lang, labels, names).replace("|", "\\|") for c in columns) + " |")
    if len(rows) > PREVIEW_ROWS:
        out.append(f"| {say('more_rows', lang, n=len(rows) - PREVIEW_ROWS)} |" + " |" * (len(columns) - 1))
    return [*out, ""]


# ---------------------------------------------------------------------- HTML
_CSS = """
body{font-family:"FAMILY","DejaVu Sans",sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.55}
h1{border-bottom:2px solid #2a6f97}h2{color:#2a6f97;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em;max-width:100%}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;overflow-wrap:anywhere;word-break:break-word}
th{background:#eef4f8}
img{max-width:100%;height:auto;border:1px solid #eee;margin:.5em 0}
.caption{color:#666;font-size:.85em}nav{background:#f7f7f7;padding:.5em 1em}
@page{size:A4;margin:15mm}
@media print{body{max-width:none;margin:0}table{font-size:.75em;page-break-inside:auto}tr{page-break-inside:avoid}}
@media (max-width:600px){body{margin:.5em auto;padding:0 .5em}table{font-size:.75em}th,td{padding:.15em .3em}}
""".replace("FAMILY", EMBEDDED_FAMILY)


def render_html(report: Report, images: dict[str, bytes]) -> str:
    """The report as one standalone HTML page: PNGs inlined as data URIs, the glyphs it uses of the
    bundled CJK font embedded (WOFF2), no external links; tables wrap on an A4 page and a phone."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if report.lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{html.escape(report.title)}</title><style>/*FONT*/{_CSS}</style></head><body>",
        f"<h1>{html.escape(report.title)}</h1>",
        "<nav>" + " · ".join(
            f'<a href="#s{i}">{html.escape(s.title)}</a>' for i, s in enumerate(report.sections) if s.level == 2
        ) + "</nav>",
    ]
    for i, section in enumerate(report.sections):
        parts.append(f'<h{section.level} id="s{i}">{html.escape(section.title)}</h{section.level}>')
        parts.append(_html_text(section.text))
        for name, rows in section.tables.items():
            parts.append(_html_table(name, rows, report.lang, section.labels, report.names, section.headers))
        for name in section.figures:
            data = base64.b64encode(images[name]).decode("ascii")
            parts.append(f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">')
    parts.append("</body></html>")
    page = "\n".join(parts)
    # the glyphs of the bundled CJK font the page shows, so that Chinese reads on any machine
    return page.replace("/*FONT*/", font_face_css(page), 1)


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", text)


def _html_text(text: str) -> str:
    """Paragraphs and ``-`` bullet lists with **bold** and `code`: the Markdown sections use."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith(("- ", "* ")) for line in lines):
            blocks.append("<ul>" + "".join(f"<li>{_inline(line[2:])}</li>" for line in lines) + "</ul>")
        else:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "\n".join(blocks)


def _html_table(name: str, rows: Sequence[dict[str, Any]], lang: str,
                labels: dict[str, dict[Any, str]] | None = None, names: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> str:
    columns = shown_columns(rows, names, lang)
    head = "".join(f"<th>{html.escape(_heading(c, rows, lang, headers, names))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_shown_cell(c, row, lang, labels, names))}</td>" for c in columns) + "</tr>"
        for row in rows[:PREVIEW_ROWS]
    )
    more = say("first_rows", lang, n=PREVIEW_ROWS, slug=_slug(name)) if len(rows) > PREVIEW_ROWS else ""
    title = say("caption", lang, name=caption(name, lang), n=len(rows), more=more)
    return f'<p class="caption">{_inline(title)}</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

