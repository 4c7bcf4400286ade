"""One request schema for the CLI and the HTTP service: same fields, same results, same errors."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ecograph.cli import main
from ecograph.errors import RequestError
from ecograph.schema import REQUEST_TYPES

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from ecograph.service import create_app  # noqa: E402

GOOD = [
    ("allocate", {"budget": "100.00", "unit": "0.01", "scores": {"a": 1, "b": "2/3"}, "floor": {"a": "10.00"}}),
    ("allocate", {"budget": 1000, "tree": {"root": ["d1", "d2"], "d1": ["c1", "c2"]}, "retain": {"root": "1/10"},
                  "scores": {"d1": 2, "d2": 1, "c1": 1, "c2": 3}}),
    ("allocate", {"seats": 10, "votes": {"A": 100, "B": 80, "C": 30}, "method": "sainte_lague"}),
    ("evaluate", {"units": {"a": {"x": 1, "y": 3}, "b": {"x": 2, "y": 1}, "c": {"x": 4, "y": 2}},
                  "ahp": {"matrix": [[1, 1 / 3], [3, 1]], "indicators": ["y", "x"]}, "thresholds": {"good": 0.5}}),
    ("evaluate", {"units": {"a": {"x": 1}, "b": {"x": 2}}, "quota": {"excellent": 0.5}}),
]

BAD = [
    ("allocate", {"budget": 100.5, "scores": {"a": 1}}, ["budget"], "is a float"),
    ("allocate", {"budget": "1" * 5000, "scores": {"a": 1}}, ["budget"], "at most 1000 are accepted"),
    ("allocate", {"budget": "1e5", "scores": {"a": 1}}, ["budget"], "is not an amount"),
    ("allocate", {"budget": 100, "scores": {"a": "1/0"}}, ["scores", "a"], "divides by zero"),
    ("allocate", {"budget": 100, "scores": ["a", "b"]}, ["scores"], "expected a mapping"),
    ("allocate", {"budget": 100, "scores": {"a": {"b": 1}}}, ["scores", "a"], "expected a number"),
    ("allocate", {"budget": 100, "scores": {"a": 1}, "flor": 1}, ["flor"], "unknown field 'flor'"),
    ("allocate", {"budget": 100, "tree": ["a"], "scores": {"a": 1}}, ["tree"], "expected a mapping"),
    ("allocate", {"seats": 5, "votes": {"a": 1}, "method": "hare"}, ["method"], "is not one of"),
    ("allocate", {"seats": -1, "votes": {"a": 1}}, ["seats"], "non-negative integer"),
    ("evaluate", {"units": {"a": {"x": 1}}, "ahp": {"force": True}}, ["ahp", "matrix"], "is required"),
    ("evaluate", {"units": {"a": {"x": 1, "y": 2}}, "ahp": {"matrix": [[1, 2], [0.5]]}}, ["ahp", "matrix", 1],
     "square"),
    ("evaluate", {"units": {"a": {"x": 1}}, "ahp": [[1]]}, ["ahp"], "expected a mapping with 'matrix'"),
    ("evaluate", {"units": {"a": {}, "b": {"x": 1}}}, ["units", "a"], "has no indicator values"),
    ("evaluate", {"units": {"a": {"x": 1}}, "attrs": []}, ["attrs"], "unknown field"),
    ("evaluate", {"units": {"a": {"x": 1}, "b": {"x": 2}}, "thresholds": {"good": 1e400 * 0}}, ["thresholds", "good"],
     "not a finite number"),
    ("grade", {"scores": {"a": float("inf")}, "thresholds": {"good": 1}}, ["scores", "a"], "not a finite number"),
    ("grade", {"scores": {"a": 1}, "thresholds": {"good": float("nan")}}, ["thresholds", "good"], "not a finite number"),
    ("grade", {"scores": {"a": 1}, "quota": {"best": 0.5}}, ["quota"], "is not one of"),
]


def cli(tmp_path: Path, name: str, request: dict, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(request), encoding="utf-8")  # Python's json writes NaN/Infinity as they are
    code = main([name, str(path)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(token="", workers=1))


@pytest.mark.parametrize("name, request_body", GOOD, ids=[f"{n}-{i}" for i, (n, _) in enumerate(GOOD)])
def test_cli_and_http_give_the_same_result(tmp_path, capsys, client, name, request_body):
    code, out, _ = cli(tmp_path, name, request_body, capsys)
    assert code == 0
    response = client.post(f"/{name}", json=request_body)
    assert response.status_code == 200, response.text
    assert json.loads(out) == response.json() == REQUEST_TYPES[name].run(json.loads(json.dumps(request_body)))


@pytest.mark.parametrize("name, request_body, loc, words", BAD, ids=[f"{b[0]}-{'.'.join(map(str, b[2]))}" for b in BAD])
def test_cli_and_http_refuse_with_the_same_one_line_error(tmp_path, capsys, client, name, request_body, loc, words):
    code, out, err = cli(tmp_path, name, request_body, capsys)
    assert code == 1 and out == ""
    response = client.post(f"/{name}", content=json.dumps(request_body), headers={"content-type": "application/json"})
    if "NaN" in json.dumps(request_body) or "Infinity" in json.dumps(request_body):
        # not JSON at all: both parsers refuse the constant itself, naming the file (body)
        assert err.count("\n") == 1 and "is not a JSON number" in err, err
        assert response.status_code == 422 and "is not a JSON number" in response.json()["detail"][0]["msg"]
        return
    assert err.count("\n") == 1 and "Traceback" not in err and words in err, err
    assert response.status_code == 422, response.text
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["body", *loc]
    assert detail["msg"] in err  # the CLI prefixes the file name, the message is the same


def test_nan_and_infinity_from_yaml_reach_the_schema_and_are_refused(tmp_path, capsys):
    path = tmp_path / "g.yaml"
    path.write_text("scores: {a: .nan, b: 1}\nthresholds: {good: .inf}\n", encoding="utf-8")
    assert main(["grade", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "g.yaml: field 'scores.a': nan is not a finite number" in err


def test_schema_error_carries_the_path():
    with pytest.raises(RequestError) as info:
        REQUEST_TYPES["allocate"].run({"budget": 10, "scores": {"a": 1}, "cap": {"a": 2.5}})
    assert info.value.loc == ["cap", "a"] and info.value.field == "cap.a"


def test_openapi_documents_every_request_type(client):
    paths = client.get("/openapi.json").json()["paths"]
    for name, request_type in REQUEST_TYPES.items():
        schema = paths[f"/{name}"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert schema == request_type.json_schema()
    allocate = paths["/allocate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {s["title"] for s in allocate["oneOf"]} == {"divisor apportionment", "cascade down a tree", "allocation by score"}


# ---------------------------------------------------------------------------------- service stalls (issue classes)
def test_sixty_thousand_invalid_scores_give_a_small_error_quickly(client):
    body = json.dumps({"budget": 100, "scores": {f"u{i:05d}": "x" for i in range(60_000)}})
    assert len(body) > 900_000
    app = TestClient(create_app(token="", workers=1, max_body_bytes=2_000_000))
    start = time.perf_counter()
    response = app.post("/allocate", content=body, headers={"content-type": "application/json"})
    elapsed = time.perf_counter() - start
    assert response.status_code == 422
    assert len(response.content) < 1000, len(response.content)
    assert response.json()["detail"][0]["loc"] == ["body", "scores", "u00000"]
    assert elapsed < 5, elapsed


def test_huge_decimal_strings_are_refused_before_conversion(client):
    digits = "9" * 300_000
    body = json.dumps({"budget": digits, "unit": digits, "scores": {"a": digits}})
    app = TestClient(create_app(token="", workers=1, max_body_bytes=2_000_000))
    start = time.perf_counter()
    response = app.post("/allocate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "300000 digits" in response.json()["detail"][0]["msg"]
    assert len(response.content) < 1000
    assert time.perf_counter() - start < 2


def test_long_json_number_is_refused_before_conversion(client):
    response = client.post("/allocate", content='{"budget": ' + "7" * 5000 + ', "scores": {"a": 1}}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422 and "5000 digits" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("body", [
    '{"budget": 100, "budget": 200, "scores": {"a": 1}}',  # duplicate key: last one used to win
    '{"budget": 100, "scores": {"a": 1, "a": 5}}',
])
def test_duplicate_keys_in_a_request_are_refused(client, body):
    response = client.post("/allocate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and "duplicate key" in response.json()["detail"][0]["msg"]


def test_not_utf8_and_not_json_are_422(client):
    assert client.post("/grade", content=b"\xff\xfe", headers={"content-type": "application/json"}).status_code == 422
    assert client.post("/grade", content=b"{", headers={"content-type": "application/json"}).status_code == 422
    assert client.post("/grade", content=b"[" * 10_000, headers={"content-type": "application/json"}).status_code == 422


def test_docs_page_works_offline(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    assert "https://" not in page.text and "<script" not in page.text
