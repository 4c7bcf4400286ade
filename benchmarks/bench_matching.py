"""Demand–expertise matching at scale: 10,000 problems against 10,000 experts.

Builds ``cast_service_action`` with ``--problems`` open problems (10,000 experts, 100 societies,
1,000 enterprises) and times :func:`ecograph.match`

- exact (every compatible pair; the global optimum of the documented score),
- with short candidate lists (``candidates=k``: each problem's k best pairs, plus a
  maximum-cardinality matching when a problem is left over),
- and, for comparison, a greedy first-come assignment (problems in id order each take their best
  expert with room) on the same scored pairs — what a matching platform does without a global
  solver.

Two capacity settings: the experts' own ``capacity`` attribute (1–3, ~15,000 slots) and a
tight ``capacity=1`` (10,000 slots for 10,000 problems). Prints median wall seconds, compatible
pairs, matched problems and total points.

Run: ``python benchmarks/bench_matching.py [--problems 10000] [--candidates 20,100] [--repeat 1]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

import ecograph as eg
from ecograph import matching as _m
from loaders.datasets import load_dataset


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def greedy(eco, capacity):
    """First come, first served: problems in id order take their best expert with room (ties: id)."""
    graph = eco.graph
    problems, experts = sorted(eco.nodes("problem")), sorted(eco.nodes("expert"))
    need = [_m._field_list(graph.nodes[p].get("fields"), p) for p in problems]
    have = [_m._field_list(graph.nodes[x].get("fields"), x) for x in experts]
    posers = [sorted(u for u, _, t in graph.in_edges(p, data="type") if t == "poses") for p in problems]
    members = [sorted(v for _, v, t in graph.out_edges(x, data="type") if t == "member_of") for x in experts]
    pairs = _m._compatible_pairs(need, have)
    start = time.perf_counter()
    scored = _m._score_pairs(eco, lambda n: graph.nodes[n], pairs, need, posers, members, experts,
                             dict(_m.DEFAULT_WEIGHTS), 3)
    order = np.lexsort((scored.expert, -scored.points, scored.problem))
    room = np.array([capacity if capacity is not None else graph.nodes[x].get("capacity", 1) for x in experts])
    bounds = np.searchsorted(scored.problem[order], np.arange(len(problems) + 1))
    matched, points = 0, 0
    for p in range(len(problems)):
        for k in order[bounds[p]:bounds[p + 1]].tolist():
            x = scored.expert[k]
            if room[x] > 0:
                room[x] -= 1
                matched += 1
                points += int(scored.points[k])
                break
    return time.perf_counter() - start, len(pairs.problem), matched, points


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--problems", type=int, default=10_000)
    parser.add_argument("--candidates", default="20,100", help="comma-separated candidate list lengths")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    eco = load_dataset("cast_service_action", n_problems=args.problems)
    log(f"built {len(eco):,} organisations in {time.perf_counter() - start:.1f} s")
    print(f"| capacity | method | seconds | pairs | matched of {args.problems:,} | total points |")
    print("|---|---|---:|---:|---:|---:|")
    for capacity, label in ((None, "attribute (1–3)"), (1, "1 each")):
        seconds, pairs, matched, points = greedy(eco, capacity)
        print(f"| {label} | greedy first-come (scoring + loop) | {seconds:.1f} | {pairs:,} | {matched:,} | {points:,} |")
        for k in [None, *(int(v) for v in args.candidates.split(",") if v)]:
            log(f"capacity {label}, candidates={k} ...")
            seconds, m = timed(lambda: eg.match(eco, capacity=capacity, candidates=k), args.repeat)
            name = "exact (every compatible pair)" if k is None else f"candidates={k}"
            print(f"| {label} | {name} | {seconds:.1f} | {pairs:,} | {m.matched:,} | {m.total_points:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
