"""Planner-friendly input: Chinese headers and vocabulary, hints for mistakes, Excel workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

import loaders
from ecograph.errors import LoadError
from ecograph.labels import FIELD_LABELS, KIND_LABELS, RELATION_LABELS, RING_LABELS, SECTOR_LABELS, canonical
from ecograph.model import DEFAULT_KINDS, DEFAULT_RELATIONS, RINGS, SECTORS

EXAMPLES = Path(__file__).parent.parent / "examples" / "data"

# examples/data/planner_csv written the way a Chinese planner would: Chinese headers and names.
ORGS_ZH = (
    "编号,名称,类型,行业,中小企业,员工人数,成立时间,revenue_yuan,products:list\n"
    "motor_centre,国家中小型电机及系统工程技术研究中心,科研院所,motor,,120,2009-01-01,,\n"
    "motor_qc,国家中小电机质量监督检验中心,服务机构,motor,,45,,,\n"
    "motor_assoc,中国电器工业协会中小型电机分会,行业协会,motor,,,,,\n"
    "motor_platform,上海中小型电机及系统技术创新服务平台,平台,motor,,,,,\n"
    "shu,上海大学,高校,,,,,,\n"
    "firm_a,浙江金龙电机股份有限公司,企业,motor,否,860,1993-05-18,123456789.50,YX3；NEMA Premium\n"
    "firm_b,常州华达电机有限公司,企业,motor,是,85,2004/3/1,5600000,YX3\n"
    "stcsm,上海市科学技术委员会,政府,,,,,,\n"
)
RELS_ZH = (
    "起点,终点,关系,圈层,服务次数,年份,收入,服务内容,加入年份\n"
    "motor_centre,motor_platform,圈层成员,核心,,,,,\n"
    "motor_qc,motor_platform,圈层成员,核心圈,,,,,\n"
    "motor_assoc,motor_platform,圈层成员,核心圈,,,,,\n"
    "shu,motor_platform,圈层成员,协同创新圈,,,,,\n"
    "firm_a,motor_platform,圈层成员,协同创新圈,,,,,\n"
    "firm_b,motor_platform,圈层成员,辐射圈,,,,,\n"
    'motor_centre,firm_a,服务,,12,2011,"350,000.00",研发与检测,\n'
    "firm_b,motor_assoc,会员,,,,,,2008\n"
    "stcsm,motor_platform,资助,,,2011,,,\n"
)
ENGLISH_HEADERS = {"中小企业": "sme", "员工人数": "staff", "成立时间": "founded", "行业": "industry"}


def planner_folder(tmp_path: Path, orgs: str = ORGS_ZH, rels: str = RELS_ZH) -> Path:
    folder = tmp_path / "planner_csv"
    folder.mkdir()
    (folder / "organizations.csv").write_text(orgs, encoding="utf-8")
    (folder / "relations.csv").write_text(rels, encoding="utf-8")
    return folder


def problems(path: Path) -> list[LoadError]:
    with pytest.raises(LoadError) as info:
        loaders.read(path)
    return info.value.problems


def test_every_label_reads_back_as_its_key():
    for category, table, keys in (("kind", KIND_LABELS, DEFAULT_KINDS), ("sector", SECTOR_LABELS, SECTORS),
                                  ("ring", RING_LABELS, RINGS), ("type", RELATION_LABELS, DEFAULT_RELATIONS),
                                  ("field", FIELD_LABELS, FIELD_LABELS)):
        for key in keys:  # every key of the vocabulary has both labels, and each label means it
            zh, en = table[key]
            assert canonical(category, zh) == key and canonical(category, en) == key and canonical(category, key) == key


def test_chinese_headers_and_vocabulary_give_the_english_file(tmp_path):
    english = loaders.read(EXAMPLES / "planner_csv")
    chinese = loaders.read(planner_folder(tmp_path))
    assert chinese == english
    assert chinese.node("shu")["kind"] == "university" and chinese.node("stcsm")["kind"] == "government"
    assert chinese.rings("motor_platform")["collaboration"] == ["shu", "firm_a"]


def test_a_misspelt_kind_is_one_problem_with_a_suggestion(tmp_path):
    orgs = "id,name,kind\na,甲,enterprize\nb,乙,enterprize\nc,丙,企 业\nd,丁,univeristy\n"
    rels = "source,target,type\na,b,serves\nb,c,serves\nd,a,serves\n"
    found = problems(planner_folder(tmp_path, orgs, rels))
    messages = [p.message for p in found]
    # one per root mistake: the relations of refused organisations are not reported again
    assert len(found) == 3, messages
    assert "'enterprize': did you mean 'enterprise'?" in messages[0] and "also on line 3" in messages[0]
    assert found[0].line == 2 and found[0].field == "kind"
    assert "did you mean 'enterprise' (企业)?" in messages[1]
    assert "'univeristy': did you mean 'university'?" in messages[2]


def test_a_misspelt_relation_type_and_ring(tmp_path):
    orgs = "编号,名称,类型\np,平台,平台\na,甲,企业\nb,乙,企业\n"
    rels = "起点,终点,关系,圈层\na,b,colaborates,\nb,a,colaborates,\na,p,圈层成员,辐射\n"
    messages = [p.message for p in problems(planner_folder(tmp_path, orgs, rels))]
    assert len(messages) == 2, messages
    assert "'colaborates': did you mean 'collaborates'?" in messages[0] and "also on line 3" in messages[0]
    assert "unknown ring '辐射': did you mean 'radiation' (辐射圈)?" in messages[1]


def test_spaces_around_words_and_ids_are_pointed_out(tmp_path):
    orgs = "id,name,kind,sector\na ,甲,enterprise,\nb,乙,enterprise ,\nc,丙, 高校,academia\nd,丁,enterprise,industry\n"
    rels = "source,target,type\na,d,serves\nd,c,serves\nd ,b,serves\n"
    found = problems(planner_folder(tmp_path, orgs, rels))
    messages = [p.message for p in found]
    assert [(p.line, p.field) for p in found] == [(2, "id"), (3, "kind"), (4, "kind"), (4, "source")], messages
    assert "id 'a ' has a trailing space; remove it" in messages[0]
    assert "kind 'enterprise ' has a trailing space; remove it" in messages[1]
    assert "kind ' 高校' has a leading space; remove it" in messages[2]
    assert "source 'd ' has a trailing space; remove it (the organisation is 'd')" in messages[3]


def test_a_dangling_id_gets_the_closest_organisation(tmp_path):
    orgs = "id,name\nfirm_alpha,甲\nfirm_beta,乙\n"
    rels = "source,target,type\nfirm_alpah,firm_beta,serves\nfirm_alpah,firm_beta,collaborates\n"
    found = problems(planner_folder(tmp_path, orgs, rels))
    assert len(found) == 1 and "did you mean 'firm_alpha'?" in found[0].message
    assert "also on line 3" in found[0].message


def test_a_missing_column_is_one_problem_not_one_per_row(tmp_path):
    orgs = "编 号,名称,类型\n" + "".join(f"f{i},企业{i},企业\n" for i in range(30))
    found = problems(planner_folder(tmp_path, orgs, "起点,终点\n"))
    messages = [p.message for p in found]
    assert len(found) == 2, messages
    assert "missing the column 'id' (编号)" in messages[0] and "did you write '编 号' for '编号'?" in messages[0]
    assert "missing the column 'type' (关系)" in messages[1] and found[1].line == 1


# ---------------------------------------------------------------------------- Excel
def workbook_from_csv(folder: Path, path: Path, sheet_names: dict[str, str]) -> None:
    """The CSV folder as a planner's workbook: native numbers, dates and booleans where Excel
    would store them."""
    import csv

    book = openpyxl.Workbook()
    book.remove(book.active)
    for file, sheet_name in sheet_names.items():
        sheet = book.create_sheet(sheet_name)
        with (folder / file).open(encoding="utf-8-sig") as handle:
            for number, row in enumerate(csv.reader(handle)):
                sheet.append([row_value(cell) if number else cell for cell in row])
    book.save(path)


def row_value(cell: str) -> object:
    if cell in ("是", "否"):
        return cell == "是"
    if cell.isdigit() and not cell.startswith("0"):
        return int(cell)
    try:
        return dt.datetime.fromisoformat(cell)
    except ValueError:
        return cell or None


def test_a_workbook_reads_like_its_csv_folder(tmp_path):
    folder = planner_folder(tmp_path)
    book = tmp_path / "规划.xlsx"
    workbook_from_csv(folder, book, {"organizations.csv": "机构", "relations.csv": "关系"})
    english = loaders.read(EXAMPLES / "planner_csv")
    chinese = loaders.read(book)
    assert chinese.name == "规划"  # named after the workbook, as a folder names its ecosystem
    english.name = chinese.name
    assert chinese == english


def test_workbook_problems_name_the_sheet_and_row(tmp_path):
    folder = planner_folder(tmp_path, ORGS_ZH.replace("科研院所", "科研院"), RELS_ZH.replace("shu,", "shu ,"))
    book = tmp_path / "bad.xlsx"
    workbook_from_csv(folder, book, {"organizations.csv": "organizations", "relations.csv": "relations"})
    found = problems(book)
    assert [(p.line, p.field) for p in found] == [(2, "kind"), (5, "source")]
    assert found[0].message.startswith(f"{book}, sheet 'organizations', row 2: ")
    assert "did you mean 'research_institute' (科研院所)?" in found[0].message
    assert found[1].message.startswith(f"{book}, sheet 'relations', row 5: ")


def test_workbook_without_organisations_or_not_a_workbook(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.save(tmp_path / "empty.xlsx")
    with pytest.raises(LoadError, match="no sheet named organizations / organisations / 机构 / 组织"):
        loaders.read(tmp_path / "empty.xlsx")
    (tmp_path / "fake.xlsx").write_text("id,name\n", encoding="utf-8")
    with pytest.raises(LoadError, match="not a readable Excel workbook"):
        loaders.read(tmp_path / "fake.xlsx")


@pytest.mark.parametrize("source", ["shanghai_biopharma", "pudong_policy", "example"])
def test_workbook_round_trip(tmp_path, source):
    eco = loaders.read(EXAMPLES / "ecosystem.yaml") if source == "example" else loaders.load_dataset(source)
    path = tmp_path / "eco.xlsx"
    loaders.write(eco, path)
    assert loaders.read(path) == eco


def test_validate_command_reads_a_workbook(tmp_path, capsys):
    from ecograph.cli import main

    folder = planner_folder(tmp_path)
    book = tmp_path / "eco.xlsx"
    workbook_from_csv(folder, book, {"organizations.csv": "机构", "relations.csv": "关系"})
    assert main(["validate", str(book)]) == 0
    assert "8 organisations, 9 relations" in capsys.readouterr().out
