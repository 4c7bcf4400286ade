"""Run the ecograph benchmarks.

Usage (from the repository root)::

    .venv/bin/python benchmarks/run.py --suite protocol --out benchmarks/results/ --publish docs/performance.md
    .venv/bin/python benchmarks/run.py --sizes 10k,100k,1m

``--suite protocol`` (see ``protocol.py``) times ecograph against igraph interleaved, on one
thread and on all cores, with the load average and every library's thread counts recorded,
writes ``protocol.json`` and ``protocol.md`` into ``--out`` and, with ``--publish DOC``, the
table into DOC between its protocol-table markers (``--from JSON`` publishes an earlier run).
``--suite libraries`` (the default) prints, per graph size, how long ecograph, igraph,
networkx and scikit-network take (median of ``--repeat`` runs; a run longer than
``--single-over`` seconds is not repeated), plus the memory of the compiled graph.
Progress goes to stderr, the tables to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# libgomp's default busy-waiting makes OpenMP code (igraph's PRPACK PageRank, numba's kernels)
# many times slower whenever another process shares the cores; set before anything loads it.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")
# Some machines set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for old OpenBLAS builds; they slow a
# current numpy. Benchmarks run without both (this process only: re-executed without them).
_OPENBLAS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
if any(name in os.environ for name in _OPENBLAS) and "--keep-openblas-env" not in sys.argv:
    removed = ", ".join(f"{name}={os.environ[name]}" for name in _OPENBLAS if name in os.environ)
    env = {k: v for k, v in os.environ.items() if k not in _OPENBLAS}
    env["ECOGRAPH_BENCH_OPENBLAS_REMOVED"] = removed
    os.execve(sys.executable, [sys.executable, *sys.argv], env)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_centrality  # noqa: E402
import bench_coreperiphery  # noqa: E402
import bench_reach  # noqa: E402
import protocol  # noqa: E402
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


def run_protocol(args: argparse.Namespace) -> int:
    if args.source:
        results = json.loads(args.source.read_text(encoding="utf-8"))
    else:
        results = protocol.run(repeats=args.repeat or 5, national_repeats=args.national_repeat, quick=args.quick)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "protocol.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    table = protocol.markdown(results)
    if not args.source:
        (args.out / "protocol.md").write_text(table + "\n", encoding="utf-8")
        log(f"[protocol] wrote {args.out / 'protocol.json'} and {args.out / 'protocol.md'}")
    print(table)
    if args.publish:
        protocol.publish(table, args.publish)
        log(f"[protocol] table written into {args.publish}")
    if not results["publishable"]:
        log("[protocol] NOT PUBLISHABLE: the load average exceeded the number of cores during some runs")
    return 0 if results["publishable"] else 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", choices=("libraries", "protocol"), default="libraries",
                        help="protocol: ecograph vs igraph, interleaved, the publishable table; "
                             "libraries: every library at --sizes (default)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"),
                        help="protocol: folder for protocol.json and protocol.md (default benchmarks/results)")
    parser.add_argument("--publish", type=Path, help="protocol: also write the table into this markdown file "
                                                     "between its protocol-table markers")
    parser.add_argument("--from", dest="source", type=Path,
                        help="protocol: publish this protocol.json instead of running")
    parser.add_argument("--national-repeat", type=int, default=3,
                        help="protocol: runs of the national report (default 3; 0 skips it)")
    parser.add_argument("--quick", action="store_true", help="protocol: small graphs, to test the machinery")
    parser.add_argument("--keep-openblas-env", action="store_true",
                        help="keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (unset by default for benchmarks)")
    parser.add_argument("--sizes", default="10k,100k", help=f"comma list of {', '.join(SIZES)} (default 10k,100k)")
    parser.add_argument("--repeat", type=int, help="runs per measurement; the median is reported "
                                                    "(default 3; protocol: 5)")
    parser.add_argument("--single-over", type=float, default=30.0,
                        help="a first run longer than this many seconds is not repeated")
    parser.add_argument("--only", default="", help="run only algorithms whose name contains this text")
    parser.add_argument("--libraries", default=",".join(LIBRARIES), help="comma list of libraries to time")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this markdown file")
    parser.add_argument("--memory-check", action="store_true",
                        help="only compile 1M nodes / 10M edges and report time and memory")
    args = parser.parse_args(argv)
    if args.suite == "protocol":
        return run_protocol(args)
    args.repeat = args.repeat or 3
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
