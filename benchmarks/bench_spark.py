"""ecograph.spark in local mode against the sparse core, on synthetic registries.

A synthetic registry of R relations: R/10 firms with 18-character ids (the length of a unified
social credit code), power-law degrees (Chung–Lu, exponent 2.5), 80 % ``serves`` (directed,
with ``count``) and 20 % ``collaborates`` (symmetric), written as a Parquet folder with pyarrow.
Measured, with the load average of the machine next to every figure:

* reading and validating the folder (records per second per core);
* degree, connected components (rounds), reach from 10 sources within 2 hops;
* PageRank: seconds and shuffle bytes (written + read, from Spark's status API) per iteration,
  for several shuffle-partition counts;
* the sparse core on the same graph: compile, PageRank per iteration, components.

Run: ``python benchmarks/bench_spark.py --relations 1e6 [--partitions 2,4,8] [--iterations 3]
[--master local[2]] [--driver-memory 6g] [--skip-spark | --skip-core] [--markdown FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from common import log, power_law_edges  # noqa: E402

RELATIONS_PER_FIRM = 10


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f}/{five:.1f}/{fifteen:.1f}"


def write_registry(folder: Path, relations: int, seed: int = 0) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """The synthetic registry as Parquet; returns (firms, src, dst, is_serves) for the core."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = max(relations // RELATIONS_PER_FIRM, 10)
    src, dst = power_law_edges(n, avg_degree=2.0 * relations / n / 1.05, seed=seed)
    src, dst = src[:relations], dst[:relations]
    rng = np.random.default_rng(seed)
    serves = rng.random(len(src)) < 0.8
    ids = np.char.zfill(np.arange(n).astype(str), 18).astype(object)
    (folder / "organizations.parquet").mkdir(parents=True)
    (folder / "relations.parquet").mkdir(parents=True)
    pq.write_table(pa.table({"id": ids, "name": ids, "kind": np.full(n, "enterprise", dtype=object),
                             "sector": np.full(n, "industry", dtype=object)}),
                   folder / "organizations.parquet" / "part-0.parquet")
    chunk = 2_000_000
    for part, start in enumerate(range(0, len(src), chunk)):
        stop = min(start + chunk, len(src))
        kinds = np.where(serves[start:stop], "serves", "collaborates").astype(object)
        pq.write_table(pa.table({
            "source": ids[src[start:stop]], "target": ids[dst[start:stop]], "type": kinds,
            "key": np.char.add("r", np.arange(start, stop).astype(str)).astype(object),
            "count": rng.integers(1, 6, stop - start),
        }), folder / "relations.parquet" / f"part-{part}.parquet")
    return n, src, dst, serves


def shuffle_bytes(spark) -> int:
    """Shuffle bytes written + read by every stage so far (Spark's REST status API)."""
    ui = spark.sparkContext.uiWebUrl
    app = spark.sparkContext.applicationId
    with urllib.request.urlopen(f"{ui}/api/v1/applications/{app}/stages?status=complete") as response:
        stages = json.load(response)
    return sum(s.get("shuffleWriteBytes", 0) + s.get("shuffleReadBytes", 0) for s in stages)


def measure_spark(args: argparse.Namespace, folder: Path, cores: int, record) -> None:
    """Read the Parquet registry with ecograph.spark and time the analytics."""
    from ecograph import spark as egs
    from ecograph.errors import ConvergenceError

    spark = egs.session(args.master, **{"spark.ui.enabled": "true", "spark.ui.port": "4050",
                                        "spark.driver.memory": args.driver_memory,
                                        "spark.sql.shuffle.partitions": 2 * cores})
    started = time.perf_counter()
    graph = egs.read(spark, str(folder))
    graph = graph.cache()
    count = graph.orgs.count() + graph.relations.count()
    elapsed = time.perf_counter() - started
    record("read + validate + cache", f"{elapsed:.1f} s, {count / elapsed / cores:,.0f} records/s per core")

    started = time.perf_counter()
    egs.degree(graph).write.mode("overwrite").format("noop").save()
    record("degree", f"{time.perf_counter() - started:.1f} s")

    sources = [str(i).zfill(18) for i in range(10)]
    started = time.perf_counter()
    reached = egs.reach(graph, sources, 2).count()
    record("reach, 10 sources, 2 hops", f"{time.perf_counter() - started:.1f} s ({reached:,} reached)")

    rounds: list[int] = []
    started = time.perf_counter()
    egs.connected_components(graph, progress=lambda r, _e: rounds.append(r)).write.mode("overwrite") \
        .format("noop").save()
    record("connected components", f"{time.perf_counter() - started:.1f} s, {len(rounds)} rounds")

    for partitions in [int(p) for p in args.partitions.split(",")]:
        spark.conf.set("spark.sql.shuffle.partitions", str(partitions))
        marks: list[tuple[float, int]] = [(time.perf_counter(), shuffle_bytes(spark))]
        setup = time.perf_counter()

        def tick(_i: int, _change: float) -> None:
            marks.append((time.perf_counter(), shuffle_bytes(spark)))

        try:
            egs.pagerank(graph, weight="count", max_iter=args.iterations + 1, tol=0.0, progress=tick)
        except ConvergenceError:
            pass
        steps = list(zip(marks[1:], marks[2:]))  # the first round also pays for the set-up
        per_iteration = np.median([b[0] - a[0] for a, b in steps])
        shuffled = np.median([b[1] - a[1] for a, b in steps])
        record(f"pagerank, {partitions} partitions",
               f"{per_iteration:.2f} s per iteration, {shuffled / 1e6:.1f} MB shuffled per iteration, "
               f"set-up + first iteration {marks[1][0] - setup:.1f} s")
    spark.stop()


def measure_core(n: int, src: np.ndarray, dst: np.ndarray, serves: np.ndarray, record) -> None:
    """The sparse core on the same graph (numba kernels compiled on a tiny graph first)."""
    import ecograph as eg
    from ecograph.errors import ConvergenceError
    from scipy.sparse.csgraph import connected_components

    eg.pagerank(eg.SparseGraph.from_edges(np.array([0, 1]), np.array([1, 0]), n=2, directed=True))
    started = time.perf_counter()
    both = ~serves
    u = np.concatenate([src, dst[both]])
    v = np.concatenate([dst, src[both]])
    core = eg.SparseGraph.from_edges(u, v, n=n, directed=True)  # per-iteration cost does not depend on the values
    record("core: compile", f"{time.perf_counter() - started:.2f} s")
    iterations = 20
    started = time.perf_counter()
    try:
        eg.pagerank(core, tol=0.0, max_iter=iterations)
    except ConvergenceError:
        pass
    record("core: pagerank", f"{(time.perf_counter() - started) / iterations:.4f} s per iteration")
    started = time.perf_counter()
    connected_components(core.matrix, directed=True, connection="weak")
    record("core: connected components (scipy)", f"{time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relations", type=float, default=1e6)
    parser.add_argument("--partitions", default="2,4,8", help="shuffle-partition counts for PageRank")
    parser.add_argument("--iterations", type=int, default=3, help="PageRank iterations timed per partition count")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument("--skip-core", action="store_true", help="only Spark")
    parser.add_argument("--skip-spark", action="store_true", help="only the sparse core on the same graph")
    parser.add_argument("--markdown", metavar="FILE")
    args = parser.parse_args()

    from ecograph.spark.session import _local_cores

    relations = int(args.relations)
    cores = _local_cores(args.master)
    rows: list[tuple[str, str, str]] = []

    def record(what: str, value: str) -> None:
        rows.append((what, value, load()))
        log(f"{what}: {value}  (load {load()})")

    folder = Path(tempfile.mkdtemp(prefix="ecograph-bench-spark-"))
    started = time.perf_counter()
    n, src, dst, serves = write_registry(folder / "registry", relations)
    elapsed = time.perf_counter() - started
    record("synthetic registry", f"{n:,} firms, {len(src):,} relations, written in {elapsed:.1f} s")
    if not args.skip_spark:
        measure_spark(args, folder / "registry", cores, record)
    if not args.skip_core:
        measure_core(n, src, dst, serves, record)

    if args.markdown:
        lines = [f"| {relations:.0e} relations, {args.master} | value | load average (1/5/15 min) |", "|---|---|---|"]
        lines += [f"| {what} | {value} | {avg} |" for what, value, avg in rows]
        Path(args.markdown).write_text("\n".join(lines) + "\n", encoding="utf-8")
        log(f"wrote {args.markdown}")


if __name__ == "__main__":
    main()
