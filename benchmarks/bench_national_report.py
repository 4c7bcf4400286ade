"""The national productivity-centre report at full scale, within 15 seconds on 2 cores.

Builds ``productivity_centers(n_enterprises=500_000)`` (中国生产力促进中心协会 → 10 districts →
2,689 centres → 500,000 firms served), compiles it, runs the domain analyses that make up the
report (circle layers, chain alliances, memberships and the district hierarchy: roll-up with
the firms each centre serves, balance, the proposed regional partition; one-stop service),
then the reach of the association through its centres and PageRank over the whole graph.

Prints the timing of every step and the total against the 15-second budget (exit status 1
when over: a regression); ``--json FILE`` also writes them to a file; with
``--compare`` also PageRank and reach in igraph on the same graph (outside the budget) and
the ratio.

Run: ``python benchmarks/bench_national_report.py [--firms 500000] [--json FILE] [--compare]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # see run.py: no OpenMP busy-waiting
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import log, machine  # noqa: E402

BUDGET_SECONDS = 15.0


def domain_builders() -> tuple:
    """The report sections of the domain analyses (no figures)."""
    from ecograph import report

    return (report.rings.sections, report.chains.sections, report.associations.sections,
            report.hierarchies.sections, report.onestop.sections)


class Steps:
    """Times named steps and prints a breakdown."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float]] = []

    def run(self, name: str, fn):
        log(f"{name} ...")
        start = time.perf_counter()
        result = fn()
        self.rows.append((name, time.perf_counter() - start))
        log(f"{name}: {self.rows[-1][1]:.2f} s")
        return result

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds in self.rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=500_000, help="firms served by the centres (default 500,000)")
    parser.add_argument("--compare", action="store_true", help="also time PageRank and reach in igraph")
    parser.add_argument("--json", type=Path, help="also write the step timings and the total to this JSON file")
    args = parser.parse_args(argv)

    import ecograph as eg
    from ecograph.matrix import compile
    from ecograph.report import build
    from loaders.datasets import productivity_centers

    # compile numba kernels on a tiny graph first, so the timing is the work, not the JIT
    tiny = productivity_centers(n_enterprises=50)
    eg.pagerank(compile(tiny)), eg.reach(compile(tiny).undirected(), ["cppc"])

    steps = Steps()
    eco = steps.run("load dataset", lambda: productivity_centers(n_enterprises=args.firms))
    graph = steps.run("compile CSR", lambda: compile(eco))
    report = steps.run("domain report sections", lambda: build(eco, sections=domain_builders()))
    undirected = graph.undirected()
    profile = steps.run("reach from the association", lambda: eg.reach_profile(undirected, ["cppc"], 3))
    ranks = steps.run("PageRank", lambda: eg.pagerank(graph))

    print(f"machine: {machine()}")
    print(f"graph: {len(eco):,} organisations, {graph.nnz:,} arcs; report: "
          f"{', '.join(s.title for s in report.sections)}")
    for section in report.sections:
        print(f"  {section.title}: {section.text.splitlines()[0][:160]}")
    print(f"reach of the association within 0..3 hops: {', '.join(f'{c:,}' for c in profile)}")
    top = ", ".join(f"{eco.node(n)['name']} {v:.2e}" for n, v in ranks.top(3))
    print(f"top PageRank: {top}")
    print()
    width = max(len(name) for name, _ in steps.rows)
    for name, seconds in steps.rows:
        print(f"{name:<{width}}  {seconds:7.2f} s  {seconds / steps.total:5.1%}")
    verdict = "within" if steps.total <= BUDGET_SECONDS else "OVER"
    print(f"{'total':<{width}}  {steps.total:7.2f} s  ({verdict} the {BUDGET_SECONDS:.0f} s budget)")
    if args.json:
        args.json.write_text(json.dumps({"organisations": len(eco), "arcs": graph.nnz, "steps": dict(steps.rows),
                                         "total_seconds": steps.total, "budget_seconds": BUDGET_SECONDS}),
                             encoding="utf-8")

    if args.compare:
        import igraph

        src, dst = graph.matrix.nonzero()
        ig = igraph.Graph(n=graph.n, edges=list(zip(src.tolist(), dst.tolist())), directed=True)
        start = time.perf_counter()
        ig.pagerank(damping=0.85)
        ig_pr = time.perf_counter() - start
        start = time.perf_counter()
        ig.as_undirected().neighborhood(graph.index["cppc"], order=3)
        ig_reach = time.perf_counter() - start
        ours = dict(steps.rows)
        print(f"igraph PageRank {ig_pr:.2f} s (ecograph {ours['PageRank']:.2f} s, "
              f"{ig_pr / ours['PageRank']:.1f}x); igraph 3-hop neighbourhood incl. undirected copy "
              f"{ig_reach:.2f} s (ecograph {ours['reach from the association']:.2f} s)")
    return 0 if steps.total <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
