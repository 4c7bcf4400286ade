"""One number, one home: every number a reader sees in ``summary.md``, in a figure title or in an
example script's output is a value of that dataset's ``report.json``.

Each built-in dataset's report is built once per module and language (figures included, as their
titles are checked; nothing is written to disk). The numbers are parsed out of the text and each
must equal, after the writers' rounding for reading, an exact value of ``report.json``: of the
same section for the summary and the figure titles (its tables and the key figures, ``facts``,
its prose states), of any section for an example's output. Digits inside names and ids
(``society_042``, an organisation called 生产力学院 3) are not numbers.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pytest

from ecograph.report import Report, build, render_json, render_markdown
from ecograph.report.phrases import column, is_money
from ecograph.report.writers import PREVIEW_ROWS, _slug
from loaders.datasets import DATASETS, load_dataset

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: A number as the report writes it: thousands grouped, a decimal part, an exponent, then a unit
#: (% or 万/万元) for percentages and amounts of ten thousand yuan. Digits glued to letters or
#: underscores belong to names and ids.
NUMBER = re.compile(r"(?<![A-Za-z0-9_.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(e[-+]?\d+)?(?![A-Za-z0-9_])(\s?%|\s?万)?")

#: Parameters of the datasets rendered for the summary and figure tests: the national network with a
#: few firms, so that its roll-up of services is rendered too, at a bounded cost.
PARAMS = {"productivity_centers": {"n_enterprises": 2_000}}

#: Names of standards the prose cites (a name, not a number).
STANDARDS = ("ISO 9001",)

#: Lines the writers add around a table or figure: "**title**（n 行；[CSV](tables/slug.csv)）", "… 另有 n 行", links.
CAPTION = re.compile(r"^\*\*.+?\*\*\s?[（(](\d[\d,]*)\D.*\[CSV\]\(tables/([^)]+)\.csv\)")
MORE = re.compile(r"^\| … (?:另有 )?(\d[\d,]*)")


def _reading(match: re.Match[str]) -> tuple[float, float]:
    """A number as shown -> (value, half the unit of its last digit): what it may round from."""
    whole, decimals, exponent, unit = match.groups()
    shown = float(whole.replace(",", "") + (decimals or "") + (exponent or ""))
    step = 10.0 ** -(len(decimals) - 1 if decimals else 0)
    if exponent:
        step *= 10.0 ** int(exponent[1:])
    scale = {"%": 0.01, "万": 1e4}.get((unit or "").strip(), 1.0)
    return shown * scale, step * scale / 2


def _values(tree: Any) -> Iterator[float]:
    """Every number of a JSON tree (booleans and NaN are not numbers)."""
    if isinstance(tree, dict):
        for item in tree.values():
            yield from _values(item)
    elif isinstance(tree, list):
        for item in tree:
            yield from _values(item)
    elif isinstance(tree, (int, float)) and not isinstance(tree, bool) and math.isfinite(tree):
        yield abs(float(tree))
    elif isinstance(tree, str):  # Decimal money and years as exact text, counts inside a text cell
        yield from (_reading(match)[0] for match in NUMBER.finditer(tree))


def _exact(section: dict[str, Any]) -> list[float]:
    """The values a section's text may show: every number of its tables and facts, and money columns
    also in 万元 (as the Chinese tables show them)."""
    money = [abs(float(v)) / 1e4 for rows in section["tables"].values() for row in rows for k, v in row.items()
             if is_money(k) and v is not None and not isinstance(v, bool)]
    return [*_values(section["tables"]), *_values(section["facts"]), *money]


def _strings(tree: Any) -> Iterator[str]:
    """Every string of a JSON tree, keys included."""
    if isinstance(tree, dict):
        for key, item in tree.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(tree, list):
        for item in tree:
            yield from _strings(item)
    elif isinstance(tree, str):
        yield tree


def _unhomed(text: str, exact: list[float], names: set[str]) -> list[str]:
    """The numbers of ``text`` that round from no value of ``exact`` (``names`` blanked out first)."""
    for name in sorted((n for n in names if re.search(r"\d", n) and not NUMBER.fullmatch(n)), key=len, reverse=True):
        text = text.replace(name, " ")
    missing = []
    for match in NUMBER.finditer(text):
        shown, half = _reading(match)
        if not any(abs(value - shown) <= half * (1 + 1e-9) + 1e-12 for value in exact):
            missing.append(match.group(0).strip())
    return missing


def _names(eco: Any, data: dict[str, Any], lang: str) -> set[str]:
    """Texts whose digits are not numbers: organisation names and ids, the report's strings and
    table headers, the ecosystem's name."""
    names = {eco.name, *STANDARDS, *(str(org) for org in eco.nodes()), *(eco.node(org)["name"] for org in eco.nodes())}
    names.update(text for section in data["sections"] for text in _strings([section["tables"], section["facts"]]))
    names.update(column(key, lang) for section in data["sections"] for rows in section["tables"].values()
                 for row in rows for key in row)
    return names


@pytest.fixture(scope="module", params=[(name, lang) for name in sorted(DATASETS) for lang in ("zh", "en")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def rendered(request: pytest.FixtureRequest) -> Iterator[tuple[Report, dict[str, Any], set[str]]]:
    name, lang = request.param
    eco = load_dataset(name, **PARAMS.get(name, {}))
    report = build(eco, lang=lang)
    data = json.loads(render_json(report))
    yield report, data, _names(eco, data, lang)
    plt.close("all")


def _section_markdown(report: Report, index: int) -> str:
    """The part of summary.md one section writes (its heading, prose, table previews, figure links)."""
    section = report.sections[index]
    text = render_markdown(dataclasses.replace(report, title="", sections=[section])).split("\n", 2)[2]
    assert text in render_markdown(report)
    return text


def test_every_number_in_summary_md_is_in_report_json(rendered) -> None:
    report, data, names = rendered
    checked, unhomed = 0, []
    for index, section in enumerate(data["sections"]):
        exact = _exact(section)
        lines, table = [], ""
        for line in _section_markdown(report, index).splitlines():
            caption, more = CAPTION.match(line), MORE.match(line)
            if caption:  # the row count the writer adds: the length of the table
                table = {_slug(name): name for name in section["tables"]}[caption[2]]
                assert int(caption[1].replace(",", "")) == len(section["tables"][table]), line
            elif more:
                assert int(more[1].replace(",", "")) == len(section["tables"][table]) - PREVIEW_ROWS, line
            elif not line.startswith("!["):
                lines.append(line)
        text = "\n".join(lines)
        unhomed += [(section["title"], number) for number in _unhomed(text, exact, names)]
        checked += len(NUMBER.findall(text))
    assert checked and not unhomed, unhomed


def test_every_number_in_a_figure_title_is_in_report_json(rendered) -> None:
    report, data, names = rendered
    drawn = [(section, title) for section in data["sections"] for titles in section["figures"].values()
             for title in titles]
    assert drawn and len(drawn) >= sum(len(s.figures) for s in report.sections)
    unhomed = [(title, number) for section, title in drawn
               for number in _unhomed(title, _exact(section), names)]
    assert not unhomed, unhomed


def _dataset_of(script: Path) -> tuple[str, dict[str, Any]]:
    """The built-in dataset an example loads, and the parameters it loads it with."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    loaders = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               and node.module == "loaders.datasets" for alias in node.names}
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", None) in loaders]
    (call,) = calls
    return call.func.id, {k.arg: ast.literal_eval(k.value) for k in call.keywords}


@pytest.mark.parametrize("script", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.stem)
def test_every_number_an_example_prints_is_in_its_report_json(script: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env,
                          cwd=EXAMPLES.parent, check=False)
    assert done.returncode == 0, done.stderr
    name, params = _dataset_of(script)
    eco = load_dataset(name, **params)
    data = json.loads(render_json(build(eco, lang="en")))
    plt.close("all")
    exact = [value for section in data["sections"] for value in _exact(section)]
    missing = [(line, number) for line in done.stdout.splitlines()
               for number in _unhomed(line, exact, _names(eco, data, "en"))]
    assert not missing, missing
