"""The benchmark protocol's machinery (not its timings): interleaving, records, the
publishability rule, the table and its publication between the markers."""

from __future__ import annotations

import sys
from pathlib import Path

import numba
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import protocol  # noqa: E402


def _case(calls: list[str], igraph: bool = True) -> protocol.Case:
    def call(lib: str):
        return lambda: calls.append(f"{lib}/{numba.get_num_threads()}")

    return protocol.Case("PageRank", "100k", "a test graph", call("ecograph"), call("igraph") if igraph else None)


def test_contenders_are_interleaved_and_every_run_is_recorded(monkeypatch):
    monkeypatch.setattr(protocol.os, "getloadavg", lambda: (0.5, 0.5, 0.5))
    calls: list[str] = []
    record = protocol.run_case(_case(calls), repeats=3)
    cores = numba.config.NUMBA_NUM_THREADS
    forward = [f"ecograph/{cores}", f"igraph/{cores}", "ecograph/1", "igraph/1"]
    # warm-up, then 3 repetitions, every other one in reverse order
    assert calls == forward + forward + forward[::-1] + forward
    assert [(r["library"], r["threads"]) for r in record["runs"]] == [
        ("ecograph", "all cores"), ("igraph", "all cores"), ("ecograph", "1 thread"), ("igraph", "1 thread")]
    for run in record["runs"]:
        assert len(run["seconds"]) == 3 and len(run["load"]) == 3
        assert run["min"] <= run["median"] <= run["max"]
        assert "numba_threads" in run["thread_counts"]
    one_thread = next(r for r in record["runs"] if r["library"] == "ecograph" and r["threads"] == "1 thread")
    assert one_thread["thread_counts"]["numba_threads"] == 1
    for label in ("all cores", "1 thread"):
        assert len(record["ratio_igraph_over_ecograph"][label]["per_repetition"]) == 3
    assert record["publishable"] and record["target"] == 2.0


def test_a_case_run_under_load_above_the_core_count_is_not_publishable(monkeypatch):
    monkeypatch.setattr(protocol.os, "getloadavg", lambda: (protocol.CORES + 0.5, 1.0, 1.0))
    record = protocol.run_case(_case([]), repeats=1)
    assert not record["publishable"]
    assert record["max_load"] == protocol.CORES + 0.5


def test_a_missing_igraph_is_skipped_and_said(monkeypatch):
    monkeypatch.setattr(protocol.os, "getloadavg", lambda: (0.5, 0.5, 0.5))
    calls: list[str] = []
    record = protocol.run_case(_case(calls, igraph=False), repeats=2)
    assert {call.split("/")[0] for call in calls} == {"ecograph"}
    assert record["ratio_igraph_over_ecograph"] == {}
    assert "igraph not installed: skipped" in record["notes"]


def _results(publishable: bool) -> dict:
    run = {"median": 0.01, "min": 0.009, "max": 0.02}
    runs = [{"library": lib, "threads": label, **run, "median": 0.01 if lib == "ecograph" else 0.03}
            for label in ("all cores", "1 thread") for lib in ("ecograph", "igraph")]
    ratio = {"median": 3.0, "min": 2.5, "max": 3.5}
    return {
        "machine": {"date": "today", "cpu": "a CPU", "cores": 2, "python": "3", "versions": {"numpy": "2"},
                    "environment": {"OMP_WAIT_POLICY": "passive"}, "openblas_variables_removed": ""},
        "seconds": 60.0, "publishable": publishable, "bandwidth": {"copy_gb_per_s": 10.0},
        "cases": [{"algorithm": "PageRank", "size": "100k", "runs": runs, "target": 2.0, "max_load": 1.0,
                   "publishable": publishable,
                   "ratio_igraph_over_ecograph": {"all cores": ratio, "1 thread": ratio},
                   "check": {"networkx_rule_change": 1e-6, "networkx_rule_bound": 1e-5, "meets_networkx_rule": True},
                   "bound": {"passes": 11, "bytes_per_pass": 2**20, "bound_seconds": 0.001,
                             "measured_1_thread": 0.01}}],
    }


def test_table_states_targets_and_publishability():
    table = protocol.markdown(_results(publishable=True))
    assert "| PageRank | 100k | all cores | 0.010 (0.009–0.020) | 0.030 (0.009–0.020) | 3.00× (2.50–3.50) | ≥ 2× | yes" \
        in table
    assert "NOT PUBLISHABLE" not in table
    assert "| 100k | 11 | 1.0 MiB | 0.001 s | 0.010 s | 10.0× |" in table
    assert "NOT PUBLISHABLE" in protocol.markdown(_results(publishable=False))


def test_publish_writes_between_the_markers_only(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"before\n{protocol.START}\nold table\n{protocol.END}\nafter\n", encoding="utf-8")
    protocol.publish("new table", doc)
    assert doc.read_text(encoding="utf-8") == f"before\n{protocol.START}\nnew table\n{protocol.END}\nafter\n"
    doc.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="markers"):
        protocol.publish("new table", doc)


def test_a_failing_case_is_recorded_and_shown_without_losing_the_others(monkeypatch):
    monkeypatch.setattr(protocol.os, "getloadavg", lambda: (0.5, 0.5, 0.5))

    def broken():
        raise MemoryError("no room")

    record = protocol.attempt(protocol.Case("k-core", "1M", "a test graph", broken, None), repeats=2)
    assert record["error"] == "MemoryError: no room" and not record["publishable"]
    results = _results(publishable=False)
    results["cases"].append(record)
    assert "| k-core | 1M | — | failed: MemoryError: no room |" in protocol.markdown(results)
