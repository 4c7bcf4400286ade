"""Fuzzing harness: random and mutated inputs through every door.

Property, for every input format, for random command lines and for random HTTP bodies:
**a result, or an EcographError with a one-line message** — never another exception, never a
traceback from the CLI, never a 500 from the service, never a partial ecosystem (a returned
ecosystem passes its own validation).

The harness is bounded for CI: the derandomised "ci" hypothesis profile (tests/conftest.py) and
``max_examples`` below keep the whole file near a minute on two cores. For a longer search:
``HYPOTHESIS_PROFILE=explore pytest tests/test_fuzz.py``. A finding becomes an explicit
regression test in tests/test_hardening.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import loaders
from ecograph import Ecosystem
from ecograph.cli import run as run_cli
from ecograph.errors import EcographError
from ecograph.schema import REQUEST_TYPES

# ten times the examples when exploring (HYPOTHESIS_PROFILE=explore), bounded otherwise
_EXAMPLES = 600 if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else 60
FUZZ = settings(max_examples=_EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SUFFIXES = ["eco.yaml", "eco.json", "folder", "eco.graphml", "eco.gexf"]


def seed_ecosystem() -> Ecosystem:
    """Small, but with every kind of section and value the formats encode."""
    eco = Ecosystem(name="种子", budget=Decimal("100.00"))
    eco.add_org("p", "电机平台", kind="platform")
    eco.add_org("c", "中心", kind="research_institute", founded=dt.date(2001, 5, 1), tags=["a", "b"])
    eco.add_org("f", "=企业", revenue=Decimal("12.50"), staff=12)
    eco.add_org("a", "联盟", kind="alliance", stages=["design", "production"])
    eco.add_relation("c", "p", "in_ring", ring="core")
    eco.add_relation("f", "a", "chain_member", stages=["design"], role="anchor")
    eco.add_relation("c", "f", "serves", count=3, revenue=Decimal("1.10"))
    eco.add_relation("c", "f", "funds", amount=100)
    return eco


def check_read(path: Path) -> None:
    """The property for one file: an ecosystem that validates, or a named one-line-per-problem error."""
    try:
        eco = loaders.read(path)
    except EcographError as exc:
        for problem in getattr(exc, "problems", [exc]):
            assert "\n" not in problem.message and problem.message, problem.message
            assert "Traceback" not in problem.message
        return
    assert eco.problems() == [], eco.problems()[:3]


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few byte-level edits: deletions, insertions of interesting bytes,
    duplicated or swapped spans."""
    data = bytearray(data)
    interesting = [b'"', b"'", b",", b"\n", b"\x00", b"\xff", b"<", b">", b"&", b"*", b"&a ", b"{", b"}",
                   b"[", b"]", b":", b"-", b"NaN", b"1e999999999", b"9" * 1200, "电".encode(), "电".encode("gbk"),
                   b"\xef\xbb\xbf", b"=", b"0x1A", b"2011-02-30", b'"$decimal"']
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            data += draw(st.sampled_from(interesting))
            continue
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "replace"]))
        length = draw(st.integers(1, 12))
        if op == "delete":
            del data[at:at + length]
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(interesting) | st.binary(max_size=8))
        elif op == "duplicate":
            data[at:at] = data[at:at + length * 8]
        else:
            data[at:at + 1] = draw(st.sampled_from(interesting))
    return bytes(data)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Every format of the seed ecosystem, as bytes per file."""
    root = tmp_path_factory.mktemp("seed")
    out: dict[str, dict[str, bytes]] = {}
    for target in SUFFIXES:
        path = root / target
        loaders.write(seed_ecosystem(), path, format="csv" if target == "folder" else None)
        files = sorted(path.iterdir()) if path.is_dir() else [path]
        out[target] = {f.name: f.read_bytes() for f in files}
    return out


def materialise(tmp_path: Path, target: str, files: dict[str, bytes], counter: list[int]) -> Path:
    counter[0] += 1
    base = tmp_path / f"case{counter[0]}"
    base.mkdir()
    if target == "folder":
        for name, data in files.items():
            (base / name).write_bytes(data)
        return base
    (base / target).write_bytes(next(iter(files.values())))
    return base / target


@pytest.mark.parametrize("target", SUFFIXES)
def test_mutated_files_in_every_format(tmp_path, written, target):
    counter = [0]

    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        files = dict(written[target])
        name = data.draw(st.sampled_from(sorted(files)))
        files[name] = data.draw(mutations(files[name]))
        check_read(materialise(tmp_path, target, files, counter))

    run()


@pytest.mark.parametrize("target", SUFFIXES)
def test_random_files_in_every_format(tmp_path, target):
    counter = [0]
    tokens = st.sampled_from(list("{}[]:,-\"' \n\t#&*!<>/=abc012.电机") + ["id", "name", "kind", "<node", "/>"])
    texts = st.lists(tokens, max_size=60).map("".join)

    @FUZZ
    @given(st.one_of(st.binary(max_size=200), texts.map(str.encode)))
    def run(data: bytes) -> None:
        files = {"organizations.csv": data} if target == "folder" else {target: data}
        check_read(materialise(tmp_path, target, files, counter))

    run()


# ---------------------------------------------------------------------------------- the command line
COMMANDS = ["validate", "metrics", "allocate", "evaluate", "grade", "diagram", "match"]
OPTIONS = ["--dataset", "--param", "-o", "--output", "--top", "--metric", "--relations", "--weight", "--dpi",
           "--direction", "--weights", "--quota", "--thresholds", "--ahp", "--method", "--missing", "--no-explain",
           "--json", "--undirected", "--lang", "--max-nodes", "--help"]


@pytest.fixture(scope="module")
def cli_files(tmp_path_factory: pytest.TempPathFactory, written) -> list[str]:
    root = tmp_path_factory.mktemp("cli")
    texts = {
        "eco.yaml": written["eco.yaml"]["eco.yaml"],
        "request.json": json.dumps({"budget": "100.00", "unit": "0.01", "scores": {"a": 1, "b": 2}}).encode(),
        "tree.yaml": b"budget: 100\ntree: {r: [a, b]}\nscores: {a: 1, b: 2}\n",
        "units.yaml": b"units: {a: {x: 1, y: 2}, b: {x: 2, y: 1}}\nthresholds: {good: 0.5}\n",
        "table.csv": "id,x,y\na,1,2\nb,3,\n".encode("gbk"),
        "bad.yaml": b"a: &a [1, *a]\n",
    }
    for name, data in texts.items():
        (root / name).write_bytes(data)
    return [str(root / name) for name in texts] + [str(root / "missing.yaml"), str(root), str(root / "out.csv"),
                                                   str(root / "out.json"), str(root / "x" / "y.png")]


def test_random_command_lines(cli_files, capsys):
    values = ["-5", "0", "1", "3", "70000", "nan", "1e999", "x=1", "excellent=0.2,good=0.3", "cost=lower",
              "seed=7", "n_enterprises=3", "shanghai_biopharma", "tianjin_centers", "pagerank", "degree", "zh",
              "entropy", "topsis", "", "=", "电机", "-", "--", "\x00"]

    @FUZZ
    @given(st.sampled_from(COMMANDS), st.lists(st.sampled_from(cli_files) | st.sampled_from(OPTIONS)
                                               | st.sampled_from(values) | st.text(max_size=6), max_size=6))
    def run(command: str, rest: list[str]) -> None:
        argv = [command, *rest]
        if command in ("metrics", "diagram", "validate", "match") and "--dataset" in rest:
            return  # built-in datasets are valid; building large ones costs time, not coverage
        try:
            code = run_cli(argv)  # unexpected exceptions propagate and fail the test
        except SystemExit as exit_info:  # argparse: --help (0) or a usage error (2)
            code = exit_info.code
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), (argv, code)
        assert "Traceback" not in err and "Traceback" not in out, argv
        errors = [line for line in err.splitlines() if ": error:" in line]
        assert len(errors) <= 1, (argv, err)
        if code == 1:
            assert errors or out, (argv, err)

    run()


# ---------------------------------------------------------------------------------- the HTTP service
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.sampled_from(["100.00", "1/3", "1e5", "9" * 1500, "NaN", "higher", "excellent", "topsis", "dhondt"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6) | st.sampled_from(
        ["budget", "scores", "unit", "floor", "cap", "tree", "seats", "votes", "method", "units", "ahp", "matrix",
         "thresholds", "quota", "weights", "fail", "exclude", "a", "b"]), children, max_size=5),
    max_leaves=20,
)
VALID = {
    "allocate": [{"budget": 100, "scores": {"a": 1, "b": 2}, "floor": {"a": 10}},
                 {"budget": 100, "tree": {"r": ["a", "b"]}, "scores": {"a": 1, "b": 2}},
                 {"seats": 7, "votes": {"a": 3, "b": 1}, "method": "adams"}],
    "evaluate": [{"units": {"a": {"x": 1, "y": 2}, "b": {"x": 2, "y": 1}},
                  "ahp": {"matrix": [[1, 2], [0.5, 1]]}, "quota": {"excellent": 0.5}}],
    "grade": [{"scores": {"a": 1, "b": 0.5}, "thresholds": {"good": 0.7}}],
}


def check_response(name: str, body: bytes) -> None:
    from ecograph.service import handle_request  # what a worker process runs for a request

    status, payload = handle_request(name, body)
    assert status in (200, 422), (name, body[:200], status, payload[:300])
    answer = json.loads(payload)
    if status == 422:
        (item,) = answer["detail"]
        assert "\n" not in item["msg"] and len(payload) < 4000, payload[:300]


@pytest.mark.parametrize("name", sorted(set(REQUEST_TYPES) - {"match"}))
def test_random_http_bodies(name):
    pytest.importorskip("fastapi")

    @FUZZ
    @given(json_values)
    def random_json(value) -> None:
        check_response(name, json.dumps(value).encode())

    @FUZZ
    @given(st.data())
    def mutated_valid(data: st.DataObject) -> None:
        body = json.dumps(data.draw(st.sampled_from(VALID[name]))).encode()
        check_response(name, data.draw(mutations(body)))

    random_json()
    mutated_valid()


def test_random_http_bodies_through_the_service():
    """A few bodies through the app itself (middleware, worker pool, error handlers)."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from ecograph.service import create_app

    client = TestClient(create_app(token="", workers=1), raise_server_exceptions=False)

    @settings(max_examples=25, deadline=None)
    @given(st.sampled_from(sorted(VALID)), json_values)
    def run(name: str, value) -> None:
        response = client.post(f"/{name}", content=json.dumps(value), headers={"content-type": "application/json"})
        assert response.status_code in (200, 422), response.text[:300]

    run()
