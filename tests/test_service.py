"""HTTP service: validation, limits, auth, errors; a real uvicorn server; a bounded load test."""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")

from fastapi.testclient import TestClient  # noqa: E402

from ecograph.service import create_app  # noqa: E402


@pytest.fixture
def client():
    return TestClient(create_app(max_body_bytes=4096, token=""))  # open, whatever the environment says


# ---------------------------------------------------------------------------------- endpoints
def test_health_and_openapi(client):
    assert client.get("/health").json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/allocate", "/evaluate", "/grade", "/health"} <= set(paths)
    assert "post" in paths["/allocate"]


def test_allocate_integers_and_decimal_strings(client):
    # 1000 fen at 3:1 -> 750, 250 (integers in, integers out)
    body = client.post("/allocate", json={"budget": 1000, "scores": {"a": 3, "b": 1}}).json()
    assert body["amounts"] == {"a": 750, "b": 250} and body["total"] == 1000
    # "100.00" yuan in cents, 1:2 -> 33.33 1/3 and 66.66 2/3 -> 33.33, 66.67 (strings in, strings out)
    body = client.post("/allocate", json={"budget": "100.00", "unit": "0.01", "scores": {"a": 1, "b": 2}}).json()
    assert body["amounts"] == {"a": "33.33", "b": "66.67"}
    assert body["explanation"][1]["rounding"] == "+1 (largest remainder)"


def test_allocate_with_grades_fixed_and_exclusions(client):
    request = {
        "budget": 60_000_000,
        "scores": {"c1": 90, "c2": 80, "c3": 70, "c4": 50},
        "grades": {"c1": "excellent", "c2": "good", "c3": "pass", "c4": "fail"},
        "fixed": {"c1": 20_000_000},
        "exclude": {"c3": "credit blacklist"},
        "explain": False,
    }
    body = client.post("/allocate", json=request).json()
    # c1 fixed 20,000,000; c3 excluded, c4 fails (weight 0) -> c2 gets the 40,000,000 left
    assert body["amounts"] == {"c1": 20_000_000, "c2": 40_000_000, "c3": 0, "c4": 0}
    assert "explanation" not in body


@pytest.mark.parametrize(
    "payload, loc",
    [
        ({"budget": 100.0, "scores": {"a": 1}}, ["body", "budget"]),
        ({"budget": 100, "scores": {"a": 1}, "floor": 1.5}, ["body", "floor"]),
        ({"budget": 100, "scores": {"a": 1}, "cap": {"a": 2.5}}, ["body", "cap"]),
        ({"budget": 100, "scores": {"a": 1}, "fixed": {"a": 10.0}}, ["body", "fixed"]),
        ({"budget": "12,5", "scores": {"a": 1}}, ["body", "budget"]),
        ({"scores": {"a": 1}}, ["body", "budget"]),
        ({"budget": 100, "scores": {}}, ["body", "scores"]),
        ({"budget": 100, "scores": {"a": 1}, "surprise": 1}, ["body", "surprise"]),
    ],
)
def test_validation_errors_are_422_naming_the_field(client, payload, loc):
    response = client.post("/allocate", json=payload)
    assert response.status_code == 422
    locs = [d["loc"][: len(loc)] for d in response.json()["detail"]]
    assert loc in locs


def test_infeasible_allocation_is_422_with_reason(client):
    response = client.post("/allocate", json={"budget": 100, "scores": {"a": 1, "b": 1}, "cap": 40})
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "cap"] and "hold only 80" in detail["msg"]


def test_evaluate_endpoint(client):
    units = {"c1": {"clients": 10, "cost": 4}, "c2": {"clients": 20, "cost": 2}, "c3": {"clients": 40, "cost": 3}}
    body = client.post("/evaluate", json={
        "units": units, "directions": {"cost": "lower"}, "weights": {"clients": 0.6, "cost": 0.4},
        "thresholds": {"excellent": 0.75, "good": 0.5},
    }).json()
    # min-max: c1 (0, 0) -> 0; c2 (1/3, 1) -> 0.6; c3 (1, 1/2) -> 0.8
    assert body["scores"] == pytest.approx({"c1": 0.0, "c2": 0.6, "c3": 0.8})
    assert body["grades"] == {"c1": "fail", "c2": "good", "c3": "excellent"}
    assert body["grades_zh"]["c3"] == "优秀"
    assert body["rank"] == {"c1": 3, "c2": 2, "c3": 1}


def test_evaluate_ahp_and_errors(client):
    units = {"a": {"x": 1, "y": 3}, "b": {"x": 2, "y": 1}}
    ok = client.post("/evaluate", json={"units": units, "ahp": {"matrix": [[1, 3], [1 / 3, 1]]}})
    assert ok.json()["weights"] == pytest.approx({"x": 0.75, "y": 0.25})
    bad = client.post("/evaluate", json={"units": units, "ahp": {"matrix": [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]}})
    assert bad.status_code == 422
    missing = client.post("/evaluate", json={"units": {"a": {"x": 1, "y": None}, "b": {"x": 2, "y": 1}}})
    assert missing.status_code == 422
    detail = missing.json()["detail"][0]
    assert detail["loc"] == ["body", "y"] and detail["id"] == "a"
    wrong = client.post("/evaluate", json={"units": units, "normalization": "log"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "normalization"]


def test_grade_endpoint(client):
    body = client.post("/grade", json={"scores": {f"u{i}": 10 - i for i in range(10)},
                                       "quota": {"excellent": 0.2, "good": 0.3, "pass": 0.3}}).json()
    assert body["counts"] == {"excellent": 2, "good": 3, "pass": 3, "fail": 2}
    assert body["grades_zh"]["u0"] == "优秀"


# ---------------------------------------------------------------------------------- limits, auth, errors
def test_body_over_limit_refused_by_content_length(client):
    response = client.post("/allocate", content=b"{" + b" " * 5000 + b"}", headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_chunked_body_over_limit_refused(client):
    def chunks():
        for _ in range(10):
            yield b" " * 1000

    response = client.post("/allocate", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_chunked_body_under_limit_accepted(client):
    def chunks():
        yield b'{"budget": 10, '
        yield b'"scores": {"a": 1}}'

    response = client.post("/allocate", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 200 and response.json()["amounts"] == {"a": 10}


def test_bearer_token(monkeypatch):
    monkeypatch.setenv("ECOGRAPH_API_TOKEN", "tok-123")
    client = TestClient(create_app())
    request = {"budget": 10, "scores": {"a": 1}}
    assert client.post("/allocate", json=request).status_code == 401
    assert client.post("/allocate", json=request, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/allocate", json=request, headers={"Authorization": "Basic tok-123"}).status_code == 401
    response = client.post("/allocate", json=request, headers={"Authorization": "Bearer tok-123"})
    assert response.status_code == 200
    assert client.get("/health").status_code == 200  # probes need no token
    assert client.post("/allocate", json=request).headers["www-authenticate"].startswith("Bearer")


def test_cli_help(capsys):
    from ecograph.cli import main

    for command in ("allocate", "evaluate", "serve"):
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0
        assert f"usage: ecograph {command}" in capsys.readouterr().out


def test_unexpected_errors_are_generic_500():
    app = create_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals at /srv/app.py line 42")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}
    assert "secret" not in response.text and "Traceback" not in response.text


# ---------------------------------------------------------------------------------- real server
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(*options: str) -> Iterator[str]:
    """``ecograph serve`` in a subprocess (its own interpreter, so the clients here do not share a
    GIL with the server) on a free loopback port; yields its URL."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ecograph", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "ECOGRAPH_API_TOKEN": ""},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"ecograph serve did not start: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    with running_server("--max-body-bytes", "65536") as url:
        yield url


def test_real_server_over_http(server_url):
    with httpx.Client(base_url=server_url, timeout=10) as http:
        assert http.get("/health").json()["status"] == "ok"
        body = http.post("/allocate", json={"budget": 100, "scores": {"c": 1, "a": 1, "b": 1}}).json()
        assert body["amounts"] == {"c": 33, "a": 34, "b": 33}
        assert http.post("/allocate", json={"budget": 1.5, "scores": {"a": 1}}).status_code == 422
        big = http.post("/allocate", content=b" " * 70000, headers={"content-type": "application/json"})
        assert big.status_code == 413

        def chunks():  # Transfer-Encoding: chunked, no Content-Length: counted as it arrives
            for _ in range(100):
                yield b" " * 1000

        chunked = http.post("/allocate", content=chunks(), headers={"content-type": "application/json"})
        assert chunked.status_code == 413
        assert http.get("/health").status_code == 200  # the server carries on


def expected_amounts(budget: int) -> dict[str, int]:
    """Hand rule for the load-test request: scores 1, 2, 3, 4 (total 10).

    quota_u = budget * s_u / 10: whole part budget * s_u // 10, remainder budget * s_u % 10;
    the units left go to the largest remainders, ties to the larger score.
    """
    scores = {"a": 1, "b": 2, "c": 3, "d": 4}
    amounts = {u: budget * s // 10 for u, s in scores.items()}
    left = budget - sum(amounts.values())
    order = sorted(scores, key=lambda u: (-(budget * scores[u] % 10), -scores[u], u))
    for u in order[:left]:
        amounts[u] += 1
    return amounts


def test_bounded_load(server_url):
    """2,000 requests from 20 concurrent clients: all answered, all correct."""
    total, workers = 2000, 20
    per_worker = total // workers

    def worker(w: int) -> list[tuple[float, bool]]:
        results = []
        with httpx.Client(base_url=server_url, timeout=30) as http:
            for k in range(per_worker):
                budget = 1_000_003 + 7 * (w * per_worker + k)
                start = time.perf_counter()
                response = http.post("/allocate", json={"budget": budget, "scores": {"a": 1, "b": 2, "c": 3, "d": 4},
                                                        "explain": False})
                elapsed = time.perf_counter() - start
                ok = response.status_code == 200 and response.json()["amounts"] == expected_amounts(budget)
                results.append((elapsed, ok))
        return results

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = [r for rs in pool.map(worker, range(workers)) for r in rs]
    wall = time.perf_counter() - start
    latencies = sorted(t for t, _ in outcomes)
    assert len(outcomes) == total
    assert all(ok for _, ok in outcomes)
    p50 = statistics.median(latencies)
    p95 = latencies[int(0.95 * len(latencies)) - 1]
    print(f"\nload: {total} requests, {workers} clients, {wall:.2f} s, {total / wall:.0f} req/s, "
          f"p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")


def maximal_request() -> bytes:
    """An evaluation just under the 1 MiB body limit: 7,900 units x 8 indicators, TOPSIS with
    entropy weights and quota grades (seconds of CPU; docs/reliability.md lists other shapes)."""
    rng = random.Random(11)
    units = {f"u{i:05d}": {f"x{j}": round(rng.random() * 1000, 3) for j in range(8)} for i in range(7_900)}
    body = json.dumps({"units": units, "method": "topsis", "directions": {"x3": "lower"},
                       "quota": {"excellent": 0.2, "good": 0.3, "pass": 0.4}}).encode()
    assert 900_000 < len(body) < 1_048_576, len(body)
    return body


def test_health_answers_while_a_maximal_request_runs():
    """The request runs in a worker process: /health (on the event loop) stays fast meanwhile.

    Deterministic on a loaded machine: it compares the median of the /health probes made while
    the request ran with the request's own duration (before the worker pool, a probe waited for
    the whole request) and with the 100 ms bound.
    """
    body = maximal_request()
    with running_server("--workers", "1") as url, httpx.Client(base_url=url, timeout=120) as http:
        outcome: dict[str, float] = {}

        def big() -> None:
            start = time.perf_counter()
            response = http.post("/evaluate", content=body, headers={"content-type": "application/json"})
            outcome["duration"] = time.perf_counter() - start
            outcome["status"] = response.status_code

        with ThreadPoolExecutor(max_workers=1) as pool:
            running = pool.submit(big)
            time.sleep(0.3)  # the body is sent and the worker busy
            probes = []
            with httpx.Client(base_url=url, timeout=60) as prober:
                while not running.done():
                    start = time.perf_counter()
                    assert prober.get("/health").status_code == 200
                    probes.append(time.perf_counter() - start)
                    time.sleep(0.05)
            running.result()
    assert outcome["status"] == 200
    assert len(probes) >= 5, f"the request took only {outcome['duration']:.2f} s"
    median = statistics.median(probes)
    print(f"\nmaximal request {len(body):,} bytes: {outcome['duration']:.2f} s; /health while it ran: "
          f"{len(probes)} probes, median {median * 1000:.1f} ms, max {max(probes) * 1000:.1f} ms")
    assert median < 0.1
    assert median < outcome["duration"] / 10
