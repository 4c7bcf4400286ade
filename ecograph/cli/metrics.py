"""``ecograph metrics``: per-organisation centrality and reach as a CSV or JSON table.

The graph is compiled once (relation types, weight, direction chosen on the command line) and
every requested metric runs on that one compiled matrix.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..documents import spreadsheet_text
from ..matrix import SparseGraph, compile
from ._common import add_source_arguments, load_source, output_file, positive_int, progress

#: metric name -> function of the compiled graph (weight already baked into the matrix).
METRICS: dict[str, Callable[[SparseGraph, bool], Any]] = {}


def _register_metrics() -> None:
    from .. import centrality, coreperiphery
    from ..reachability import k_step_reach

    def weighted(func: Callable[..., Any], name: str) -> Callable[[SparseGraph, bool], Any]:
        return lambda g, use_weight: func(g, **{name: "weight" if use_weight else None})

    METRICS.update(
        degree=weighted(centrality.degree, "weight"),
        pagerank=weighted(centrality.pagerank, "weight"),
        eigenvector=weighted(centrality.eigenvector, "weight"),
        katz=weighted(centrality.katz, "weight"),
        closeness=weighted(centrality.closeness, "distance"),
        harmonic=weighted(centrality.harmonic, "distance"),
        betweenness=weighted(centrality.betweenness, "weight"),
        k_step_reach=lambda g, _w: k_step_reach(g, hops=2),
        core_number=lambda g, _w: coreperiphery.core_number(g.undirected()),
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "metrics",
        help="centrality and reach of every organisation, as CSV or JSON",
        description="Compute centrality / reach metrics for every organisation on one compiled graph "
        "and write a table (CSV by default; JSON when -o ends in .json).",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--metric",
        "-m",
        action="append",
        metavar="NAME",
        help="metric to compute, repeatable: degree, pagerank, eigenvector, katz, closeness, harmonic, "
        "betweenness, k_step_reach (2-step reach), core_number (default: degree, pagerank, betweenness)",
    )
    parser.add_argument(
        "--relations",
        metavar="TYPES",
        help="comma-separated relation types to include (default: all), e.g. serves,collaborates",
    )
    parser.add_argument("--weight", metavar="ATTR", help="edge attribute used as weight (default: unweighted)")
    parser.add_argument("--undirected", action="store_true", help="read every relation both ways")
    parser.add_argument("--top", type=positive_int, metavar="N",
                        help="keep the N organisations ranked highest by the first metric (N >= 1)")
    parser.add_argument("-o", "--output", metavar="FILE", type=output_file(".csv", ".json"),
                        help="write to FILE (.csv or .json) instead of stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not METRICS:
        _register_metrics()
    names = args.metric or ["degree", "pagerank", "betweenness"]
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        print(f"ecograph metrics: unknown metric(s) {unknown}; choose from {sorted(METRICS)}", file=sys.stderr)
        return 2
    eco = load_source(args)
    relations = [r.strip() for r in args.relations.split(",")] if args.relations else None
    start = time.perf_counter()
    graph = compile(eco, args.weight, relations=relations, directed=False if args.undirected else None)
    progress(f"compiled {graph.n:,} nodes, {graph.nnz:,} entries in {time.perf_counter() - start:.2f} s")
    columns: dict[str, Any] = {}
    for name in names:
        start = time.perf_counter()
        columns[name] = METRICS[name](graph, args.weight is not None)
        progress(f"{name}: {time.perf_counter() - start:.2f} s")
    rows = [
        {"id": node, "name": eco.node(node)["name"], "kind": eco.node(node)["kind"], "sector": eco.node(node)["sector"],
         **{name: values[node] for name, values in columns.items()}}
        for node in graph.nodes
    ]
    if args.top is not None:
        rows = sorted(rows, key=lambda row: -row[names[0]])[: args.top]
    _write(rows, args.output)
    return 0


def _write(rows: list[dict[str, Any]], output: str | None) -> None:
    if output and output.endswith(".json"):
        Path(output).write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    handle = open(output, "w", encoding="utf-8-sig", newline="") if output else sys.stdout
    try:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["id"])
        writer.writeheader()
        writer.writerows({k: spreadsheet_text(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows)
    finally:
        if output:
            handle.close()
