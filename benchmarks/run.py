"""Run the ecograph benchmarks: ecograph vs igraph, networkx and scikit-network in one run.

Usage (from the repository root)::

    .venv/bin/python benchmarks/run.py --sizes 10k,100k,1m

Prints, per graph size, how long each library takes (median of ``--repeat`` runs; a run
longer than ``--single-over`` seconds is not repeated) and how many times faster ecograph
is, plus the memory of the compiled graph. Progress goes to stderr, the tables to stdout
(``--markdown FILE`` also writes them to a file).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# libgomp's default busy-waiting makes OpenMP code (igraph's PRPACK PageRank, numba's kernels)
# many times slower whenever another process shares the cores; set before anything loads it.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_centrality  # noqa: E402
import bench_coreperiphery  # noqa: E402
import bench_reach  # noqa: E402
from common import (  # noqa: E402
    LIBRARIES, SIZES, Row, compile_memory, load, log, machine, memory_check, table, timeit,
)


def measure(case: dict, size: str, repeat: int, single_over: float, libraries: set[str]) -> Row:
    row = Row(case["algorithm"], size, {}, list(case.get("notes", [])))
    for lib in LIBRARIES:
        spec = case.get(lib)
        if spec is None or lib not in libraries:
            continue
        scale = 1.0
        if isinstance(spec, tuple):  # (sampled work, scale factor): an estimate, run once
            spec, scale = spec
        log(f"  {case['algorithm']:<28} {lib:<10} ...")
        try:
            first = timeit(spec, 1)
        except Exception as exc:  # another library refusing this graph is a result, not a crash
            row.notes.append(f"{lib} failed: {type(exc).__name__}: {exc}")
            continue
        runs = 1 if scale != 1.0 or first > single_over else repeat
        seconds = first if runs == 1 else timeit(spec, runs)
        row.times[lib] = seconds * scale
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help=f"comma list of {', '.join(SIZES)} (default 10k,100k)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--single-over", type=float, default=30.0,
                        help="a first run longer than this many seconds is not repeated")
    parser.add_argument("--only", default="", help="run only algorithms whose name contains this text")
    parser.add_argument("--libraries", default=",".join(LIBRARIES), help="comma list of libraries to time")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this markdown file")
    parser.add_argument("--memory-check", action="store_true",
                        help="only compile 1M nodes / 10M edges and report time and memory")
    args = parser.parse_args(argv)
    if args.memory_check:
        print(memory_check())
        return 0
    libraries = set(args.libraries.split(","))

    suites = (bench_centrality, bench_reach, bench_coreperiphery)
    for suite in suites:
        suite.warm_up()
    sections = [f"Machine: {machine()}", ""]
    for size in args.sizes.split(","):
        graphs = load(size)
        seconds, peak, nbytes = compile_memory(graphs)
        memory = (f"{size}: {graphs.n:,} nodes, {graphs.m:,} undirected edges ({2 * graphs.m:,} CSR entries); "
                  f"compiled from edge arrays in {seconds:.2f} s, peak {peak / 2**20:.0f} MiB traced, "
                  f"CSR {nbytes / 2**20:.0f} MiB ({nbytes / (2 * graphs.m):.1f} bytes/entry)")
        log(memory)
        start = time.perf_counter()
        graphs.igraph()
        log(f"[graph] igraph built in {time.perf_counter() - start:.1f} s")
        if graphs.n <= 100_000 and "networkx" in libraries:
            start = time.perf_counter()
            graphs.networkx()
            log(f"[graph] networkx built in {time.perf_counter() - start:.1f} s")
        rows = []
        for module in suites:
            for case in module.cases(graphs, size):
                if args.only and args.only.lower() not in case["algorithm"].lower():
                    continue
                rows.append(measure(case, size, args.repeat, args.single_over, libraries))
        text = f"### {size}\n\n{memory}\n\n{table(rows)}\n"
        print(text, flush=True)
        sections.append(text)
    if args.markdown:
        args.markdown.write_text("\n".join(sections), encoding="utf-8")
    print(sections[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
