"""Reach (辐射能力): how far services, collaboration or influence spread from a set of sources.

All functions run one multi-source breadth-first search over the compiled CSR graph
(:func:`ecograph.search.bfs_levels`): every source starts at hop 0; small frontiers gather their own rows, so
reaching a few thousand nodes in a million-node graph costs only their edges, and a frontier
holding most of the remaining edges is expanded bottom-up instead of scanning all its edges. Edges are followed in their direction
(both ways on undirected graphs).

On an :class:`~ecograph.model.Ecosystem`, ``relations`` restricts the relation types followed
and ``directed=False`` reads every relation both ways (e.g. to reach a platform's ring members,
whose ``in_ring`` relations point to the platform).

Examples
--------
>>> import networkx as nx
>>> import ecograph as eg
>>> g = nx.path_graph(5)
>>> eg.reach(g, [0], hops=2).to_dict()
{0: 0, 1: 1, 2: 2}
>>> eg.reach_profile(g, [0, 4], hops=2)
[2, 4, 5]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numba
import numpy as np

from .errors import AnalysisError
from .matrix import GraphLike, SparseGraph, compile
from .results import NodeValues
from .search import bfs_levels, filled, run_parallel

__all__ = ["reach", "reach_profile", "coverage", "decay_reach", "influence", "k_step_reach"]

Sources = Hashable | Iterable[Hashable]


def reach(
    G: GraphLike,
    sources: Sources,
    hops: int | None = None,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> NodeValues:
    """Nodes reached from ``sources`` within ``hops`` steps, with their hop distance.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    sources : node or iterable of nodes
        Where the spread starts (hop 0). A string is one node.
    hops : int, optional
        Maximum number of steps; ``None`` means unbounded.
    relations : str or iterable of str, optional
        Relation types to follow (Ecosystems, or networkx graphs whose edges carry ``type``).
    directed : bool, optional
        ``False`` follows edges both ways; ``None`` keeps the graph's (or the Ecosystem's
        default) view.

    Returns
    -------
    NodeValues
        ``{reached node: hop}`` (ints) in breadth-first order: the sources first (as
        given, repeats dropped), then hop by hop.

    Raises
    ------
    NodeNotFoundError
        Naming the source ids that are not nodes.
    AnalysisError
        A negative ``hops``.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("d", "a")])
    >>> reach(g, "a").to_dict()
    {'a': 0, 'b': 1, 'c': 2}
    >>> reach(g, "a", directed=False).to_dict()
    {'a': 0, 'b': 1, 'd': 1, 'c': 2}
    """
    g, start = _prepare(G, sources, relations, directed, "reach")
    reached, dist = _bfs(g, start, hops)
    return g.subset_values(reached, dist, "hops")


def reach_profile(
    G: GraphLike,
    sources: Sources,
    hops: int,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> list[int]:
    """Cumulative number of nodes reached within 0, 1, ..., ``hops`` steps.

    Parameters
    ----------
    G, sources, relations, directed
        As in :func:`reach`.
    hops : int
        Last hop reported.

    Returns
    -------
    list of int
        ``hops + 1`` counts; the first is the number of distinct sources.

    Raises
    ------
    NodeNotFoundError
        A source that is not in the graph.
    AnalysisError
        ``hops`` is not a non-negative integer, or ``G`` is not a graph.

    Examples
    --------
    >>> import networkx as nx
    >>> reach_profile(nx.star_graph(4), [1], hops=3)
    [1, 2, 5, 5]
    """
    g, start = _prepare(G, sources, relations, directed, "reach_profile")
    _check_hops(hops, "reach_profile", required=True)
    _, dist = _bfs(g, start, hops)
    return np.cumsum(np.bincount(dist, minlength=hops + 1)).tolist()


def coverage(
    G: GraphLike,
    sources: Sources,
    population: Iterable[Hashable],
    hops: int,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> list[dict[str, Any]]:
    """Share of a target population reached within 0..``hops`` steps.

    E.g. the SMEs of an industry reached by a platform's services within two hops.

    Parameters
    ----------
    G, sources, relations, directed
        As in :func:`reach`.
    population : iterable of nodes
        The target population (duplicates ignored). Sources that belong to it count as
        reached at hop 0.
    hops : int
        Last hop reported.

    Returns
    -------
    list of dict
        One row per hop ``0..hops``: ``hop``, ``reached`` (population members reached within
        that many steps, cumulative), ``population`` (its size) and ``share``
        (``reached / population``).

    Raises
    ------
    NodeNotFoundError
        Unknown source or population ids (named).
    AnalysisError
        An empty population.

    Examples
    --------
    >>> import networkx as nx
    >>> rows = coverage(nx.path_graph(5), [0], population=[2, 3, 4], hops=3)
    >>> [(r["hop"], r["reached"], r["share"]) for r in rows]
    [(0, 0, 0.0), (1, 0, 0.0), (2, 1, 0.3333333333333333), (3, 2, 0.6666666666666666)]
    """
    g, start = _prepare(G, sources, relations, directed, "coverage")
    _check_hops(hops, "coverage", required=True)
    members = np.unique(g.positions(population, "coverage population"))
    if len(members) == 0:
        raise AnalysisError("coverage: the population is empty", field="population")
    reached, dist = _bfs(g, start, hops)
    in_population = np.zeros(g.n, dtype=bool)
    in_population[members] = True
    counts = np.cumsum(np.bincount(dist[in_population[reached]], minlength=hops + 1)).tolist()
    size = len(members)
    return [{"hop": h, "reached": c, "population": size, "share": c / size} for h, c in enumerate(counts)]


def decay_reach(
    G: GraphLike,
    sources: Sources,
    delta: float,
    hops: int | None = None,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> float:
    """Decayed reach: the sum of ``delta ** hop`` over the nodes reached beyond the sources.

    A node ``h`` hops away counts ``delta**h`` (Jackson's decay centrality of a source set):
    with ``delta = 1`` this is the number of nodes reached, with small ``delta`` it is close
    to ``delta`` times the number of direct neighbours.

    Parameters
    ----------
    G, sources, relations, directed
        As in :func:`reach`.
    delta : float
        Decay per hop, in ``(0, 1]``.
    hops : int, optional
        Maximum hop counted (unbounded by default).

    Returns
    -------
    float

    Raises
    ------
    AnalysisError
        ``delta`` outside ``(0, 1]``.

    Examples
    --------
    >>> import networkx as nx
    >>> decay_reach(nx.path_graph(4), [0], delta=0.5)
    0.875
    """
    if not 0 < delta <= 1:
        raise AnalysisError(f"decay_reach: delta must be in (0, 1], got {delta}", field="delta")
    g, start = _prepare(G, sources, relations, directed, "decay_reach")
    _, dist = _bfs(g, start, hops)
    beyond = dist[dist > 0]
    return float(np.sum(np.power(float(delta), beyond)))


def influence(
    G: GraphLike,
    sources: Sources | Mapping[Hashable, float],
    alpha: float = 0.85,
    weight: str | None = "weight",
    tol: float = 1e-10,
    max_iter: int = 1000,
    *,
    relations: str | Iterable[str] | None = None,
) -> NodeValues:
    """Influence of a source set: PageRank personalised on the sources.

    A random walk that restarts at the sources (probability ``1 - alpha`` per step); the
    stationary probability of each node is its share of the sources' influence. Equals
    ``nx.pagerank(G, alpha, personalization={s: 1 for s in sources})``.

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    sources : node, iterable of nodes, or mapping node -> restart weight
    alpha, weight, tol, max_iter
        As in :func:`ecograph.pagerank`.
    relations : str or iterable of str, optional
        Relation types forming the graph (Ecosystems); all by default.

    Returns
    -------
    NodeValues
        Sums to 1 over all nodes.

    Raises
    ------
    NodeNotFoundError
        Unknown source ids.

    Examples
    --------
    >>> import networkx as nx
    >>> inf = influence(nx.path_graph(3), [0])
    >>> round(inf[0], 4), round(inf[2], 4)
    (0.3453, 0.1953)
    """
    from .centrality import pagerank

    g = compile(G, weight, relations=relations)
    if isinstance(sources, Mapping):
        restart = dict(sources)
    else:
        restart = {g.nodes[i]: 1.0 for i in np.unique(_positions(g, sources, "influence")).tolist()}
    values = pagerank(g, alpha=alpha, personalization=restart, weight=weight, tol=tol, max_iter=max_iter)
    values.name = "influence"
    return values


def k_step_reach(
    G: GraphLike,
    hops: int = 2,
    relations: str | Iterable[str] | None = None,
    *,
    directed: bool | None = None,
) -> NodeValues:
    """For every node, how many other nodes it reaches within ``hops`` steps ("2-step reach").

    Exact: one bounded breadth-first search per node, run in parallel in a compiled kernel
    (equals ``len(nx.single_source_shortest_path_length(G, v, cutoff=hops)) - 1``).

    Parameters
    ----------
    G : Ecosystem, SparseGraph or networkx graph
    hops : int
        Number of steps (``hops >= 0``).
    relations, directed
        As in :func:`reach`.

    Returns
    -------
    NodeValues
        Integer counts, excluding the node itself.

    Raises
    ------
    AnalysisError
        ``hops`` is not a non-negative integer, or ``G`` is not a graph.

    Examples
    --------
    >>> import networkx as nx
    >>> k_step_reach(nx.path_graph(5), hops=2).to_dict()
    {0: 2, 1: 3, 2: 4, 3: 3, 4: 2}
    """
    _check_hops(hops, "k_step_reach", required=True)
    g = compile(G, relations=relations, directed=directed)
    counts = run_parallel(_bounded_counts, g.n, g.indptr, g.indices, hops)
    return g.values(counts, f"reach_{hops}_step")


# ---------------------------------------------------------------------- helpers
def _prepare(
    G: GraphLike, sources: Sources, relations: Any, directed: bool | None, who: str
) -> tuple[SparseGraph, np.ndarray]:
    g = compile(G, relations=relations, directed=directed)
    return g, _positions(g, sources, who)  # the search itself skips repeated sources


def _positions(g: SparseGraph, sources: Sources, who: str) -> np.ndarray:
    return g.positions(sources, f"{who} sources")


def _check_hops(hops: int | None, who: str, required: bool = False) -> None:
    if hops is None and not required:
        return
    if isinstance(hops, bool) or not isinstance(hops, (int, np.integer)) or hops < 0:
        raise AnalysisError(f"{who}: hops must be a non-negative integer, got {hops!r}", field="hops")


def _bfs(g: SparseGraph, start: np.ndarray, hops: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Reached positions (BFS order) and their hop distances."""
    _check_hops(hops, "reach")
    if g.n == 0 or len(start) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    dist = np.full(g.n, -1, np.int32)
    queue = np.empty(g.n, np.int32)
    rev = g.T
    tail = bfs_levels(g.indptr, g.indices, rev.indptr, rev.indices, start, -1 if hops is None else int(hops),
                      dist, queue)
    reached = queue[:tail].astype(np.int64)
    return reached, dist[reached].astype(np.int64)


@numba.njit(cache=True, parallel=True, nogil=True)
def _bounded_counts(indptr, indices, k, threads, block):  # pragma: no cover - compiled
    # Top-down only (k is small); nodes are stamped with the current source, so nothing is
    # reset between sources, and the last level is only counted, never queued.
    n = len(indptr) - 1
    counts = filled(n, 0, np.int64)
    stamps = filled((threads, n), -1, np.int64)
    queues = np.empty((threads, n), np.int32)
    for b in numba.prange((n + block - 1) // block):
        t = numba.get_thread_id()
        stamp, queue = stamps[t], queues[t]
        for s in range(b * block, min(n, (b + 1) * block)):
            stamp[s] = s
            queue[0] = s
            head, tail, count = 0, 1, 0
            for level in range(k):
                last = level == k - 1
                level_end = tail
                for i in range(head, level_end):
                    v = queue[i]
                    for e in range(indptr[v], indptr[v + 1]):
                        w = indices[e]
                        if stamp[w] != s:
                            stamp[w] = s
                            count += 1
                            if not last:
                                queue[tail] = w
                                tail += 1
                head = level_end
                if head == tail:
                    break
            counts[s] = count
    return counts
