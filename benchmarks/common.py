"""Shared helpers for the benchmarks: seeded power-law graphs, timing, table output.

Graphs are Chung–Lu random graphs with a power-law expected degree sequence (exponent 2.5,
average degree ~10), built from numpy arrays so that a million nodes take seconds; the same
edge list is loaded into ecograph, networkx, igraph and scikit-network.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def log(message: str) -> None:
    """Progress goes to stderr so stdout keeps only the tables."""
    print(message, file=sys.stderr, flush=True)


def _power_law_weights(n: int, exponent: float) -> np.ndarray:
    """Expected-degree shares ``w_i ~ (i + 10)^(-1/(exponent-1))`` (the offset keeps the
    largest hub reasonable), summing to 1."""
    weights = (np.arange(n, dtype=np.float64) + 10.0) ** (-1.0 / (exponent - 1.0))
    return weights / weights.sum()


def _endpoints(rng: np.random.Generator, weights: np.ndarray, m: int) -> np.ndarray:
    """About ``m`` endpoints drawn proportionally to ``weights`` (Poisson counts per node,
    shuffled: linear time, where inverse-CDF sampling of 10M draws takes tens of seconds),
    hubs at random positions rather than at low ids."""
    n = len(weights)
    ends = np.repeat(rng.permutation(n), rng.poisson(weights * m))
    rng.shuffle(ends)
    return ends


def _simple(src: np.ndarray, dst: np.ndarray, n: int, undirected: bool) -> tuple[np.ndarray, np.ndarray]:
    """Drop self-loops and duplicates (for undirected graphs, of either orientation)."""
    size = min(len(src), len(dst))
    src, dst = src[:size].astype(np.int64), dst[:size].astype(np.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    if undirected:
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    key = np.unique(src * n + dst)
    return key // n, key % n


def power_law_edges(n: int, avg_degree: float = 10.0, exponent: float = 2.5, seed: int = 0):
    """Edge arrays ``(src, dst)`` of an undirected Chung–Lu graph (no self-loops or duplicates).

    Both endpoints are drawn proportionally to power-law expected degrees; about
    ``n * avg_degree / 2`` edges remain after duplicates and loops are dropped.
    """
    rng = np.random.default_rng(seed)
    weights = _power_law_weights(n, exponent)
    m = int(n * avg_degree / 2 * 1.05)  # a few percent are dropped as duplicates
    return _simple(_endpoints(rng, weights, m), _endpoints(rng, weights, m), n, undirected=True)


def power_law_arcs(n: int, avg_out_degree: float = 5.0, exponent: float = 2.5, seed: int = 0):
    """Arc arrays ``(src, dst)`` of a directed Chung–Lu graph: out- and in-degrees both
    power-law (independently placed), average out-degree ``avg_out_degree``; no self-loops
    or duplicate arcs. About 7% of the nodes have no out-arc (dangling) and 7% no in-arc.
    """
    rng = np.random.default_rng(seed)
    weights = _power_law_weights(n, exponent)
    m = int(n * avg_out_degree * 1.02)
    return _simple(_endpoints(rng, weights, m), _endpoints(rng, weights, m), n, undirected=False)


@dataclass
class Graphs:
    """One benchmark graph in every library's format (built on demand)."""

    n: int
    src: np.ndarray
    dst: np.ndarray
    _cache: dict[str, Any] = field(default_factory=dict)

    @property
    def m(self) -> int:
        return len(self.src)

    def ecograph(self):
        if "eg" not in self._cache:
            from ecograph.matrix import SparseGraph

            self._cache["eg"] = SparseGraph.from_edges(self.src, self.dst, n=self.n, directed=False)
        return self._cache["eg"]

    def networkx(self):
        if "nx" not in self._cache:
            import networkx as nx

            g = nx.Graph()
            g.add_nodes_from(range(self.n))
            g.add_edges_from(zip(self.src.tolist(), self.dst.tolist()))
            self._cache["nx"] = g
        return self._cache["nx"]

    def igraph(self):
        if "ig" not in self._cache:
            import igraph as ig

            self._cache["ig"] = ig.Graph(n=self.n, edges=np.column_stack((self.src, self.dst)).tolist())
        return self._cache["ig"]

    def sknetwork(self):
        if "sk" not in self._cache:  # scikit-network wants the older scipy.sparse matrix class
            import scipy.sparse as sp

            self._cache["sk"] = sp.csr_matrix(self.ecograph().matrix)
        return self._cache["sk"]


def load(size: str, seed: int = 0) -> Graphs:
    n = SIZES[size]
    log(f"[graph] {size}: generating power-law graph with {n:,} nodes")
    src, dst = power_law_edges(n, seed=seed)
    return Graphs(n, src, dst)


def compile_memory(graphs: Graphs) -> tuple[float, int, int]:
    """Seconds and peak traced bytes to compile the edge arrays, and bytes of the result."""
    from ecograph.matrix import SparseGraph

    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    g = SparseGraph.from_edges(graphs.src, graphs.dst, n=graphs.n, directed=False)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak, g.nbytes()


def memory_check(n: int = 1_000_000, m: int = 10_000_000, seed: int = 0) -> str:
    """Compile ``m`` random directed edges on ``n`` nodes from edge arrays; report time and memory.

    The peak is what tracemalloc sees (numpy and scipy allocate through it) on top of the
    edge arrays themselves; the process's maximum resident size is reported too.
    """
    import resource

    from ecograph.matrix import SparseGraph

    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    g = SparseGraph.from_edges(src, dst, n=n, directed=True)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10  # KiB on Linux
    return (f"memory check: {n:,} nodes, {m:,} directed edges compiled in {seconds:.1f} s; "
            f"peak {peak / 2**20:.0f} MiB during compilation (input arrays {2 * src.nbytes / 2**20:.0f} MiB "
            f"not included), CSR {g.nbytes() / 2**20:.0f} MiB ({g.nbytes() / g.nnz:.1f} bytes/entry), "
            f"process max RSS {rss:.0f} MiB")


def timeit(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``repeat`` runs (after nothing: warm-ups are the caller's job)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@dataclass
class Row:
    algorithm: str
    size: str
    times: dict[str, float | None]  # library -> seconds (None: not run)
    notes: list[str] = field(default_factory=list)


LIBRARIES = ("ecograph", "igraph", "networkx", "sknetwork")


def format_seconds(value: float | None, estimated: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return f"~{text}" if estimated else text


def table(rows: list[Row]) -> str:
    """A markdown table: median seconds per library and the speed-up of ecograph over each."""
    head = ["algorithm", "size", *LIBRARIES, "vs igraph", "vs networkx", "vs sknetwork", "notes"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        ours = row.times.get("ecograph")
        cells = [row.algorithm, row.size]
        for lib in LIBRARIES:
            cells.append(format_seconds(row.times.get(lib), estimated=f"{lib} estimated" in " ".join(row.notes)))
        for lib in ("igraph", "networkx", "sknetwork"):
            other = row.times.get(lib)
            cells.append(f"{other / ours:.1f}×" if other and ours else "—")
        cells.append("; ".join(row.notes))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    """One line describing where the numbers were measured."""
    import numba

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = f"{names[0]} ×{len(names)}" if names else cpu
    except OSError:
        pass
    versions = []
    for name in ("numpy", "scipy", "networkx", "igraph", "sknetwork", "numba"):
        try:
            versions.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            pass
    return (f"{cpu}, {os.cpu_count()} logical cores, numba threads {numba.get_num_threads()}, "
            f"Python {platform.python_version()}; " + ", ".join(versions))
