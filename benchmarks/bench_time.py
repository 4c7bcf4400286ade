"""Snapshots and panels: eco.at(t) against a full copy, and eg.panel's reuse of unchanged periods.

Not a test: run by hand, ``.venv/bin/python benchmarks/bench_time.py [--orgs 200000]``.
A synthetic ecosystem of firms (one in three with a ``since``, one in five with an ``until``) and
``serves`` relations bounded by a year; it prints the median seconds of a first snapshot
(build), a repeated one (cached per timeline segment), ``eco.copy()`` for scale, and a PageRank
panel over six periods of which two fall in one segment (5 compilations, not 6).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import ecograph as eg


def build(n: int, seed: int = 0) -> eg.Ecosystem:
    rng = np.random.default_rng(seed)
    eco = eg.Ecosystem(name="bench_time")
    ids = [f"f{i}" for i in range(n)]
    since = [int(y) if r < 1 / 3 else None for y, r in zip(rng.integers(2010, 2015, n), rng.random(n))]
    until = [int(y) if r < 1 / 5 else None for y, r in zip(rng.integers(2016, 2020, n), rng.random(n))]
    eco.add_orgs(ids, since=since, until=until)
    m = 3 * n
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    year = rng.integers(2015, 2016, len(src))  # inside every firm's interval (since <= 2014, until >= 2016)
    eco.add_relations([ids[i] for i in src], [ids[j] for j in dst], "serves", keys=[f"s{k}" for k in range(len(src))],
                      since=year.tolist(), until=(year + 1).tolist(), count=[1] * len(src))
    return eco


def median_time(function, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=200_000)
    args = parser.parse_args()
    eco = build(args.orgs)
    print(f"{len(eco):,} organisations, {eco.number_of_relations():,} relations")

    def first() -> None:
        eco._cache.clear()  # a fresh snapshot each time
        eco.at(2015)

    print(f"eco.at(2015) first: {median_time(first):.3f} s")
    eco.at(2015)
    print(f"eco.at(2015) again: {median_time(lambda: eco.at(2015), 5) * 1e6:.1f} µs")
    print(f"eco.copy():         {median_time(eco.copy, 1):.3f} s")
    periods = [2012, 2013, 2014, 2015, 2016, 2016]
    eco._cache.clear()
    start = time.perf_counter()
    p = eg.panel(eco, periods, "pagerank")
    print(f"panel pagerank over {len(periods)} periods: {time.perf_counter() - start:.2f} s, {p.computed} runs")


if __name__ == "__main__":
    main()
