"""CSV folders as planners export them: encodings, separators, blanks, typed headers."""

from __future__ import annotations

import codecs
import csv
import io
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import loaders
from ecograph.errors import LoadError
from loaders.csvdir import detect_encoding

DATA = Path(__file__).parent / "data" / "loaders"

ORGS = (
    "id,name,kind,staff,sme,founded,share,code,tags:list,budget_yuan,note\n"
    "c1,天津市生产力促进中心,productivity_center,24,是,2001-05-08,0.75,007,培训；咨询;检测,150000.50,\n"
    "f1,天津华达电子有限公司,enterprise,80,否,2010/3/1,1,012,,2000000,备注\n"
    "f2,天津新源科技有限公司,enterprise,,true,,,100,知识产权,,\n"
)
RELS = (
    "source,target,type,count,year,revenue,stages,since\n"
    "c1,f1,serves,3,2018,\"150,000.00\",,\n"
    "c1,f2,serves,1,2019,￥2500,,\n"
    "f1,assoc,member_of,,,,,2015\n"
)
ASSOC = "assoc,天津市电子行业协会,association,,,,,,,,\n"


def to_tabs(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerows(csv.reader(io.StringIO(text)))
    return out.getvalue()


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("gbk"),
        lambda t: t.encode("gb18030"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8-sig"),  # Excel line ends
        lambda t: codecs.BOM_UTF16_LE + to_tabs(t).encode("utf-16-le"),  # Excel "Unicode text"
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "crlf", "utf16-tabs"],
)
def test_planner_file_reads_the_same_in_every_encoding(tmp_path, encode):
    (tmp_path / "organizations.csv").write_bytes(encode(ORGS + ASSOC))
    (tmp_path / "relations.csv").write_bytes(encode(RELS))
    eco = loaders.read(tmp_path)
    c1, f1, f2 = eco.node("c1"), eco.node("f1"), eco.node("f2")
    assert c1["name"] == "天津市生产力促进中心" and c1["kind"] == "productivity_center"
    assert (c1["staff"], c1["sme"], f1["sme"], f2["sme"]) == (24, True, False, True)
    assert c1["founded"] == dt.date(2001, 5, 8) and f1["founded"] == dt.date(2010, 3, 1)
    assert c1["share"] == 0.75 and f1["share"] == 1.0 and type(f1["share"]) is float
    assert c1["code"] == "007" and f2["code"] == "100"  # a leading zero keeps the column text
    assert c1["tags"] == ["培训", "咨询", "检测"] and f2["tags"] == ["知识产权"]
    assert c1["budget_yuan"] == Decimal("150000.50") and f1["budget_yuan"] == Decimal("2000000")
    assert "staff" not in f2 and "note" not in c1 and f1["note"] == "备注"  # blank = missing
    serves = {v: d for _, v, _, d in eco.relations("serves")}
    assert serves["f1"]["revenue"] == Decimal("150000.00") and serves["f2"]["revenue"] == Decimal("2500")
    assert (serves["f1"]["year"], serves["f2"]["count"]) == (2018, 1)
    assert eco.members("assoc") == ["f1"]
    assert eco.name == tmp_path.name


def test_committed_gbk_folder():
    assert detect_encoding((DATA / "csv_gbk" / "organizations.csv").read_bytes()) == "gb18030"
    eco = loaders.read(DATA / "csv_gbk")
    assert eco.node("c1")["tags"] == ["培训", "咨询"] and eco.node("f1")["sme"] is False


def test_typed_headers_override_inference(tmp_path):
    (tmp_path / "organizations.csv").write_text(
        "id,name,zip:str,rate:decimal,count:float,opened:datetime,flags:list[bool],x:json\n"
        "a,甲,200120,0.10,3,2024-01-02T03:04:05+08:00,是;否,\"{\"\"$int\"\": \"\"9007199254740993\"\"}\"\n",
        encoding="utf-8",
    )
    node = loaders.read(tmp_path).node("a")
    assert node["zip"] == "200120" and node["rate"] == Decimal("0.10") and node["count"] == 3.0
    assert node["opened"].utcoffset() == dt.timedelta(hours=8)
    assert node["flags"] == [True, False] and node["x"] == 9007199254740993


def test_alliance_stages_file(tmp_path):
    (tmp_path / "organizations.csv").write_text(
        "id,name,kind\nbio,生物医药平台,alliance\nsndc,上海新药研究开发中心,research_institute\n", encoding="utf-8")
    (tmp_path / "alliances.csv").write_text(
        "alliance,stage,stage_name\nbio,discovery,药物发现\nbio,clinical,临床研究\n", encoding="utf-8")
    (tmp_path / "relations.csv").write_text(
        "source,target,type,stages,role\nsndc,bio,chain_member,discovery；clinical,anchor\n", encoding="utf-8")
    eco = loaders.read(tmp_path)
    chain = eco.chain("bio")
    assert chain.stages == ("discovery", "clinical") and chain.anchor == "sndc"
    assert eco.node("bio")["stage_names"] == ["药物发现", "临床研究"]
    assert chain.members["sndc"] == ("discovery", "clinical")


def test_alliance_file_problems(tmp_path):
    (tmp_path / "organizations.csv").write_text("id,name,kind,stages\nbio,平台,alliance,a;b\n", encoding="utf-8")
    (tmp_path / "alliances.csv").write_text(
        "alliance,stage,stage_name\nbio,discovery,药物发现\nbio,clinical,\nghost,x,\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        loaders.read(tmp_path)
    messages = [p.message for p in info.value.problems]
    assert any("stage_name for every stage" in m and "line 3" in m for m in messages)
    assert any("stages given both here and in alliances.csv" in m for m in messages)
    assert any("'ghost' is not in organizations.csv" in m for m in messages)


def test_header_problems(tmp_path):
    (tmp_path / "organizations.csv").write_text("name,staff:integer,staff,\na,1,2,\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        loaders.read(tmp_path)
    messages = " | ".join(p.message for p in info.value.problems)
    assert "unknown column type 'integer'" in messages
    assert "column 'staff' appears twice" in messages
    assert "column 4 has no name" in messages
    assert "missing the column 'id'" in messages
    assert [p.line for p in info.value.problems] == [1, 1, 1, 1]  # the missing column, not each row again


def test_writer_emits_typed_headers_and_excel_bom(tmp_path):
    eco = loaders.load_dataset("tianjin_centers", n_centres=3)
    loaders.write(eco, tmp_path, format="csv")
    raw = (tmp_path / "organizations.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:4] == ["id", "name", "kind", "sector"]
    assert "total_assets:decimal" in header and "iso9001:bool" in header and "years_registered:int" in header
    loaders.write(eco, tmp_path / "gbk", format="csv", encoding="gb18030")
    assert loaders.read(tmp_path / "gbk") == eco


def test_ragged_rows_are_reported(tmp_path):
    (tmp_path / "organizations.csv").write_text("id,name\na,甲,extra\nb\n", encoding="utf-8")
    with pytest.raises(LoadError, match="line 2: 3 cells but only 2 columns"):
        loaders.read(tmp_path)


def test_bom_with_explicit_utf8(tmp_path):
    (tmp_path / "organizations.csv").write_bytes("id,name\na,甲\n".encode("utf-8-sig"))
    assert loaders.read(tmp_path, encoding="utf-8").node("a")["name"] == "甲"
