"""``report --lang zh|en``: Chinese titles, prose, headers and labels on every built-in dataset;
numbers in summary.md rounded for reading but equal to the exact values of report.json; English
still available; report.json the same in both languages apart from titles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ecograph.cli import main
from ecograph.labels import KIND_LABELS, RELATION_LABELS
from ecograph.report import SECTIONS, build, render_json, render_markdown
from ecograph.report.phrases import TEXT
from loaders.datasets import DATASETS, load_dataset

CJK = re.compile(r"[\u3400-\u9fff]")
#: Section builders without the diagrams (matplotlib makes them slow; their titles are the same keys).
ANALYSES = [builder for builder in SECTIONS if builder.__name__ == "sections"]
#: English title templates, without their ``{name}`` part ("Circle layers: ").
ENGLISH_TITLES = [en.split("{")[0] for key, (zh, en) in TEXT.items() if "." not in key and key != "report"]


@pytest.fixture(scope="module", params=sorted(DATASETS))
def reports(request: pytest.FixtureRequest):
    eco = load_dataset(request.param)
    attributes = {key for org in eco.nodes() for key in eco.node(org)}  # the data's own columns, as written
    return build(eco, lang="zh", sections=ANALYSES), build(eco, lang="en", sections=ANALYSES), attributes


def _cjk_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(bool(CJK.match(c)) for c in letters) / max(len(letters), 1)


def test_chinese_is_the_default_for_every_builtin_dataset(reports) -> None:
    zh, *_ = reports
    assert zh.lang == "zh" and zh.title.startswith("生态系统分析报告")


def test_zh_titles_prose_and_headers_are_chinese(reports) -> None:
    zh, en, attributes = reports
    for section in zh.sections:
        assert CJK.search(section.title), section.title
        assert not any(section.title.startswith(en) for en in ENGLISH_TITLES), section.title
    prose = "\n".join(section.text for section in zh.sections)
    assert _cjk_share(prose) > 0.6, prose
    markdown = render_markdown(zh)
    headers = re.findall(r"^\| (.+) \|\n\|(?:---\|)+$", markdown, flags=re.M)
    assert len(headers) == len(re.findall(r"^\| (.+) \|\n\|(?:---\|)+$", render_markdown(en), flags=re.M))
    for header in headers:  # the report's own columns are Chinese; the data's attributes keep their names
        english = [c for c in header.split(" | ") if not CJK.search(c) and c not in attributes | {"PageRank"}]
        assert not english, (header, english)
    # the vocabulary shows as its Chinese labels from the one label table
    for kind_row in next((s.tables["by_kind"] for s in zh.sections if "by_kind" in s.tables), []):
        assert f"| {KIND_LABELS.get(kind_row['kind'], (kind_row['kind'],))[0]} |" in markdown


def _preview_tables(markdown: str) -> dict[str, list[list[str]]]:
    """Table name -> previewed rows (cells as text) of a summary.md."""
    tables = {}
    for name, body in re.findall(r"^\*\*(\w+)\*\*[（(].*\n\n((?:\|.*\n)+)", markdown, flags=re.M):
        lines = body.strip("\n").split("\n")[2:]
        tables[name] = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines if not line.startswith("| …")]
    return tables


def test_numbers_in_the_zh_summary_agree_with_report_json(reports) -> None:
    zh, en, _ = reports
    exact = {name: rows for s in json.loads(render_json(zh))["sections"] for name, rows in s["tables"].items()}
    shown = _preview_tables(render_markdown(zh))
    assert shown and set(shown) <= set(exact)
    checked = 0
    for name, rows in shown.items():
        for cells, row in zip(rows, exact[name]):
            for cell, value in zip(cells, row.values()):
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
                    continue
                read = float(cell.replace(",", "").rstrip("="))
                if isinstance(value, int):
                    assert read == value, (name, cell, value)
                else:  # rounded to three significant digits (whole numbers from 1,000)
                    assert abs(read - value) <= max(abs(value) * 5e-3, 0.5 if abs(value) >= 1000 else 0), (name, cell, value)
                checked += 1
    assert checked
    overview = next(s for s in zh.sections if "by_kind" in s.tables)
    organisations = sum(r["count"] for r in exact["by_kind"])
    relations = sum(r["count"] for r in exact["by_relation"])
    assert f"共 **{organisations:,}** 家机构、**{relations:,}** 项关系" in overview.text


def test_report_json_does_not_change_with_the_language(reports) -> None:
    zh, en, _ = reports
    data = {lang: json.loads(render_json(r)) for lang, r in (("zh", zh), ("en", en))}
    assert [s["tables"] for s in data["zh"]["sections"]] == [s["tables"] for s in data["en"]["sections"]]


def test_en_still_works(reports) -> None:
    _, en, _ = reports
    assert en.lang == "en" and en.title.startswith("ecograph report")
    assert en.sections[0].title == "Overview" and "organisations" in en.sections[0].text
    markdown = render_markdown(en)
    assert "| kind | count |" in markdown


def test_cli_lang_option_and_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--dataset", "tianjin_centers", "--out", str(tmp_path / "zh")]) == 0
    assert main(["report", "--dataset", "tianjin_centers", "--out", str(tmp_path / "en"), "--lang", "en"]) == 0
    zh = (tmp_path / "zh" / "summary.md").read_text(encoding="utf-8")
    en = (tmp_path / "en" / "summary.md").read_text(encoding="utf-8")
    assert zh.startswith("# 生态系统分析报告") and "## 概况" in zh and f"| {RELATION_LABELS['part_of'][0]} |" in zh
    assert en.startswith("# ecograph report") and "## Overview" in en
    assert '<html lang="zh-CN">' in (tmp_path / "zh" / "report.html").read_text(encoding="utf-8")
    # the exact tables are the same files in both languages
    for csv in (tmp_path / "zh" / "tables").glob("*.csv"):
        assert csv.read_bytes() == (tmp_path / "en" / "tables" / csv.name).read_bytes()
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "default: zh when most organisation names are Chinese" in re.sub(r"\s+", " ", capsys.readouterr().out)
