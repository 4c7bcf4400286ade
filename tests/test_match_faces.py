"""`ecograph match` (CSV, XLSX, JSON, request files) and `POST /match`: the same rows as eg.match,
the same schema, limits and one-line errors."""

from __future__ import annotations

import csv
import json

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

import ecograph as eg
from ecograph.cli import main
from ecograph.matching import MATCH_COLUMN_LABELS, STATUS_LABELS
from ecograph.schema import REQUEST_TYPES
from ecograph.service import create_app
from loaders.datasets import load_dataset

ARGS = ["--dataset", "cast_service_action", "--param", "n_problems=80"]


@pytest.fixture(scope="module")
def expected():
    return eg.match(load_dataset("cast_service_action", n_problems=80), capacity=1, hops=2).rows()


def as_text(column, value):
    if value is None:
        return ""
    if column == "status":
        return STATUS_LABELS[value][0]
    return str(value)


def test_cli_writes_the_assignment_as_csv(tmp_path, expected, capsys):
    out = tmp_path / "对接.csv"
    assert main(["match", *ARGS, "--capacity", "1", "--hops", "2", "-o", str(out)]) == 0
    assert "match: 80 of 80 problems matched" in capsys.readouterr().err
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [zh for zh, _ in MATCH_COLUMN_LABELS.values()]
    assert len(rows) == len(expected) + 1
    for want, got in zip(expected, rows[1:]):
        assert got == [as_text(c, want[c]) for c in MATCH_COLUMN_LABELS]


def test_cli_writes_xlsx_and_json(tmp_path, expected):
    book = tmp_path / "assignment.xlsx"
    assert main(["match", *ARGS, "--capacity", "1", "--hops", "2", "--lang", "en", "-o", str(book)]) == 0
    sheet = load_workbook(book).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [en for _, en in MATCH_COLUMN_LABELS.values()]
    for want, got in zip(expected, values[1:], strict=True):
        for column, cell in zip(MATCH_COLUMN_LABELS, got):
            value = STATUS_LABELS[want[column]][1] if column == "status" else want[column]
            assert cell == value, column
    data = tmp_path / "assignment.json"
    assert main(["match", *ARGS, "--capacity", "1", "--hops", "2", "-o", str(data)]) == 0
    assert json.loads(data.read_text(encoding="utf-8")) == expected


REQUEST = {
    "problems": {"p1": {"name": "芯片封装良率", "fields": ["集成电路"], "enterprise": "f1"},
                 "p2": {"name": "视觉检测", "fields": ["机器视觉", "集成电路"], "enterprise": "f2"},
                 "p3": {"name": "卫星载荷", "fields": ["卫星应用"], "enterprise": "f2"}},
    "experts": {"x1": {"name": "张伟", "fields": ["集成电路"], "societies": ["s1"], "province": "江苏",
                       "region": "长三角", "capacity": 1},
                "x2": {"name": "李娜", "fields": ["机器视觉"], "societies": ["s2"], "province": "广东"}},
    "enterprises": {"f1": {"name": "苏州某电子", "served_by": ["s1"], "province": "江苏", "region": "长三角"},
                    "f2": {"name": "深圳某智能", "province": "广东", "region": "粤港澳大湾区",
                           "radiation_provinces": ["广东", "江苏"]}},
    "societies": {"s1": {"name": "中国电子学会"}, "s2": {"name": "中国人工智能学会"}},
}


def request_as_ecosystem() -> eg.Ecosystem:
    eco = eg.Ecosystem(name="request")
    for s, v in REQUEST["societies"].items():
        eco.add_org(s, v["name"], kind="society")
    for f, v in REQUEST["enterprises"].items():
        eco.add_org(f, v["name"], **{k: v.get(k) for k in ("province", "region", "radiation_provinces")})
        for s in v.get("served_by", []):
            eco.add_relation(s, f, "serves")
    for p, v in REQUEST["problems"].items():
        eco.add_org(p, v["name"], kind="problem", fields=v["fields"])
        eco.add_relation(v["enterprise"], p, "poses")
    for x, v in REQUEST["experts"].items():
        eco.add_org(x, v["name"], kind="expert", **{k: v.get(k) for k in ("fields", "capacity", "province", "region")})
        for s in v["societies"]:
            eco.add_relation(x, s, "member_of")
    return eco


@pytest.fixture
def client():
    return TestClient(create_app(max_body_bytes=4096, token=""))


def test_http_match_equals_the_library(client):
    response = client.post("/match", json=REQUEST)
    assert response.status_code == 200
    body = response.json()
    m = eg.match(request_as_ecosystem())
    assert body["summary"] == m.summary()
    rows = [{k: v for k, v in r.items() if k != "reasons_en"} for r in body["rows"]]
    assert rows == m.rows()
    assert body["rows"][2]["reasons_en"] == "no expert in field 卫星应用 within capacity"
    assert "/match" in client.get("/openapi.json").json()["paths"]


def test_cli_request_file_gives_the_http_rows(tmp_path, client):
    path = tmp_path / "request.json"
    path.write_text(json.dumps(REQUEST, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["match", "--request", str(path), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == client.post("/match", json=REQUEST).json()["rows"]


@pytest.mark.parametrize("change, loc, message", [
    ({"capacity": -1}, ["body", "capacity"], "field 'capacity': expected an integer from 0 to 1000"),
    ({"weights": {"price": 1}}, ["body", "weights"], "'price' is not one of"),
    ({"problems": {"p": {"fields": "集成电路"}}}, ["body", "problems", "p", "fields"], "expected a list"),
    ({"problems": {"p": {"fields": ["a"], "enterprise": "f9"}}}, ["body", "problems", "p", "enterprise"],
     "'f9' is not an id of 'enterprises'"),
    ({"colour": "red"}, ["body", "colour"], "unknown field 'colour'"),
])
def test_http_and_cli_refuse_the_same_way(client, tmp_path, change, loc, message, capsys):
    bad = {**REQUEST, **change}
    response = client.post("/match", json=bad)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == loc and message in detail["msg"]
    with pytest.raises(Exception, match=message.replace("(", r"\(").replace(")", r"\)")):
        REQUEST_TYPES["match"].run(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert main(["match", "--request", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and str(path) in err[0]


def test_too_many_pairs_is_refused_before_they_are_built():
    crowd = {"problems": {f"p{i}": {"fields": ["集成电路"]} for i in range(6000)},
             "experts": {f"x{i}": {"fields": ["集成电路"]} for i in range(6000)}}
    response = TestClient(create_app(token="")).post("/match", json=crowd)  # 0.3 MB: under the body limit
    assert response.status_code == 422
    assert "up to 36,000,000 compatible (problem, expert) pairs; at most 30,000,000" in response.json()["detail"][0]["msg"]


def test_http_body_limit_applies_to_match(client):
    big = {**REQUEST, "problems": {f"p{i}": {"fields": ["集成电路"] * 5} for i in range(200)}}
    assert client.post("/match", json=big).status_code == 413


def test_cli_errors_are_one_line(tmp_path, capsys):
    for argv, message in (
        (["match", *ARGS, "--capacity", "-1"], "field 'capacity': expected an integer from 0 to 1000"),
        (["match", *ARGS, "--weight", "region=x"], "field 'weights.region': expected a number"),
        (["match", *ARGS, "-o", str(tmp_path / "x.pdf")], "expected a .csv, .xlsx or .json file"),
        (["match", "--request", str(tmp_path / "missing.json")], "cannot read"),
        (["match", "--request", "r.json", "--dataset", "cast_service_action"], "not both"),
    ):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], (argv, err)
    with pytest.raises(SystemExit) as exit_info:
        main(["match", "--help"])
    assert exit_info.value.code == 0
    assert "technical problem" in capsys.readouterr().out


def test_the_assignment_does_not_depend_on_the_hash_seed():
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "ecograph", "match", *ARGS], capture_output=True, env=env,
                              timeout=300, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") == 81
