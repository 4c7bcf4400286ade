"""``report --lang zh|en``: Chinese titles, prose, headers and labels on every built-in dataset;
numbers in summary.md rounded for reading but equal to the exact values of report.json; English
still available; report.json the same in both languages apart from titles."""

from __future__ import annotations

import json
from decimal import Decimal
import random
import re
from pathlib import Path

import pytest

from ecograph.cli import main
from ecograph.labels import EXTENDED_KIND_LABELS, INDUSTRY_LABELS, KIND_LABELS, RELATION_LABELS, is_chinese
from ecograph.report import SECTIONS, build, render_json, render_markdown
from ecograph.report.phrases import TEXT, default_lang, is_money, is_rate
from ecograph.report.writers import shown_columns
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
    return build(eco, lang="zh", sections=ANALYSES), build(eco, lang="en", sections=ANALYSES), attributes, eco


def _cjk_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(bool(CJK.match(c)) for c in letters) / max(len(letters), 1)


def test_chinese_is_the_default_for_every_builtin_dataset(reports) -> None:
    zh, *_ = reports
    assert zh.lang == "zh" and zh.title.startswith("生态系统分析报告")


def test_zh_titles_prose_and_headers_are_chinese(reports) -> None:
    zh, en, attributes, _ = reports
    for section in zh.sections:
        assert CJK.search(section.title), section.title
        assert not any(section.title.startswith(en) for en in ENGLISH_TITLES), section.title
    prose = "\n".join(section.text for section in zh.sections)
    assert _cjk_share(prose) > 0.6, prose
    markdown = render_markdown(zh)
    headers = re.findall(r"^\| (.+) \|\n\|(?:---\|)+$", markdown, flags=re.M)
    assert len(headers) == len(re.findall(r"^\| (.+) \|\n\|(?:---\|)+$", render_markdown(en), flags=re.M))
    for header in headers:  # the report's own columns are Chinese; the data's attributes keep their names
        english = [c for c in header.split(" | ") if not CJK.search(c) and c not in attributes]
        assert not english, (header, english)
    assert "PageRank" in markdown and not re.search(r"PageRank(?!（影响力）)", markdown + prose)  # one Chinese label
    # the vocabulary shows as its Chinese labels from the one label table
    for kind_row in next((s.tables["by_kind"] for s in zh.sections if "by_kind" in s.tables), []):
        labels = {**KIND_LABELS, **EXTENDED_KIND_LABELS}
        assert f"| {labels.get(kind_row['kind'], (kind_row['kind'],))[0]} |" in markdown


def _preview_tables(markdown: str) -> dict[str, tuple[str, list[str], list[list[str]]]]:
    """Table name (its CSV's) -> caption, headers and previewed rows (cells as text) of a summary.md."""
    tables = {}
    for caption, name, body in re.findall(r"^\*\*(.+?)\*\* ?[（(].*\(tables/(\w+)\.csv\).*\n\n((?:\|.*\n)+)", markdown,
                                          flags=re.M):
        lines = body.strip("\n").split("\n")
        rows = [[c.strip() for c in line.strip("|").split(" | ")] for line in lines[2:] if not line.startswith("| …")]
        tables[name] = (caption, [c.strip() for c in lines[0].strip("|").split(" | ")], rows)
    return tables


def test_numbers_in_the_zh_summary_agree_with_report_json(reports) -> None:
    zh, en, *_ = reports
    exact = {name: rows for s in json.loads(render_json(zh))["sections"] for name, rows in s["tables"].items()}
    shown = _preview_tables(render_markdown(zh))
    assert shown and set(shown) <= set(exact)
    checked = 0
    for name, (_, headers, rows) in shown.items():
        columns = shown_columns(exact[name], zh.names, "zh")
        assert len(columns) == len(headers), name
        for cells, row in zip(rows, exact[name]):
            for cell, header, column in zip(cells, headers, columns):
                value = row.get(column)
                if is_money(column) and value is not None:  # shown in 万元, two decimals; exact yuan in the file
                    assert header.endswith("（万元）"), (name, header)
                    assert abs(float(cell.replace(",", "")) * 10000 - float(value)) <= 50, (name, cell, value)
                    checked += 1
                    continue
                if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
                    continue
                if is_rate(column):  # a share or growth rate in per cent, one decimal
                    assert cell.endswith("%"), (name, cell, value)
                    assert abs(float(cell.removesuffix("%").replace(",", "")) - 100 * value) <= 0.05 + 1e-9, (name, cell, value)
                    checked += 1
                    continue
                read = float(cell.replace(",", "").removesuffix(" (并列)"))
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


def test_tables_show_names_where_they_hold_organisation_ids(reports) -> None:
    zh, en, _, eco = reports
    named = {org: eco.node(org)["name"] for org in eco.nodes() if eco.node(org).get("name") not in (None, org)}
    for report in (zh, en):
        cells = [cell for _, _, rows in _preview_tables(render_markdown(report)).values() for row in rows for cell in row]
        assert cells
        for cell in cells:  # the oracle: the ecosystem's own ids, alone or in a list
            assert not any(part.strip() in named for part in re.split(r"[;、]", cell)), (report.lang, cell)
    data = json.loads(render_json(zh))  # the files keep the ids
    kept = {v for s in data["sections"] for rows in s["tables"].values() for row in rows for v in row.values()
            if isinstance(v, str)}
    assert kept & set(named)


def test_report_json_does_not_change_with_the_language(reports) -> None:
    zh, en, *_ = reports
    data = {lang: json.loads(render_json(r)) for lang, r in (("zh", zh), ("en", en))}
    assert [s["tables"] for s in data["zh"]["sections"]] == [s["tables"] for s in data["en"]["sections"]]


def test_en_still_works(reports) -> None:
    _, en, *_ = reports
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


def test_zh_has_no_english_captions_stage_names_or_prose(reports) -> None:
    zh, en, *_ = reports
    markdown = render_markdown(zh)
    shown = _preview_tables(markdown)
    for name, rows in zh.tables().items():  # every table has a Chinese caption, not its key
        assert name not in re.sub(r"\(tables/\w+\.csv\)", "", markdown), name
        if not rows:
            continue
        assert re.search(rf"^\*\*[^*]*[\u3400-\u9fff][^*]*\*\*（.*\(tables/{name}\.csv\)", markdown, flags=re.M), name
    for name, (caption, headers, rows) in shown.items():
        assert caption != name and CJK.search(caption), (name, caption)
        for header in headers:  # <attribute>_<year> reads "<year>年…"
            assert not re.fullmatch(r"[a-z_]+_\d{4}(_[a-z_]+)?", header), (name, header)
    prose = "\n".join(section.text for section in zh.sections)
    for english in ("tied to", "year ", "applications over", "per claim", "fewer contacts"):
        assert english not in prose, english
    for english in ("tied to", "back up", "fill gap", "declares capability", "registered in", "organisations |",
                    "| entered |", "| added |", "| excellent |", "research_institute 1", "| core |"):
        assert english not in markdown, english  # reasons, purposes, changes, grades, ring compositions
    exact = json.loads(render_json(zh))
    for alliance in (a for a in load_dataset(zh_dataset(zh)).alliances()):
        eco = load_dataset(zh_dataset(zh))
        names = dict(zip(eco.node(alliance)["stages"], eco.node(alliance).get("stage_names") or []))
        coverage = next(s["tables"][f"chain_{alliance}_coverage"] for s in exact["sections"]
                        if f"chain_{alliance}_coverage" in s["tables"])
        _, _, rows = shown[f"chain_{alliance}_coverage"]
        for row, cells in zip(coverage, rows):  # the id in report.json, the stage's Chinese name in the report
            assert row["stage"] in names and cells[0] == names[row["stage"]], (row["stage"], cells[0])
        assert all(stage not in prose for stage in names if stage.isascii()), prose


def zh_dataset(report) -> str:
    """The built-in dataset a report was built from (by its title)."""
    return next(name for name in DATASETS if report.title.endswith(load_dataset(name).attrs["title_zh"]))


def test_titles_are_the_datasets_names_in_each_language(reports) -> None:
    zh, en, *_ = reports
    eco = load_dataset(zh_dataset(zh))
    assert zh.title == f"生态系统分析报告：{eco.attrs['title_zh']}" and CJK.search(eco.attrs["title_zh"])
    assert en.title == f"ecograph report: {eco.attrs['title_en']}" and not CJK.search(eco.attrs["title_en"])


def test_en_prose_of_changes_and_action_is_english(reports) -> None:
    _, en, *_ = reports
    checked = [s for s in en.sections if s.title.startswith(("Changes", "The 百千万 action"))]
    for section in checked:
        assert section.text and _cjk_share(section.text) < 0.05, section.text


@pytest.mark.parametrize("n", [0, 1, 2, 9_999, 10_000, 10_001, 20_000, 25_001])
@pytest.mark.parametrize("share", [0.0, 0.5, 0.7, 1.0])
def test_default_lang_stops_early_with_the_full_counts_answer(n, share):
    rng = random.Random(n)
    names = ["上海电机" if rng.random() < share else "Acme" for _ in range(n)]
    chinese = sum(is_chinese(name) for name in names)  # the oracle counts every name
    assert default_lang(names) == ("zh" if chinese * 2 > n else "en")


def test_english_reports_have_no_plural_slips(reports) -> None:
    _, en, *_ = reports
    text = render_markdown(en) + "\n".join(section.text for section in en.sections)
    assert "(s)" not in text and not re.search(r"(?<![\d.,])\b1 (?:organisations|members|relations|rows|units|levels|"
                                               r"stages|districts|centres|pairs|groups|periods|hops)\b", text)


def test_english_counts_agree_with_their_nouns() -> None:
    from ecograph.report.phrases import _COUNTED, say

    for key, (_, template) in TEXT.items():  # the oracle: each counted noun with one and with two
        counted = [m[3] for m in _COUNTED.finditer(template)]
        if not counted:
            continue
        for n in (1, 2):
            said = say(key, "en", **{name: n for name in re.findall(r"\{(\w+)", template)})
            for noun in counted:
                plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
                assert re.search(rf"\b{n} {noun if n == 1 else plural}(?![a-z])", said), (key, said)


def test_district_tables_say_district_not_circle_layer(reports) -> None:
    zh, en, _, eco = reports
    for report, header in ((zh, "现有片区"), (en, "current district")):
        tables = _preview_tables(render_markdown(report))
        if "district_proposal_confusion" not in tables:
            continue
        _, headers, rows = tables["district_proposal_confusion"]
        assert headers[0] == header and all(h != "申报圈层" for h in headers)
        districts = {eco.node(d)["name"] for d in eco.nodes("district")}  # the oracle: the districts' names
        assert {row[0] for row in rows} <= districts and rows


def test_zh_headers_name_what_the_columns_hold() -> None:
    from ecograph.report.phrases import column

    # a column in the sense of its table: reach counts target firms, societies reach provinces
    assert column("target", "zh") == "触达目标企业数" and column("target_share", "zh") == "目标企业触达率"
    assert column("radiation_share", "zh") == "辐射省份占比" and column("outside_share", "zh") == "组外会员占比"
    assert column("from", "zh") == "起点圈层"


def test_zh_shows_matching_codes_and_group_captions_in_chinese(reports) -> None:
    from ecograph.matching import REFUSAL_LABELS, STATUS_LABELS

    zh, *_ = reports
    tables = _preview_tables(render_markdown(zh))
    codes = set(STATUS_LABELS) | set(REFUSAL_LABELS)
    for name, (caption, _, rows) in tables.items():
        assert not re.search(r"[A-Za-z]{3,}", caption.replace("Jaccard", "")), (name, caption)
        assert not codes & {cell for row in rows for cell in row}, name


def test_zh_growth_measures_are_labelled(reports) -> None:
    from ecograph.labels import MEASURE_LABELS

    zh, *_ = reports
    exact = {name: rows for s in json.loads(render_json(zh))["sections"] for name, rows in s["tables"].items()}
    for name, (_, headers, rows) in _preview_tables(render_markdown(zh)).items():
        if "指标" not in headers or not name.endswith("_growth"):
            continue
        at = headers.index("指标")
        for cells, row in zip(rows, exact[name]):  # the oracle: each row's measure key in the label table
            zh_label, _ = MEASURE_LABELS.get(row["measure"], (row["measure"], None))
            assert cells[at] == zh_label and not re.fullmatch(r"[a-z_]+", cells[at]), (name, cells[at])


def test_a_column_of_ids_shown_as_names_is_headed_as_names(reports) -> None:
    zh, *_ = reports
    exact = {name: rows for s in json.loads(render_json(zh))["sections"] for name, rows in s["tables"].items()}
    for name, (_, headers, rows) in _preview_tables(render_markdown(zh)).items():
        columns = shown_columns(exact[name], zh.names, "zh")
        if "id" in columns:  # the oracle: the ids of the table, all organisations with a name
            assert all(row.get("id") in zh.names for row in exact[name])
            assert headers[columns.index("id")] == "名称", name


def test_zh_tables_word_rules_and_rewards_instead_of_codes(reports) -> None:
    """A Chinese page shows a rule's wording, not its id, and a reward in 万元; the files keep both."""
    zh, *_ = reports
    markdown = render_markdown(zh)
    exact = {name: rows for s in json.loads(render_json(zh))["sections"] for name, rows in s["tables"].items()}
    for name, rows in exact.items():
        for row in rows:
            if row.get("rule") and row.get("text"):
                assert f"| {row['rule']} |" not in markdown, (name, row["rule"])
            if row.get("reward_yuan") is not None:  # exact yuan in the file, 万元 on the page
                assert f"| {Decimal(row['reward_yuan']) / 10000:,.2f}".rstrip("0").rstrip(".") + " |" in markdown
    assert " yuan" not in markdown


def test_every_industry_code_of_the_data_has_a_chinese_label(reports) -> None:
    """The zh tables show industries by name: every industry code a firm carries is labelled."""
    *_, eco = reports
    codes = {eco.node(org).get("industry") for org in eco.nodes()} - {None}
    for code in codes:
        assert is_chinese(code) or is_chinese(INDUSTRY_LABELS[code][0]), code


def test_zh_headers_of_a_table_are_distinct(reports) -> None:
    """No two columns of a Chinese table share a header (a count of members is not headed like a list)."""
    zh, *_ = reports
    for _, headers, _ in _preview_tables(render_markdown(zh)).values():
        assert len(set(headers)) == len(headers), headers
