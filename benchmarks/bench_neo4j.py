"""Neo4j write throughput: batched pushes (organisations created, relations merged) against one transaction per row.

Needs a server: ``eval "$(scripts/neo4j-test-server.sh start)"`` (or any Neo4j 5 in NEO4J_URI).

    python benchmarks/bench_neo4j.py                 # 100,000 organisations
    python benchmarks/bench_neo4j.py --nodes 20000 --sample 500 --batch-sizes 1000 5000 --workers 1 2

The ecosystem: ``--nodes`` enterprises (Chinese names, flags, staff, exact revenue) around
``nodes/2000`` platforms, one ``in_ring`` per enterprise and about one ``serves`` relation per
enterprise. The batched pushes write all of it; the per-row variant (``batch_size=1``) writes
a sample of ``--sample`` organisations and relations and is extrapolated, so it finishes.
Nodes/s is timed over the organisation batches, relationships/s over the relation batches
(from the push's own progress callbacks). Each run uses a fresh namespace that is dropped
afterwards.

On a shared machine wall-clock rates depend on what else runs; when the server is the
project's test server (its pid in ``.neo4j/server.pid``, or ``--server-pid``) the benchmark
also reports rows per CPU-second spent by the server and by this Python process, which do not.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ecograph import Ecosystem  # noqa: E402
from loaders import neo4j  # noqa: E402

RINGS = ("core_ring", "collaboration", "radiation")


def synthetic(n: int, seed: int = 1) -> Ecosystem:
    """``n`` enterprises around platforms; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    eco = Ecosystem(name="bench")
    n_platforms = max(1, n // 2000)
    platforms = [f"p{i}" for i in range(n_platforms)]
    eco.add_orgs(platforms, [f"平台{i}" for i in range(n_platforms)], kind="platform")
    ids = [f"e{i}" for i in range(n)]
    eco.add_orgs(
        ids, [f"企业{i}号" for i in range(n)],
        sme=(rng.random(n) < 0.8).tolist(),
        staff=rng.integers(5, 5000, n).tolist(),
        revenue=[Decimal(int(x)) / 100 for x in rng.integers(10**5, 10**9, n)],
        founded=rng.integers(1980, 2024, n).tolist(),
    )
    eco.add_relations(ids, [platforms[i % n_platforms] for i in range(n)], "in_ring",
                      ring=[RINGS[i] for i in rng.integers(0, 3, n)])
    providers = rng.integers(0, n, n)
    clients = rng.integers(0, n, n)
    keep = providers != clients
    eco.add_relations([ids[i] for i in providers[keep]], [ids[i] for i in clients[keep]], "serves",
                      keys=[f"s{i}" for i in range(int(keep.sum()))],
                      count=rng.integers(1, 50, int(keep.sum())).tolist())
    return eco


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) used so far by process ``pid`` (0.0 when unknown)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_push(eco: Ecosystem, uri: str, batch_size: int, server_pid: int | None = None, workers: int = 2) -> dict[str, float]:
    """Push into a fresh namespace; wall and CPU seconds spent on organisations and on relations."""
    namespace = f"bench_{uuid.uuid4().hex[:8]}"
    marks: dict[str, tuple[float, float, float]] = {}

    def clocks() -> tuple[float, float, float]:
        return time.perf_counter(), cpu_seconds(server_pid), time.process_time()

    def progress(stage: str, done: int, total: int) -> None:
        marks["nodes" if stage.startswith("organisations") else "relations"] = clocks()

    start = clocks()
    started = start[0]
    try:
        neo4j.push(eco, uri, namespace=namespace, batch_size=batch_size, progress=progress, workers=workers)
        total = time.perf_counter() - started
        pull_start = time.perf_counter()
        back = neo4j.pull(uri, namespace=namespace)
        pull_seconds = time.perf_counter() - pull_start
        assert back == eco, back.diff(eco)[:5]
    finally:
        neo4j.drop(uri, namespace=namespace)
    # The node phase ends at the last organisation batch; the relation phase follows it.
    # Both include their share of the fixed cost (schema check, namespace node), which is small.
    nodes, rels = marks["nodes"], marks["relations"]
    return {
        "total": total, "pull": pull_seconds,
        "nodes": nodes[0] - start[0], "relations": rels[0] - nodes[0],
        "nodes_server_cpu": nodes[1] - start[1], "relations_server_cpu": rels[1] - nodes[1],
        "nodes_client_cpu": nodes[2] - start[2], "relations_client_cpu": rels[2] - nodes[2],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uri", default=os.environ.get("NEO4J_URI"), help="Bolt URI (default: $NEO4J_URI)")
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1000, help="rows for the one-transaction-per-row variant")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="organisation batches written at once (each value is a run)")
    parser.add_argument("--server-pid", type=int, help="pid of the Neo4j server (default: .neo4j/server.pid)")
    args = parser.parse_args()
    if not args.uri:
        parser.error("no server: set NEO4J_URI or pass --uri (scripts/neo4j-test-server.sh start)")
    pid_file = Path(__file__).resolve().parents[1] / ".neo4j" / "server.pid"
    pid = args.server_pid or (int(pid_file.read_text()) if pid_file.exists() else None)

    eco = synthetic(args.nodes)
    n_nodes, n_rels = len(eco), eco.number_of_relations()
    print(f"ecosystem: {n_nodes:,} organisations, {n_rels:,} relations; server {args.uri}")
    timed_push(synthetic(2000), args.uri, 1000)  # warm the server's JIT and query caches

    print(f"{'variant':<28}{'nodes/s':>12}{'rels/s':>12}{'push s':>10}{'pull s':>9}"
          f"{'nodes/server-cpu-s':>20}{'rels/server-cpu-s':>19}{'nodes/client-cpu-s':>20}")
    batched = {}
    for size, workers in [(size, w) for size in args.batch_sizes for w in args.workers]:
        t = timed_push(eco, args.uri, size, pid, workers)
        batched[size, workers] = (n_nodes / t["nodes"], n_rels / t["relations"])
        per_cpu = ""
        if pid is not None:
            per_cpu = (f"{n_nodes / t['nodes_server_cpu']:>20,.0f}{n_rels / t['relations_server_cpu']:>19,.0f}"
                       f"{n_nodes / t['nodes_client_cpu']:>20,.0f}")
        print(f"{f'{size} rows/tx, {workers} writer(s)':<28}{batched[size, workers][0]:>12,.0f}"
              f"{batched[size, workers][1]:>12,.0f}"
              f"{t['total']:>10.1f}{t['pull']:>9.1f}{per_cpu}")

    sample = synthetic(args.sample)
    t = timed_push(sample, args.uri, 1, pid, workers=1)
    per_row = (len(sample) / t["nodes"], sample.number_of_relations() / t["relations"])
    projected = n_nodes / per_row[0] + n_rels / per_row[1]
    print(f"{'1 row/tx (sample)':<28}{per_row[0]:>12,.0f}{per_row[1]:>12,.0f}"
          f"{f'~{projected:,.0f}':>10}{'':>9}  (push time extrapolated to {n_nodes:,} organisations)")
    if pid is not None:
        print(f"{'':<28}{'':>12}{'':>12}{'':>10}{'':>9}{len(sample) / t['nodes_server_cpu']:>20,.0f}"
              f"{sample.number_of_relations() / t['relations_server_cpu']:>19,.0f}"
              f"{len(sample) / t['nodes_client_cpu']:>20,.0f}")
    best = max(batched, key=lambda s: batched[s][0])
    print(f"batched ({best[0]} rows/tx, {best[1]} writer(s)) vs 1 row/tx: nodes {batched[best][0] / per_row[0]:.0f}x, "
          f"relations {batched[best][1] / per_row[1]:.0f}x; target >= 20,000 nodes/s: "
          f"{'met' if batched[best][0] >= 20_000 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
